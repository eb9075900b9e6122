"""ORD-15: what holds a migration's information past its retention, told by the apps
above orders without orders importing them.

An app registers a hold with ``register_archive_hold(exists=..., describe=...)``:
``exists()`` is a queryset correlated to the migration by ``OuterRef("pk")`` (the
archive job's due condition excludes migrations for which it has a row, in one query),
``describe(migration)`` the reasons shown to staff. Support registers the customer's
open tickets about a migration.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Exists, Q


@dataclass(frozen=True)
class ArchiveHold:
    exists: Callable[[], object]
    describe: Callable[[object], list[str]]


_HOLDS: dict[str, ArchiveHold] = {}


def register_archive_hold(name: str, *, exists, describe) -> None:
    _HOLDS[name] = ArchiveHold(exists=exists, describe=describe)


def no_hold() -> Q:
    """The due condition's part: no registered hold has a row for the migration."""
    condition = Q()
    for hold in _HOLDS.values():
        condition &= ~Exists(hold.exists())
    return condition


def hold_reasons(migration) -> list[str]:
    return [reason for hold in _HOLDS.values() for reason in hold.describe(migration)]
