"""ORD-2: free demo migrations (no payment, no card) with a record/page limit, and the
full migration ordered from a demo."""

from __future__ import annotations

from django.db import transaction

from slaportal.accounts.choices import ProductLine

from ..choices import MigrationKind
from ..errors import OrderError
from ..models import Migration, OrdersSettings, Platform
from .base import lock


def demo_limit(line: str) -> int:
    cfg = OrdersSettings.load()
    return cfg.demo_page_limit if line == ProductLine.CMS else cfg.demo_record_limit


@transaction.atomic
def demo_create(
    *, customer, line: str, source: Platform, target: Platform, actor, record_count: int = 0
) -> Migration:
    """A free demo: no quote lines, no payment. ``record_count`` is capped at the limit
    (records per entity on the data line, pages on the CMS line)."""
    if source.line != line or target.line != line:
        raise OrderError("Both platforms must belong to the demo's product line.")
    limit = demo_limit(line)
    return Migration.objects.create(
        customer=customer, line=line, kind=MigrationKind.DEMO, source_platform=source,
        target_platform=target, record_count=min(record_count or limit, limit),
        created_by=actor,
    )


@transaction.atomic
def full_from_demo(*, demo: Migration, record_count: int, actor, **quote_kwargs) -> Migration:
    """ORD-2: the full order copies the demo's platforms and links the demo."""
    from .quotes import quote_build

    if demo.kind != MigrationKind.DEMO:
        raise OrderError(f"{demo.migration_id} is not a demo migration.")
    demo = lock(demo)  # ORD-17: refuses a stopped demo
    return quote_build(
        customer=demo.customer, line=demo.line, source=demo.source_platform,
        target=demo.target_platform, record_count=record_count, actor=actor,
        from_demo=demo, **quote_kwargs,
    )
