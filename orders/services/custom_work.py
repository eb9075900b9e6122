"""ORD-10: the custom migration service's own pipeline, to a 7-day acceptance.
Non-refundable (BIL-11); paid in advance (BIL-1)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from djmoney.money import Money

from slaportal import mail
from slaportal.formats import money_text
from slaportal.jobs import Step, drain

from ..choices import CustomWorkStatus as C
from ..errors import OrderError
from ..models import CustomWorkRequest, OrdersSettings
from .base import lock

NEXT: dict[str, frozenset[str]] = {
    C.REQUESTED: frozenset({C.REQUIREMENTS}),
    C.REQUIREMENTS: frozenset({C.ESTIMATED}),
    C.ESTIMATED: frozenset({C.QUOTED}),
    C.QUOTED: frozenset({C.PAID}),
    C.PAID: frozenset({C.DELIVERED}),
    C.DELIVERED: frozenset({C.ACCEPTED, C.PAID}),  # an issue reported sends it back
    C.ACCEPTED: frozenset(),
}


MAX_PRICE = Decimal("99999999.99")  # the price column's ten digits
MAX_HOURS = Decimal("99999.99")
MAX_DAYS = 365


def _stopped_migration(work: CustomWorkRequest) -> None:
    """ORD-17: no further work, nor payment for it, on a stopped migration."""
    if work.migration_id is not None:
        lock(work.migration)


def _move(work: CustomWorkRequest, to: str, actor, **fields) -> CustomWorkRequest:
    locked = CustomWorkRequest.objects.select_for_update().get(pk=work.pk)
    if to != C.ACCEPTED:
        _stopped_migration(locked)
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
    message = TOLD.get(to)
    if message:
        _tell(locked, *message)
    return locked


def _tell(work: CustomWorkRequest, subject: str, body: str) -> None:
    """The customer's e-mail about their custom work, with the link to its page."""
    from django.urls import reverse

    mail.send_notice(subject=f"Custom work #{work.pk}: {subject}",
                     body=body.format(work=work, price=money_text(work.price)),
                     to=[work.customer.user.email],
                     link=reverse("orders:custom-work-detail", args=[work.pk]),
                     link_label=f"Open custom work #{work.pk}")


TOLD = {
    C.QUOTED: ("quote ready",
               "Your custom work is quoted: {price} (discount codes do not apply), "
               "delivered within {work.timeframe_days} days after payment. It is paid in "
               "advance and is not refundable. Accept and pay it on its page."),
    C.PAID: ("paid", "Your payment for the custom work arrived; our team starts on it."),
    C.DELIVERED: ("delivered",
                  "Your custom work is delivered. Please check it: you have 7 days to report "
                  "issues on its page, after which it counts as accepted."),
}


def custom_work_check_payable(*, work: CustomWorkRequest) -> None:
    """ORD-10/BIL-1: only quoted work is paid (in advance), and not on a stopped
    migration (ORD-17). Raises OrderError."""
    if work.status != C.QUOTED:
        raise OrderError(f"Custom work #{work.pk} is {C(work.status).label.lower()}: only "
                         "quoted work is paid.")
    _stopped_migration(work)


@transaction.atomic
def custom_work_request(*, customer, description: str, actor, migration=None):
    """ORD-10: the customer asks for custom work (on one of their migrations, or
    alone); later changes to accepted work are asked for the same way, as new work."""
    description = (description or "").replace("\x00", "").strip()
    if len(description) < 10:
        raise OrderError("Describe the custom work you need (at least 10 characters).")
    if migration is not None:
        if migration.customer_id != customer.pk:
            raise OrderError("That migration is not yours.")
        migration = lock(migration)  # ORD-17: refuses a stopped migration
    work = CustomWorkRequest(customer=customer, description=description[:10_000],
                             migration=migration)
    work._history_user = actor
    work.save()
    return work


@transaction.atomic
def custom_work_requirements(*, work, requirements: str, actor):
    requirements = (requirements or "").replace("\x00", "").strip()
    if not requirements:
        raise OrderError("Write down the requirements agreed with the customer.")
    return _move(work, C.REQUIREMENTS, actor, requirements=requirements)


@transaction.atomic
def custom_work_estimate(*, work, hours: Decimal, actor):
    if hours is None or not Decimal("0") < Decimal(hours) <= MAX_HOURS:
        raise OrderError(f"The estimate is more than 0 and at most {MAX_HOURS} hours.")
    return _move(work, C.ESTIMATED, actor, estimate_hours=hours)


@transaction.atomic
def custom_work_quote(*, work, price: Decimal, timeframe_days: int, actor):
    if (price is None or timeframe_days is None or not Decimal("0") < Decimal(price) <= MAX_PRICE
            or not 0 < timeframe_days <= MAX_DAYS):
        raise OrderError(f"A quote needs a price (more than 0, at most {MAX_PRICE} USD) and "
                         f"a timeframe of 1 to {MAX_DAYS} days (ORD-10).")
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
    work = CustomWorkRequest.objects.select_for_update().get(pk=work.pk)
    if work.status != C.DELIVERED or now > work.delivered_at + dt.timedelta(days=days):
        raise OrderError(
            f"Issues are reported within {days} days of delivery; later changes are paid "
            "(ORD-10)."
        )
    return _move(work, C.PAID, actor, issue_reported_at=now)


@transaction.atomic
def custom_work_accept(*, work, actor, now: dt.datetime | None = None):
    """The customer accepts the delivered work before the 7 days are up."""
    return _move(work, C.ACCEPTED, actor, accepted_at=now or timezone.now())


def custom_work_acceptance_ends(work: CustomWorkRequest) -> dt.datetime | None:
    """ORD-10: the end of the 7 days to report issues after delivery."""
    if work.delivered_at is None or work.status != C.DELIVERED:
        return None
    return work.delivered_at + dt.timedelta(
        days=OrdersSettings.load().custom_work_acceptance_days)


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
