"""Holiday source for the business-calendar engine (SPEC CAL-1, CAL-2, CAL-3).

Adapts the `holidays` package to three plain per-year facts the engine needs:

* ``public``  — the statutory days off, each with its reason:
  ``"holiday"`` (the holiday itself), ``"observed"`` (a holiday that fell on a
  weekend moved to the next working day, Labour Code art. 73) or ``"substituted"``
  (a government day-swap decree: a working day made a day off in exchange for a
  Saturday worked, see ``weekend_workdays``).
* ``workday`` — what the package files under the ``workday`` category: since martial
  law (2022-03-15) the holidays are working days; the ``traditional`` policy of
  CAL-3 closes on them anyway.
* ``weekend_workdays`` — Saturdays/Sundays worked in exchange for a substituted day
  off, mapped to the weekday whose opening hours they take.

The package lists a substitution as ``(to_month, to_day, from_month, from_day[, from_year])``
in ``special_public_holidays``: the day off is moved *to* the weekday and *from* the
weekend day, which becomes a working day. The decrees word it as "move the working
day from Tuesday 30 April to Saturday 11 May" (2019), so the weekend day works in
place of that weekday and takes that weekday's hours. When no substitution names
the weekend day (the package does not say), Friday's hours apply.

The language is fixed to ``en_US`` so names never depend on the environment's locale,
and results are cached per (country, year).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from types import MappingProxyType

import holidays

LANGUAGE = "en_US"
FALLBACK_WEEKDAY = 4  # Friday: hours for a weekend workday whose swap is unknown.

HOLIDAY = "holiday"
OBSERVED = "observed"
SUBSTITUTED = "substituted"


@dataclass(frozen=True)
class YearHolidays:
    """The holiday facts of one year for one country (read-only mappings)."""

    country: str
    year: int
    public: Mapping[date, tuple[str, str]]  # date -> (reason, name)
    workday: Mapping[date, str]  # date -> name (holidays filed as working days)
    weekend_workdays: Mapping[date, int]  # weekend date -> weekday (0=Mon) it stands in for


def _substitutions(instance) -> dict[date, date]:
    """Weekend day worked -> the weekday made a day off in exchange, over all years."""
    swaps: dict[date, date] = {}
    for year, entries in getattr(instance, "special_public_holidays", {}).items():
        if entries and not isinstance(entries[0], tuple):
            entries = (entries,)
        for entry in entries:
            if len(entry) < 4:  # A one-off special holiday, not a swap.
                continue
            to_month, to_day, from_month, from_day, *from_year = entry
            worked = date(from_year[0] if from_year else year, from_month, from_day)
            swaps[worked] = date(year, to_month, to_day)
    return swaps


def _country_holidays(country: str, year: int, category: str, *, observed: bool = True):
    try:
        return holidays.country_holidays(
            country, years=year, language=LANGUAGE, categories=(category,), observed=observed
        )
    except ValueError:  # The country does not have this category (only UA matters here).
        if category == "public":
            raise
        return None


@lru_cache(maxsize=512)
def year_holidays(country: str, year: int) -> YearHolidays:
    """The public, workday-category and weekend-workday facts of ``year``."""
    with_observed = _country_holidays(country, year, "public")
    without_observed = _country_holidays(country, year, "public", observed=False)
    swaps = _substitutions(with_observed)
    substituted_days = {day_off for day_off in swaps.values() if day_off.year == year}

    public: dict[date, tuple[str, str]] = {}
    for day, name in sorted(with_observed.items()):
        if day.year != year:
            continue
        if day in substituted_days:
            reason = SUBSTITUTED
        elif day in without_observed:
            reason = HOLIDAY
        else:
            reason = OBSERVED
        public[day] = (reason, name)

    workday_source = _country_holidays(country, year, "workday")
    workday = (
        {day: name for day, name in sorted(workday_source.items()) if day.year == year}
        if workday_source is not None
        else {}
    )

    weekend_workdays = {
        worked: swaps[worked].weekday() if worked in swaps else FALLBACK_WEEKDAY
        for worked in sorted(with_observed.weekend_workdays)
        if worked.year == year
    }
    return YearHolidays(
        country=country,
        year=year,
        public=MappingProxyType(public),
        workday=MappingProxyType(workday),
        weekend_workdays=MappingProxyType(weekend_workdays),
    )
