"""SUP-7 warnings, SUP-8 breaches, SUP-9 right of termination."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from slaportal.accounts.choices import ProductLine
from slaportal.calendars.selectors import business_calendars

from ..choices import ExclusionReason, TicketStatus
from ..models import Breach, SlaWarning, SupportSettings, TerminationRight, Ticket
from ..selectors import kyiv_month_bounds
from .common import kyiv, notify, now_or


def sla_sweep(*, now=None, batch: int = 500) -> dict[str, int]:
    """The beat job: record missed targets, then send due warnings. Idempotent."""
    now = now_or(now)
    return {
        "breaches": breaches_record_due(now=now, batch=batch),
        "warnings": warnings_send_due(now=now, batch=batch),
    }


def breaches_record_due(*, now, batch: int = 500) -> int:
    written = 0
    with transaction.atomic():
        tickets = list(
            Ticket.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(next_due_at__lte=now, overdue_recorded=False)
            .exclude(status__in=[TicketStatus.SOLVED, TicketStatus.CLOSED,
                                 TicketStatus.WAITING_ON_CUSTOMER])
            .select_related("customer")
            .order_by("next_due_at")[:batch]
        )
        months = set()
        for ticket in tickets:
            if breach_record(ticket=ticket, now=now):
                written += 1
                if ticket.line == ProductLine.DATA:
                    months.add((ticket.customer_id, ticket.next_due_at))
            Ticket.objects.filter(pk=ticket.pk).update(overdue_recorded=True)
        for customer_id, due in months:
            termination_evaluate(customer_id=customer_id, when=due, now=now)
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


def warnings_send_due(*, now, batch: int = 500) -> int:
    """SUP-7: warn the assignee and the account manager, only inside the calendar's
    hours; outside them the warning waits for the next sweep inside hours."""
    settings = SupportSettings.load()
    tickets = list(
        Ticket.objects.filter(Q(warn_first_at__lte=now) | Q(warn_second_at__lte=now))
        .filter(next_due_at__gt=now)
        .select_related("plan__calendar", "assignee", "customer__account_manager")
        .order_by("next_due_at")[:batch]
    )
    if not tickets:
        return 0
    engines = business_calendars(list({t.plan.calendar.slug for t in tickets}))
    sent = 0
    for ticket in tickets:
        if not engines[ticket.plan.calendar.slug].is_open(now):
            continue
        for field, percent in (
            ("warn_first_at", settings.warn_first_percent),
            ("warn_second_at", settings.warn_second_percent),
        ):
            at = getattr(ticket, field)
            if at is None or at > now:
                continue
            sent += _warn(ticket, percent, now)
            Ticket.objects.filter(pk=ticket.pk, **{field: at}).update(**{field: None})
    return sent


def _warn(ticket: Ticket, percent: int, now) -> int:
    to = [
        getattr(ticket.assignee, "email", ""),
        getattr(ticket.customer.account_manager, "email", ""),
    ]
    try:
        with transaction.atomic():
            _, created = SlaWarning.objects.get_or_create(
                ticket=ticket, metric=ticket.clock_metric, due_at=ticket.next_due_at,
                percent=percent,
                defaults={"sent_at": now, "recipients": ", ".join(filter(None, to))},
            )
    except IntegrityError:
        return 0
    if not created:
        return 0
    notify(
        to=to,
        subject=f"SLA warning {percent}%: [#{ticket.reference}] {ticket.subject}",
        body=(
            f"{percent}% of the {ticket.get_clock_metric_display().lower()} target of "
            f"{ticket.reference} has passed; it is due {kyiv(ticket.next_due_at)} (Kyiv)."
        ),
    )
    return 1


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
