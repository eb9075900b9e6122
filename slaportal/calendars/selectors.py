"""Reads of calendars: the engine value for a slug, cached per process.

An engine is rebuilt only when the calendar's ``version`` or ``updated_at`` changed
(every change to a calendar, its hours or its closures bumps both), so the engine's
per-year caches stay warm across requests and tasks while a change made by another
process is seen at once.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models import Q

from . import engine
from .models import BusinessCalendar, Closure

# slug -> ((version, updated_at), engine)
_cache: dict[str, tuple[tuple, engine.BusinessCalendar]] = {}
_lock = threading.Lock()


# Inside pinned_calendars(): every engine read once, then served without a query.
_pinned: ContextVar[dict[str, engine.BusinessCalendar] | None] = ContextVar(
    "slaportal_pinned_calendars", default=None)


class UnknownCalendar(LookupError):
    pass


@contextmanager
def pinned_calendars() -> Iterator[None]:
    """For a job batch that reads calendars row after row: the engines are looked up
    once (one query) and kept for the block instead of checking versions per call."""
    token = _pinned.set(None)
    try:
        _pinned.set(_business_calendars(None))
        yield
    finally:
        _pinned.reset(token)


def _build(calendar: BusinessCalendar) -> engine.BusinessCalendar:
    weekly: dict[int, list[tuple[int, int]]] = {}
    for r in calendar.opening_ranges.all():
        weekly.setdefault(r.weekday, []).append((r.start_minute, r.end_minute))
    closures = [
        (c.starts_on, c.ends_on, c.public_note)  # the note names the day in explanations
        for c in Closure.objects.filter(Q(calendar=calendar) | Q(calendar__isnull=True))
    ]
    return engine.BusinessCalendar(
        tz=calendar.timezone,
        weekly=weekly,
        holiday_policy=calendar.holiday_policy,
        closures=closures,
    )


def business_calendars(slugs: list[str] | None = None) -> dict[str, engine.BusinessCalendar]:
    """Engines for the given slugs (all calendars when None) in one query when cached."""
    pinned = _pinned.get()
    if pinned is not None:
        if slugs is None:
            return dict(pinned)
        unknown = set(slugs) - set(pinned)
        if unknown:
            raise UnknownCalendar(f"No business calendar with slug {sorted(unknown)}.")
        return {slug: pinned[slug] for slug in slugs}
    return _business_calendars(slugs)


def _business_calendars(slugs: list[str] | None) -> dict[str, engine.BusinessCalendar]:
    rows = BusinessCalendar.objects.all()
    if slugs is not None:
        rows = rows.filter(slug__in=slugs)
    versions = {slug: (v, at) for slug, v, at in rows.values_list("slug", "version", "updated_at")}
    missing = [slug for slug, ver in versions.items() if _cache.get(slug, (None,))[0] != ver]
    if missing:
        for calendar in BusinessCalendar.objects.filter(slug__in=missing).prefetch_related(
            "opening_ranges"
        ):
            built = _build(calendar)
            with _lock:
                _cache[calendar.slug] = ((calendar.version, calendar.updated_at), built)
    if slugs is not None:
        unknown = set(slugs) - set(versions)
        if unknown:
            raise UnknownCalendar(f"No business calendar with slug {sorted(unknown)}.")
    return {slug: _cache[slug][1] for slug in versions}


def business_calendar(slug: str) -> engine.BusinessCalendar:
    """The engine of one calendar (CAL-7 arithmetic: add_hours, add_days, ...)."""
    return business_calendars([slug])[slug]


def upcoming_closures(*, today: dt.date, calendar_slugs: list[str] | None = None):
    """CAL-4: announced closures that end today or later, for customer pages."""
    closures = Closure.objects.filter(ends_on__gte=today).select_related("calendar")
    if calendar_slugs is not None:
        closures = closures.filter(
            Q(calendar__slug__in=calendar_slugs) | Q(calendar__isnull=True)
        )
    return closures.order_by("starts_on")
