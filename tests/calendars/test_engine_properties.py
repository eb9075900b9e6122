"""Property tests of the business-calendar arithmetic (SPEC CAL-7). No database.

Instants are compared in UTC (aware datetimes sharing a tzinfo compare by wall clock
and ignore ``fold``).
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from slaportal.calendars.engine import BusinessCalendar, seeded_calendar

KYIV = ZoneInfo("Europe/Kyiv")
ONE_US = timedelta(microseconds=1)

# Calendars whose range ends avoid 03:00-04:00 (a reference walk handles them simply).
PLAIN_CALENDARS = [
    seeded_calendar("cms-tech"),
    seeded_calendar("cms-desk"),
    seeded_calendar("data-standard"),
    seeded_calendar("data-extended"),
    seeded_calendar("data-extended", holiday_policy="traditional"),
    seeded_calendar("data-delta-window", holiday_policy="traditional"),
    BusinessCalendar("Europe/Kyiv", dict.fromkeys(range(7), "00:00-24:00")),
    BusinessCalendar(
        "Europe/Kyiv",
        {
            0: "08:00-12:00, 13:00-17:30",
            2: "00:00-02:00, 22:00-24:00",
            3: "00:00-06:00",
            5: "10:00-11:00",
        },
        holiday_policy="traditional",
        closures=[(date(2020, 2, 3), date(2020, 2, 12), "Audit"), date(2025, 6, 2)],
    ),
]
# Ranges that start/end inside the spring gap and the autumn repeat, and a UTC calendar.
EDGE_CALENDARS = [
    BusinessCalendar(
        "Europe/Kyiv",
        {5: "23:00-24:00", 6: "00:00-02:30, 03:15-03:45, 04:00-05:00", 0: "00:00-01:00"},
    ),
    BusinessCalendar("UTC", {0: "09:00-17:00", 4: "09:00-17:00"}, country="UA"),
]
ALL_CALENDARS = PLAIN_CALENDARS + EDGE_CALENDARS

instants = st.datetimes(
    min_value=datetime(2018, 1, 1),
    max_value=datetime(2031, 12, 31),
    timezones=st.sampled_from([KYIV, UTC]),
    allow_imaginary=False,
)
whole_minute_instants = instants.map(lambda t: t.replace(second=0, microsecond=0))
amounts = st.integers(min_value=1, max_value=200 * 60)  # 1 minute .. 200 business hours

SETTINGS = settings(max_examples=200, deadline=None)


def as_utc(t):
    return t.astimezone(UTC)


@SETTINGS
@given(cal=st.sampled_from(ALL_CALENDARS), start=instants, minutes=amounts)
def test_deadline_is_after_start_and_measures_back(cal, start, minutes):
    """CAL-7: a deadline never precedes its start, and the business time from the start
    to it is exactly the amount added (to the microsecond, seconds of the input kept)."""
    deadline = cal.add_minutes(start, minutes)
    assert as_utc(deadline) > as_utc(start)
    assert cal.business_us_between(start, deadline) == minutes * 60_000_000
    assert cal.business_minutes_between(start, deadline) == minutes
    assert deadline.tzinfo is cal.tz


@SETTINGS
@given(cal=st.sampled_from(ALL_CALENDARS), start=instants, minutes=amounts)
def test_deadline_lies_in_hours_or_at_a_range_end(cal, start, minutes):
    """CAL-7: the result is inside opening hours or exactly at the end of a range (never
    the following opening)."""
    deadline = cal.add_minutes(start, minutes)
    if not cal.is_open(deadline):
        assert cal.is_open(as_utc(deadline) - ONE_US)


@SETTINGS
@given(cal=st.sampled_from(ALL_CALENDARS), start=instants, first=amounts, second=amounts)
def test_adding_in_two_steps_equals_adding_once(cal, start, first, second):
    """CAL-7: add(a + b) == add(add(a), b)."""
    once = cal.add_minutes(start, first + second)
    twice = cal.add_minutes(cal.add_minutes(start, first), second)
    assert as_utc(once) == as_utc(twice)


@SETTINGS
@given(cal=st.sampled_from(ALL_CALENDARS), start=instants)
def test_next_open_is_open_and_nothing_is_skipped(cal, start):
    """CAL-7: the next opening is open, not before t, and no business time lies between."""
    opening = cal.next_open(start)
    assert as_utc(opening) >= as_utc(start)
    assert cal.is_open(opening)
    assert cal.business_us_between(start, opening) == 0
    if cal.is_open(start):
        assert as_utc(opening) == as_utc(start)


@SETTINGS
@given(cal=st.sampled_from(ALL_CALENDARS), a=instants, b=instants, c=instants)
def test_elapsed_time_is_additive_and_antisymmetric(cal, a, b, c):
    """CAL-7: between(a, b) + between(b, c) == between(a, c); between(b, a) == -between(a, b)."""
    ab = cal.business_us_between(a, b)
    assert ab == -cal.business_us_between(b, a)
    assert ab + cal.business_us_between(b, c) == cal.business_us_between(a, c)


def reference_add_minutes(cal, start, minutes):
    """A slow day-by-day walk over ``cal.day(...)`` (no range end inside 03:00-04:00)."""
    remaining = timedelta(minutes=minutes)
    start = as_utc(start)
    day = start.astimezone(cal.tz).date()
    while True:
        for first, last in cal.day(day).ranges:
            opens = datetime.combine(day, time(first // 60, first % 60), cal.tz)
            if last == 1440:
                closes = datetime.combine(day + timedelta(days=1), time(0), cal.tz)
            else:
                closes = datetime.combine(day, time(last // 60, last % 60), cal.tz)
            opens, closes = max(as_utc(opens), start), as_utc(closes)
            if closes <= opens:
                continue
            if closes - opens >= remaining:
                return opens + remaining
            remaining -= closes - opens
        day += timedelta(days=1)


@SETTINGS
@given(cal=st.sampled_from(PLAIN_CALENDARS), start=instants, minutes=amounts)
def test_deadline_matches_a_day_by_day_walk(cal, start, minutes):
    """CAL-1..CAL-7: the compiled arithmetic agrees with a naive walk over the days."""
    assert as_utc(cal.add_minutes(start, minutes)) == reference_add_minutes(cal, start, minutes)


def reference_add_days(cal, start, days):
    """Walk the dates: from a non-business day start at 00:00 of the next business day."""
    local = start.astimezone(cal.tz)
    day, clock = local.date(), local.time()
    if not cal.is_business_day(day):
        day += timedelta(days=1)
        while not cal.is_business_day(day):
            day += timedelta(days=1)
        clock = time(0)
    for _ in range(days):
        day += timedelta(days=1)
        while not cal.is_business_day(day):
            day += timedelta(days=1)
    return as_utc(cal.next_open(datetime.combine(day, clock, cal.tz)))


@SETTINGS
@given(
    cal=st.sampled_from(PLAIN_CALENDARS),
    start=whole_minute_instants,
    days=st.integers(min_value=0, max_value=40),
)
def test_add_days_matches_a_walk_over_business_days(cal, start, days):
    """CAL-1 CAL-7: N business days later at the same clock time, else the next opening."""
    result = cal.add_days(start, days)
    assert as_utc(result) == reference_add_days(cal, start, days)
    assert as_utc(result) >= as_utc(start)
    assert cal.is_open(result)
