"""Tickets and their messages (SUP-1..SUP-5, SUP-14)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from orders.models import Migration
from slaportal.accounts.choices import ProductLine
from slaportal.calendars.selectors import business_calendar

from .. import emails
from ..choices import CMS_REFUSED_CHANNELS, Channel, MessageKind, Metric, TicketStatus
from ..intake import intake_checks
from ..models import Breach, Clarification, RefusedRequest, Ticket, TicketMessage
from ..selectors import active_support_stop, customer_plan, support_settings
from ..transitions import FINAL_STATUS, check_ticket_move
from .clocks import (
    add_target,
    clock_pause,
    clock_runs,
    clock_start,
    current_due,
    target,
    ticket_recompute_clocks,
)
from .common import notify, now_or
from .sla import breach_record, target_record, termination_evaluate

STOPPED_MESSAGE = (
    "Support for this account has been stopped, so new requests are not accepted. "
    "Nothing you sent before has been deleted. Please contact your account manager{who}."
)


class SupportStopped(ValidationError):
    """SUP-4: refused because support is stopped; carries the stop in force."""

    def __init__(self, message: str, stop=None):
        super().__init__(message)
        self.stop = stop


def stopped_message(customer) -> str:
    manager = customer.account_manager
    who = ""
    if manager is not None and manager.email:
        name = manager.get_full_name().strip()
        who = f", {name} ({manager.email})" if name else f" at {manager.email}"
    return STOPPED_MESSAGE.format(who=who)


def refuse_if_stopped(customer) -> None:
    stop = active_support_stop(customer=customer)
    if stop is not None:
        raise SupportStopped(stopped_message(customer), stop=stop)


@transaction.atomic
def support_refusal_record(
    *, customer, channel: str, subject: str = "", ticket=None, inbound_email=None,
    reply_to: str = "", now: dt.datetime | None = None,
) -> RefusedRequest | None:
    """SUP-4: keep a refused attempt (staff see each on the customer); an e-mail gets the
    refusal back by e-mail, saying how to reach the account manager. Called after the
    refused write rolled back. Nothing is recorded when support is not stopped."""
    now = now_or(now)
    stop = active_support_stop(customer=customer)
    if stop is None:
        return None
    refusal = RefusedRequest.objects.create(
        customer=customer, stop=stop, channel=channel, subject=subject[:300], ticket=ticket,
        inbound_email=inbound_email, replied_to=reply_to[:254], attempted_at=now,
    )
    if reply_to:
        notify(
            to=[reply_to],
            subject=f"Re: {subject}" if subject else "Your support request",
            body=stopped_message(customer),
        )
    return refusal


def find_migration(*, customer, line: str, migration_id: str) -> Migration:
    """The customer's migration by its Migration ID; another customer's is refused."""
    migration = Migration.objects.filter(migration_id__iexact=migration_id.strip()).first()
    if migration is None:
        raise ValidationError({"migration_id": f"No migration with ID {migration_id!r}."})
    if migration.customer_id != customer.pk:
        raise ValidationError(
            {"migration_id": f"Migration {migration_id} does not belong to this account."}
        )
    if migration.line != line:
        raise ValidationError(
            {"migration_id": f"Migration {migration_id} is not on this product line."}
        )
    return migration


@transaction.atomic
def ticket_create(
    *,
    customer,
    line: str,
    channel: str,
    subject: str,
    description: str,
    actor=None,
    migration_id: str = "",
    contact_email: str | None = None,
    contact_phone: str = "",
    now: dt.datetime | None = None,
    inbound_email=None,
) -> Ticket:
    """Open a request. A request missing an intake item is created and marked (SUP-2)."""
    now = now_or(now)
    refuse_if_stopped(customer)
    if channel not in Channel.values:
        raise ValidationError({"channel": f"Unknown channel {channel!r}."})
    if line not in ProductLine.values:
        raise ValidationError({"line": f"Unknown product line {line!r}."})
    if line == ProductLine.CMS and channel in CMS_REFUSED_CHANNELS:
        raise ValidationError({"channel": (
            f"{Channel(channel).label} is not a support channel on the CMS line. "
            "CMS requests come by the web form, e-mail, live chat or the forum.")})
    if not subject.strip():
        raise ValidationError({"subject": "A subject is required."})
    migration = None
    if migration_id and migration_id.strip():
        migration = find_migration(customer=customer, line=line, migration_id=migration_id)
    plan = customer_plan(customer=customer, line=line)
    settings = support_settings()
    if contact_email is None:
        contact_email = customer.user.email
    checks = intake_checks(
        line=line,
        account_email=customer.user.email,
        contact_email=contact_email,
        has_migration=migration is not None,
        phone=contact_phone,
        description=description,
        description_min_length=settings.description_min_length,
    )
    missing = [c.item for c in checks if not c.ok]
    ticket = Ticket(
        customer=customer,
        line=line,
        channel=channel,
        plan=plan,
        # SUP-1: forum ranks below every other channel.
        priority_rank=0 if channel == Channel.FORUM else plan.priority_rank,
        migration=migration,
        subject=subject.strip(),
        description=description,
        contact_email=contact_email,
        contact_phone=contact_phone,
        intake_missing=missing,
        intake_complete=not missing,
        received_at=now,
        cycle_started_at=now,
        last_customer_message_at=now,
    )
    clock_start(ticket=ticket, metric=Metric.FIRST_RESPONSE, at=now)
    ticket.save()
    TicketMessage.objects.create(
        ticket=ticket, kind=MessageKind.CUSTOMER, author=customer.user, body=description,
        created_at=now, inbound_email=inbound_email,
    )
    ack = f"We received your request {ticket.reference}: {ticket.subject}."
    if channel == Channel.FORUM:
        ack += (" Forum questions are answered after direct requests and carry no response "
                "time guarantee; they may take a few business days.")
    if missing:
        ack += " Please send us: " + "; ".join(c.message for c in checks if not c.ok)
    if actor is not None and actor.is_staff:
        TicketMessage.objects.create(
            ticket=ticket, kind=MessageKind.INTERNAL_NOTE, author=actor, created_at=now,
            body=f"Opened on the customer's behalf from {ticket.get_channel_display()}.",
        )
    TicketMessage.objects.create(
        ticket=ticket, kind=MessageKind.AUTO_ACK, body=ack, created_at=now
    )
    ticket_recompute_clocks(ticket=ticket, settings=settings)
    notify(to=[customer.user.email], subject=f"[#{ticket.reference}] {ticket.subject}", body=ack,
           link=emails.ticket_link(ticket), link_label=f"Open request {ticket.reference}")
    return ticket


def _lock(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update().select_related(
        "plan__calendar", "customer__user"
    ).get(pk=ticket.pk)


def _breach_if_late(ticket: Ticket, now: dt.datetime) -> None:
    """SUP-8: a target answered (or ended by a close) after its due time is recorded at
    that moment, not left to the next sweep — which would then see the reply and move
    on. Never two records for one target (the sweep finds it marked, and the unique
    constraint holds either way); SUP-9 is re-evaluated for the data line."""
    if not (clock_runs(ticket) and ticket.next_due_at is not None
            and ticket.next_due_at <= now and not ticket.overdue_recorded):
        return
    target_record(ticket=ticket, now=now)
    if breach_record(ticket=ticket, now=now) and ticket.line == ProductLine.DATA:
        termination_evaluate(customer_id=ticket.customer_id, when=ticket.next_due_at, now=now)
    ticket.overdue_recorded = True


def _mark_met(ticket: Ticket, metric: str, now: dt.datetime) -> None:
    Breach.objects.filter(ticket=ticket, metric=metric, met_at__isnull=True).update(met_at=now)


def _move(ticket: Ticket, new: str) -> None:
    if ticket.status != new:
        check_ticket_move(line=ticket.line, current=ticket.status, new=new)
        ticket.status = new


@transaction.atomic
def ticket_reply(
    *, ticket: Ticket, actor, body: str, wait_for_customer: bool = False,
    now: dt.datetime | None = None,
) -> TicketMessage:
    """SUP-5: a public staff reply — the only kind of message that is a response."""
    now = now_or(now)
    if not body.strip():
        raise ValidationError("A reply cannot be empty.")
    ticket = _lock(ticket)
    if ticket.is_final:
        raise ValidationError("Reopen the ticket before replying (SUP-14).")
    message = TicketMessage.objects.create(
        ticket=ticket, kind=MessageKind.PUBLIC_REPLY, author=actor, body=body, created_at=now
    )
    if ticket.assignee_id is None:
        ticket.assignee = actor  # the engineer who answers takes the ticket
    _breach_if_late(ticket, now)
    if clock_runs(ticket) and ticket.next_due_at is not None:
        target_record(ticket=ticket, now=now, met_at=now)  # SUP-5/SUP-6: the target met
    if ticket.clock_metric:
        _mark_met(ticket, ticket.clock_metric, now)
    if ticket.first_responded_at is None:
        ticket.first_responded_at = now
    ticket.last_public_reply_at = now
    # SUP-6: from now on staff owe a progress update every update interval.
    clock_start(ticket=ticket, metric=Metric.UPDATE, at=now)
    _move(ticket, TicketStatus.WAITING_ON_CUSTOMER if wait_for_customer else TicketStatus.OPEN)
    ticket.save()
    ticket_recompute_clocks(ticket=ticket)
    emails.reply_sent(ticket, message)
    return message


@transaction.atomic
def ticket_add_note(*, ticket: Ticket, actor, body: str, now=None) -> TicketMessage:
    """An internal note: never shown to the customer, never a response (SUP-5)."""
    now = now_or(now)
    if not body.strip():
        raise ValidationError("A note cannot be empty.")
    return TicketMessage.objects.create(
        ticket=ticket, kind=MessageKind.INTERNAL_NOTE, author=actor, body=body, created_at=now
    )


@transaction.atomic
def ticket_customer_message(
    *, ticket: Ticket, body: str, actor=None, now=None, inbound_email=None
) -> TicketMessage:
    """The customer writes: answers a clarification, resumes a paused clock (SUP-3),
    starts the next-reply clock (SUP-5) or reopens a finished ticket (SUP-14)."""
    now = now_or(now)
    ticket = _lock(ticket)
    refuse_if_stopped(ticket.customer)
    if not body.strip():
        raise ValidationError("A message cannot be empty.")
    if ticket.is_final:
        _reopen(ticket, now)
    message = TicketMessage.objects.create(
        ticket=ticket, kind=MessageKind.CUSTOMER, author=actor or ticket.customer.user,
        body=body, created_at=now, inbound_email=inbound_email,
    )
    ticket.last_customer_message_at = now
    if ticket.status == TicketStatus.WAITING_ON_CUSTOMER:
        # Decision: any customer message on the ticket answers the open clarification.
        Clarification.objects.filter(
            ticket=ticket, answered_at__isnull=True, expired_at__isnull=True
        ).update(answered_at=now)
        _move(ticket, TicketStatus.OPEN)
        if ticket.clock_metric and ticket.clock_remaining_minutes is not None:
            # SUP-3/SUP-6: the paused target resumes with what was left.
            ticket.clock_started_at = now
            ticket.paused_at = None
        elif ticket.clock_metric == Metric.UPDATE:
            # A reply that waited on the customer: nothing of the interval ran yet.
            clock_start(ticket=ticket, metric=Metric.UPDATE, at=now)
        else:
            clock_start(ticket=ticket, metric=Metric.REPLY, at=now)
    if ticket.clock_metric == Metric.UPDATE:
        _reply_clock_if_sooner(ticket, now)
    ticket.save()
    ticket_recompute_clocks(ticket=ticket)
    return message


def _reply_clock_if_sooner(ticket: Ticket, now: dt.datetime) -> None:
    """SUP-6: a customer's message does not move the progress-update clock, which counts
    from the last staff update. The reply the message asks for (SUP-5) is owed too; the
    clock measures whichever target falls first, so the reply clock takes over only when
    its due time comes before the update already owed. A staff reply meets both."""
    engine = business_calendar(ticket.plan.calendar.slug)
    update_due = current_due(ticket, engine)
    amount, unit = target(ticket.plan, Metric.REPLY)
    if update_due is None or add_target(engine, now, amount, unit) < update_due:
        clock_start(ticket=ticket, metric=Metric.REPLY, at=now)


def _reopen(ticket: Ticket, now: dt.datetime) -> None:
    _move(ticket, TicketStatus.REOPENED)
    ticket.cycle += 1
    ticket.cycle_started_at = now
    ticket.first_responded_at = None
    ticket.closed_at = None
    clock_start(ticket=ticket, metric=Metric.FIRST_RESPONSE, at=now)


@transaction.atomic
def ticket_reopen(*, ticket: Ticket, actor, now=None) -> Ticket:
    """SUP-14: a reopened ticket starts a new response cycle from the reopening."""
    now = now_or(now)
    ticket = _lock(ticket)
    _reopen(ticket, now)
    ticket.save()
    TicketMessage.objects.create(
        ticket=ticket, kind=MessageKind.INTERNAL_NOTE, author=actor,
        body=f"Reopened: response cycle {ticket.cycle} starts.", created_at=now,
    )
    return ticket_recompute_clocks(ticket=ticket)


@transaction.atomic
def ticket_close(*, ticket: Ticket, actor, note: str = "", now=None) -> Ticket:
    """SUP-3: "closed" on the CMS line, "considered solved" on the data line."""
    now = now_or(now)
    ticket = _lock(ticket)
    _breach_if_late(ticket, now)  # closing does not meet a target already missed
    _move(ticket, FINAL_STATUS[ticket.line])
    ticket.closed_at = now
    Clarification.objects.filter(
        ticket=ticket, answered_at__isnull=True, expired_at__isnull=True
    ).update(expired_at=now)
    ticket.save()
    if note:
        TicketMessage.objects.create(
            ticket=ticket, kind=MessageKind.SYSTEM, author=actor, body=note, created_at=now
        )
        notify(
            to=[ticket.customer.user.email],
            subject=f"[#{ticket.reference}] {ticket.get_status_display()}",
            body=note, link=emails.ticket_link(ticket),
            link_label=f"Open request {ticket.reference}",
        )
    return ticket_recompute_clocks(ticket=ticket)


@transaction.atomic
def ticket_assign(*, ticket: Ticket, actor, assignee) -> Ticket:
    if assignee is not None and not assignee.is_staff:
        raise ValidationError("Tickets are assigned to staff only.")
    Ticket.objects.filter(pk=ticket.pk).update(assignee=assignee)
    ticket.assignee = assignee
    return ticket


def ticket_pause_for_customer(ticket: Ticket, now: dt.datetime) -> None:
    """SUP-3: the clock pauses while the ticket waits on the customer."""
    clock_pause(ticket=ticket, now=now)
    _move(ticket, TicketStatus.WAITING_ON_CUSTOMER)


@transaction.atomic
def ticket_set_status(*, ticket: Ticket, actor, status: str, now=None) -> Ticket:
    """A status chosen by staff (the queue's bulk action), through the same rules as the
    conversation: waiting on the customer pauses the clock (SUP-3); back to open resumes
    it with what was left; the final status of the line closes (SUP-3); reopened starts
    a new response cycle (SUP-14)."""
    now = now_or(now)
    if status in FINAL_STATUS.values():
        return ticket_close(ticket=ticket, actor=actor, now=now)
    if status == TicketStatus.REOPENED:
        return ticket_reopen(ticket=ticket, actor=actor, now=now)
    ticket = _lock(ticket)
    if status == ticket.status:
        return ticket
    if ticket.is_final:
        raise ValidationError(f"{ticket.reference} is {ticket.get_status_display().lower()}: "
                              "reopen it first (SUP-14).")
    if status == TicketStatus.WAITING_ON_CUSTOMER:
        _breach_if_late(ticket, now)
        ticket_pause_for_customer(ticket, now)
    elif status == TicketStatus.OPEN:
        _move(ticket, TicketStatus.OPEN)
        if ticket.clock_remaining_minutes is not None:
            ticket.clock_started_at = now  # SUP-3: resume with what was left
            ticket.paused_at = None
    else:
        raise ValidationError(f"Staff cannot set a ticket to {TicketStatus(status).label}.")
    ticket.save()
    return ticket_recompute_clocks(ticket=ticket)
