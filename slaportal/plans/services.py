"""SUP-10: the plan a customer holds, and plans bought with an order serving them
while the order is in care.

Orders calls these when an order's payment completes (the period opens) and when the
migration leaves the vendor's care (archived, stopped, payment cancelled: it ends).
Both are idempotent, and the batch form serves the beat jobs.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from .models import CustomerPlan, PlanPeriod, SupportPlan


def plan_period_open(*, migration, bought: bool, at: dt.datetime) -> PlanPeriod | None:
    """The plan bought with ``migration`` starts serving its customer at ``at``; a
    second call for the same order changes nothing. None when the order did not buy a
    plan (``bought``: the order priced one; a re-migration carries its parent's plan for
    the entitlements, but that plan was bought, and serves, with the parent) or its plan
    is of another line."""
    plan = migration.support_plan
    if not bought or plan is None or plan.line != migration.line:
        return None
    existing = PlanPeriod.objects.filter(migration=migration, ends_at__isnull=True).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return PlanPeriod.objects.create(
                customer_id=migration.customer_id, line=migration.line, plan=plan,
                migration=migration, starts_at=at,
            )
    except IntegrityError:  # opened concurrently by another delivery of the payment
        return PlanPeriod.objects.get(migration=migration, ends_at__isnull=True)


def plan_periods_close(*, migration_ids: list[int], at: dt.datetime, reason: str) -> int:
    """The plans bought with these orders stop serving at ``at`` (one UPDATE); the
    customers fall back to their default plan. Returns the periods closed."""
    if not migration_ids:
        return 0
    return PlanPeriod.objects.filter(migration_id__in=migration_ids,
                                     ends_at__isnull=True).update(
        ends_at=at, end_reason=reason[:200])


def customer_plan_set(*, customer, plan: SupportPlan, actor) -> CustomerPlan:
    """One default plan per product line: setting a plan replaces the line's previous
    one."""
    if not plan.is_active:
        raise ValidationError(f"The plan {plan} is no longer offered.")
    row, _ = CustomerPlan.objects.update_or_create(
        customer=customer, line=plan.line, defaults={"plan": plan}
    )
    return row
