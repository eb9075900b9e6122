"""SUP-7 warnings, SUP-8 breaches, SUP-9 right of termination."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from simple_history.utils import bulk_create_with_history

from slaportal.accounts.choices import ProductLine
from slaportal.calendars.selectors import business_calendars
from slaportal.jobs import Step, drain

from ..choices import ExclusionReason, TicketStatus
from ..models import (
    Breach,
    SlaMonthlyFigure,
    SlaTarget,
    SlaWarning,
    SupportSettings,
    TerminationRight,
    Ticket,
)
from ..selectors import kyiv_month_bounds, month_bounds
from .common import kyiv, notify, now_or

# The statuses in which a target's clock runs (waiting on the customer pauses it).
CLOCK_RUNNING = [TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.REOPENED]


def sla_sweep(*, now=None, batch: int = 500, budget_seconds: float | None = None
              ) -> dict[str, int]:
    """The beat job: record missed targets, then send due warnings. Idempotent."""
    now = now_or(now)
    return {
        "breaches": breaches_record_due(now=now, batch=batch, budget_seconds=budget_seconds),
        "warnings": warnings_send_due(now=now, batch=batch, budget_seconds=budget_seconds),
    }


def breaches_record_due(*, now, batch: int = 500, budget_seconds: float | None = None) -> int:
    """SUP-8: one breach record per target whose due time passed with the clock running,
    batch after batch; the tickets of a batch are locked (skip_locked), their missing
    records written in bulk (with history) and the tickets marked, so that a second
    sweep finds nothing left. SUP-9 is re-evaluated once per customer and month."""
    written = 0

    def step(size: int) -> Step:
        nonlocal written
        with transaction.atomic():
            tickets = list(
                Ticket.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(next_due_at__lte=now, overdue_recorded=False, status__in=CLOCK_RUNNING)
                .order_by("next_due_at", "pk")[:size]
            )
            if not tickets:
                return Step(0, 0)
            new = _breaches_write(tickets, now)
            # The target is missed: its 70%/90% warnings are moot.
            Ticket.objects.filter(pk__in=[t.pk for t in tickets]).update(
                overdue_recorded=True, warn_first_at=None, warn_second_at=None)
            written += len(new)
            _termination_check(new, now)
            return Step(len(tickets), len(tickets))

    drain(step, batch=batch, budget_seconds=budget_seconds)
    return written


def _termination_check(new: list[Breach], now) -> None:
    """SUP-9 for a batch's new data-line breaches: one count per Kyiv month in the batch
    finds the customers over the limit; only those are evaluated (a new breach only
    raises a count, so nobody else can have gained the right)."""
    limit = SupportSettings.load().termination_breach_limit
    months: dict[dt.date, tuple[dt.datetime, dt.datetime, dict[int, dt.datetime]]] = {}
    for breach in new:
        if breach.line != ProductLine.DATA:
            continue
        month, start, end = kyiv_month_bounds(breach.due_at)
        months.setdefault(month, (start, end, {}))[2].setdefault(breach.customer_id,
                                                                 breach.due_at)
    for start, end, customers in months.values():
        over = (
            Breach.objects.filter(line=ProductLine.DATA, excluded=False,
                                  customer_id__in=list(customers), due_at__gte=start,
                                  due_at__lt=end)
            .values("customer_id").annotate(n=Count("id")).filter(n__gt=limit)
            .values_list("customer_id", flat=True)
        )
        for customer_id in over:
            termination_evaluate(customer_id=customer_id, when=customers[customer_id], now=now)


def _breaches_write(tickets: list[Ticket], now) -> list[Breach]:
    """The missing records of these (locked) tickets' current targets, in two queries;
    a record written meanwhile by another path is kept, not duplicated."""
    existing = set(
        Breach.objects.filter(ticket__in=tickets).values_list("ticket_id", "metric", "due_at")
    )
    new = [
        Breach(ticket=t, customer_id=t.customer_id, line=t.line, metric=t.clock_metric,
               cycle=t.cycle, due_at=t.next_due_at, recorded_at=now)
        for t in tickets if (t.pk, t.clock_metric, t.next_due_at) not in existing
    ]
    if not new:
        return []
    SlaTarget.objects.bulk_create([_target_row(t, now, met_at=None, missed=True)
                                   for t in tickets], ignore_conflicts=True)
    try:
        with transaction.atomic():
            return bulk_create_with_history(new, Breach, default_date=now)
    except IntegrityError:  # one was written concurrently: fall back to one at a time
        return [b for b in new if breach_record(ticket=b.ticket, now=now)]


def _target_row(ticket: Ticket, now, *, met_at, missed: bool) -> SlaTarget:
    return SlaTarget(ticket=ticket, customer_id=ticket.customer_id, line=ticket.line,
                     plan_id=ticket.plan_id, assignee_id=ticket.assignee_id,
                     metric=ticket.clock_metric, cycle=ticket.cycle, due_at=ticket.next_due_at,
                     met_at=met_at, missed=missed, recorded_at=now)


def target_record(*, ticket: Ticket, now, met_at=None) -> None:
    """The ledger row of the ticket's running target (SUP-5/SUP-6): met at ``met_at`` (in
    time or late), or missed with nothing sent when ``met_at`` is None. The ticket is
    locked by the caller; a row the sweep wrote is completed, not duplicated."""
    row = _target_row(ticket, now, met_at=met_at,
                      missed=met_at is None or met_at > ticket.next_due_at)
    SlaTarget.objects.bulk_create([row], ignore_conflicts=True)
    if met_at is not None:
        SlaTarget.objects.filter(ticket=ticket, metric=row.metric, due_at=row.due_at,
                                 met_at__isnull=True).update(met_at=met_at)


def sla_monthly_refresh(*, months: list[dt.date] | None = None, now=None) -> int:
    """Recount the dashboard's rollup for the given Kyiv months (default: this month and
    the last, where late replies still land) in one GROUP BY each; idempotent."""
    now = now_or(now)
    if months is None:
        this, start, _ = kyiv_month_bounds(now)
        months = [kyiv_month_bounds(start - dt.timedelta(days=1))[0], this]
    written = 0
    for month in months:
        first = month.replace(day=1)
        start, end = month_bounds(first)
        rows = (SlaTarget.objects.filter(due_at__gte=start, due_at__lt=end)
                .values("line", "plan_id", "metric", "assignee_id")
                .annotate(targets=Count("id"), met=Count("id", filter=Q(missed=False)),
                          missed_n=Count("id", filter=Q(missed=True, excluded=False)),
                          excluded_n=Count("id", filter=Q(excluded=True)))
                .order_by())
        figures = [SlaMonthlyFigure(
            month=first, line=r["line"], plan_id=r["plan_id"], metric=r["metric"],
            assignee_id=r["assignee_id"], targets=r["targets"], met=r["met"],
            missed=r["missed_n"], excluded=r["excluded_n"], refreshed_at=now) for r in rows]
        with transaction.atomic():
            SlaMonthlyFigure.objects.filter(month=first).delete()
            SlaMonthlyFigure.objects.bulk_create(figures)
        written += len(figures)
    return written


def breach_record(*, ticket: Ticket, now) -> bool:
    """One record per missed target per cycle (unique: ticket, metric, due)."""
    try:
        with transaction.atomic():
            _, created = Breach.objects.get_or_create(
                ticket=ticket,
                metric=ticket.clock_metric,
                due_at=ticket.next_due_at,
                defaults={
                    "customer_id": ticket.customer_id,
                    "line": ticket.line,
                    "cycle": ticket.cycle,
                    "recorded_at": now,
                },
            )
    except IntegrityError:  # written concurrently by another sweep
        return False
    return created


def warnings_send_due(*, now, batch: int = 500, budget_seconds: float | None = None) -> int:
    """SUP-7: warn the assignee and the account manager, only inside the calendar's
    hours; outside them the warning waits for the next sweep inside hours.

    Only tickets whose calendar is open now are selected, so tickets waiting for their
    calendar to open never hold back the others. A batch is locked, its warnings
    written in bulk and its warning times cleared in two updates."""
    settings = SupportSettings.load()
    engines = business_calendars()
    open_now = [slug for slug, engine in engines.items() if engine.is_open(now)]
    if not open_now:
        return 0
    percents = (("warn_first_at", settings.warn_first_percent),
                ("warn_second_at", settings.warn_second_percent))
    sent = 0

    def step(size: int) -> Step:
        nonlocal sent
        with transaction.atomic():
            tickets = list(
                Ticket.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(Q(warn_first_at__lte=now) | Q(warn_second_at__lte=now))
                .filter(next_due_at__gt=now, plan__calendar__slug__in=open_now)
                .select_related("assignee", "customer__account_manager")
                .order_by("next_due_at", "pk")[:size]
            )
            if not tickets:
                return Step(0, 0)
            due = [(t, field, percent) for t in tickets for field, percent in percents
                   if getattr(t, field) is not None and getattr(t, field) <= now]
            existing = set(SlaWarning.objects.filter(ticket__in=tickets).values_list(
                "ticket_id", "metric", "due_at", "percent"))
            new = []
            for ticket, _, percent in due:
                key = (ticket.pk, ticket.clock_metric, ticket.next_due_at, percent)
                if key in existing:
                    continue
                existing.add(key)
                new.append((ticket, percent, SlaWarning(
                    ticket=ticket, metric=ticket.clock_metric, due_at=ticket.next_due_at,
                    percent=percent, sent_at=now,
                    recipients=", ".join(filter(None, _recipients(ticket))),
                )))
            SlaWarning.objects.bulk_create([w for _, _, w in new], ignore_conflicts=True)
            ids = [t.pk for t in tickets]
            for field, _ in percents:
                Ticket.objects.filter(pk__in=ids, **{f"{field}__lte": now}).update(
                    **{field: None})
            for ticket, percent, _ in new:
                _warn_mail(ticket, percent)
            sent += len(new)
            return Step(len(tickets), len(tickets))

    drain(step, batch=batch, budget_seconds=budget_seconds)
    return sent


def _recipients(ticket: Ticket) -> list[str]:
    return [
        getattr(ticket.assignee, "email", ""),
        getattr(ticket.customer.account_manager, "email", ""),
    ]


def _warn_mail(ticket: Ticket, percent: int) -> None:
    notify(
        to=_recipients(ticket),
        subject=f"SLA warning {percent}%: [#{ticket.reference}] {ticket.subject}",
        body=(
            f"{percent}% of the {ticket.get_clock_metric_display().lower()} target of "
            f"{ticket.reference} has passed; it is due {kyiv(ticket.next_due_at)} (Kyiv)."
        ),
        link=reverse("admin:support_ticket_change", args=[ticket.pk]),
        link_label=f"Open {ticket.reference} in the workspace",
    )


@transaction.atomic
def breach_exclude(*, breach: Breach, actor, reason: str, note: str = "", now=None) -> Breach:
    """SUP-8: an exclusion applies; the breach stays, marked, and SUP-9 is re-evaluated."""
    now = now_or(now)
    if reason not in ExclusionReason.values:
        raise ValidationError("Choose one of the SLA's exclusions (or 'other').")
    if reason == ExclusionReason.OTHER and not note.strip():
        raise ValidationError("Say what the customer did when the reason is 'other'.")
    breach = Breach.objects.select_for_update().get(pk=breach.pk)
    if breach.excluded:
        raise ValidationError("This breach is already excluded.")
    breach.excluded = True
    breach.exclusion_reason = reason
    breach.exclusion_note = note
    breach.excluded_by = actor
    breach.save()
    SlaTarget.objects.filter(ticket_id=breach.ticket_id, metric=breach.metric,
                             due_at=breach.due_at).update(excluded=True)
    if breach.line == ProductLine.DATA:
        termination_evaluate(customer_id=breach.customer_id, when=breach.due_at, now=now)
    return breach


def termination_evaluate(*, customer_id: int, when: dt.datetime, now) -> TerminationRight | None:
    """SUP-9: more than 5 non-excluded data-line breaches in one Kyiv calendar month."""
    from slaportal.accounts.models import Customer

    settings = SupportSettings.load()
    month, start, end = kyiv_month_bounds(when)
    count = Breach.objects.filter(
        customer_id=customer_id, line=ProductLine.DATA, excluded=False,
        due_at__gte=start, due_at__lt=end,
    ).count()
    right = TerminationRight.objects.select_for_update().filter(
        customer_id=customer_id, month=month
    ).first()
    if count > settings.termination_breach_limit:
        if right is None:
            try:
                with transaction.atomic():
                    right = TerminationRight.objects.create(
                        customer_id=customer_id, month=month, breach_count=count, flagged_at=now
                    )
            except IntegrityError:
                right = TerminationRight.objects.select_for_update().get(
                    customer_id=customer_id, month=month
                )
        right.breach_count = count
        right.is_active = True
        right.withdrawn_at = None
        if right.manager_notified_at is None:
            customer = Customer.objects.select_related("account_manager", "user").get(
                pk=customer_id
            )
            notify(
                to=[getattr(customer.account_manager, "email", "")],
                subject=f"Right of termination: {customer}",
                body=(
                    f"{customer} has {count} non-excluded SLA breaches in {month:%B %Y} "
                    "and may stop using the service without penalty (SUP-9)."
                ),
            )
            right.manager_notified_at = now
        right.save()
        return right
    if right is not None and (right.is_active or right.breach_count != count):
        right.breach_count = count
        if right.is_active:
            right.is_active = False
            right.withdrawn_at = now
        right.save()
    return right
