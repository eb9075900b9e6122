"""SLA clocks (SUP-3, SUP-5, SUP-6, SUP-14): one service derives every due time.

A ticket's clock runs one metric at a time from ``clock_started_at``:
first response (from receipt or reopening), reply (from a customer message after a
response), progress update (from the last public reply). While the ticket waits on
the customer the clock is paused: the business minutes left are kept in
``clock_remaining_minutes`` and the clock resumes with them on the customer's reply.
Forum tickets (SUP-1) and closed/solved tickets have no due times.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from slaportal.bulk import bulk_update_values, history_snapshot
from slaportal.calendars.durations import deadline_after
from slaportal.calendars.selectors import business_calendar, business_calendars
from slaportal.plans.models import SupportPlan

from ..choices import OPEN_TICKET_STATUSES, Channel, Metric, TargetUnit, TicketStatus
from ..models import SupportSettings, Ticket

DUE_FIELD = {
    Metric.FIRST_RESPONSE: "first_response_due_at",
    Metric.REPLY: "reply_due_at",
    Metric.UPDATE: "update_due_at",
}
CLOCK_FIELDS = [
    *DUE_FIELD.values(), "next_due_at", "warn_first_at", "warn_second_at", "overdue_recorded",
]


def target(plan, metric: str) -> tuple[int, str]:
    if metric == Metric.UPDATE:
        return plan.update_amount, plan.update_unit
    return plan.response_amount, plan.response_unit


def add_target(engine, start: dt.datetime, amount: int, unit: str) -> dt.datetime:
    # TargetUnit values are the calendar durations' unit names (SUP-5).
    return deadline_after(engine, start, amount, unit)


def span_minutes(engine, unit: str, a: dt.datetime, b: dt.datetime) -> float:
    """Minutes of the target's kind between two instants (business or calendar)."""
    if unit == TargetUnit.CALENDAR_HOURS:
        return (b.astimezone(dt.UTC) - a.astimezone(dt.UTC)).total_seconds() / 60
    return engine.business_minutes_between(a, b)


def add_span(engine, unit: str, start: dt.datetime, minutes: float) -> dt.datetime:
    minutes = max(minutes, 0)
    if unit == TargetUnit.CALENDAR_HOURS:
        return start.astimezone(dt.UTC) + dt.timedelta(minutes=minutes)
    return engine.add_minutes(start, minutes)


def clock_runs(ticket: Ticket) -> bool:
    return (
        ticket.channel != Channel.FORUM
        and ticket.status not in (TicketStatus.SOLVED, TicketStatus.CLOSED,
                                  TicketStatus.WAITING_ON_CUSTOMER)
        and bool(ticket.clock_metric)
        and ticket.clock_started_at is not None
    )


def current_due(ticket: Ticket, engine) -> dt.datetime | None:
    if not clock_runs(ticket):
        return None
    amount, unit = target(ticket.plan, ticket.clock_metric)
    if ticket.clock_remaining_minutes is not None:
        return add_span(engine, unit, ticket.clock_started_at, ticket.clock_remaining_minutes)
    return add_target(engine, ticket.clock_started_at, amount, unit)


def ticket_recompute_clocks(
    *, ticket: Ticket, engine=None, settings: SupportSettings | None = None, save: bool = True
) -> Ticket:
    """Derive every due and warning time from the clock's stored state."""
    engine = engine or business_calendar(ticket.plan.calendar.slug)
    before = ticket.next_due_at
    for field in DUE_FIELD.values():
        setattr(ticket, field, None)
    ticket.next_due_at = ticket.warn_first_at = ticket.warn_second_at = None
    due = current_due(ticket, engine)
    if due is not None:
        setattr(ticket, DUE_FIELD[ticket.clock_metric], due)
        ticket.next_due_at = due
        settings = settings or SupportSettings.load()
        _, unit = target(ticket.plan, ticket.clock_metric)
        start = ticket.clock_started_at
        before_pause = ticket.paused_elapsed_minutes or 0
        full = before_pause + span_minutes(engine, unit, start, due)
        # SUP-7: once per target. A threshold the clock passed before a pause belonged
        # to the part already run (and was warned of then): not again on resuming.
        first = full * settings.warn_first_percent / 100 - before_pause
        second = full * settings.warn_second_percent / 100 - before_pause
        resumed = before_pause > 0
        ticket.warn_first_at = (None if resumed and first <= 0
                                else add_span(engine, unit, start, first))
        ticket.warn_second_at = (None if resumed and second <= 0
                                 else add_span(engine, unit, start, second))
    if ticket.next_due_at != before:
        ticket.overdue_recorded = False
    if save:
        ticket.save(update_fields=CLOCK_FIELDS)
    return ticket


def clock_pause(*, ticket: Ticket, now: dt.datetime, engine=None) -> None:
    """SUP-3: keep what is left of the running target; the clock stops."""
    engine = engine or business_calendar(ticket.plan.calendar.slug)
    due = current_due(ticket, engine)
    if due is None:
        return
    _, unit = target(ticket.plan, ticket.clock_metric)
    ticket.clock_remaining_minutes = max(span_minutes(engine, unit, now, due), 0)
    ticket.paused_elapsed_minutes = (ticket.paused_elapsed_minutes or 0) + max(
        span_minutes(engine, unit, ticket.clock_started_at, now), 0
    )
    ticket.paused_at = now


def clock_start(*, ticket: Ticket, metric: str, at: dt.datetime) -> None:
    ticket.clock_metric = metric
    ticket.clock_started_at = at
    ticket.clock_remaining_minutes = None
    ticket.paused_elapsed_minutes = None
    ticket.paused_at = None


RECOMPUTE_CHUNK = 2000


def recompute_ticket_deadlines(calendar_slugs: frozenset[str], *, cause: str = "") -> int:
    """CAL-8: a calendar changed; recompute the open tickets counted on it.

    Chunks of 2,000 open tickets in primary-key order (keyset, no OFFSET), each read and
    written in one transaction with its rows locked: the deadlines that moved are
    written in one UPDATE and their history rows in one INSERT, with the cause.
    Returns how many open tickets were recomputed.
    """
    engines = business_calendars(list(calendar_slugs))
    settings = SupportSettings.load()
    plans = {p.pk: p for p in SupportPlan.objects.select_related("calendar")}
    reason = (cause or f"CAL-8: calendar {', '.join(sorted(calendar_slugs))} changed")[:100]
    now = timezone.now()
    open_tickets = (
        Ticket.objects.filter(plan__calendar__slug__in=list(calendar_slugs),
                              status__in=OPEN_TICKET_STATUSES)
        .order_by("pk")
    )
    count, last = 0, 0
    while True:
        with transaction.atomic():
            chunk = list(open_tickets.select_for_update(of=("self",))
                         .filter(pk__gt=last)[:RECOMPUTE_CHUNK])
            if not chunk:
                return count
            last = chunk[-1].pk
            moved = []
            for ticket in chunk:
                ticket.plan = plans[ticket.plan_id]  # a handful of plans: no join per row
                before = [getattr(ticket, f) for f in CLOCK_FIELDS]
                ticket_recompute_clocks(ticket=ticket, engine=engines[ticket.plan.calendar.slug],
                                        settings=settings, save=False)
                if [getattr(ticket, f) for f in CLOCK_FIELDS] != before:
                    moved.append(ticket)
            bulk_update_values(Ticket, moved, CLOCK_FIELDS)
            history_snapshot(Ticket, [t.pk for t in moved], when=now, reason=reason)
        count += len(chunk)


def clock_position(ticket: Ticket, engine, now: dt.datetime) -> tuple[float, float] | None:
    """The running target's business minutes left (negative once overdue) and the share
    of the whole target used, pauses included; None when no clock runs. A read: the
    queue's and the ticket page's "time left" badge."""
    if ticket.next_due_at is None or not clock_runs(ticket):
        return None
    _, unit = target(ticket.plan, ticket.clock_metric)
    due = ticket.next_due_at
    if now <= due:
        left = span_minutes(engine, unit, now, due)
    else:
        left = -span_minutes(engine, unit, due, now)
    full = (ticket.paused_elapsed_minutes or 0) + span_minutes(
        engine, unit, ticket.clock_started_at, due)
    if left < 0 or full <= 0:
        return left, 1.0
    return left, min(max(1 - left / full, 0.0), 1.0)


def target_explained(ticket: Ticket, engine):
    """The running target counted day by day on the plan's calendar (a read, for the
    ticket's admin page and the customer's); None when no clock runs. Calendar hours run
    day and night, so they get a note instead of days."""
    from slaportal.calendars.explain import explain

    if ticket.next_due_at is None or ticket.clock_started_at is None:
        return None
    _, unit = target(ticket.plan, ticket.clock_metric)
    explained = explain(engine, ticket.clock_started_at, ticket.next_due_at,
                        calendar=ticket.plan.calendar.slug, unit=TargetUnit(unit).label,
                        before=ticket.paused_elapsed_minutes or 0)
    if unit == TargetUnit.CALENDAR_HOURS:
        explained.days = []
        explained.note = "Calendar hours run day and night; the calendar is not used."
    return explained


def waiting_explained(clarification, engine, slug: str = ""):
    """SUP-3: a clarification's waiting period, counted day by day."""
    from slaportal.calendars.explain import explain

    return explain(engine, clarification.requested_at, clarification.expires_at,
                   calendar=slug, unit=TargetUnit.BUSINESS_DAYS.label)


PREVIEW_LIMIT = 50_000


def preview_ticket_deadlines(engines: dict, window=None):
    """CAL-8 preview: the open tickets whose due time the changed calendars would move,
    computed in memory (nothing saved). With a window (a closure's dates) only tickets
    whose running target spans it can move: due on or after its first day, started
    before its end."""
    from django.urls import reverse

    from slaportal.calendars.deadlines import Move

    settings = SupportSettings.load()
    plans = {p.pk: p for p in SupportPlan.objects.select_related("calendar")}
    tickets = Ticket.objects.filter(plan__calendar__slug__in=list(engines),
                                    status__in=OPEN_TICKET_STATUSES, next_due_at__isnull=False)
    if window is not None:
        zone = timezone.get_default_timezone()
        first = dt.datetime.combine(window[0], dt.time(), tzinfo=zone)
        after = dt.datetime.combine(window[1] + dt.timedelta(days=1), dt.time(), tzinfo=zone)
        tickets = tickets.filter(next_due_at__gte=first, clock_started_at__lt=after)
    moves = []
    for ticket in tickets.order_by("pk")[:PREVIEW_LIMIT].iterator(chunk_size=2000):
        ticket.plan = plans[ticket.plan_id]
        old = ticket.next_due_at
        ticket_recompute_clocks(ticket=ticket, engine=engines[ticket.plan.calendar.slug],
                                settings=settings, save=False)
        if ticket.next_due_at != old and ticket.next_due_at is not None:
            moves.append(Move(f"{ticket.reference} {ticket.get_clock_metric_display().lower()}",
                              reverse("admin:support_ticket_change", args=[ticket.pk]),
                              old, ticket.next_due_at))
    return moves
