"""Every deadline explained (issue 15, CAL-7/CAL-8): from its start to its due time, day
by day on its business calendar — what was counted, what was skipped and why (nights,
weekends, holidays by name, announced closures, the policy, pauses) — and the ledger of
its recomputes (old value, new value, cause, who or what)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from slaportal.calendars import engine as cal

MAX_DAYS = 120  # a longer span is summarised after this many days

REASON_WORDS = {
    cal.WEEKEND: "weekend",
    cal.HOLIDAY: "public holiday",
    cal.OBSERVED: "public holiday (observed)",
    cal.SUBSTITUTED: "day off moved from a weekend",
    cal.CLOSURE: "announced closure",
    cal.POLICY: "holiday kept as a day off (calendar policy)",
    cal.WORKDAY: "weekend day worked in exchange",
}


@dataclass
class Day:
    date: dt.date
    what: str  # "business day", "weekend", "public holiday: New Year" …
    hours: str  # the opening hours that apply, "closed"
    counted: float  # business minutes of the span counted that day
    total: float  # running total
    business: bool

    @property
    def counted_text(self) -> str:
        return duration(self.counted) if self.counted else "—"

    @property
    def total_text(self) -> str:
        return duration(self.total)


@dataclass
class Explanation:
    start: dt.datetime
    due: dt.datetime
    days: list[Day]
    counted: float
    before: float  # business minutes that ran before a pause (counted earlier)
    truncated: int  # days not listed
    calendar: str
    unit: str  # "business hours", "business days", "calendar hours"
    note: str = ""

    @property
    def skipped(self) -> list[Day]:
        return [d for d in self.days if not d.counted]


def duration(minutes: float) -> str:
    minutes = int(round(minutes))
    hours, mins = divmod(abs(minutes), 60)
    return f"{hours} h {mins:02d} min"


def explain(engine, start: dt.datetime, due: dt.datetime, *, calendar: str = "",
            unit: str = "business hours", before: float = 0.0, note: str = "") -> Explanation:
    """The span [start, due) on ``engine``, one row per local date."""
    zone = engine.tz if hasattr(engine, "tz") else timezone.get_default_timezone()
    first = timezone.localtime(start, zone).date()
    last = timezone.localtime(due, zone).date()
    days, total, day, listed = [], 0.0, first, 0
    truncated = 0
    while day <= last:
        if listed >= MAX_DAYS:
            truncated = (last - day).days + 1
            total = engine.business_minutes_between(start, due)
            break
        info = engine.day(day)
        lo = max(start, dt.datetime.combine(day, dt.time(), tzinfo=zone))
        hi = min(due, dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone))
        counted = engine.business_minutes_between(lo, hi) if lo < hi else 0.0
        total += counted
        if info.reason == cal.BUSINESS:
            what = "business day"
        else:
            what = REASON_WORDS.get(info.reason, info.reason)
            if info.name:
                what += f": {info.name}"
        hours = (", ".join(f"{cal.format_minutes(a)}–{cal.format_minutes(b)}"
                           for a, b in info.ranges) if info.ranges else "closed")
        days.append(Day(day, what, hours, counted, total + before, info.business_day))
        day += dt.timedelta(days=1)
        listed += 1
    return Explanation(start=start, due=due, days=days, counted=total, before=before,
                       truncated=truncated, calendar=calendar, unit=unit, note=note)


@dataclass
class Change:
    when: dt.datetime
    old: dt.datetime | None
    new: dt.datetime | None
    cause: str
    who: str


def ledger(rows, field: str, limit: int = 50) -> list[Change]:
    """Each change of ``field`` in django-simple-history rows (oldest first, with
    ``history_user`` loaded), with its cause and who made it ("system" for a job or a
    recompute); the latest ``limit``."""
    changes, previous, seen = [], None, False
    for row in rows:
        value = getattr(row, field)
        if seen and value != previous:
            user = row.history_user
            who = (user.full_name or user.email) if user is not None else "system"
            cause = row.history_change_reason or ("set" if previous is None else "changed")
            changes.append(Change(row.history_date, previous, value, cause, who))
        previous, seen = value, True
    return changes[-limit:]
