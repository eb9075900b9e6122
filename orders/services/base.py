"""The one way a migration changes status (ORD-1, ORD-17): the row locked, the move
checked against the transitions data, the milestone stamped, the event written — one
at a time or in bulk for the beat jobs — and the note on its timeline.

The bottom of orders' services: every other module builds on it and it imports none
of them, so the services have no import circle.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from ..choices import EventSource, MigrationKind, MigrationStatus
from ..errors import MigrationStopped, TransitionNotAllowed
from ..models import Migration, MigrationEvent
from ..transitions import allowed_next

S = MigrationStatus

# Milestone stamped the first time a status is reached (kept on later visits: ORD-13
# counts restarts from the *initial* completion).
_MILESTONES = {
    S.RUNNING: "started_at",
    S.COMPLETED: "completed_at",
    S.VALIDATED: "validated_at",
    S.ARCHIVED: "archived_at",
    S.STOPPED: "stopped_at",
}


def lock(migration: Migration) -> Migration:
    """The migration's row, locked for this transaction, refusing a stopped one."""
    locked = Migration.objects.select_for_update().get(pk=migration.pk)
    if locked.status == S.STOPPED:
        raise MigrationStopped(
            f"Migration {locked.migration_id} was stopped (ORD-17): no further actions."
        )
    return locked


def sync_from(target: Migration, source: Migration) -> None:
    for field in source._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


@transaction.atomic
def migration_transition(
    *,
    migration: Migration,
    to_status: str,
    actor=None,
    note: str = "",
    now: dt.datetime | None = None,
    source: str = EventSource.ADMIN,
    updates: dict | None = None,
) -> Migration:
    """Move ``migration`` to ``to_status`` if transitions.py allows it; record the event.

    Raises TransitionNotAllowed (MigrationStopped for a stopped one) and changes nothing.
    """
    now = now or timezone.now()
    locked = lock(migration)
    from_status = locked.status
    if to_status not in allowed_next(locked.kind, from_status):
        raise TransitionNotAllowed(
            f"Migration {locked.migration_id} ({locked.get_kind_display()}) cannot go from "
            f"{S(from_status).label} to {S(to_status).label}."
        )
    if to_status == S.RUNNING and locked.kind != MigrationKind.DEMO and locked.paid_at is None:
        raise TransitionNotAllowed(
            f"Migration {locked.migration_id} is not paid: it starts only after the "
            "payment is received (ORD-5)."
        )
    locked.status = to_status
    milestone = _MILESTONES.get(to_status)
    if milestone and getattr(locked, milestone) is None:
        setattr(locked, milestone, now)
    for name, value in (updates or {}).items():
        setattr(locked, name, value)
    locked._history_user = actor if getattr(actor, "pk", None) else None
    locked.save()
    MigrationEvent.objects.create(
        migration=locked, from_status=from_status, to_status=to_status,
        actor=actor if getattr(actor, "pk", None) else None, source=source, at=now,
        note=note[:500],
    )
    sync_from(migration, locked)
    return migration


def migrations_transition_bulk(
    *,
    migrations: list[Migration],
    to_status: str,
    note: str,
    now: dt.datetime,
    source: str = EventSource.SYSTEM,
    updates: dict | None = None,
) -> list[Migration]:
    """The batch form of ``migration_transition`` for the beat jobs.

    The caller has locked the rows in its transaction (``select_for_update``). A row
    whose move transitions.py does not allow, or a stopped one (ORD-17), is left as it
    is. Whatever the number of rows: one UPDATE, one insert of history rows, one insert
    of events. Returns the migrations moved.
    """
    milestone = _MILESTONES.get(to_status)
    moved, events = [], []
    for m in migrations:
        if m.status == S.STOPPED or to_status not in allowed_next(m.kind, m.status):
            continue
        events.append(MigrationEvent(
            migration=m, from_status=m.status, to_status=to_status, actor=None,
            source=source, at=now, note=note[:500],
        ))
        m.status = to_status
        if milestone and getattr(m, milestone) is None:
            setattr(m, milestone, now)
        for name, value in (updates or {}).items():
            setattr(m, name, value)
        moved.append(m)
    if moved:
        fields = ["status", *([milestone] if milestone else []), *(updates or {})]
        bulk_update_with_history(moved, Migration, fields, default_date=now,
                                 default_change_reason=note[:100])
        MigrationEvent.objects.bulk_create(events)
    return moved


def migration_note(
    *, migration: Migration, actor, note: str, source: str = EventSource.ADMIN,
    now: dt.datetime | None = None,
) -> MigrationEvent:
    """A milestone on the timeline without a status change (progress, access, ...)."""
    return MigrationEvent.objects.create(
        migration=migration, actor=actor if getattr(actor, "pk", None) else None,
        source=source, at=now or timezone.now(), note=note[:500],
    )


# --------------------------------------------------------------- billing's contract
