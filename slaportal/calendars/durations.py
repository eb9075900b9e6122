"""Durations counted on a business calendar, in the units the SLAs use (SUP-5)."""

from __future__ import annotations

import datetime as dt

from . import engine

BUSINESS_MINUTES = "business_minutes"
BUSINESS_HOURS = "business_hours"
BUSINESS_DAYS = "business_days"
CALENDAR_HOURS = "calendar_hours"

UNITS = {
    BUSINESS_MINUTES: "business minutes",
    BUSINESS_HOURS: "business hours",
    BUSINESS_DAYS: "business days",
    CALENDAR_HOURS: "calendar hours",
}


def deadline_after(
    calendar: engine.BusinessCalendar, start: dt.datetime, amount: int, unit: str
) -> dt.datetime:
    """The instant ``amount`` ``unit`` after ``start`` (CAL-7); calendar hours ignore the
    opening hours but are still returned in the calendar's zone."""
    if unit == BUSINESS_MINUTES:
        return calendar.add_minutes(start, amount)
    if unit == BUSINESS_HOURS:
        return calendar.add_hours(start, amount)
    if unit == BUSINESS_DAYS:
        return calendar.add_days(start, amount)
    if unit == CALENDAR_HOURS:
        return (start.astimezone(dt.UTC) + dt.timedelta(hours=amount)).astimezone(calendar.tz)
    raise ValueError(f"Unknown unit {unit!r}; expected one of {', '.join(UNITS)}.")
