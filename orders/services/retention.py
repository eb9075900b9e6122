"""ORD-15 retention and ORD-6 validation: scheduled, batched, idempotent jobs.

Each migration is archived in its own transaction, its row claimed with
``select_for_update(skip_locked=True)`` (PostgreSQL; SQLite serialises writers), and
re-checked after the lock: a run killed halfway leaves every migration either archived
(committed) or untouched, and the next run picks up the rest — each exactly once.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from slaportal.accounts.choices import ProductLine
from support.models import SupportPlan

from ..choices import EventSource, MigrationKind, MigrationStatus
from ..models import AccessDetail, DataSample, Migration, MigrationLog, OrdersSettings
from .lifecycle import migration_transition

S = MigrationStatus
DEFAULT_RETENTION_DAYS = 5


def _remove_information(migration: Migration, now: dt.datetime) -> None:
    """Credentials, logs and samples go; order, quote and money records stay."""
    AccessDetail.objects.filter(migration=migration).update(
        secret_encrypted="", hint="", url="", removed_at=now
    )
    MigrationLog.objects.filter(migration=migration).delete()
    DataSample.objects.filter(migration=migration).delete()


def _archive_one(pk: int, *, now: dt.datetime, note: str, eligible: Q) -> bool:
    with transaction.atomic():
        migration = (
            Migration.objects.select_for_update(skip_locked=True)
            .filter(eligible, pk=pk, archived_at__isnull=True).first()
        )
        if migration is None:  # archived meanwhile, locked by another run, or a problem
            return False
        _remove_information(migration, now)
        migration_transition(
            migration=migration, to_status=S.ARCHIVED, actor=None, now=now,
            source=EventSource.SYSTEM, note=note, updates={"data_removed_at": now},
        )
        return True


def retention_due(now: dt.datetime) -> Q:
    """Full (re-, delta) migrations past their plan's retention days, no open problem.

    Decision: on the data line the days count from the completion; on the CMS line the
    migration is not over before its validation (ORD-6, 14 days), so they count from
    the validation — otherwise day 5 would archive it before the customer's review.
    """
    def past(days: int) -> Q:
        limit = now - dt.timedelta(days=days)
        return (Q(line=ProductLine.DATA, completed_at__lte=limit)
                | Q(line=ProductLine.CMS, status=S.VALIDATED, validated_at__lte=limit))

    by_plan = Q(support_plan__isnull=True) & past(DEFAULT_RETENTION_DAYS)
    for plan_id, days in SupportPlan.objects.values_list("pk", "retention_days"):
        by_plan |= Q(support_plan_id=plan_id) & past(days)
    return (
        Q(status__in=[S.COMPLETED, S.VALIDATED], problem_open=False)
        & ~Q(kind=MigrationKind.DEMO) & by_plan
        # ORD-13: an insured migration keeps its information while restarts remain possible
        & (Q(insurance_until__isnull=True) | Q(insurance_until__lte=now))
    )


def migrations_archive_due(*, now: dt.datetime | None = None, batch: int = 500) -> int:
    """Beat job (ORD-15): archive migrations whose retention ended."""
    now = now or timezone.now()
    eligible = retention_due(now)
    ids = list(Migration.objects.filter(eligible).order_by("completed_at")
               .values_list("pk", flat=True)[:batch])
    note = "Archived: retention period over with no problem reported (ORD-15)"
    return sum(_archive_one(pk, now=now, note=note, eligible=eligible) for pk in ids)


def demo_removal_due(now: dt.datetime) -> Q:
    cfg = OrdersSettings.load()
    full_started = Migration.objects.filter(from_demo=OuterRef("pk"), started_at__isnull=False)
    ended = Q(completed_at__isnull=False)
    return (
        Q(kind=MigrationKind.DEMO, status__in=[S.COMPLETED, S.FAILED]) & ended
        & (
            (Q(completed_at__lte=now - dt.timedelta(days=cfg.demo_keep_days))
             & ~Exists(full_started))
            | Q(completed_at__lte=now - dt.timedelta(days=cfg.demo_max_days))
        )
    )


def demos_remove_due(*, now: dt.datetime | None = None, batch: int = 500) -> int:
    """Beat job (ORD-15): demo data removed 7 days after the demo with no full migration
    started from it, and 30 days at most."""
    now = now or timezone.now()
    eligible = demo_removal_due(now)
    ids = list(Migration.objects.filter(eligible).values_list("pk", flat=True)[:batch])
    note = "Demo data removed (ORD-15)"
    return sum(_archive_one(pk, now=now, note=note, eligible=eligible) for pk in ids)


def migrations_validate_due(*, now: dt.datetime | None = None, batch: int = 500) -> int:
    """Beat job (ORD-6): 14 days after a CMS full migration completes, the result counts
    as accepted."""
    now = now or timezone.now()
    days = OrdersSettings.load().validation_days
    eligible = Q(line=ProductLine.CMS, status=S.COMPLETED, problem_open=False,
                 completed_at__lte=now - dt.timedelta(days=days)) & ~Q(kind=MigrationKind.DEMO)
    done = 0
    for pk in Migration.objects.filter(eligible).values_list("pk", flat=True)[:batch]:
        with transaction.atomic():
            migration = Migration.objects.select_for_update(skip_locked=True)\
                .filter(eligible, pk=pk).first()
            if migration is None:
                continue
            migration_transition(
                migration=migration, to_status=S.VALIDATED, actor=None, now=now,
                source=EventSource.SYSTEM,
                note=f"Accepted: the {days}-day validation period ended (ORD-6)",
            )
            done += 1
    return done
