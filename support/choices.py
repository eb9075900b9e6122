from django.db import models

from slaportal.plans.choices import TargetUnit  # noqa: F401  (SUP-5, kept importable here)


class Channel(models.TextChoices):
    """SUP-1: where a request came in. Forum ranks lowest and carries no guarantee;
    phone and instant messaging are data-line channels only (SUP-1, SUP-10)."""

    WEB = "web", "Web form"
    EMAIL = "email", "E-mail"
    CHAT = "chat", "Live chat"
    FORUM = "forum", "Forum"
    PHONE = "phone", "Phone"
    IM = "im", "Instant messaging"


# SUP-1: "Phone and IM are not support channels on the CMS line."
CMS_REFUSED_CHANNELS = ("phone", "im")


class TicketStatus(models.TextChoices):
    """SUP-3/SUP-14. Allowed moves are data in ``transitions.py``."""

    NEW = "new", "New"
    OPEN = "open", "Open"
    WAITING_ON_CUSTOMER = "waiting_on_customer", "Waiting on customer"
    REOPENED = "reopened", "Reopened"
    SOLVED = "solved", "Considered solved"
    CLOSED = "closed", "Closed"


# Open work (the queue's default, and the partial indexes that serve it) and final states.
OPEN_TICKET_STATUSES = ("new", "open", "waiting_on_customer", "reopened")
FINAL_TICKET_STATUSES = ("solved", "closed")
assert set(OPEN_TICKET_STATUSES + FINAL_TICKET_STATUSES) == set(TicketStatus.values)


class MessageKind(models.TextChoices):
    """SUP-5: only a public staff reply is a response."""

    PUBLIC_REPLY = "public_reply", "Public reply"
    INTERNAL_NOTE = "internal_note", "Internal note"
    AUTO_ACK = "auto_ack", "Automatic acknowledgement"
    CLARIFICATION = "clarification", "Clarification request"
    CUSTOMER = "customer", "Customer message"
    SYSTEM = "system", "System message to the customer"


class Metric(models.TextChoices):
    """SUP-5/SUP-6: the targets a ticket's clock measures."""

    FIRST_RESPONSE = "first_response", "First response"
    REPLY = "reply", "Reply to the customer's message"
    UPDATE = "update", "Progress update"


class IntakeItem(models.TextChoices):
    """SUP-2: what a request must carry."""

    ACCOUNT_EMAIL = "account_email", "E-mail of the customer's account"
    MIGRATION_ID = "migration_id", "Migration ID"
    PHONE = "phone", "Valid phone number"
    DESCRIPTION = "description", "Clear description including any error message"


class ExclusionReason(models.TextChoices):
    """SUP-8: the seed's exclusions, plus "other"."""

    CONFIG_CHANGED = "config_changed", (
        "Customer changed the migration configuration without notice"
    )
    MAINTENANCE_PREVENTED = "maintenance_prevented", "Customer prevented required maintenance"
    DATA_CORRUPTED = "data_corrupted", "Customer corrupted the data themselves"
    OTHER = "other", "Customer otherwise caused the problem (other)"


class BookingStatus(models.TextChoices):
    """SUP-11: weekend support is paid in advance."""

    PENDING_PAYMENT = "pending_payment", "Pending payment"
    PAID = "paid", "Paid"
    DELIVERED = "delivered", "Delivered"
    CANCELLED = "cancelled", "Cancelled"


class InboundOutcome(models.TextChoices):
    CREATED = "created", "Ticket created"
    CONTINUED = "continued", "Ticket continued"
    UNKNOWN_SENDER = "unknown_sender", "Refused: unknown sender"
    SUPPORT_STOPPED = "support_stopped", "Refused: support stopped"
    FAILED = "failed", "Failed"
