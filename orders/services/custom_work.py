"""ORD-10: the custom migration service's own pipeline, to a 7-day acceptance.
Non-refundable (BIL-11); paid in advance (BIL-1)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from djmoney.money import Money

from slaportal.jobs import Step, drain

from ..choices import CustomWorkStatus as C
from ..errors import OrderError
from ..models import CustomWorkRequest, OrdersSettings
from .lifecycle import lock

NEXT: dict[str, frozenset[str]] = {
    C.REQUESTED: frozenset({C.REQUIREMENTS}),
    C.REQUIREMENTS: frozenset({C.ESTIMATED}),
    C.ESTIMATED: frozenset({C.QUOTED}),
    C.QUOTED: frozenset({C.PAID}),
    C.PAID: frozenset({C.DELIVERED}),
    C.DELIVERED: frozenset({C.ACCEPTED, C.PAID}),  # an issue reported sends it back
    C.ACCEPTED: frozenset(),
}


def _move(work: CustomWorkRequest, to: str, actor, **fields) -> CustomWorkRequest:
    locked = CustomWorkRequest.objects.select_for_update().get(pk=work.pk)
    if to not in NEXT[locked.status]:
        raise OrderError(
            f"Custom work #{locked.pk} cannot go from {C(locked.status).label} to "
            f"{C(to).label} (ORD-10)."
        )
    locked.status = to
    for name, value in fields.items():
        setattr(locked, name, value)
    locked._history_user = actor
    locked.save()
    return locked


@transaction.atomic
def custom_work_request(*, customer, description: str, actor, migration=None):
    if len(description.strip()) < 10:
        raise OrderError("Describe the custom work you need.")
    if migration is not None:
        migration = lock(migration)  # ORD-17: refuses a stopped migration
    return CustomWorkRequest.objects.create(customer=customer, description=description,
                                            migration=migration)


@transaction.atomic
def custom_work_requirements(*, work, requirements: str, actor):
    return _move(work, C.REQUIREMENTS, actor, requirements=requirements)


@transaction.atomic
def custom_work_estimate(*, work, hours: Decimal, actor):
    return _move(work, C.ESTIMATED, actor, estimate_hours=hours)


@transaction.atomic
def custom_work_quote(*, work, price: Decimal, timeframe_days: int, actor):
    if price <= 0 or timeframe_days <= 0:
        raise OrderError("A quote needs a price and a timeframe (ORD-10).")
    return _move(work, C.QUOTED, actor, price=Money(price, "USD"),
                 timeframe_days=timeframe_days)


@transaction.atomic
def custom_work_mark_paid(*, work, actor, now: dt.datetime | None = None):
    return _move(work, C.PAID, actor, paid_at=now or timezone.now())


@transaction.atomic
def custom_work_deliver(*, work, actor, now: dt.datetime | None = None):
    return _move(work, C.DELIVERED, actor, delivered_at=now or timezone.now(),
                 issue_reported_at=None)


@transaction.atomic
def custom_work_report_issue(*, work, actor, now: dt.datetime | None = None):
    """Within 7 days of delivery the customer reports issues; it goes back to work."""
    now = now or timezone.now()
    days = OrdersSettings.load().custom_work_acceptance_days
    if work.status != C.DELIVERED or now > work.delivered_at + dt.timedelta(days=days):
        raise OrderError(
            f"Issues are reported within {days} days of delivery; later changes are paid "
            "(ORD-10)."
        )
    return _move(work, C.PAID, actor, issue_reported_at=now)


@transaction.atomic
def custom_work_accept(*, work, actor, now: dt.datetime | None = None):
    return _move(work, C.ACCEPTED, actor, accepted_at=now or timezone.now())


def custom_work_auto_accept(*, now: dt.datetime | None = None, batch: int = 500,
                            budget_seconds: float | None = None) -> int:
    """Beat job (ORD-10): delivered 7 days ago without an issue → accepted; one UPDATE
    per batch."""
    now = now or timezone.now()
    limit = now - dt.timedelta(days=OrdersSettings.load().custom_work_acceptance_days)
    due = CustomWorkRequest.objects.filter(status=C.DELIVERED, delivered_at__lte=limit)

    def step(size: int) -> Step:
        with transaction.atomic():
            ids = list(due.select_for_update(skip_locked=True).order_by("delivered_at", "pk")
                       .values_list("pk", flat=True)[:size])
            done = CustomWorkRequest.objects.filter(pk__in=ids, status=C.DELIVERED).update(
                status=C.ACCEPTED, accepted_at=now)
            return Step(len(ids), done)

    return drain(step, batch=batch, budget_seconds=budget_seconds)
