"""SUP-10: plans bought with an order serve the customer while the order is in care.

Orders calls these when an order's payment completes (the period opens) and when the
migration leaves the vendor's care (archived, stopped, payment cancelled: it ends).
Both are idempotent, and the batch form serves the beat jobs.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from ..models import PlanPeriod


def plan_period_open(*, migration, at: dt.datetime) -> PlanPeriod | None:
    """The plan bought with ``migration`` starts serving its customer at ``at``; a
    second call for the same order changes nothing. None when the order holds no plan
    of its own line."""
    from orders.choices import QuoteLineKind

    plan = migration.support_plan
    if plan is None or plan.line != migration.line:
        return None
    # Bought means priced into this order (a re-migration carries its parent's plan for
    # the entitlements, but the plan was bought, and serves, with the parent).
    if not migration.quote_lines.filter(kind=QuoteLineKind.SUPPORT_PLAN).exists():
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
