"""ORD-15 retention and ORD-6 validation: scheduled, batched, idempotent jobs.

Each batch of due migrations is one transaction, its rows claimed with
``select_for_update(skip_locked=True)`` (PostgreSQL; SQLite serialises writers) and
selected by the same condition that makes them due: a run killed halfway leaves every
migration either archived (committed) or untouched, and the next run picks up the
rest — each exactly once. A batch costs the same queries for 1 row as for 500.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from slaportal.accounts.choices import ProductLine
from slaportal.jobs import Step, drain
from slaportal.plans.models import SupportPlan
from slaportal.plans.services import plan_periods_close

from ..choices import MigrationKind, MigrationStatus
from ..holds import hold_reasons, no_hold
from ..models import AccessDetail, DataSample, Migration, MigrationLog, OrdersSettings
from .base import migrations_transition_bulk

S = MigrationStatus
DEFAULT_RETENTION_DAYS = 5


def _remove_information(migration_ids: list[int], now: dt.datetime) -> None:
    """Credentials, logs and samples go; order, quote and money records stay."""
    AccessDetail.objects.filter(migration_id__in=migration_ids).update(
        secret_encrypted="", hint="", url="", removed_at=now
    )
    MigrationLog.objects.filter(migration_id__in=migration_ids).delete()
    DataSample.objects.filter(migration_id__in=migration_ids).delete()


def _locked_due(eligible: Q, batch: int, order: str) -> list[Migration]:
    """The next ``batch`` due migrations, locked; rows another run holds are skipped."""
    return list(
        Migration.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(eligible).order_by(order, "pk")[:batch]
    )


def _archive_step(eligible: Q, *, now: dt.datetime, note: str, order: str):
    def step(batch: int) -> Step:
        with transaction.atomic():
            due = _locked_due(eligible & Q(archived_at__isnull=True), batch, order)
            if not due:
                return Step(0, 0)
            moved = migrations_transition_bulk(
                migrations=due, to_status=S.ARCHIVED, now=now, note=note,
                updates={"data_removed_at": now},
            )
            _remove_information([m.pk for m in moved], now)
            plan_periods_close(migration_ids=[m.pk for m in moved], at=now,
                               reason="Migration archived (ORD-15)")
            return Step(len(due), len(moved))
    return step


def archive_holds(migration: Migration) -> list[str]:
    """Why this migration's information is kept past its retention, for staff."""
    holds = []
    if migration.problem_open:
        holds.append(f"Problem reported: {migration.problem_reason or 'no reason given'}")
    return holds + hold_reasons(migration)


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
        # ORD-15: a problem the customer reported in an open ticket holds the archive
        # until the ticket is solved.
        & no_hold()
        # ORD-13: an insured migration keeps its information while restarts remain possible
        & (Q(insurance_until__isnull=True) | Q(insurance_until__lte=now))
    )


def migrations_archive_due(*, now: dt.datetime | None = None, batch: int = 500,
                           budget_seconds: float | None = None) -> int:
    """Beat job (ORD-15): archive migrations whose retention ended."""
    now = now or timezone.now()
    note = "Archived: retention period over with no problem reported (ORD-15)"
    step = _archive_step(retention_due(now), now=now, note=note, order="completed_at")
    return drain(step, batch=batch, budget_seconds=budget_seconds)


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


def demos_remove_due(*, now: dt.datetime | None = None, batch: int = 500,
                     budget_seconds: float | None = None) -> int:
    """Beat job (ORD-15): demo data removed 7 days after the demo with no full migration
    started from it, and 30 days at most."""
    now = now or timezone.now()
    step = _archive_step(demo_removal_due(now), now=now, note="Demo data removed (ORD-15)",
                         order="completed_at")
    return drain(step, batch=batch, budget_seconds=budget_seconds)


REVIEW_NOTICE = dt.timedelta(days=2)


def migrations_remind_review_due(*, now: dt.datetime | None = None, batch: int = 500,
                                 budget_seconds: float | None = None) -> int:
    """Beat job (ORD-6): two days before a completed CMS migration's review period ends,
    tell the customer, once. Rows come by their partial index, one UPDATE per batch; the
    e-mails leave when the run has committed (slaportal.jobs)."""
    from .. import emails
    from ..selectors import validation_ends_at

    now = now or timezone.now()
    settings = OrdersSettings.load()
    days = dt.timedelta(days=settings.validation_days)
    eligible = (Q(line=ProductLine.CMS, status=S.COMPLETED, review_reminded_at__isnull=True,
                  completed_at__lte=now - days + REVIEW_NOTICE,
                  completed_at__gt=now - days) & ~Q(kind=MigrationKind.DEMO))

    def step(batch: int) -> Step:
        with transaction.atomic():
            due = list(Migration.objects.select_for_update(skip_locked=True, of=("self",))
                       .filter(eligible).select_related("customer__user")
                       .order_by("completed_at", "pk")[:batch])
            Migration.objects.filter(pk__in=[m.pk for m in due]).update(review_reminded_at=now)
            for migration in due:
                emails.review_ending(migration, validation_ends_at(migration, settings))
            return Step(len(due), len(due))

    return drain(step, batch=batch, budget_seconds=budget_seconds)


def migrations_validate_due(*, now: dt.datetime | None = None, batch: int = 500,
                            budget_seconds: float | None = None) -> int:
    """Beat job (ORD-6): 14 days after a CMS full migration completes, the result counts
    as accepted — at ``selectors.validation_ends_at``, the deadline the customer sees
    (completed_at + validation_days <= now)."""
    now = now or timezone.now()
    days = OrdersSettings.load().validation_days
    eligible = Q(line=ProductLine.CMS, status=S.COMPLETED, problem_open=False,
                 completed_at__lte=now - dt.timedelta(days=days)) & ~Q(kind=MigrationKind.DEMO)
    note = f"Accepted: the {days}-day validation period ended (ORD-6)"

    def step(batch: int) -> Step:
        with transaction.atomic():
            due = _locked_due(eligible, batch, "completed_at")
            moved = migrations_transition_bulk(
                migrations=due, to_status=S.VALIDATED, now=now, note=note)
            return Step(len(due), len(moved))

    return drain(step, batch=batch, budget_seconds=budget_seconds)
