"""A migration's deadlines explained (issue 15): the package's due date (ORD-12) and the
assisted setup (ORD-11) counted day by day on their calendars, the results' review
period (ORD-6) in calendar days — each with the changes recorded in its history."""

from __future__ import annotations

import datetime as dt

from slaportal.accounts.choices import ProductLine
from slaportal.calendars.explain import Explanation, explain, ledger
from slaportal.calendars.selectors import business_calendar

from .models import Migration
from .selectors import (
    ASSISTED_DAYS_CALENDAR,
    ASSISTED_HOURS_CALENDAR,
    PACKAGE_CALENDAR,
    validation_ends_at,
)


def _calendar_days(start: dt.datetime, due: dt.datetime, note: str) -> Explanation:
    return Explanation(start=start, due=due, days=[], counted=0, before=0, truncated=0,
                       calendar="none (calendar days)", unit="calendar days", note=note)


def migration_deadlines(migration: Migration) -> list[dict]:
    found = []
    package = getattr(migration, "service_package", None)
    if package is not None and package.due_at and not package.performed_at:
        start = migration.access_verified_at
        if package.due_set_manually or start is None:
            explained = _calendar_days(
                start or package.due_at, package.due_at,
                "The account manager set this date (Ultimate package, ORD-12).")
        else:
            explained = explain(business_calendar(PACKAGE_CALENDAR), start, package.due_at,
                                calendar=PACKAGE_CALENDAR, unit="business days",
                                note="Counted from the access check; time while the access "
                                     "details failed is added (ORD-12).")
        found.append({"title": f"{package.get_tier_display()} package due",
                      "explained": explained,
                      "changes": ledger(package.history.order_by("history_date", "history_id")
                                        .select_related("history_user"), "due_at")})
    assisted = getattr(migration, "assisted", None)
    if assisted is not None and assisted.due_at and not assisted.done_at:
        start = max(filter(None, [migration.paid_at, migration.access_verified_at]),
                    default=None)
        slug = (ASSISTED_HOURS_CALENDAR if assisted.tier == "premium"
                else ASSISTED_DAYS_CALENDAR)
        if start is not None:
            found.append({"title": "Assisted setup due (ORD-11)", "changes": [],
                          "explained": explain(business_calendar(slug), start, assisted.due_at,
                                               calendar=slug, unit="business time")})
    if (migration.line == ProductLine.CMS and migration.completed_at
            and migration.status == "completed"):
        until = validation_ends_at(migration)
        days = (until - migration.completed_at).days
        found.append({"title": "Review of the results (ORD-6)", "changes": [],
                      "explained": _calendar_days(
                          migration.completed_at, until,
                          f"{days} calendar days after completion; after that the results "
                          "count as accepted.")})
    return found
