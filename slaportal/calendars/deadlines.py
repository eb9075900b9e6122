"""CAL-8: owners of deadlines that depend on a calendar register here.

When a calendar, its hours or its closures change, one Celery task calls every
registered owner with the slugs of the changed calendars; each owner recomputes its own
open deadlines. Apps register in ``AppConfig.ready``:

    from slaportal.calendars.deadlines import register_deadline_owner

    @register_deadline_owner("support.tickets")
    def recompute_ticket_deadlines(calendar_slugs: frozenset[str], *, cause: str = "") -> int:
        ...  # returns how many deadlines were recomputed; ``cause`` goes into history
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

DeadlineOwner = Callable[..., int]  # (calendar_slugs: frozenset[str], *, cause: str) -> int

_owners: dict[str, DeadlineOwner] = {}


def register_deadline_owner(name: str) -> Callable[[DeadlineOwner], DeadlineOwner]:
    def decorator(func: DeadlineOwner) -> DeadlineOwner:
        _owners[name] = func
        return func

    return decorator


def deadline_owners() -> dict[str, DeadlineOwner]:
    return dict(_owners)


def recompute_all(calendar_slugs: frozenset[str], *, cause: str = "") -> dict[str, int]:
    """Ask every owner to recompute; returns how many deadlines each recomputed."""
    return {name: owner(calendar_slugs, cause=cause) for name, owner in sorted(_owners.items())}


# ---- CAL-8 preview: what a change would move, before it is saved


@dataclass(frozen=True)
class Move:
    """One open deadline a calendar change would move."""

    what: str
    url: str
    old: dt.datetime
    new: dt.datetime

    @property
    def shift(self) -> dt.timedelta:
        return self.new - self.old


# (engines: {slug: the calendar as it would be}, window: (first, last) local dates of
# the change or None for any date) -> the deadlines that would move
DeadlinePreview = Callable[..., list[Move]]
_previews: dict[str, DeadlinePreview] = {}


def register_deadline_preview(name: str) -> Callable[[DeadlinePreview], DeadlinePreview]:
    def decorator(func: DeadlinePreview) -> DeadlinePreview:
        _previews[name] = func
        return func

    return decorator


def preview_all(engines: dict, window: tuple[dt.date, dt.date] | None = None, top: int = 10
                ) -> tuple[int, list[Move], dict[str, int]]:
    """How many open deadlines would move, the ``top`` that move most, and the count per
    owner."""
    moves, per_owner = [], {}
    for name, preview in sorted(_previews.items()):
        found = preview(engines, window)
        per_owner[name] = len(found)
        moves += found
    moves.sort(key=lambda m: abs(m.shift), reverse=True)
    return len(moves), moves[:top], per_owner
