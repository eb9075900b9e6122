"""Business-calendar arithmetic (SPEC CAL-1..CAL-7). Pure Python: stdlib + ``holidays``.

A :class:`BusinessCalendar` is an immutable value: a time zone, weekly opening hours
(several ranges a day, a range may end at 24:00), a holiday policy, closures and a
country. It answers the questions of CAL-7 on timezone-aware datetimes.

Semantics, stated once:

* **Opening hours** are local wall-clock times in the calendar's zone. A range is the
  half-open interval from the first instant at which the local clock reads its start
  to the first instant at which it reads its end. Across DST (``Europe/Kyiv``: last
  Sunday of March 03:00 -> 04:00, last Sunday of October 04:00 -> 03:00) this means a
  wall time inside the spring gap maps to the moment of the jump (04:00 EEST), and a
  repeated autumn wall time maps to its first occurrence. Ranges that touch (Monday
  ...-24:00 and Tuesday 00:00-..., or 12:00-14:00 and 14:00-...) form one interval:
  a 24/7 calendar has no gap at midnight. A range's start is open, its end is not.
  Business time is elapsed (real) time: 00:00-24:00 on the spring Sunday holds 23 hours.
* **Business days** (CAL-1, CAL-2, CAL-4) are Monday-Friday, minus statutory days off
  (holidays, observed and substituted days), minus closures, minus (``traditional``
  policy, CAL-3) the holidays of the ``workday`` category, plus the weekend days worked
  in exchange for a substituted day off. They do not depend on opening hours: a
  calendar may open at weekends (``data-extended``) and Saturday is still not a
  business day. A day that is not a business day because of a holiday, closure or
  policy has **no** opening hours, also on calendars that open at weekends. A weekend
  workday has the hours of the weekday it stands in for (see ``ua_holidays``).
* **Precision**: all arithmetic is exact, in integer microseconds. Inputs keep their
  seconds and microseconds (``add_minutes(12:00:30, 60)`` on an open calendar is
  ``13:00:30``); results are never rounded to the minute. Opening hours are whole
  minutes, so with whole-minute inputs every result is a whole minute.
* **Inputs** must be timezone-aware datetimes (any zone); naive ones raise
  ``ValueError``. **Results** are aware datetimes in the calendar's zone.
* ``add_minutes``/``add_hours`` (n >= 0) return the instant at which n business minutes
  have elapsed after ``t``; when that happens exactly at the end of an opening range
  the range end is returned, not the next opening. ``n == 0`` returns ``next_open(t)``.
* ``add_days(t, n)`` (n >= 0): when the local date of ``t`` is a business day, the same
  local clock time n business days later; when it is not, counting starts at 00:00 of
  the next business day (a ticket received on Saturday counts as received at the
  start of Monday). If the clock time is outside hours on the target day, the next
  opening after it is returned.
* ``business_minutes_between(a, b)`` is the business time in ``[a, b)`` in minutes (a
  float; whole for whole-minute inputs; ``business_time_between``/``business_us_between``
  give it exactly); it is negative when ``b < a`` (``between(b, a) == -between(a, b)``).
* Amounts may be fractional (``add_hours(t, 1.5)``); they are rounded to the microsecond.

Speed (CAL-7 "any span of years"; the issue asks for >= 200,000 deadlines a second):
each calendar year is compiled once, lazily, into sorted arrays of open intervals in
UTC epoch microseconds with cumulative business-time sums, shared by equal calendars
through a bounded module-level cache. A deadline is then two bisections and a few
integer operations; the only datetime created is the result.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from slaportal.calendars.ua_holidays import year_holidays

__all__ = [
    "BUSINESS",
    "CLOSURE",
    "HOLIDAY",
    "HOLIDAY_POLICIES",
    "OBSERVED",
    "POLICY",
    "SEEDED_CALENDARS",
    "STATUTORY",
    "SUBSTITUTED",
    "TRADITIONAL",
    "WEEKEND",
    "WORKDAY",
    "BusinessCalendar",
    "CalendarDay",
    "format_minutes",
    "format_ranges",
    "parse_minutes",
    "parse_ranges",
    "parse_weekly",
    "seeded_calendar",
]

STATUTORY = "statutory"
TRADITIONAL = "traditional"
HOLIDAY_POLICIES = (STATUTORY, TRADITIONAL)

# Reasons reported by BusinessCalendar.day() / closed_days().
BUSINESS = "business"  # an ordinary business day (never in closed_days)
WEEKEND = "weekend"
HOLIDAY = "holiday"
OBSERVED = "observed"
SUBSTITUTED = "substituted"
CLOSURE = "closure"
POLICY = "policy"
WORKDAY = "workday"  # a weekend day worked in exchange (a business day)

MINUTES_PER_DAY = 1440
_US_PER_SECOND = 1_000_000
_US_PER_MINUTE = 60 * _US_PER_SECOND
_US_PER_HOUR = 60 * _US_PER_MINUTE
_AVG_YEAR_US = 31_556_952 * _US_PER_SECOND  # 365.2425 days
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_US = timedelta(microseconds=1)
_MAX_EMPTY_YEARS = 50  # give up looking for an opening after this many closed years
_SHARED_CACHE_SIZE = 256  # compiled (calendar, year) pairs kept for all instances (~50 KB each)
_INSTANCE_CACHE_SIZE = 128  # compiled years kept on one instance
_WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

Range = tuple[int, int]  # (start, end) in minutes after local midnight, 0 <= start < end <= 1440


# --------------------------------------------------------------------------- parsing

_HHMM = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


def parse_minutes(value: int | str | time) -> int:
    """Minutes after midnight of ``value``: an int (0..1440), ``"HH:MM"`` (``"24:00"``
    allowed) or a :class:`datetime.time` (whole minutes)."""
    if isinstance(value, bool):
        raise ValueError(f"Not a time of day: {value!r}")
    if isinstance(value, int):
        minutes = value
    elif isinstance(value, str):
        match = _HHMM.match(value)
        if not match:
            raise ValueError(f"Not a time of day (HH:MM expected): {value!r}")
        hours, mins = int(match[1]), int(match[2])
        if mins >= 60 or hours > 24 or (hours == 24 and mins):
            raise ValueError(f"Not a time of day (00:00..24:00): {value!r}")
        minutes = hours * 60 + mins
    elif isinstance(value, time):
        if value.second or value.microsecond:
            raise ValueError(f"Opening hours are whole minutes: {value!r}")
        minutes = value.hour * 60 + value.minute
    else:
        raise ValueError(f"Not a time of day: {value!r}")
    if not 0 <= minutes <= MINUTES_PER_DAY:
        raise ValueError(f"Time of day outside 00:00..24:00: {value!r}")
    return minutes


def format_minutes(minutes: int) -> str:
    """``"HH:MM"`` for minutes after midnight (1440 -> ``"24:00"``)."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def format_ranges(ranges: Sequence[Range]) -> str:
    """``"08:00-12:00, 13:00-24:00"``; an empty day is ``""``."""
    return ", ".join(f"{format_minutes(s)}-{format_minutes(e)}" for s, e in ranges)


def _normalise_ranges(ranges: Iterable, where: str = "") -> tuple[Range, ...]:
    prefix = f"{where}: " if where else ""
    result = []
    for item in ranges:
        try:
            start, end = item
        except (TypeError, ValueError):
            raise ValueError(f"{prefix}a range is a (start, end) pair: {item!r}") from None
        start, end = parse_minutes(start), parse_minutes(end)
        if start >= end:
            raise ValueError(
                f"{prefix}range {format_minutes(start)}-{format_minutes(end)} "
                "must start before it ends"
            )
        result.append((start, end))
    result.sort()
    for (s1, e1), (s2, e2) in zip(result, result[1:], strict=False):
        if s2 < e1:
            raise ValueError(
                f"{prefix}ranges {format_minutes(s1)}-{format_minutes(e1)} and "
                f"{format_minutes(s2)}-{format_minutes(e2)} overlap"
            )
    return tuple(result)


def parse_ranges(text: str | Iterable) -> tuple[Range, ...]:
    """Opening ranges of one day from ``"08:00-12:00, 13:00-24:00"`` (also ``;`` or
    newlines as separators, an en dash instead of ``-``; ``""`` or ``"closed"`` for none)
    or from an iterable of ``(start, end)`` pairs. Validated: inside 00:00..24:00,
    start before end, no overlap (touching ranges are fine)."""
    if not isinstance(text, str):
        return _normalise_ranges(text)
    cleaned = text.strip()
    if cleaned.lower() in ("", "closed", "-"):
        return ()
    pairs = []
    for part in re.split(r"[,;\n]+", cleaned):
        if not part.strip():
            continue
        bounds = re.split(r"\s*[-\u2013\u2014]\s*", part.strip())
        if len(bounds) != 2:
            raise ValueError(f"Not a range (HH:MM-HH:MM expected): {part.strip()!r}")
        pairs.append((bounds[0], bounds[1]))
    return _normalise_ranges(pairs)


def parse_weekly(weekly: Mapping) -> tuple[tuple[Range, ...], ...]:
    """Seven tuples of ranges (0=Monday .. 6=Sunday) from a mapping weekday -> ranges
    (a string for :func:`parse_ranges` or (start, end) pairs). Missing days are closed."""
    if not isinstance(weekly, Mapping):
        raise ValueError("weekly hours must map weekday (0=Mon..6=Sun) to ranges")
    days: list[tuple[Range, ...]] = [()] * 7
    for key, ranges in weekly.items():
        if isinstance(key, bool) or not isinstance(key, int) or not 0 <= key <= 6:
            raise ValueError(f"weekday must be 0 (Monday) .. 6 (Sunday), not {key!r}")
        try:
            days[key] = parse_ranges(ranges)
        except ValueError as exc:
            raise ValueError(f"{_WEEKDAY_NAMES[key]}: {exc}") from None
    return tuple(days)


def _normalise_closures(closures: Iterable) -> tuple[tuple[date, date, str], ...]:
    result = []
    for item in closures:
        if isinstance(item, date) and not isinstance(item, datetime):
            start = end = item
            note = ""
        else:
            try:
                start, end, *rest = item
            except (TypeError, ValueError):
                raise ValueError(
                    f"a closure is a date or (first, last[, note]): {item!r}"
                ) from None
            if len(rest) > 1:
                raise ValueError(f"a closure is a date or (first, last[, note]): {item!r}")
            note = str(rest[0]) if rest else ""
        if not all(isinstance(d, date) and not isinstance(d, datetime) for d in (start, end)):
            raise ValueError(f"closure bounds must be dates: {item!r}")
        if end < start:
            raise ValueError(f"closure ends ({end}) before it starts ({start})")
        result.append((start, end, note))
    return tuple(sorted(result))


# --------------------------------------------------------------------------- results


class CalendarDay(NamedTuple):
    """How a calendar treats one local date (the admin year view, CAL-3/CAL-4)."""

    date: date
    reason: str  # BUSINESS, WEEKEND, HOLIDAY, OBSERVED, SUBSTITUTED, CLOSURE, POLICY, WORKDAY
    name: str  # holiday name (en_US), closure note, "" otherwise
    business_day: bool
    ranges: tuple[Range, ...]  # opening hours that apply on that date

    @property
    def is_open(self) -> bool:
        """Whether the calendar has any opening hours that day."""
        return bool(self.ranges)


class _Year:
    """One local calendar year compiled for arithmetic."""

    __slots__ = ("year", "start", "end", "starts", "ends", "cum_end", "total", "bdays")

    def __init__(self, year, start, end, starts, ends, bdays):
        self.year = year
        self.start = start  # epoch us of local Jan 1 00:00
        self.end = end  # epoch us of next local Jan 1 00:00
        self.starts = starts  # open intervals [starts[i], ends[i]), sorted, disjoint
        self.ends = ends
        cum_end, total = [], 0
        for s, e in zip(starts, ends, strict=True):
            total += e - s
            cum_end.append(total)
        self.cum_end = cum_end  # business us from the year start to ends[i]
        self.total = total
        self.bdays = bdays  # ordinals of the business days, sorted


_shared_years: OrderedDict[tuple, _Year] = OrderedDict()


# --------------------------------------------------------------------------- calendar


class BusinessCalendar:
    """Immutable business calendar: zone, weekly hours, holiday policy, closures."""

    __slots__ = (
        "tz",
        "tz_name",
        "weekly",
        "holiday_policy",
        "closures",
        "country",
        "_key",
        "_hash",
        "_years",
        "_closure_days",
    )

    def __init__(
        self,
        tz: str | ZoneInfo,
        weekly: Mapping,
        *,
        holiday_policy: str = STATUTORY,
        closures: Iterable = (),
        country: str = "UA",
    ) -> None:
        """``weekly`` maps weekday 0=Mon..6=Sun to ranges (``"08:00-24:00, ..."`` or pairs
        of ``"HH:MM"``/minutes/``time``); ``closures`` holds dates or ``(first, last)`` /
        ``(first, last, note)`` inclusive date ranges (CAL-4)."""
        if isinstance(tz, ZoneInfo):
            zone = tz
        elif isinstance(tz, str):
            try:
                zone = ZoneInfo(tz)
            except (KeyError, ValueError) as exc:  # ZoneInfoNotFoundError is a KeyError
                raise ValueError(f"Unknown time zone: {tz!r}") from exc
        else:
            raise ValueError(f"tz must be an IANA zone name: {tz!r}")
        if holiday_policy not in HOLIDAY_POLICIES:
            raise ValueError(
                f"holiday_policy must be one of {', '.join(HOLIDAY_POLICIES)}: {holiday_policy!r}"
            )
        if not isinstance(country, str) or not country:
            raise ValueError(f"country must be an ISO code: {country!r}")
        days = parse_weekly(weekly)
        normalised_closures = _normalise_closures(closures)
        key = (zone.key, days, holiday_policy, normalised_closures, country)
        setattr_ = object.__setattr__
        setattr_(self, "tz", zone)
        setattr_(self, "tz_name", zone.key)
        setattr_(self, "weekly", days)
        setattr_(self, "holiday_policy", holiday_policy)
        setattr_(self, "closures", normalised_closures)
        setattr_(self, "country", country)
        setattr_(self, "_key", key)
        setattr_(self, "_hash", hash(key))
        setattr_(self, "_years", {})
        setattr_(self, "_closure_days", None)

    # ---- value semantics

    def __setattr__(self, name, value):
        raise AttributeError("BusinessCalendar is immutable; use replace()")

    def __delattr__(self, name):
        raise AttributeError("BusinessCalendar is immutable")

    def __eq__(self, other):
        if not isinstance(other, BusinessCalendar):
            return NotImplemented
        return self._key == other._key

    def __hash__(self):
        return self._hash

    def __reduce__(self):
        return (
            _rebuild,
            (self.tz_name, self.weekly, self.holiday_policy, self.closures, self.country),
        )

    def __repr__(self):
        hours = "; ".join(
            f"{_WEEKDAY_NAMES[d]} {format_ranges(r)}" for d, r in enumerate(self.weekly) if r
        )
        return (
            f"<BusinessCalendar {self.tz_name} [{hours}] policy={self.holiday_policy} "
            f"closures={len(self.closures)} country={self.country}>"
        )

    def replace(self, **changes) -> BusinessCalendar:
        """A copy with some of tz, weekly, holiday_policy, closures, country changed."""
        fields = {
            "tz": self.tz_name,
            "weekly": dict(enumerate(self.weekly)),
            "holiday_policy": self.holiday_policy,
            "closures": self.closures,
            "country": self.country,
        }
        unknown = set(changes) - set(fields)
        if unknown:
            raise TypeError(f"unknown fields: {', '.join(sorted(unknown))}")
        fields.update(changes)
        tz = fields.pop("tz")
        weekly = fields.pop("weekly")
        return BusinessCalendar(tz, weekly, **fields)

    def weekly_text(self) -> dict[int, str]:
        """Weekday -> ``"08:00-24:00"`` (``""`` when closed)."""
        return {d: format_ranges(r) for d, r in enumerate(self.weekly)}

    # ---- days (CAL-1..CAL-4)

    def _closure_map(self) -> dict[date, str]:
        days = self._closure_days
        if days is None:
            days = {}
            for start, end, note in self.closures:
                for ordinal in range(start.toordinal(), end.toordinal() + 1):
                    days.setdefault(date.fromordinal(ordinal), note)
            object.__setattr__(self, "_closure_days", days)
        return days

    def day(self, day: date) -> CalendarDay:
        """How the calendar treats the local date ``day``."""
        facts = year_holidays(self.country, day.year)
        weekday = day.weekday()
        public = facts.public.get(day)
        if public is not None:
            return CalendarDay(day, public[0], public[1], False, ())
        closures = self._closure_map()
        if day in closures:
            return CalendarDay(day, CLOSURE, closures[day], False, ())
        if self.holiday_policy == TRADITIONAL and day in facts.workday:
            return CalendarDay(day, POLICY, facts.workday[day], False, ())
        if weekday >= 5:
            stands_in_for = facts.weekend_workdays.get(day)
            if stands_in_for is not None:
                name = f"Working day (in place of {_WEEKDAY_NAMES[stands_in_for]})"
                return CalendarDay(day, WORKDAY, name, True, self.weekly[stands_in_for])
            return CalendarDay(day, WEEKEND, "", False, self.weekly[weekday])
        return CalendarDay(day, BUSINESS, "", True, self.weekly[weekday])

    def closed_days(self, year: int) -> list[CalendarDay]:
        """Every date of ``year`` that is not an ordinary business day, in date order:
        non-business days (reason weekend, holiday, observed, substituted, closure,
        policy) and weekend days worked in exchange (reason ``workday``, a business
        day). ``policy`` marks a date closed only by the traditional policy (CAL-3);
        the statutory reasons come first, then closures, then the policy, then the
        weekend, so a holiday on a Saturday is reported as ``holiday``."""
        first = date(year, 1, 1).toordinal()
        last = date(year, 12, 31).toordinal()
        result = []
        for ordinal in range(first, last + 1):
            info = self.day(date.fromordinal(ordinal))
            if info.reason != BUSINESS:
                result.append(info)
        return result

    def is_business_day(self, day: date) -> bool:
        """CAL-1: Monday-Friday (or a weekend workday) that no holiday, closure or the
        traditional policy closes."""
        return self.day(day).business_day

    # ---- compilation

    def _wall_us(self, day: date, minute: int) -> int:
        """Epoch us of the first instant at which the local clock reads ``day`` ``minute``."""
        if minute == MINUTES_PER_DAY:
            day = day + timedelta(days=1)
            minute = 0
        return self._naive_to_us(datetime.combine(day, time(minute // 60, minute % 60)))

    def _naive_to_us(self, wall: datetime) -> int:
        """Epoch us of the first instant at which the local clock reads ``wall`` or later:
        the first occurrence of a repeated time; the moment of the jump for a time in a
        DST gap."""
        zone = self.tz
        aware = wall.replace(tzinfo=zone, fold=0)
        us = (aware - _EPOCH) // _ONE_US
        if _local_wall(us, zone) == wall:
            return us
        # ``wall`` is in a gap: fold=1 lands before the jump, fold=0 after it.
        lo = (wall.replace(tzinfo=zone, fold=1) - _EPOCH) // _ONE_US
        hi = us
        if lo > hi:
            lo, hi = hi, lo
        lo_s, hi_s = lo // _US_PER_SECOND, -(-hi // _US_PER_SECOND)
        while hi_s - lo_s > 1:  # the jump happens on a whole second
            mid = (lo_s + hi_s) // 2
            if _local_wall(mid * _US_PER_SECOND, zone) >= wall:
                hi_s = mid
            else:
                lo_s = mid
        return hi_s * _US_PER_SECOND

    def _compile(self, year: int) -> _Year:
        shared_key = (self.__class__, self._key, year)  # a subclass may change day()
        compiled = _shared_years.get(shared_key)
        if compiled is None:
            compiled = self._build_year(year)
            _shared_years[shared_key] = compiled
            if len(_shared_years) > _SHARED_CACHE_SIZE:
                _shared_years.popitem(last=False)
        else:
            _shared_years.move_to_end(shared_key)
        years = self._years
        if len(years) >= _INSTANCE_CACHE_SIZE:
            years.clear()
        years[year] = compiled
        return compiled

    def _build_year(self, year: int) -> _Year:
        starts: list[int] = []
        ends: list[int] = []
        bdays: list[int] = []
        first = date(year, 1, 1).toordinal()
        last = date(year, 12, 31).toordinal()
        for ordinal in range(first, last + 1):
            day = date.fromordinal(ordinal)
            info = self.day(day)
            if info.business_day:
                bdays.append(ordinal)
            for start_min, end_min in info.ranges:
                start = self._wall_us(day, start_min)
                end = self._wall_us(day, end_min)
                if end <= start:  # a range entirely inside a DST gap
                    continue
                if ends and start <= ends[-1]:
                    ends[-1] = max(ends[-1], end)  # touching ranges: one interval
                else:
                    starts.append(start)
                    ends.append(end)
        return _Year(
            year,
            self._wall_us(date(year, 1, 1), 0),
            self._wall_us(date(year + 1, 1, 1), 0) if year < 9999 else 2**62,
            starts,
            ends,
            bdays,
        )

    def _year_at(self, x: int) -> _Year:
        """The compiled local year that contains epoch us ``x``."""
        year = 1970 + x // _AVG_YEAR_US
        years = self._years
        compiled = years.get(year) or self._compile(year)
        if x < compiled.start:
            compiled = years.get(year - 1) or self._compile(year - 1)
        elif x >= compiled.end:
            compiled = years.get(year + 1) or self._compile(year + 1)
        return compiled

    def _next_year(self, compiled: _Year) -> _Year:
        year = compiled.year + 1
        return self._years.get(year) or self._compile(year)

    # ---- conversions

    def _to_us(self, t: datetime) -> int:
        try:
            return (t - _EPOCH) // _ONE_US
        except TypeError:
            raise ValueError(
                f"a timezone-aware datetime is required, not {t!r}"
                if isinstance(t, datetime)
                else f"a datetime is required, not {t!r}"
            ) from None

    def _from_us(self, x: int) -> datetime:
        return datetime.fromtimestamp(x / _US_PER_SECOND, self.tz)

    # ---- CAL-7 operations

    def is_open(self, t: datetime) -> bool:
        """Whether ``t`` lies inside opening hours (a range's start is open, its end not)."""
        x = self._to_us(t)
        compiled = self._year_at(x)
        i = bisect_right(compiled.starts, x) - 1
        return i >= 0 and x < compiled.ends[i]

    def next_open(self, t: datetime) -> datetime:
        """``t`` itself when open, else the start of the next opening range."""
        return self._from_us(self._next_open_us(self._to_us(t)))

    def _next_open_us(self, x: int) -> int:
        compiled = self._year_at(x)
        for _ in range(_MAX_EMPTY_YEARS):
            i = bisect_right(compiled.ends, x)
            if i < len(compiled.ends):
                start = compiled.starts[i]
                return x if x > start else start
            compiled = self._next_year(compiled)
        raise ValueError(f"the calendar has no opening hours within {_MAX_EMPTY_YEARS} years")

    def add_minutes(self, t: datetime, minutes: float) -> datetime:
        """The instant at which ``minutes`` business minutes have elapsed after ``t``."""
        delta = minutes * _US_PER_MINUTE
        if delta.__class__ is not int:
            delta = round(delta)
        return self._add_us(t, delta)

    def add_hours(self, t: datetime, hours: float) -> datetime:
        """The instant at which ``hours`` business hours have elapsed after ``t``."""
        delta = hours * _US_PER_HOUR
        if delta.__class__ is not int:
            delta = round(delta)
        return self._add_us(t, delta)

    def add(self, t: datetime, delta: timedelta) -> datetime:
        """The instant at which the business time ``delta`` has elapsed after ``t``."""
        return self._add_us(t, delta // _ONE_US)

    def _add_us(self, t: datetime, delta: int) -> datetime:
        try:
            x = (t - _EPOCH) // _ONE_US
        except TypeError:
            x = self._to_us(t)  # raises the ValueError
        if delta <= 0:
            if delta < 0:
                raise ValueError("business time to add must not be negative")
            return self._from_us(self._next_open_us(x))
        year = 1970 + x // _AVG_YEAR_US
        compiled = self._years.get(year) or self._compile(year)
        if x < compiled.start or x >= compiled.end:
            compiled = self._year_at(x)
        ends = compiled.ends
        i = bisect_right(ends, x)
        if i < len(ends):
            start = compiled.starts[i]
            # business time from the year start to x, plus the amount to add
            target = compiled.cum_end[i] - ends[i] + (x if x > start else start) + delta
        else:
            target = compiled.total + delta
        empty = 0
        while target > compiled.total:
            target -= compiled.total
            empty = empty + 1 if not compiled.total else 0
            if empty > _MAX_EMPTY_YEARS:
                raise ValueError(
                    f"the calendar has no opening hours within {_MAX_EMPTY_YEARS} years"
                )
            compiled = self._next_year(compiled)
        cum_end = compiled.cum_end
        j = bisect_left(cum_end, target)
        return datetime.fromtimestamp(
            (compiled.ends[j] - cum_end[j] + target) / _US_PER_SECOND, self.tz
        )

    def add_days(self, t: datetime, days: int) -> datetime:
        """The same local clock time ``days`` business days later (the next opening when
        that time is outside hours). From a non-business day, counting starts at 00:00
        of the next business day."""
        if isinstance(days, bool) or not isinstance(days, int):
            raise ValueError(f"business days must be a whole number: {days!r}")
        if days < 0:
            raise ValueError("business days to add must not be negative")
        x = self._to_us(t)
        local = _local_wall(x, self.tz)
        ordinal = local.toordinal()
        clock = local.time()
        compiled = self._compile_for_date(ordinal)
        if not _contains(compiled.bdays, ordinal):
            ordinal = self._nth_business_day(ordinal, 1)
            clock = time(0, 0)
        if days:
            ordinal = self._nth_business_day(ordinal, days)
        wall = datetime.combine(date.fromordinal(ordinal), clock)
        return self._from_us(self._next_open_us(self._naive_to_us(wall)))

    def _compile_for_date(self, ordinal: int) -> _Year:
        year = date.fromordinal(ordinal).year
        return self._years.get(year) or self._compile(year)

    def _nth_business_day(self, ordinal: int, n: int) -> int:
        """The ordinal of the n-th (n >= 1) business day strictly after ``ordinal``."""
        compiled = self._compile_for_date(ordinal)
        index = bisect_right(compiled.bdays, ordinal) + n - 1
        empty = 0
        while index >= len(compiled.bdays):
            index -= len(compiled.bdays)
            empty = empty + 1 if not compiled.bdays else 0
            if empty > _MAX_EMPTY_YEARS:
                raise ValueError(f"no business day within {_MAX_EMPTY_YEARS} years")
            compiled = self._next_year(compiled)
        return compiled.bdays[index]

    def business_minutes_between(self, a: datetime, b: datetime) -> float:
        """Business minutes in ``[a, b)``; negative when ``b`` is before ``a``."""
        return self.business_us_between(a, b) / _US_PER_MINUTE

    def business_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Business time in ``[a, b)`` as a timedelta; negative when ``b`` is before ``a``."""
        return timedelta(microseconds=self.business_us_between(a, b))

    def business_us_between(self, a: datetime, b: datetime) -> int:
        """Business microseconds in ``[a, b)``; negative when ``b`` is before ``a``."""
        xa, xb = self._to_us(a), self._to_us(b)
        if xb < xa:
            return -self._between_us(xb, xa)
        return self._between_us(xa, xb)

    def _between_us(self, xa: int, xb: int) -> int:
        ya, yb = self._year_at(xa), self._year_at(xb)
        if ya.year == yb.year:
            return _position(yb, xb) - _position(ya, xa)
        total = ya.total - _position(ya, xa)
        compiled = self._next_year(ya)
        while compiled.year < yb.year:
            total += compiled.total
            compiled = self._next_year(compiled)
        return total + _position(yb, xb)


# --------------------------------------------------------------------------- helpers


def _position(compiled: _Year, x: int) -> int:
    """Business us from the start of the compiled year to ``x`` (inside that year)."""
    ends = compiled.ends
    i = bisect_right(ends, x)
    if i == len(ends):
        return compiled.total
    start = compiled.starts[i]
    return compiled.cum_end[i] - ends[i] + (x if x > start else start)


def _contains(sorted_list: list[int], value: int) -> bool:
    i = bisect_left(sorted_list, value)
    return i < len(sorted_list) and sorted_list[i] == value


def _local_wall(us: int, zone: ZoneInfo) -> datetime:
    """The naive local wall-clock datetime at epoch us."""
    return (_EPOCH + timedelta(microseconds=us)).astimezone(zone).replace(tzinfo=None)


def _rebuild(tz, weekly, holiday_policy, closures, country):
    return BusinessCalendar(
        tz,
        dict(enumerate(weekly)),
        holiday_policy=holiday_policy,
        closures=closures,
        country=country,
    )


# --------------------------------------------------------------------------- seeds (CAL-6)

_KYIV = "Europe/Kyiv"  # CAL-5
_WEEKDAYS = (0, 1, 2, 3, 4)

SEEDED_CALENDARS: dict[str, dict] = {
    "cms-tech": {
        "name": "CMS technical support",
        "tz": _KYIV,
        "weekly": dict.fromkeys(_WEEKDAYS, "11:00-19:00"),
        "holiday_policy": STATUTORY,
    },
    "cms-desk": {
        "name": "CMS live chat / phone desk",
        "tz": _KYIV,
        "weekly": dict.fromkeys(_WEEKDAYS, "00:00-24:00"),
        "holiday_policy": STATUTORY,
    },
    "data-standard": {
        "name": "Data line Standard (9/5)",
        "tz": _KYIV,
        "weekly": dict.fromkeys(_WEEKDAYS, "09:00-18:00"),
        "holiday_policy": STATUTORY,
    },
    "data-extended": {
        "name": "Data line Premium/Signature (16/5 + 8 h weekends)",
        "tz": _KYIV,
        "weekly": {**dict.fromkeys(_WEEKDAYS, "08:00-24:00"), 5: "12:00-20:00", 6: "12:00-20:00"},
        "holiday_policy": STATUTORY,
    },
    "data-delta-window": {
        "name": "Delta migration start window",
        "tz": _KYIV,
        "weekly": dict.fromkeys(_WEEKDAYS, "09:00-21:00"),
        "holiday_policy": STATUTORY,
    },
}
"""The five calendars of SPEC CAL-6 (Europe/Kyiv, CAL-5; statutory policy, CAL-3).
``weekly`` maps weekday (0=Mon) to a :func:`parse_ranges` string; the data migration
can store these as they are."""


def seeded_calendar(slug: str, **overrides) -> BusinessCalendar:
    """The seeded calendar ``slug`` (CAL-6), with optional overrides such as
    ``holiday_policy="traditional"`` or ``closures=[...]``."""
    try:
        seed = SEEDED_CALENDARS[slug]
    except KeyError:
        raise ValueError(f"no seeded calendar {slug!r}") from None
    fields = {k: v for k, v in seed.items() if k != "name"}
    fields.update(overrides)
    return BusinessCalendar(fields.pop("tz"), fields.pop("weekly"), **fields)
