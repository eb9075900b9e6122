"""SUP-10 entitlements: re-migration (ORD-7), delta (ORD-8), interval (ORD-9) and
Migration Insurance restarts (ORD-13).

Windows in days (ORD-7, ORD-8) are calendar days in Europe/Kyiv counted from the local
date of the full migration's completion: "within 10 days" runs to 23:59:59 of day 10
(day 0 is the completion day). Insurance windows are business days on ``cms-tech``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from slaportal.accounts.choices import ProductLine
from slaportal.calendars.selectors import business_calendar
from slaportal.jobs import Step, drain

from ..choices import EventSource, MigrationKind, MigrationStatus, RemigrationReason
from ..errors import OrderError
from ..models import Migration, OrdersSettings
from .base import lock, migration_note, migration_transition

S = MigrationStatus
DONE = (S.COMPLETED, S.VALIDATED)
# A re-/delta migration follows a finished full migration; archiving (ORD-15) removes
# its information, not the entitlement (Signature: archived after 10 days, while the
# window runs to 23:59 of day 10).
FOLLOWS = (S.COMPLETED, S.VALIDATED, S.ARCHIVED)
INSURANCE_CALENDAR = "cms-tech"
DELTA_CALENDAR = "data-delta-window"


def window_end(completed_at: dt.datetime, days: int) -> dt.datetime:
    """The first instant after "within ``days`` days" of ``completed_at`` (Kyiv dates)."""
    local = timezone.localtime(completed_at)
    end_date = local.date() + dt.timedelta(days=days + 1)
    return timezone.make_aware(dt.datetime.combine(end_date, dt.time(0, 0)), local.tzinfo)


def _follow_ups(parent: Migration, kind: str, *, free_only: bool = False):
    qs = parent.follow_ups.filter(kind=kind).exclude(status=S.STOPPED)
    return qs.filter(free_entitlement=True) if free_only else qs


def _new_follow_up(parent: Migration, *, kind: str, actor, free: bool, **fields) -> Migration:
    from .quotes import quote_price

    child = Migration.objects.create(
        customer=parent.customer, line=parent.line, kind=kind,
        support_plan=parent.support_plan, source_platform=parent.source_platform,
        target_platform=parent.target_platform, record_count=parent.record_count,
        parent=parent, free_entitlement=free, created_by=actor, **fields,
    )
    quote_price(migration=child, actor=actor)
    return child


@transaction.atomic
def remigration_create(
    *, parent: Migration, reason: str, target_removal_confirmed: bool, actor,
    now: dt.datetime | None = None,
) -> Migration:
    """ORD-7: the same source and target again. Everything previously migrated to the
    target is removed first — refused without the customer's explicit confirmation.
    Free once within the plan's window (Premium 5, Signature 10 days), else paid at the
    automated migration price."""
    now = now or timezone.now()
    parent = lock(parent)
    if parent.line != ProductLine.DATA or parent.kind != MigrationKind.FULL:
        raise OrderError("Re-migration is offered for full data-line migrations (ORD-7).")
    if parent.status not in FOLLOWS:
        raise OrderError("A re-migration follows a completed full migration (ORD-7).")
    if reason not in RemigrationReason.values:
        raise OrderError("Choose one of the re-migration reasons (ORD-7).")
    if not target_removal_confirmed:
        raise OrderError(
            "Confirm that everything migrated to the target before, with your changes "
            "there, will be removed (ORD-7)."
        )
    left = remigrations_free_left(parent, now=now)
    child = _new_follow_up(
        parent, kind=MigrationKind.REMIGRATION, actor=actor, free=left > 0,
        remigration_reason=reason, target_removal_confirmed_at=now,
    )
    if child.free_entitlement:
        _paid_free(child, actor=actor, now=now, what="free re-migration of the plan (ORD-7)")
    return child


def remigrations_free_left(parent: Migration, *, now: dt.datetime) -> int:
    plan = parent.support_plan
    if plan is None or not plan.free_remigrations or parent.completed_at is None:
        return 0
    if now >= window_end(parent.completed_at, plan.remigration_window_days):
        return 0
    used = _follow_ups(parent, MigrationKind.REMIGRATION, free_only=True).count()
    return max(plan.free_remigrations - used, 0)


def _paid_free(child: Migration, *, actor, now, what: str) -> None:
    migration_transition(migration=child, to_status=S.CONFIRMED, actor=actor, now=now,
                         source=EventSource.SYSTEM, note=f"Included: {what}")
    migration_transition(migration=child, to_status=S.PAID, actor=actor, now=now,
                         source=EventSource.SYSTEM, note="Nothing to pay",
                         updates={"paid_at": now})


def deltas_left(parent: Migration, *, now: dt.datetime) -> int:
    plan = parent.support_plan
    if plan is None or not plan.delta_migrations or parent.completed_at is None:
        return 0
    if now >= window_end(parent.completed_at, plan.delta_window_days):
        return 0
    return max(plan.delta_migrations - _follow_ups(parent, MigrationKind.DELTA).count(), 0)


@transaction.atomic
def delta_create(
    *, parent: Migration, actor, arrangement: str = "", now: dt.datetime | None = None
) -> Migration:
    """ORD-8: Signature only, one within 10 days after the full migration."""
    now = now or timezone.now()
    parent = lock(parent)
    plan = parent.support_plan
    if parent.kind != MigrationKind.FULL or parent.status not in FOLLOWS:
        raise OrderError("A delta migration follows a completed full migration (ORD-8).")
    if plan is None or not plan.delta_migrations:
        raise OrderError("Delta migrations are included in the Signature plan only (ORD-8).")
    if deltas_left(parent, now=now) <= 0:
        raise OrderError(
            f"No delta migration left: {plan.delta_migrations} within "
            f"{plan.delta_window_days} days of the full migration (ORD-8)."
        )
    child = _new_follow_up(parent, kind=MigrationKind.DELTA, actor=actor, free=True,
                           delta_arrangement=arrangement[:300])
    _paid_free(child, actor=actor, now=now, what="delta migration of the Signature plan")
    return child


# ORD-8: an arranged start outside the window may begin from the agreed moment until
# this much later (the engineer starting it need not hit the minute).
ARRANGED_START_SLACK = dt.timedelta(hours=2)


def delta_check_start(*, migration: Migration, now: dt.datetime) -> None:
    """ORD-8: a delta starts inside data-delta-window, or at the start a manager agreed
    with the customer (from that moment, within ARRANGED_START_SLACK) — no other."""
    if migration.kind != MigrationKind.DELTA:
        return
    if business_calendar(DELTA_CALENDAR).is_open(now):
        return
    agreed = migration.delta_start_agreed_at
    if agreed is not None and agreed <= now <= agreed + ARRANGED_START_SLACK:
        return
    if agreed is not None:
        local = timezone.localtime(agreed)
        raise OrderError(
            f"The start arranged outside the delta window is {local:%Y-%m-%d %H:%M} Kyiv "
            "(up to 2 hours later); other times are Mon–Fri 09:00–21:00 Kyiv (ORD-8)."
        )
    raise OrderError(
        "A delta migration starts Mon–Fri 09:00–21:00 Kyiv time; another start time "
        "needs a manager's arrangement (ORD-8)."
    )


@transaction.atomic
def delta_arrange(*, migration: Migration, actor, note: str, agreed_start: dt.datetime,
                  now=None) -> Migration:
    """ORD-8: a manager records the start agreed with the customer outside the window:
    who, when it was agreed, the agreed start and a note; only that start is allowed."""
    now = now or timezone.now()
    if migration.kind != MigrationKind.DELTA:
        raise OrderError("Only a delta migration needs a start arrangement (ORD-8).")
    if not (note or "").strip():
        raise OrderError("Record what was arranged with the customer (ORD-8).")
    if agreed_start is None or agreed_start < now - ARRANGED_START_SLACK:
        raise OrderError("The agreed start must be a moment still to come (ORD-8).")
    locked = lock(migration)
    if locked.status not in (S.PAID, S.ACCESS_VERIFIED):
        raise OrderError("A start can be arranged for a delta migration not started yet.")
    note = note.replace("\x00", "").strip()[:300]
    Migration.objects.filter(pk=migration.pk).update(
        delta_arrangement=note, delta_start_agreed_at=agreed_start,
        delta_arranged_by=actor if getattr(actor, "pk", None) else None)
    migration.delta_arrangement, migration.delta_start_agreed_at = note, agreed_start
    migration_note(migration=migration, actor=actor, now=now,
                   note=f"Start arranged outside the delta window for "
                   f"{timezone.localtime(agreed_start):%Y-%m-%d %H:%M} Kyiv: {note}")
    return migration


# ---------------------------------------------------------------- ORD-9 interval


def pauses_left(migration: Migration) -> int:
    plan = migration.support_plan
    if plan is None or not plan.interval_migration:
        return 0
    return max(OrdersSettings.load().max_pauses - migration.pauses_used, 0)


@transaction.atomic
def migration_pause(
    *, migration: Migration, actor, now: dt.datetime | None = None,
    source: str = EventSource.CUSTOMER,
) -> Migration:
    """ORD-9: Signature's interval migration — up to 5 pauses (counted under the row
    lock, so two clicks cannot take a sixth)."""
    caller, migration = migration, lock(migration)
    plan = migration.support_plan
    if plan is None or not plan.interval_migration:
        raise OrderError("Interval migration (pause and resume) is a Signature feature (ORD-9).")
    if pauses_left(migration) <= 0:
        raise OrderError("All pauses of this migration are used (ORD-9).")
    now = now or timezone.now()
    return migration_transition(
        migration=caller, to_status=S.PAUSED, actor=actor, now=now, source=source,
        note=f"Paused ({migration.pauses_used + 1} of {OrdersSettings.load().max_pauses})",
        updates={"pauses_used": migration.pauses_used + 1, "paused_at": now},
    )


def migration_resume(
    *, migration: Migration, actor, now: dt.datetime | None = None,
    source: str = EventSource.CUSTOMER, note: str = "Resumed",
) -> Migration:
    return migration_transition(
        migration=migration, to_status=S.RUNNING, actor=actor, now=now, source=source,
        note=note, updates={"paused_at": None},
    )


def pauses_auto_resume(*, now: dt.datetime | None = None, batch: int = 500,
                       budget_seconds: float | None = None) -> int:
    """Beat job (ORD-9): a pause that reached 5 days resumes by itself (a batch moves in
    one bulk transition; a migration resumed meanwhile is no longer selected)."""
    from .base import migrations_transition_bulk

    now = now or timezone.now()
    limit = now - dt.timedelta(days=OrdersSettings.load().max_pause_days)

    def step(size: int) -> Step:
        with transaction.atomic():
            due = list(Migration.objects.select_for_update(skip_locked=True, of=("self",))
                       .filter(status=S.PAUSED, paused_at__lte=limit)
                       .order_by("paused_at", "pk")[:size])
            moved = migrations_transition_bulk(
                migrations=due, to_status=S.RUNNING, now=now,
                note="Resumed by itself: the pause reached its limit (ORD-9)",
                updates={"paused_at": None})
            return Step(len(due), len(moved))

    return drain(step, batch=batch, budget_seconds=budget_seconds)


# --------------------------------------------------------------- ORD-13 insurance


def insurance_window_end(migration: Migration) -> dt.datetime | None:
    if migration.insurance is None or migration.completed_at is None:
        return None
    if migration.insurance_until:
        return migration.insurance_until
    return business_calendar(INSURANCE_CALENDAR).add_days(
        migration.completed_at, migration.insurance.window_business_days
    )


def insurance_restarts_left(migration: Migration, *, now: dt.datetime) -> int:
    end = insurance_window_end(migration)
    if end is None or now > end:
        return 0
    return max(migration.insurance.restarts - migration.insurance_restarts_used, 0)


@transaction.atomic
def insurance_restart(
    *, migration: Migration, actor, now: dt.datetime | None = None
) -> Migration:
    """ORD-13: an insured restart of a completed migration, within the count and the
    window of business days from the initial completion."""
    now = now or timezone.now()
    caller, migration = migration, lock(migration)
    if migration.insurance is None:
        raise OrderError("This migration has no Migration Insurance (ORD-13).")
    if migration.status not in DONE:
        raise OrderError("Only a completed migration can be restarted (ORD-13).")
    end = insurance_window_end(migration)
    if now > end:
        raise OrderError(
            f"The insurance window ended on {timezone.localtime(end):%Y-%m-%d %H:%M} "
            f"({migration.insurance.window_business_days} business days, ORD-13)."
        )
    if migration.insurance_restarts_used >= migration.insurance.restarts:
        raise OrderError(
            f"All {migration.insurance.restarts} insured restarts are used (ORD-13)."
        )
    used = migration.insurance_restarts_used + 1
    return migration_transition(
        migration=caller, to_status=S.RUNNING, actor=actor, now=now,
        note=f"Insured restart {used} of {migration.insurance.restarts}",
        updates={"insurance_restarts_used": used},
    )


@dataclass(frozen=True)
class Entitlements:
    remigrations_free: int
    deltas: int
    insurance_restarts: int
    pauses: int


def entitlements_left(migration: Migration, *, now: dt.datetime | None = None) -> Entitlements:
    now = now or timezone.now()
    return Entitlements(
        remigrations_free=remigrations_free_left(migration, now=now),
        deltas=deltas_left(migration, now=now),
        insurance_restarts=insurance_restarts_left(migration, now=now),
        pauses=pauses_left(migration),
    )
