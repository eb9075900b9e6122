"""Statuses and kinds of the billing records (BIL-1..14)."""

from django.db import models


class PaymentMethod(models.TextChoices):
    """BIL-2: the accepted payment methods."""

    CARD = "card", "Card"
    PAYPAL = "paypal", "PayPal"
    WIRE = "wire", "Wire transfer"
    # BIL-7: a discount that covers the whole order; recorded, never sent to the provider.
    NO_CHARGE = "no_charge", "Nothing to pay (discount)"


class PaymentPurpose(models.TextChoices):
    ORDER = "order", "Order (billed in advance, BIL-1)"
    SURCHARGE = "surcharge", "Surcharge for new records (BIL-5)"
    WEEKEND_SUPPORT = "weekend_support", "Weekend support booking (SUP-11)"
    CUSTOM_WORK = "custom_work", "Custom work (ORD-10, billed in advance)"


class PaymentStatus(models.TextChoices):
    """The allowed moves between them are data in ``billing.transitions``."""

    PENDING = "pending", "Pending"
    COMPLETED = "completed", "Completed"
    EXPIRED = "expired", "Cancelled after 30 days (BIL-4)"
    REFUNDED = "refunded", "Refunded"
    CHARGED_BACK = "charged_back", "Charged back"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled before payment"
    LAPSED = "lapsed", "Checkout not completed in time"


class NotificationVerdict(models.TextChoices):
    RECEIVED = "received", "Received, not processed yet"
    APPLIED = "applied", "Applied"
    DUPLICATE = "duplicate", "Repeat, acknowledged and not applied again"
    REJECTED = "rejected", "Rejected (signature or test mode)"
    FAILED = "failed", "Failed"
    IGNORED = "ignored", "Ignored (type not used)"


class RefundReason(models.TextChoices):
    """The reason code the customer picks on the refund request form (BIL-8)."""

    DATA_CORRUPTION = "data_corruption", "Data corrupted by the migration (partial refund)"
    NOT_USED = "not_used", "Paid and did not use the service (full refund)"


class RefundKind(models.TextChoices):
    PARTIAL = "partial", "Partial (BIL-9, up to 30% of the migration price)"
    FULL = "full", "Full less the 5% fee (BIL-10)"
    PROVIDER = "provider", "Refunded by the payment provider"


# What the customer reads (their pages, e-mails, credit notes): no rule IDs.
REFUND_KIND_WORDS = {
    RefundKind.PARTIAL: "Partial refund",
    RefundKind.FULL: "Full refund less the 5% fee",
    RefundKind.PROVIDER: "Refund by the payment provider",
}


class RefundRequestStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    DENIED = "denied", "Denied"
    PAID_OUT = "paid_out", "Paid out"


class SurchargeSource(models.TextChoices):
    ENGINE = "engine", "Counted by the migration engine at the start"
    ADMIN = "admin", "Raised by an account manager"


class SurchargeStatus(models.TextChoices):
    DUE = "due", "Awaiting payment"
    PAID = "paid", "Paid"
    REFUNDED = "refunded", "Refunded"
