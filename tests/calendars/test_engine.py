"""Table-driven tests of the business-calendar engine (SPEC CAL-1..CAL-7). No database.

Expected values are worked out by hand in the comments. Instants are compared in UTC:
two aware datetimes with the same ``tzinfo`` compare by wall clock and ignore ``fold``,
which would hide an error of one hour in the repeated autumn hour.
"""

import ast
import pickle
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from slaportal.calendars import engine
from slaportal.calendars.engine import (
    SEEDED_CALENDARS,
    BusinessCalendar,
    CalendarDay,
    format_ranges,
    parse_minutes,
    parse_ranges,
    seeded_calendar,
)

KYIV = ZoneInfo("Europe/Kyiv")

CMS_TECH = seeded_calendar("cms-tech")
CMS_DESK = seeded_calendar("cms-desk")
DATA_STANDARD = seeded_calendar("data-standard")
DATA_EXTENDED = seeded_calendar("data-extended")
DATA_EXTENDED_TRADITIONAL = seeded_calendar("data-extended", holiday_policy="traditional")
CMS_TECH_TRADITIONAL = seeded_calendar("cms-tech", holiday_policy="traditional")
ALWAYS = BusinessCalendar("Europe/Kyiv", dict.fromkeys(range(7), "00:00-24:00"))
NIGHT = BusinessCalendar("Europe/Kyiv", {6: "00:00-06:00"})  # Sundays 00:00-06:00 only
DST_GAP = BusinessCalendar("Europe/Kyiv", {6: "03:00-04:00"})
DST_HALF_GAP = BusinessCalendar("Europe/Kyiv", {6: "03:30-05:00"})


def kyiv(*args, fold=0):
    return datetime(*args, tzinfo=KYIV, fold=fold)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def assert_instant(result, expected):
    """Same instant, returned in the calendar's zone (CAL-5)."""
    assert result.tzinfo is KYIV
    assert result.astimezone(UTC) == expected.astimezone(UTC), (result, expected)


# --------------------------------------------------------------------------- days


HOLIDAY_TABLE = [
    # (date, reason, name fragment, business day) — statutory policy, from holidays 0.109
    (date(2019, 1, 1), "holiday", "New Year", False),
    (date(2019, 4, 28), "holiday", "Easter", False),  # Sunday
    (date(2019, 4, 29), "observed", "Easter Sunday (Pascha) (observed)", False),
    (date(2019, 4, 30), "substituted", "substituted from 05/11/2019", False),
    (date(2019, 5, 11), "workday", "in place of Tue", True),  # Saturday worked for 30 April
    (date(2019, 8, 24), "holiday", "Independence Day", False),  # Saturday
    (date(2019, 8, 26), "observed", "Independence Day (observed)", False),
    (date(2019, 12, 21), "workday", "in place of Mon", True),  # for Monday 30 December
    (date(2019, 12, 28), "workday", "in place of Tue", True),  # for Tuesday 31 December
    (date(2019, 12, 30), "substituted", "substituted from 12/21/2019", False),
    (date(2019, 12, 31), "substituted", "substituted from 12/28/2019", False),
    (date(2021, 1, 8), "substituted", "substituted from 01/16/2021", False),
    (date(2021, 1, 16), "workday", "in place of Fri", True),
    (date(2021, 5, 1), "holiday", "Labor Day", False),  # Saturday
    (date(2021, 5, 2), "holiday", "Easter", False),  # Sunday
    (date(2021, 5, 3), "observed", "Labor Day (observed)", False),
    (date(2021, 5, 4), "observed", "Easter Sunday (Pascha) (observed)", False),
    (date(2021, 5, 10), "observed", "Victory Day) (observed)", False),
    (date(2021, 8, 23), "substituted", "substituted from 08/28/2021", False),
    (date(2021, 8, 28), "workday", "in place of Mon", True),
    (date(2021, 10, 23), "workday", "in place of Fri", True),
    (date(2021, 12, 27), "observed", "Christmas Day (observed)", False),
    (date(2018, 3, 3), "workday", "in place of Fri", True),  # for Friday 9 March 2018
    (date(2022, 3, 7), "substituted", "substituted from 03/12/2022", False),
    (date(2022, 3, 12), "workday", "in place of Mon", True),
    (date(2019, 5, 4), "weekend", "", False),  # an ordinary Saturday
    (date(2019, 5, 6), "business", "", True),  # an ordinary Monday
    (date(2024, 5, 9), "business", "", True),  # martial law: Victory Day is a working day
]


@pytest.mark.parametrize(("day", "reason", "name", "business"), HOLIDAY_TABLE)
def test_statutory_days_off_observed_substituted_and_weekend_workdays(day, reason, name, business):
    """CAL-1 CAL-2: the package's holidays, observed days, decree swaps and the Saturdays
    worked in exchange, with the reason the admin year view shows."""
    info = CMS_TECH.day(day)
    assert info.reason == reason
    assert name in info.name
    assert info.business_day is business
    assert CMS_TECH.is_business_day(day) is business


def test_weekend_workday_takes_the_hours_of_the_weekday_it_replaces():
    """CAL-2: Saturday 2019-05-11 was worked for Tuesday 2019-04-30 (the decree moved the
    working day), so it has Tuesday's hours — also on data-extended, whose ordinary
    Saturdays are 12:00-20:00."""
    assert CMS_TECH.day(date(2019, 5, 11)).ranges == ((11 * 60, 19 * 60),)
    assert DATA_EXTENDED.day(date(2019, 5, 11)).ranges == ((8 * 60, 24 * 60),)
    assert DATA_EXTENDED.day(date(2019, 5, 4)).ranges == ((12 * 60, 20 * 60),)
    # Friday 2019-05-10 17:00 + 2 h on data-standard: Fri 17-18 (1 h), Sat 09-10 (1 h).
    assert_instant(DATA_STANDARD.add_hours(kyiv(2019, 5, 10, 17), 2), kyiv(2019, 5, 11, 10))
    # data-extended: Fri 23-24 (1 h), Sat 08-09 as a Tuesday (not 12-13 as a Saturday).
    assert_instant(DATA_EXTENDED.add_hours(kyiv(2019, 5, 10, 23), 2), kyiv(2019, 5, 11, 9))
    # add_days counts it as a business day: Fri 12:00 + 1 -> Sat 12:00.
    assert_instant(CMS_TECH.add_days(kyiv(2019, 5, 10, 12), 1), kyiv(2019, 5, 11, 12))


def test_holidays_close_weekend_hours_too():
    """CAL-1 CAL-2: Easter Sunday 2019-04-28 closes data-extended's Sunday hours; the day
    off then moves to Monday (observed), Tuesday is a decree day off, Wednesday is Labour
    Day: the next opening after Saturday 20:00 is Thursday 2019-05-02 08:00."""
    assert DATA_EXTENDED.day(date(2019, 4, 28)).ranges == ()
    assert not DATA_EXTENDED.is_open(kyiv(2019, 4, 28, 14))
    assert_instant(DATA_EXTENDED.next_open(kyiv(2019, 4, 27, 20)), kyiv(2019, 5, 2, 8))


def test_2019_easter_week_deadline():
    """CAL-2 CAL-7: data-standard, Friday 2019-04-26 17:00 + 2 business hours. Fri 17-18
    is 1 h; Sat/Sun closed; Mon 29 (Easter observed), Tue 30 (substituted), Wed 1 May
    (Labour Day) closed; Thu 09:00 + 1 h = 10:00."""
    assert_instant(DATA_STANDARD.add_hours(kyiv(2019, 4, 26, 17), 2), kyiv(2019, 5, 2, 10))
    assert CMS_TECH.business_minutes_between(kyiv(2019, 4, 26, 12), kyiv(2019, 5, 2, 12)) == (
        7 * 60 + 60  # Fri 12-19, Thu 11-12
    )


def test_2021_may_holidays_chain():
    """CAL-2: 2021-05-01 (Sat, Labour Day) and 2021-05-02 (Sun, Easter) move to Mon 3 and
    Tue 4 May; cms-tech Friday 30 April 18:00 + 2 h = Fri 18-19 (1 h) + Wed 5 May 11-12."""
    assert_instant(CMS_TECH.add_hours(kyiv(2021, 4, 30, 18), 2), kyiv(2021, 5, 5, 12))


def test_2026_statutory_policy_has_no_holidays():
    """CAL-3: under martial law the package lists no public holidays for 2023-2026, so the
    statutory policy closes only weekends in 2026; New Year's Day is a business day."""
    closed = CMS_TECH.closed_days(2026)
    assert {d.reason for d in closed} == {"weekend"}
    assert len(closed) == 104  # 2026 starts on a Thursday: 52 Saturdays + 52 Sundays
    assert CMS_TECH.is_open(kyiv(2026, 1, 1, 12))
    assert CMS_TECH.day(date(2026, 1, 1)) == CalendarDay(
        date(2026, 1, 1), "business", "", True, ((660, 1140),)
    )


def test_2026_traditional_policy_closes_the_workday_category():
    """CAL-3: the traditional policy also closes the holidays the package files under
    `workday` (11 in 2026), reported with reason `policy`; no observed transfer applies."""
    closed = CMS_TECH_TRADITIONAL.closed_days(2026)
    policy = [d for d in closed if d.reason == "policy"]
    assert [d.date for d in policy] == [
        date(2026, 1, 1),
        date(2026, 3, 8),  # Sunday
        date(2026, 4, 12),  # Easter Sunday
        date(2026, 5, 1),
        date(2026, 5, 8),
        date(2026, 5, 31),  # Pentecost, Sunday
        date(2026, 6, 28),  # Sunday
        date(2026, 7, 15),
        date(2026, 8, 24),
        date(2026, 10, 1),
        date(2026, 12, 25),
    ]
    assert policy[0].name == "New Year's Day"
    assert len(closed) == 104 + 7  # weekends + the 7 policy days on weekdays
    assert not CMS_TECH_TRADITIONAL.is_open(kyiv(2026, 1, 1, 12))
    assert not CMS_TECH_TRADITIONAL.is_business_day(date(2026, 1, 1))
    assert CMS_TECH_TRADITIONAL.is_business_day(date(2026, 3, 9))  # no observed Monday
    # data-extended opens on Sundays, but not on Easter Sunday under the traditional policy.
    assert DATA_EXTENDED.is_open(kyiv(2026, 4, 12, 14))
    assert not DATA_EXTENDED_TRADITIONAL.is_open(kyiv(2026, 4, 12, 14))
    # Wed 2025-12-31 12:00 + 1 business day: Thursday under statutory, Friday otherwise.
    assert_instant(CMS_TECH.add_days(kyiv(2025, 12, 31, 12), 1), kyiv(2026, 1, 1, 12))
    assert_instant(CMS_TECH_TRADITIONAL.add_days(kyiv(2025, 12, 31, 12), 1), kyiv(2026, 1, 2, 12))


def test_2022_martial_law_year_splits_between_policies():
    """CAL-3: in 2022 the package keeps the holidays before martial law (15 March) as
    public and files the later ones under `workday`: Constitution Day (Tue 28 June) is a
    business day under statutory and closed under traditional."""
    assert CMS_TECH.day(date(2022, 3, 8)).reason == "holiday"
    assert CMS_TECH.day(date(2022, 6, 28)).reason == "business"
    assert CMS_TECH_TRADITIONAL.day(date(2022, 6, 28)).reason == "policy"
    assert CMS_TECH_TRADITIONAL.day(date(2022, 3, 8)).reason == "holiday"


def test_closed_days_lists_reasons_in_date_order():
    """CAL-3 CAL-4: the year view lists every non-ordinary date once, sorted, with the
    statutory reason winning over closure, policy and weekend."""
    cal = CMS_TECH.replace(closures=[(date(2019, 4, 29), date(2019, 5, 3), "Spring break")])
    closed = {d.date: d for d in cal.closed_days(2019)}
    assert [d.date for d in cal.closed_days(2019)] == sorted(closed)
    assert closed[date(2019, 4, 29)].reason == "observed"
    assert closed[date(2019, 5, 1)].reason == "holiday"
    assert closed[date(2019, 5, 2)] == CalendarDay(
        date(2019, 5, 2), "closure", "Spring break", False, ()
    )
    assert closed[date(2019, 5, 11)].reason == "workday"
    assert closed[date(2019, 5, 11)].business_day
    assert date(2019, 5, 6) not in closed


# --------------------------------------------------------------------------- closures


def test_closures_are_non_business_days():
    """CAL-4: a closure range (inclusive) closes those dates: cms-tech Fri 2024-05-10
    18:00 + 2 h is Fri 18-19 (1 h), Mon 13 and Tue 14 closed, Wed 15 11-12 (1 h)."""
    cal = CMS_TECH.replace(closures=[(date(2024, 5, 13), date(2024, 5, 14), "Team offsite")])
    assert_instant(cal.add_hours(kyiv(2024, 5, 10, 18), 2), kyiv(2024, 5, 15, 12))
    assert_instant(cal.add_days(kyiv(2024, 5, 10, 12), 1), kyiv(2024, 5, 15, 12))
    assert cal.day(date(2024, 5, 13)) == CalendarDay(
        date(2024, 5, 13), "closure", "Team offsite", False, ()
    )
    assert not cal.is_open(kyiv(2024, 5, 14, 12))
    assert CMS_TECH.is_open(kyiv(2024, 5, 14, 12))


def test_single_date_closure_closes_weekend_hours():
    """CAL-4: a closure given as one date closes that date, weekend hours included."""
    cal = DATA_EXTENDED.replace(closures=[date(2024, 5, 11)])
    assert not cal.is_open(kyiv(2024, 5, 11, 14))
    assert_instant(cal.next_open(kyiv(2024, 5, 11, 14)), kyiv(2024, 5, 12, 12))


# --------------------------------------------------------------------------- add hours


ADD_MINUTES_TABLE = [
    # (calendar, start, minutes, expected, why)
    (DATA_EXTENDED, kyiv(2024, 5, 10, 22), 360, kyiv(2024, 5, 11, 16), "Fri 22-24 2h, Sat 12-16"),
    (DATA_EXTENDED, kyiv(2024, 5, 13, 23), 60, kyiv(2024, 5, 14, 0), "ends at 24:00: range end"),
    (DATA_EXTENDED, kyiv(2024, 5, 13, 23), 61, kyiv(2024, 5, 14, 8, 1), "then Tue 08:00"),
    (DATA_EXTENDED, kyiv(2024, 5, 11, 19), 60, kyiv(2024, 5, 11, 20), "Sat range end 20:00"),
    (DATA_EXTENDED, kyiv(2024, 5, 12, 19), 61, kyiv(2024, 5, 13, 8, 1), "Sun 19-20, Mon 08"),
    (DATA_EXTENDED, kyiv(2024, 5, 11, 2), 1, kyiv(2024, 5, 11, 12, 1), "closed: from 12:00"),
    (ALWAYS, kyiv(2024, 5, 10, 23, 30), 60, kyiv(2024, 5, 11, 0, 30), "24/7: no midnight gap"),
    (ALWAYS, kyiv(2024, 12, 31, 23, 30), 60, kyiv(2025, 1, 1, 0, 30), "24/7 over New Year"),
    (CMS_DESK, kyiv(2024, 5, 13, 23, 30), 60, kyiv(2024, 5, 14, 0, 30), "Mon 24:00 = Tue 00:00"),
    (CMS_DESK, kyiv(2024, 5, 10, 23, 30), 60, kyiv(2024, 5, 13, 0, 30), "Fri -> Mon 00:30"),
    (CMS_TECH, kyiv(2024, 5, 10, 18), 60, kyiv(2024, 5, 10, 19), "Fri ends 19:00, not Mon"),
    (CMS_TECH, kyiv(2024, 5, 10, 19), 60, kyiv(2024, 5, 13, 12), "at close: Mon 11-12"),
    (DATA_STANDARD, kyiv(2024, 5, 6, 9), 9 * 60 * 5, kyiv(2024, 5, 10, 18), "one full week"),
]


@pytest.mark.parametrize(("cal", "start", "minutes", "expected", "why"), ADD_MINUTES_TABLE)
def test_add_minutes_table(cal, start, minutes, expected, why):
    """CAL-6 CAL-7: add N business minutes; a result exactly at a range end is that end."""
    assert_instant(cal.add_minutes(start, minutes), expected)
    assert cal.business_minutes_between(start, expected) == minutes


def test_friday_night_plus_six_hours_on_data_extended():
    """CAL-6 CAL-7: Friday 22:00 + 6 business hours on data-extended is Saturday 16:00
    (Fri 22:00-24:00 = 2 h, Sat 12:00-16:00 = 4 h)."""
    assert_instant(DATA_EXTENDED.add_hours(kyiv(2024, 5, 10, 22), 6), kyiv(2024, 5, 11, 16))


def test_add_keeps_seconds_and_accepts_any_zone():
    """CAL-7: exact to the minute — sub-minute parts of the input are kept, not rounded;
    a UTC input gives the same instant, returned in the calendar's zone (CAL-5)."""
    start = kyiv(2024, 5, 13, 12, 0, 30, 500_000)
    assert_instant(CMS_TECH.add_minutes(start, 60), kyiv(2024, 5, 13, 13, 0, 30, 500_000))
    assert_instant(CMS_TECH.add_hours(utc(2024, 5, 13, 9), 1), kyiv(2024, 5, 13, 13))
    assert_instant(CMS_TECH.add_hours(utc(2024, 5, 13, 9), 0.5), kyiv(2024, 5, 13, 12, 30))
    assert_instant(
        CMS_TECH.add(utc(2024, 5, 13, 9), timedelta(minutes=90)), kyiv(2024, 5, 13, 13, 30)
    )
    assert CMS_TECH.business_minutes_between(
        kyiv(2024, 5, 13, 12, 0, 30), kyiv(2024, 5, 13, 12, 1)
    ) == pytest.approx(0.5)


def test_add_zero_is_next_opening_and_negative_is_refused():
    """CAL-7: adding nothing gives the next opening; negative amounts are an error."""
    assert_instant(CMS_TECH.add_minutes(kyiv(2024, 5, 11, 10), 0), kyiv(2024, 5, 13, 11))
    assert_instant(CMS_TECH.add_minutes(kyiv(2024, 5, 13, 12), 0), kyiv(2024, 5, 13, 12))
    with pytest.raises(ValueError, match="negative"):
        CMS_TECH.add_minutes(kyiv(2024, 5, 13, 12), -1)
    with pytest.raises(ValueError, match="negative"):
        CMS_TECH.add_days(kyiv(2024, 5, 13, 12), -1)


# --------------------------------------------------------------------------- DST (CAL-5)


def test_dst_spring_forward_24_7():
    """CAL-5 CAL-7: 2024-03-31 (last Sunday of March) the clock jumps 03:00 EET ->
    04:00 EEST. Sat 22:00 EET = 20:00 UTC; + 6 business hours of real time = 02:00 UTC =
    05:00 EEST: the wall clock shows 7 hours later because one hour does not exist."""
    result = ALWAYS.add_hours(kyiv(2024, 3, 30, 22), 6)
    assert_instant(result, utc(2024, 3, 31, 2))
    assert (result.hour, result.utcoffset()) == (5, timedelta(hours=3))


def test_dst_fall_back_24_7():
    """CAL-5 CAL-7: 2024-10-27 (last Sunday of October) the clock goes 04:00 EEST ->
    03:00 EET. Sat 22:00 EEST = 19:00 UTC; + 6 h = 01:00 UTC = the second 03:00 (EET)."""
    result = ALWAYS.add_hours(kyiv(2024, 10, 26, 22), 6)
    assert_instant(result, utc(2024, 10, 27, 1))
    assert (result.hour, result.utcoffset(), result.fold) == (3, timedelta(hours=2), 1)


def test_dst_deadline_over_the_weekend_keeps_wall_clock_hours():
    """CAL-5: opening hours are wall-clock times. data-standard Fri 2024-03-29 17:00 EET
    + 2 h: Fri 17-18 (1 h), Mon 09:00-10:00 EEST — 07:00 UTC, not 08:00 UTC as a fixed
    +02:00 offset would give. Autumn: Fri 2024-10-25 17:00 EEST + 2 h = Mon 10:00 EET =
    08:00 UTC."""
    assert_instant(DATA_STANDARD.add_hours(kyiv(2024, 3, 29, 17), 2), utc(2024, 4, 1, 7))
    assert_instant(DATA_STANDARD.add_hours(kyiv(2024, 10, 25, 17), 2), utc(2024, 10, 28, 8))
    # add_days: Fri 14:00 EET + 1 business day = Mon 14:00 EEST (71 real hours later).
    assert_instant(CMS_TECH.add_days(kyiv(2024, 3, 29, 14), 1), utc(2024, 4, 1, 11))


def test_dst_days_are_23_and_25_hours_long():
    """CAL-5: Sunday 00:00-06:00 holds 5 real hours on 2024-03-31 (00:00 EET = 22:00 UTC
    to 06:00 EEST = 03:00 UTC) and 7 on 2024-10-27 (21:00 UTC to 04:00 UTC)."""
    assert NIGHT.business_minutes_between(kyiv(2024, 3, 30, 12), kyiv(2024, 4, 1, 12)) == 300
    assert NIGHT.business_minutes_between(kyiv(2024, 10, 26, 12), kyiv(2024, 10, 28, 12)) == 420
    assert NIGHT.business_minutes_between(kyiv(2024, 4, 6, 12), kyiv(2024, 4, 8, 12)) == 360
    # 24/7 on the spring Sunday: 23 hours; a deadline crossing it.
    assert ALWAYS.business_minutes_between(kyiv(2024, 3, 31), kyiv(2024, 4, 1)) == 23 * 60
    assert ALWAYS.business_minutes_between(kyiv(2024, 10, 27), kyiv(2024, 10, 28)) == 25 * 60


def test_dst_ranges_inside_the_gap_and_the_repeat():
    """CAL-5: a range 03:00-04:00 does not exist on 2024-03-31 (0 minutes) and spans both
    03:00 hours on 2024-10-27 (00:00-02:00 UTC, 120 minutes). A range starting inside the
    gap (03:30) opens at the jump, 04:00 EEST = 01:00 UTC, and runs to 05:00 EEST."""
    assert DST_GAP.business_minutes_between(kyiv(2024, 3, 30), kyiv(2024, 4, 1)) == 0
    assert DST_GAP.business_minutes_between(kyiv(2024, 10, 26), kyiv(2024, 10, 28)) == 120
    assert_instant(DST_GAP.next_open(kyiv(2024, 10, 26, 12)), utc(2024, 10, 27, 0))
    assert DST_GAP.is_open(kyiv(2024, 10, 27, 3, 30, fold=1))
    assert_instant(DST_HALF_GAP.next_open(kyiv(2024, 3, 30, 23)), utc(2024, 3, 31, 1))
    assert DST_HALF_GAP.business_minutes_between(kyiv(2024, 3, 30), kyiv(2024, 4, 1)) == 60


# --------------------------------------------------------------------------- multi-year


def test_ten_thousand_business_hours_on_cms_desk():
    """CAL-7 any span of years: cms-desk (Mon-Fri 00-24, no holidays 2023-2024 under the
    statutory policy). 10,000 h = 416 days of 24 h + 16 h; 416 business days = 83 weeks
    + 1 day. Mon 2023-01-02 00:00 + 83 weeks = Mon 2024-08-05; + Monday + 16 h =
    Tue 2024-08-06 16:00. DST changes happen on closed Sundays and change nothing."""
    start = kyiv(2023, 1, 2)
    result = CMS_DESK.add_hours(start, 10_000)
    assert_instant(result, kyiv(2024, 8, 6, 16))
    assert CMS_DESK.business_minutes_between(start, result) == 600_000


def reference_add_minutes(cal, start, minutes):
    """A slow, independent walk over days (valid when no range touches 03:00-04:00)."""
    remaining = timedelta(minutes=minutes)
    day = start.astimezone(KYIV).date()
    while True:
        for first, last in cal.day(day).ranges:
            opens = datetime.combine(day, time(first // 60, first % 60), KYIV)
            closes = datetime.combine(day + timedelta(days=last // 1440), time(0), KYIV)
            if last < 1440:
                closes = datetime.combine(day, time(last // 60, last % 60), KYIV)
            opens, closes = opens.astimezone(UTC), closes.astimezone(UTC)
            opens = max(opens, start.astimezone(UTC))
            if closes <= opens:
                continue
            if closes - opens >= remaining:
                return opens + remaining
            remaining -= closes - opens
        day += timedelta(days=1)


@pytest.mark.parametrize(
    ("cal", "start", "hours"),
    [
        (DATA_STANDARD, kyiv(2019, 1, 2, 9), 10_000),  # 2019-2023, with 2019-2022 holidays
        (DATA_EXTENDED_TRADITIONAL, kyiv(2019, 3, 29, 21, 17), 10_000),
        (CMS_TECH_TRADITIONAL, kyiv(2021, 12, 24, 18, 59), 12_345),
        (ALWAYS, kyiv(2018, 6, 1, 3, 3), 50_000),  # about 6 years of 24/7 minus holidays
    ],
)
def test_multi_year_spans_match_a_day_by_day_walk(cal, start, hours):
    """CAL-7: spans of several years agree with a naive day-by-day walk, and measuring
    the result gives back the amount."""
    result = cal.add_hours(start, hours)
    assert_instant(result, reference_add_minutes(cal, start, hours * 60))
    assert cal.business_minutes_between(start, result) == hours * 60
    assert result.year > start.year


# --------------------------------------------------------------------------- add_days


ADD_DAYS_TABLE = [
    # (calendar, start, days, expected, why)
    (CMS_TECH, kyiv(2024, 5, 6, 14), 3, kyiv(2024, 5, 9, 14), "Mon 14:00 -> Thu 14:00"),
    (CMS_TECH, kyiv(2024, 5, 10, 14), 1, kyiv(2024, 5, 13, 14), "Fri -> Mon"),
    (CMS_TECH, kyiv(2024, 5, 6, 20), 1, kyiv(2024, 5, 8, 11), "Tue 20:00 closed -> Wed 11"),
    (CMS_TECH, kyiv(2024, 5, 6, 9), 1, kyiv(2024, 5, 7, 11), "Tue 09:00 closed -> Tue 11"),
    (CMS_TECH, kyiv(2024, 5, 11, 10), 3, kyiv(2024, 5, 16, 11), "Sat = Mon 00:00; Thu 00->11"),
    (CMS_TECH, kyiv(2024, 5, 11, 10), 1, kyiv(2024, 5, 14, 11), "Sat + 1 = end of Monday"),
    (CMS_TECH, kyiv(2024, 5, 13, 12), 0, kyiv(2024, 5, 13, 12), "0 days, open: itself"),
    (CMS_TECH, kyiv(2019, 4, 26, 12), 1, kyiv(2019, 5, 2, 12), "skips Mon/Tue/Wed days off"),
    (DATA_EXTENDED, kyiv(2024, 5, 10, 15), 1, kyiv(2024, 5, 13, 15), "Sat is no business day"),
    (DATA_EXTENDED, kyiv(2024, 5, 11, 15), 1, kyiv(2024, 5, 14, 8), "Sat -> Mon 00 -> Tue 08"),
    (DATA_STANDARD, kyiv(2019, 12, 27, 10), 1, kyiv(2019, 12, 28, 10), "Sat 28 Dec worked"),
    (DATA_STANDARD, kyiv(2019, 12, 27, 10), 2, kyiv(2020, 1, 2, 10), "30, 31 Dec, 1 Jan off"),
    (CMS_DESK, kyiv(2024, 5, 10, 23, 59, 30), 1, kyiv(2024, 5, 13, 23, 59, 30), "seconds kept"),
]


@pytest.mark.parametrize(("cal", "start", "days", "expected", "why"), ADD_DAYS_TABLE)
def test_add_days_table(cal, start, days, expected, why):
    """CAL-1 CAL-7: same local clock time N business days later, else the next opening;
    from a non-business day the count starts at 00:00 of the next business day. Business
    days are Mon-Fri without days off (plus weekend workdays), whatever the weekend hours."""
    assert_instant(cal.add_days(start, days), expected)


def test_add_days_matches_hours_on_a_uniform_calendar():
    """CAL-7 SUP-5: on cms-tech (8 h a day) 3 business days from any instant hold exactly
    24 business hours (the CMS first-response target counted both ways). The instants may
    differ only by a closed gap: add_hours stops at a range end (Wed 19:00), add_days
    gives the next opening at that clock time (Thu 11:00)."""
    starts = (
        kyiv(2024, 5, 11, 10),  # Saturday: counts from Monday 00:00
        kyiv(2024, 5, 6, 20),  # after hours
        kyiv(2024, 5, 6, 9),  # before hours
        kyiv(2024, 5, 8, 13, 25),
    )
    for start in starts:
        by_days = CMS_TECH.add_days(start, 3)
        by_hours = CMS_TECH.add_hours(start, 24)
        assert CMS_TECH.business_minutes_between(start, by_days) == 24 * 60
        assert CMS_TECH.business_minutes_between(by_hours, by_days) == 0
        assert CMS_TECH.next_open(by_hours) == by_days or by_hours == by_days


# --------------------------------------------------------------------------- open / next


OPEN_TABLE = [
    # (calendar, instant, is open, next opening)
    (DATA_EXTENDED, kyiv(2024, 5, 11, 11, 59), False, kyiv(2024, 5, 11, 12)),
    (DATA_EXTENDED, kyiv(2024, 5, 11, 12), True, kyiv(2024, 5, 11, 12)),  # start is open
    (DATA_EXTENDED, kyiv(2024, 5, 11, 20), False, kyiv(2024, 5, 12, 12)),  # end is not
    (DATA_EXTENDED, kyiv(2024, 5, 13, 23, 59, 59), True, kyiv(2024, 5, 13, 23, 59, 59)),
    (DATA_EXTENDED, kyiv(2024, 5, 14, 0), False, kyiv(2024, 5, 14, 8)),
    (ALWAYS, kyiv(2024, 5, 14, 0), True, kyiv(2024, 5, 14, 0)),
    (CMS_TECH, kyiv(2019, 1, 7, 12), False, kyiv(2019, 1, 8, 11)),  # Christmas (Monday)
    (CMS_TECH, kyiv(2019, 12, 27, 19), False, kyiv(2019, 12, 28, 11)),  # Sat worked
    (CMS_TECH, utc(2024, 5, 13, 8), True, kyiv(2024, 5, 13, 11)),  # 11:00 Kyiv, in UTC
]


@pytest.mark.parametrize(("cal", "instant", "is_open", "next_opening"), OPEN_TABLE)
def test_is_open_and_next_open(cal, instant, is_open, next_opening):
    """CAL-7: is-open(t) and the next opening (t itself when open)."""
    assert cal.is_open(instant) is is_open
    assert_instant(cal.next_open(instant), next_opening)


# --------------------------------------------------------------------------- between


def test_business_minutes_between():
    """CAL-7: business time elapsed in [a, b); negative when b is before a."""
    a, b = kyiv(2024, 5, 10, 22), kyiv(2024, 5, 11, 16)
    assert DATA_EXTENDED.business_minutes_between(a, b) == 360
    assert DATA_EXTENDED.business_minutes_between(b, a) == -360
    assert DATA_EXTENDED.business_minutes_between(a, a) == 0
    assert DATA_EXTENDED.business_time_between(a, b) == timedelta(hours=6)
    # A week of data-extended: 5 x 16 h + 2 x 8 h = 96 h.
    assert DATA_EXTENDED.business_minutes_between(kyiv(2024, 5, 6), kyiv(2024, 5, 13)) == 96 * 60
    # Two closed instants with nothing open between them.
    assert CMS_TECH.business_minutes_between(kyiv(2024, 5, 10, 20), kyiv(2024, 5, 12, 9)) == 0


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    "method", ["is_open", "next_open", "add_minutes", "add_hours", "add_days", "between"]
)
def test_naive_datetimes_are_rejected(method):
    """CAL-5 CAL-7: stored times are UTC and every input must be timezone-aware."""
    naive = datetime(2024, 5, 13, 12)
    calls = {
        "is_open": lambda: CMS_TECH.is_open(naive),
        "next_open": lambda: CMS_TECH.next_open(naive),
        "add_minutes": lambda: CMS_TECH.add_minutes(naive, 5),
        "add_hours": lambda: CMS_TECH.add_hours(naive, 5),
        "add_days": lambda: CMS_TECH.add_days(naive, 1),
        "between": lambda: CMS_TECH.business_minutes_between(naive, kyiv(2024, 5, 13)),
    }
    with pytest.raises(ValueError, match="timezone-aware"):
        calls[method]()


@pytest.mark.parametrize(
    ("weekly", "message"),
    [
        ({0: "10:00-09:00"}, "must start before it ends"),
        ({0: "09:00-09:00"}, "must start before it ends"),
        ({0: "08:00-12:00, 11:00-13:00"}, "overlap"),
        ({0: "08:00-24:30"}, "00:00..24:00"),
        ({0: "25:00-26:00"}, "00:00..24:00"),
        ({0: "08:60-09:00"}, "00:00..24:00"),
        ({0: "0800-1200"}, "HH:MM"),
        ({0: "08:00"}, "HH:MM-HH:MM"),
        ({0: [(0, 1441)]}, "outside 00:00..24:00"),
        ({0: [(-5, 60)]}, "outside 00:00..24:00"),
        ({0: [(60,)]}, "pair"),
        ({0: [(time(9, 0, 30), time(10))]}, "whole minutes"),
        ({7: "08:00-09:00"}, "weekday"),
        ({"mon": "08:00-09:00"}, "weekday"),
        ("08:00-09:00", "map weekday"),
    ],
)
def test_invalid_opening_hours_are_rejected(weekly, message):
    """CAL-6: ranges lie inside 00:00..24:00, start before they end and do not overlap."""
    with pytest.raises(ValueError, match=message):
        BusinessCalendar("Europe/Kyiv", weekly)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"tz": "Europe/Atlantis"}, "Unknown time zone"),
        ({"holiday_policy": "lenient"}, "holiday_policy"),
        ({"closures": [(date(2024, 5, 2), date(2024, 5, 1))]}, "before it starts"),
        ({"closures": [(datetime(2024, 5, 1, 9), date(2024, 5, 1))]}, "must be dates"),
        ({"closures": ["2024-05-01"]}, "closure"),
    ],
)
def test_invalid_calendar_settings_are_rejected(kwargs, message):
    """CAL-3 CAL-4 CAL-5: zone, policy and closures are validated."""
    fields = {"tz": "Europe/Kyiv", **kwargs}
    with pytest.raises(ValueError, match=message):
        BusinessCalendar(fields.pop("tz"), {0: "09:00-18:00"}, **fields)


def test_parse_ranges_accepts_the_admin_notations():
    """CAL-6: several ranges a day, ranges may end at 24:00 (text, minutes or time)."""
    assert parse_ranges("08:00-12:00, 13:00–24:00") == ((480, 720), (780, 1440))
    assert parse_ranges("13:00-24:00; 08:00-12:00") == ((480, 720), (780, 1440))
    assert parse_ranges([("08:00", "12:00"), (780, 1440)]) == ((480, 720), (780, 1440))
    assert parse_ranges([(time(8), time(12))]) == ((480, 720),)
    assert parse_ranges("08:00-12:00, 12:00-14:00") == ((480, 720), (720, 840))  # touching
    assert parse_ranges("") == parse_ranges("closed") == ()
    assert parse_minutes("24:00") == 1440
    assert format_ranges(((480, 720), (780, 1440))) == "08:00-12:00, 13:00-24:00"


def test_touching_ranges_make_one_opening():
    """CAL-6: 08:00-12:00 and 12:00-14:00 have no gap at noon."""
    cal = BusinessCalendar("Europe/Kyiv", {0: "08:00-12:00, 12:00-14:00, 15:00-16:00"})
    assert_instant(cal.add_minutes(kyiv(2024, 5, 13, 11, 30), 60), kyiv(2024, 5, 13, 12, 30))
    assert_instant(cal.add_minutes(kyiv(2024, 5, 13, 13, 30), 60), kyiv(2024, 5, 13, 15, 30))
    assert cal.is_open(kyiv(2024, 5, 13, 12))


def test_a_calendar_without_hours_fails_clearly():
    """CAL-7: a calendar that never opens raises instead of looping."""
    cal = BusinessCalendar("Europe/Kyiv", {})
    with pytest.raises(ValueError, match="no opening hours"):
        cal.next_open(kyiv(2024, 5, 13))
    with pytest.raises(ValueError, match="no opening hours"):
        cal.add_minutes(kyiv(2024, 5, 13), 1)


# --------------------------------------------------------------------------- the value


def test_seeded_calendars():
    """CAL-5 CAL-6: the five seeded calendars, in Europe/Kyiv."""
    assert set(SEEDED_CALENDARS) == {
        "cms-tech",
        "cms-desk",
        "data-standard",
        "data-extended",
        "data-delta-window",
    }
    expected = {
        "cms-tech": ["11:00-19:00"] * 5 + ["", ""],
        "cms-desk": ["00:00-24:00"] * 5 + ["", ""],
        "data-standard": ["09:00-18:00"] * 5 + ["", ""],
        "data-extended": ["08:00-24:00"] * 5 + ["12:00-20:00"] * 2,
        "data-delta-window": ["09:00-21:00"] * 5 + ["", ""],
    }
    for slug, hours in expected.items():
        cal = seeded_calendar(slug)
        assert cal.tz_name == "Europe/Kyiv"
        assert cal.holiday_policy == "statutory"
        assert list(cal.weekly_text().values()) == hours
    with pytest.raises(ValueError, match="no seeded calendar"):
        seeded_calendar("nope")


def test_calendar_is_an_immutable_value():
    """CAL-8: a calendar is a value; a change makes a new one (and new deadlines)."""
    same = seeded_calendar("data-extended")
    assert same == DATA_EXTENDED and hash(same) == hash(DATA_EXTENDED)
    assert DATA_EXTENDED_TRADITIONAL != DATA_EXTENDED
    with pytest.raises(AttributeError):
        DATA_EXTENDED.holiday_policy = "traditional"
    changed = DATA_EXTENDED.replace(weekly={0: "10:00-12:00"})
    assert changed.weekly_text()[0] == "10:00-12:00" and DATA_EXTENDED.weekly_text()[0] != (
        "10:00-12:00"
    )
    assert pickle.loads(pickle.dumps(DATA_EXTENDED_TRADITIONAL)) == DATA_EXTENDED_TRADITIONAL
    assert "Mon 08:00-24:00" in repr(DATA_EXTENDED)


def test_holiday_names_do_not_depend_on_the_locale(monkeypatch):
    """CAL-2: the holiday language is fixed (en_US), never taken from the environment."""
    monkeypatch.setenv("LANG", "uk_UA.UTF-8")
    monkeypatch.setenv("LC_ALL", "uk_UA.UTF-8")
    engine.year_holidays.cache_clear()
    assert CMS_TECH.replace(country="UA").day(date(2019, 1, 1)).name == "New Year's Day"


def test_engine_is_pure_python():
    """CAL-7 (CONVENTIONS): engine.py uses no Django and no ORM."""
    for name in ("engine.py", "ua_holidays.py"):
        source = Path(engine.__file__).with_name(name).read_text()
        imported = set()
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module.split(".")[0])
        allowed = "__future__ bisect collections dataclasses datetime functools holidays re"
        allowed += " slaportal types typing zoneinfo"
        assert imported <= set(allowed.split()), imported


def test_memory_does_not_grow_with_calls():
    """CAL-7: compiled years are cached per year, not per call."""
    cal = seeded_calendar("data-standard", closures=[date(2030, 1, 2)])
    for minutes in range(1, 3000):
        cal.add_minutes(kyiv(2024, 5, 13, 12), minutes)
    assert len(cal._years) <= 2
