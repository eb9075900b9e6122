"""Benchmark: business-hours deadlines with slaportal.calendars.engine vs businesstimedelta.

    python benchmarks/calendar_bench.py [--n 100000] [--seed 1] [--bt-n N]

Workload (the issue's): random starts in 2019-2030 (whole seconds, aware UTC datetimes as
the database returns them), random durations of 1-200 business hours, calendar
``data-extended`` (Mon-Fri 08:00-24:00, Sat-Sun 12:00-20:00, Europe/Kyiv) under the
``traditional`` holiday policy (SPEC CAL-3, CAL-6).

businesstimedelta gets the same calendar as far as it can express it:

* a ``WorkDayRule`` 08:00-23:59:59.999999 Mon-Fri (an end of 00:00 would be read as an
  overnight shift and skip the current day), a ``WorkDayRule`` 12:00-20:00 Sat-Sun and a
  ``HolidayRule`` with every date our calendar closes in 2018-2032 (holidays, observed,
  substituted, policy days; the rule crashes when it finds no holiday within 5 years);
* the zone as a ``pytz`` zone: the library localises each period's wall-clock bounds
  with ``tz.localize`` (so DST offsets are right) and adds timedeltas to those
  fixed-offset datetimes, which is absolute-time arithmetic; naive inputs would be taken
  as UTC, so the inputs are aware. Its ``HolidayRule`` ends a holiday 24 absolute hours
  after local midnight, an hour off on a DST day (no holiday falls on one here);
* it cannot give a Saturday worked in exchange the hours of a weekday (CAL-2).

Every disagreement is classified by its cause.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import random
import resource
import sys
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import businesstimedelta  # noqa: E402
import pytz  # noqa: E402

from slaportal.calendars.engine import BusinessCalendar, CalendarDay, seeded_calendar  # noqa: E402

TARGET_PER_SECOND = 200_000
TARGET_RATIO = 100
START = datetime(2019, 1, 1, tzinfo=UTC)
END = datetime(2031, 1, 1, tzinfo=UTC)
MIDNIGHT_SLACK = timedelta(milliseconds=1)


def make_inputs(n: int, seed: int) -> list[tuple[datetime, int]]:
    rng = random.Random(seed)
    span = int((END - START).total_seconds())
    return [(START + timedelta(seconds=rng.randrange(span)), rng.randint(1, 200)) for _ in range(n)]


def businesstimedelta_rules(cal):
    tz = pytz.timezone(cal.tz_name)
    closed = {
        day.date
        for year in range(2018, 2033)
        for day in cal.closed_days(year)
        if not day.business_day and day.reason != "weekend"
    }
    weekdays = businesstimedelta.WorkDayRule(
        start_time=clock(8),
        end_time=clock(23, 59, 59, 999999),
        working_days=[0, 1, 2, 3, 4],
        tz=tz,
    )
    weekends = businesstimedelta.WorkDayRule(
        start_time=clock(12), end_time=clock(20), working_days=[5, 6], tz=tz
    )
    return businesstimedelta.Rules(
        [weekdays, weekends, businesstimedelta.HolidayRule(closed, tz=tz)]
    ), closed


def run_engine(cal, inputs):
    add = cal.add_hours
    return [add(start, hours) for start, hours in inputs]


def time_engine(cal, inputs, repeat=3):
    """Best of ``repeat`` warm runs (deadlines per second) — results are discarded."""
    add = cal.add_hours
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        for start, hours in inputs:
            add(start, hours)
        best = min(best, time.perf_counter() - began)
    return len(inputs) / best


MIDNIGHT = "midnight 23:59:59.999999: 1 us lost per 24:00 range end crossed (count checked)"
RANGE_END = "ends at a range end: the lost microseconds push it to the next opening"
WEEKEND_WORKDAY = "weekend workday: a Saturday worked for a weekday has that weekday's hours"
DST = "DST: one hour"
OTHER = "other"


class WithoutWeekendWorkdays(BusinessCalendar):
    """The calendar as businesstimedelta sees it: a Saturday worked in exchange keeps its
    Saturday hours. Used only to confirm the cause of a disagreement."""

    __slots__ = ()

    def day(self, day):
        info = super().day(day)
        if info.reason == "workday":
            return CalendarDay(day, "weekend", "", False, self.weekly[day.weekday()])
        return info


def last_sunday(year: int, month: int) -> date:
    last = date(year, month, 31)
    return last - timedelta(days=(last.weekday() + 1) % 7)


def crossed_midnights(cal, start: datetime, end: datetime) -> int:
    """How many opening ranges ending at 24:00 end strictly between start and end."""
    count = 0
    day = start.astimezone(cal.tz).date()
    last = end.astimezone(cal.tz).date()
    while day <= last:
        ranges = cal.day(day).ranges
        if ranges and ranges[-1][1] == 1440:
            midnight = datetime.combine(day + timedelta(days=1), clock(0), cal.tz)
            if start < midnight < end:
                count += 1
        day += timedelta(days=1)
    return count


def microsecond_cause(cal, start, ours, theirs):
    """MIDNIGHT or RANGE_END when businesstimedelta's 23:59:59.999999 explains the gap."""
    diff = theirs - ours
    if timedelta(0) < diff <= MIDNIGHT_SLACK:
        if diff == timedelta(microseconds=crossed_midnights(cal, start, ours)):
            return MIDNIGHT
        return None
    if not cal.is_open(ours) and timedelta(0) < theirs - cal.next_open(ours) <= MIDNIGHT_SLACK:
        return RANGE_END
    return None


def classify(cal, variant, start, hours, ours, theirs, dst_days):
    """The cause of one disagreement between the engine and businesstimedelta."""
    cause = microsecond_cause(cal, start, ours, theirs)
    if cause:
        return cause
    # A weekend workday is the cause when the engine without weekend workdays agrees
    # with businesstimedelta (up to the microsecond causes).
    alternative = variant.add_hours(start, hours)
    if alternative == theirs or microsecond_cause(variant, start, alternative, theirs):
        return WEEKEND_WORKDAY
    first, last = start.astimezone(cal.tz).date(), max(ours, theirs).astimezone(cal.tz).date()
    if abs(theirs - ours) == timedelta(hours=1) and any(first <= d <= last for d in dst_days):
        return DST
    return OTHER


def describe_machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{model}, {os.cpu_count()} cores, Python {platform.python_version()} "
        f"({platform.python_implementation()}), {platform.system()} {platform.release()}"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="deadlines to compute")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--bt-n", type=int, default=None, help="inputs given to businesstimedelta (default: --n)"
    )
    args = parser.parse_args(argv)
    bt_n = args.n if args.bt_n is None else min(args.bt_n, args.n)

    print(f"machine: {describe_machine()}")
    print(f"workload: {args.n:,} deadlines, seed {args.seed}, data-extended, traditional policy")
    cal = seeded_calendar("data-extended", holiday_policy="traditional")
    inputs = make_inputs(args.n, args.seed)

    began = time.perf_counter()
    ours = run_engine(cal, inputs)  # cold: compiles each year on first use
    cold = time.perf_counter() - began
    per_second = time_engine(cal, inputs)
    kyiv_inputs = [(start.astimezone(cal.tz), hours) for start, hours in inputs]
    per_second_kyiv = time_engine(cal, kyiv_inputs)
    print(f"engine, first pass (compiles {len(cal._years)} years): {cold:.2f} s")
    print(f"engine: {per_second:,.0f} deadlines/s (UTC inputs, best of 3)")
    print(f"engine: {per_second_kyiv:,.0f} deadlines/s (Europe/Kyiv inputs, best of 3)")

    rules, closed = businesstimedelta_rules(cal)
    began = time.perf_counter()
    theirs = [
        start + businesstimedelta.BusinessTimeDelta(rules, hours=hours)
        for start, hours in inputs[:bt_n]
    ]
    bt_seconds = time.perf_counter() - began
    bt_per_second = bt_n / bt_seconds
    ratio = per_second / bt_per_second
    print(f"businesstimedelta: {bt_per_second:,.0f} deadlines/s ({bt_n:,} in {bt_seconds:.1f} s)")
    print(f"ratio: {ratio:,.0f}x")

    variant = WithoutWeekendWorkdays(
        cal.tz_name, dict(enumerate(cal.weekly)), holiday_policy=cal.holiday_policy
    )
    dst_days = [last_sunday(year, month) for year in range(2018, 2033) for month in (3, 10)]
    exact = 0
    causes: dict[str, list] = {}
    for (start, hours), mine, other in zip(inputs[:bt_n], ours[:bt_n], theirs, strict=True):
        if mine == other:
            exact += 1
            continue
        cause = classify(cal, variant, start, hours, mine, other, dst_days)
        causes.setdefault(cause, []).append((start, hours, mine, other))
    print(f"agree exactly: {exact:,} of {bt_n:,}")
    print(f"agree to the millisecond: {exact + len(causes.get(MIDNIGHT, ())):,} of {bt_n:,}")
    for cause, cases in sorted(causes.items(), key=lambda item: -len(item[1])):
        start, hours, mine, other = cases[0]
        print(f"  {len(cases):>7,}  {cause}")
        print(
            f"           e.g. {start.astimezone(cal.tz):%Y-%m-%d %H:%M:%S} + {hours} h: "
            f"engine {mine:%Y-%m-%d %H:%M:%S.%f}, businesstimedelta "
            f"{other.astimezone(cal.tz):%Y-%m-%d %H:%M:%S.%f}"
        )

    # Memory: a second and a third batch must not grow the heap.
    del ours, theirs
    gc.collect()
    tracemalloc.start()
    time_engine(cal, inputs, repeat=1)
    gc.collect()
    after_second = tracemalloc.get_traced_memory()[0]
    rss_second = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    time_engine(cal, inputs, repeat=1)
    gc.collect()
    after_third = tracemalloc.get_traced_memory()[0]
    rss_third = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.stop()
    growth = after_third - after_second
    print(
        f"memory: traced heap after batch 2 {after_second:,} B, after batch 3 {after_third:,} B "
        f"(growth {growth:+,} B); max RSS {rss_second:,} KiB -> {rss_third:,} KiB; "
        f"compiled years cached: {len(cal._years)}"
    )

    verdicts = {
        f">= {TARGET_PER_SECOND:,}/s": per_second >= TARGET_PER_SECOND,
        f">= {TARGET_RATIO}x businesstimedelta": ratio >= TARGET_RATIO,
        "no memory growth": growth < 64 * 1024,
    }
    print("targets: " + ", ".join(f"{k} {'met' if v else 'MISSED'}" for k, v in verdicts.items()))
    ok = all(verdicts.values())
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
