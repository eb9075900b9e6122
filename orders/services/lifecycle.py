"""ORD-1/5/6/17: the migration lifecycle, and the contract billing calls."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from slaportal.accounts.choices import ProductLine
from slaportal.plans.services import plan_period_open, plan_periods_close

from .. import emails
from ..choices import EventSource, MigrationKind, MigrationStatus, QuoteLineKind
from ..errors import OrderError, TransitionNotAllowed
from ..models import Migration
from .access import access_reminder_due
from .base import (
    lock,
    migration_note,
    migration_transition,
    migrations_transition_bulk,
    sync_from,
)
from .entitlements import delta_check_start, insurance_window_end
from .packages import assisted_recompute_due

S = MigrationStatus


def migration_confirm(
    *, migration: Migration, actor, now: dt.datetime | None = None
) -> Migration:
    """ORD-4: the customer confirms the quote (quoted → confirmed)."""
    return migration_transition(
        migration=migration, to_status=S.CONFIRMED, actor=actor, now=now,
        note="Quote confirmed",
        source=EventSource.CUSTOMER,
    )


def migration_mark_paid(*, migration: Migration, actor, now: dt.datetime | None = None):
    """ORD-5: payment received (confirmed → paid, sets paid_at)."""
    now = now or timezone.now()
    migration_transition(
        migration=migration, to_status=S.PAID, actor=actor, now=now, note="Payment received",
        source=EventSource.SYSTEM, updates={"paid_at": now},
    )
    # SUP-10: a plan priced into this order serves its customer from now on.
    bought = migration.quote_lines.filter(kind=QuoteLineKind.SUPPORT_PLAN).exists()
    plan_period_open(migration=migration, bought=bought, at=now)
    assisted_recompute_due(migration=migration)  # ORD-11: paid, and access confirmed?
    return migration


def migration_payment_cancelled(
    *, migration: Migration, actor, now: dt.datetime | None = None
) -> Migration:
    """BIL-4: the payment lapsed before the start: payable again (→ confirmed)."""
    current = Migration.objects.only("status").get(pk=migration.pk).status
    if current not in (S.PAID, S.ACCESS_VERIFIED):
        raise TransitionNotAllowed(
            f"Migration {migration.migration_id}: only a paid migration that has not started "
            f"can have its payment cancelled (it is {S(current).label})."
        )
    migration_transition(
        migration=migration, to_status=S.CONFIRMED, actor=actor, now=now,
        note="Payment cancelled (BIL-4): payable again", source=EventSource.SYSTEM,
        updates={"paid_at": None},
    )
    plan_periods_close(migration_ids=[migration.pk], at=now or timezone.now(),
                       reason="Payment cancelled (BIL-4)")
    return migration


def migrations_payment_cancelled_bulk(
    *, migration_ids: list[int], now: dt.datetime
) -> list[Migration]:
    """BIL-4, the batch form of ``migration_payment_cancelled``: each paid migration that
    has not started becomes payable again (→ confirmed). Rows are locked here."""
    migrations = list(
        Migration.objects.select_for_update(of=("self",))
        .filter(pk__in=migration_ids, status__in=[S.PAID, S.ACCESS_VERIFIED],
                started_at__isnull=True)
    )
    moved = migrations_transition_bulk(
        migrations=migrations, to_status=S.CONFIRMED, now=now,
        note="Payment cancelled (BIL-4): payable again", updates={"paid_at": None},
    )
    plan_periods_close(migration_ids=[m.pk for m in moved], at=now,
                       reason="Payment cancelled (BIL-4)")
    return moved


def migration_stop(
    *, migration: Migration, actor, reason: str, now: dt.datetime | None = None
) -> Migration:
    """ORD-17: a refunded migration stops; every later action on it is refused."""
    if not reason.strip():
        raise OrderError("A reason is required to stop a migration (ORD-17).")
    migration_transition(
        migration=migration, to_status=S.STOPPED, actor=actor, now=now,
        note=f"Stopped: {reason}", source=EventSource.SYSTEM,
        updates={"stop_reason": reason[:300]},
    )
    plan_periods_close(migration_ids=[migration.pk], at=now or timezone.now(),
                       reason=f"Migration stopped: {reason}")
    return migration


def migration_started(migration: Migration) -> bool:
    """BIL-4/BIL-10: has the migration started (the engine or a manager started it)?"""
    return migration.started_at is not None


# ------------------------------------------------------------ milestones (ORD-1, 6)


def migration_start(
    *, migration: Migration, actor, now: dt.datetime | None = None,
    source: str = EventSource.ADMIN, note: str = "Migration started",
) -> Migration:
    """The engine (or a manager) starts it: ORD-5 (paid), ORD-8 (delta window)."""
    now = now or timezone.now()
    current = Migration.objects.only("status").get(pk=migration.pk).status
    if current in (S.COMPLETED, S.VALIDATED):
        raise TransitionNotAllowed(
            f"Migration {migration.migration_id} is {S(current).label}: running it again is "
            "an insured restart (ORD-13), a re-migration (ORD-7) or a delta (ORD-8)."
        )
    delta_check_start(migration=migration, now=now)
    first_start = Migration.objects.only("started_at").get(pk=migration.pk).started_at is None
    migration = migration_transition(
        migration=migration, to_status=S.RUNNING, actor=actor, now=now, source=source,
        note=note,
    )
    if first_start and migration.kind != MigrationKind.DEMO:
        emails.migration_started(migration)
    return migration


@transaction.atomic
def migration_progress(
    *, migration: Migration, done: int, total: int, actor=None,
    now: dt.datetime | None = None, source: str = EventSource.ENGINE,
) -> Migration:
    locked = lock(migration)
    if locked.status != S.RUNNING:
        raise TransitionNotAllowed(
            f"Migration {locked.migration_id} is {S(locked.status).label}, not running: "
            "no progress can be reported."
        )
    if done < 0 or total < 0 or done > total:
        raise OrderError("Progress needs 0 ≤ done ≤ total.")
    Migration.objects.filter(pk=locked.pk).update(records_done=done, records_total=total)
    migration.records_done, migration.records_total = done, total
    return migration


@transaction.atomic
def migration_complete(
    *, migration: Migration, actor, migrated: int = 0, skipped: int = 0, failed: int = 0,
    now: dt.datetime | None = None, source: str = EventSource.ADMIN,
) -> Migration:
    """The migration finished: record counts; set the access reminder (ORD-14)."""
    now = now or timezone.now()
    migration_transition(
        migration=migration, to_status=S.COMPLETED, actor=actor, now=now, source=source,
        note=f"Completed: {migrated} migrated, {skipped} skipped, {failed} failed",
        updates={"records_migrated": migrated, "records_skipped": skipped,
                 "records_failed": failed},
    )
    if migration.insurance_id and migration.insurance_until is None:
        until = insurance_window_end(migration)
        Migration.objects.filter(pk=migration.pk).update(insurance_until=until)
        migration.insurance_until = until
    due = access_reminder_due(migration=migration)
    if due and migration.access_reminder_sent_at is None:
        Migration.objects.filter(pk=migration.pk).update(access_reminder_due_at=due)
        migration.access_reminder_due_at = due
    if migration.kind != MigrationKind.DEMO:
        from ..selectors import validation_ends_at

        migration.completed_at = migration.completed_at or now
        review = validation_ends_at(migration) if migration.line == ProductLine.CMS else None
        emails.migration_completed(migration, review)
    return migration


def migration_fail(
    *, migration: Migration, actor, reason: str, now: dt.datetime | None = None,
    source: str = EventSource.ADMIN,
) -> Migration:
    return migration_transition(
        migration=migration, to_status=S.FAILED, actor=actor, now=now, source=source,
        note=f"Failed: {reason}", updates={"failure_reason": reason[:300]},
    )


def migration_restart(
    *, migration: Migration, actor, now: dt.datetime | None = None,
    source: str = EventSource.ADMIN,
) -> Migration:
    """A failed migration runs again."""
    if migration.status != S.FAILED:
        raise TransitionNotAllowed(
            f"Migration {migration.migration_id} has not failed; an insured restart of a "
            "completed migration goes through insurance_restart (ORD-13)."
        )
    return migration_transition(
        migration=migration, to_status=S.RUNNING, actor=actor, now=now, source=source,
        note="Restarted after a failure", updates={"failure_reason": ""},
    )


def migration_validate(
    *, migration: Migration, actor, now: dt.datetime | None = None,
    source: str = EventSource.ADMIN, note: str = "Result validated",
) -> Migration:
    """ORD-6: the customer accepted the result (or the validation period ended)."""
    return migration_transition(
        migration=migration, to_status=S.VALIDATED, actor=actor, now=now, source=source,
        note=note,
    )


@transaction.atomic
def migration_problem_set(
    *, migration: Migration, actor, reason: str, now: dt.datetime | None = None
) -> Migration:
    """ORD-15: an open problem keeps the migration (and its information) from archiving."""
    if not reason.strip():
        raise OrderError("Say what the problem is.")
    locked = lock(migration)
    locked.problem_open, locked.problem_reason = True, reason[:300]
    locked._history_user = actor
    locked.save(update_fields=["problem_open", "problem_reason"])
    migration_note(migration=locked, actor=actor, note=f"Problem reported: {reason}", now=now)
    sync_from(migration, locked)
    return migration


@transaction.atomic
def migration_problem_clear(
    *, migration: Migration, actor, now: dt.datetime | None = None
) -> Migration:
    locked = lock(migration)
    locked.problem_open, locked.problem_reason = False, ""
    locked._history_user = actor
    locked.save(update_fields=["problem_open", "problem_reason"])
    migration_note(migration=locked, actor=actor, note="Problem resolved", now=now)
    sync_from(migration, locked)
    return migration
