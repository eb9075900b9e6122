"""Inbound support e-mail: every message is stored raw, then creates or continues a
ticket; an unknown sender gets a clear refusal (nothing is lost)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import message_from_string, policy
from email.utils import parseaddr

from django.core.exceptions import ValidationError
from django.db import transaction

from slaportal.accounts.choices import ProductLine
from slaportal.accounts.models import User

from ..choices import Channel, InboundOutcome
from ..models import InboundEmail, Ticket
from .common import logger, now_or
from .tickets import (
    SupportStopped,
    support_refusal_record,
    ticket_create,
    ticket_customer_message,
)

REFERENCE = re.compile(r"\[#T-(\d+)\]", re.IGNORECASE)
MIGRATION_ID = re.compile(r"Migration\s*ID\s*[:#]?\s*([A-Za-z0-9]{6,16})", re.IGNORECASE)
PHONE = re.compile(r"(?:phone|tel)\s*[:.]?\s*(\+[\d\s().\-]{7,24}\d)", re.IGNORECASE)
UNKNOWN_SENDER = (
    "We could not match {sender} to a customer account, so no ticket was opened. "
    "Please write from the e-mail address you sign in with."
)


@dataclass
class InboundResult:
    email: InboundEmail
    ticket: Ticket | None
    outcome: str
    message: str


def _body(msg) -> str:
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        return part.get_content()
    except (LookupError, KeyError):
        return part.get_payload(decode=True).decode("utf-8", "replace")


def inbound_email_process(*, raw: str, now=None) -> InboundResult:
    now = now_or(now)
    # PostgreSQL stores no NUL character: kept visible as \x00, so the e-mail is stored
    # as received and every field read from it can be saved.
    raw = raw.replace("\x00", "\\x00")
    msg = message_from_string(raw, policy=policy.default)
    sender = parseaddr(str(msg.get("From", "")))[1].strip()
    subject = str(msg.get("Subject", "")).strip()
    message_id = str(msg.get("Message-ID", "")).strip()[:300]
    if message_id:
        # A mail server that delivers the same message twice must not open two tickets.
        seen = InboundEmail.objects.filter(
            message_id=message_id,
            outcome__in=[InboundOutcome.CREATED, InboundOutcome.CONTINUED],
        ).select_related("ticket").first()
        if seen is not None:
            return InboundResult(email=seen, ticket=seen.ticket, outcome=seen.outcome,
                                 message=f"Already processed: {seen.detail}")
    stored = InboundEmail.objects.create(
        raw=raw, sender=sender[:254], subject=subject[:300],
        message_id=message_id, received_at=now,
        outcome=InboundOutcome.FAILED,
    )
    try:
        ticket, outcome, message = _route(stored, msg, sender, subject, now)
    except SupportStopped as exc:
        ticket, outcome, message = None, InboundOutcome.SUPPORT_STOPPED, exc.messages[0]
        customer = _customer_of(sender)
        if customer is not None:
            ref = REFERENCE.search(subject)
            on = Ticket.objects.filter(pk=int(ref[1]), customer=customer).first() if ref else None
            support_refusal_record(customer=customer, channel=Channel.EMAIL, subject=subject,
                                   ticket=on, inbound_email=stored, reply_to=sender, now=now)
    except ValidationError as exc:
        ticket, outcome, message = None, InboundOutcome.FAILED, "; ".join(exc.messages)
    InboundEmail.objects.filter(pk=stored.pk).update(
        outcome=outcome, detail=message, ticket=ticket
    )
    stored.refresh_from_db()
    logger.info("inbound e-mail %s from %s: %s", stored.pk, sender, outcome)
    return InboundResult(email=stored, ticket=ticket, outcome=outcome, message=message)


def _customer_user(sender: str):
    if not sender:
        return None
    return (User.objects.filter(email__iexact=sender, customer__isnull=False)
            .select_related("customer__account_manager").first())


def _customer_of(sender: str):
    user = _customer_user(sender)
    return user.customer if user is not None else None


@transaction.atomic
def _route(stored, msg, sender, subject, now):
    user = _customer_user(sender)
    if user is None:
        return None, InboundOutcome.UNKNOWN_SENDER, UNKNOWN_SENDER.format(sender=sender or "?")
    customer = user.customer
    body = _body(msg).strip()
    ref = REFERENCE.search(subject)
    if ref:
        ticket = Ticket.objects.filter(pk=int(ref[1]), customer=customer).first()
        if ticket is not None:
            ticket_customer_message(
                ticket=ticket, body=body or subject, actor=user, now=now, inbound_email=stored
            )
            return ticket, InboundOutcome.CONTINUED, f"Added to {ticket.reference}."
    migration_id = ""
    line = ProductLine.CMS if customer.uses_cms_line or not customer.uses_data_line else (
        ProductLine.DATA
    )
    found = MIGRATION_ID.search(body)
    if found:
        from orders.models import Migration

        migration = Migration.objects.filter(
            migration_id__iexact=found[1], customer=customer
        ).first()
        if migration is not None:
            migration_id, line = migration.migration_id, migration.line
    phone = PHONE.search(body)
    ticket = ticket_create(
        customer=customer, line=line, channel=Channel.EMAIL, subject=subject or "(no subject)",
        description=body, actor=user, migration_id=migration_id, contact_email=sender,
        contact_phone=phone[1] if phone else "", now=now, inbound_email=stored,
    )
    return ticket, InboundOutcome.CREATED, f"Opened {ticket.reference}."
