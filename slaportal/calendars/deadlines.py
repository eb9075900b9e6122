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

from collections.abc import Callable

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
