"""SUP-3: clarification requests and their expiry."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from slaportal.bulk import bulk_update_values, history_snapshot
from slaportal.calendars.selectors import business_calendar, business_calendars
from slaportal.jobs import Step, drain

from .. import emails
from ..choices import IntakeItem, MessageKind, TicketStatus
from ..models import Clarification, Ticket, TicketMessage
from ..selectors import support_settings
from ..transitions import FINAL_STATUS
from .clocks import ticket_recompute_clocks
from .common import notify, now_or
from .tickets import _lock, _move, ticket_pause_for_customer


@transaction.atomic
def ticket_clarify(
    *, ticket: Ticket, actor, question: str, item: str = "", now=None
) -> Clarification:
    """Ask the customer for a missing item; the ticket then waits on the customer and
    its clock pauses. A clarification request is not a response (SUP-5)."""
    now = now_or(now)
    if not question.strip():
        raise ValidationError("Say what the customer should send.")
    if item and item not in IntakeItem.values:
        raise ValidationError(f"Unknown intake item {item!r}.")
    ticket = _lock(ticket)
    if ticket.is_final:
        raise ValidationError("Reopen the ticket before asking the customer (SUP-14).")
    settings = support_settings()
    asked = ticket.clarifications.count()
    if asked >= settings.max_clarifications:
        raise ValidationError(
            f"At most {settings.max_clarifications} clarification requests per ticket "
            f"(SUP-3); this ticket has had {asked}."
        )
    # An earlier request left unanswered is superseded by the new one.
    ticket.clarifications.filter(answered_at__isnull=True, expired_at__isnull=True).update(
        expired_at=now
    )
    engine = business_calendar(ticket.plan.calendar.slug)
    clarification = Clarification.objects.create(
        ticket=ticket,
        number=asked + 1,
        item=item,
        question=question,
        requested_by=actor,
        requested_at=now,
        expires_at=engine.add_days(now, settings.waiting_period_days),
    )
    TicketMessage.objects.create(
        ticket=ticket, kind=MessageKind.CLARIFICATION, author=actor, body=question,
        created_at=now,
    )
    if ticket.status != TicketStatus.WAITING_ON_CUSTOMER:
        ticket_pause_for_customer(ticket, now)
    ticket.save()
    ticket_recompute_clocks(ticket=ticket, engine=engine, settings=settings)
    emails.clarification_asked(ticket, question, settings.waiting_period_days)
    return clarification


def clarifications_expire_due(*, now=None, batch: int = 500) -> int:
    """SUP-3: no relevant reply within the waiting period after the last allowed request
    -> the ticket is closed (CMS) or considered solved (data line). Idempotent."""
    now = now_or(now)
    settings = support_settings()
    due = Clarification.objects.filter(
        number__gte=settings.max_clarifications,
        answered_at__isnull=True,
        expired_at__isnull=True,
        expires_at__lte=now,
        ticket__status=TicketStatus.WAITING_ON_CUSTOMER,
    ).order_by("expires_at", "pk")

    def step(size: int) -> Step:
        ids = list(due.values_list("pk", flat=True)[:size])
        return Step(len(ids), sum(_expire_one(pk, now) for pk in ids))

    return drain(step, batch=batch)


@transaction.atomic
def _expire_one(pk: int, now) -> int:
    clarification = (
        Clarification.objects.select_for_update(skip_locked=True)
        .filter(pk=pk, answered_at__isnull=True, expired_at__isnull=True)
        .first()
    )
    if clarification is None:
        return 0
    ticket = _lock(clarification.ticket)
    if ticket.status != TicketStatus.WAITING_ON_CUSTOMER:
        return 0
    clarification.expired_at = now
    clarification.save(update_fields=["expired_at"])
    _move(ticket, FINAL_STATUS[ticket.line])
    ticket.closed_at = now
    ticket.save()
    word = "closed" if ticket.status == TicketStatus.CLOSED else "considered solved"
    body = (
        f"We asked {clarification.number} times for the information needed and did not "
        f"receive it within the waiting period, so request {ticket.reference} is now {word} "
        "Reply to this message to reopen it."
    )
    TicketMessage.objects.create(ticket=ticket, kind=MessageKind.SYSTEM, body=body, created_at=now)
    ticket_recompute_clocks(ticket=ticket)
    notify(to=[ticket.customer.user.email], subject=f"[#{ticket.reference}] {word}", body=body,
           link=emails.ticket_link(ticket), link_label=f"Open request {ticket.reference}")
    return 1


RECOMPUTE_CHUNK = 2000


def recompute_clarification_deadlines(calendar_slugs: frozenset[str], *, cause: str = "") -> int:
    """CAL-8 (SUP-3): a calendar changed; the waiting period of every clarification still
    waiting on a ticket counted on it is counted again from its request, and with it the
    auto-close it leads to. Chunks of 2,000 in primary-key order (keyset), rows locked;
    the moved ones written in one UPDATE, their history rows (with the cause) in one
    INSERT. Returns how many waiting clarifications were recomputed."""
    engines = business_calendars(list(calendar_slugs))
    days = support_settings().waiting_period_days
    reason = (cause or f"CAL-8: calendar {', '.join(sorted(calendar_slugs))} changed")[:100]
    now = timezone.now()
    waiting = (
        Clarification.objects.filter(answered_at__isnull=True, expired_at__isnull=True,
                                     ticket__plan__calendar__slug__in=list(calendar_slugs))
        .values_list("pk", "requested_at", "expires_at", "ticket__plan__calendar__slug")
        .order_by("pk")
    )
    count, last = 0, 0
    while True:
        with transaction.atomic():
            rows = list(waiting.select_for_update(of=("self",))
                        .filter(pk__gt=last)[:RECOMPUTE_CHUNK])
            if not rows:
                return count
            last = rows[-1][0]
            moved = []
            for pk, requested_at, expires_at, slug in rows:
                new = engines[slug].add_days(requested_at, days)
                if new != expires_at:
                    moved.append(Clarification(pk=pk, expires_at=new))
            bulk_update_values(Clarification, moved, ["expires_at"])
            history_snapshot(Clarification, [c.pk for c in moved], when=now, reason=reason)
        count += len(rows)


def preview_clarification_deadlines(engines: dict, window=None):
    """CAL-8 preview: waiting periods (SUP-3) the changed calendars would move."""
    from django.urls import reverse

    from slaportal.calendars.deadlines import Move

    days = support_settings().waiting_period_days
    waiting = Clarification.objects.filter(
        answered_at__isnull=True, expired_at__isnull=True,
        ticket__plan__calendar__slug__in=list(engines))
    if window is not None:
        zone = timezone.get_default_timezone()
        waiting = waiting.filter(
            expires_at__gte=dt.datetime.combine(window[0], dt.time(), tzinfo=zone))
    moves = []
    for ticket_id, requested, expires, slug in waiting.values_list(
            "ticket_id", "requested_at", "expires_at",
            "ticket__plan__calendar__slug")[:50_000]:
        new = engines[slug].add_days(requested, days)
        if new != expires:
            moves.append(Move(f"T-{ticket_id} clarification waiting period",
                              reverse("admin:support_ticket_change", args=[ticket_id]),
                              expires, new))
    return moves
