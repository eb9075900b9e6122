"""Reads more than one caller needs: due dates, time left, what the customer does next."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from slaportal.accounts.choices import ProductLine

from .choices import AssistedTier, MigrationKind, MigrationStatus
from .models import Migration, OrdersSettings
from .services.packages import (
    ASSISTED_DAYS_CALENDAR,
    ASSISTED_HOURS_CALENDAR,
    PACKAGE_CALENDAR,
)

S = MigrationStatus
OPEN = [S.QUOTED, S.CONFIRMED, S.PAID, S.ACCESS_VERIFIED, S.RUNNING, S.PAUSED, S.FAILED]


def migrations_for_admin():
    return Migration.objects.select_related(
        "customer__user", "support_plan", "service_package", "assisted",
        "source_platform", "target_platform",
    )


def migration_due(migration: Migration) -> tuple[dt.datetime | None, str]:
    """The earliest open commitment (ORD-11 assisted, ORD-12 package) and its calendar.
    Uses the select_related one-to-ones, no query."""
    try:
        assisted = migration.assisted
    except Migration.assisted.RelatedObjectDoesNotExist:
        assisted = None
    if assisted is not None and assisted.due_at and not assisted.done_at:
        # ORD-11: Premium's 24 hours run on cms-desk, the others' days on cms-tech.
        if assisted.tier == AssistedTier.PREMIUM:
            return assisted.due_at, ASSISTED_HOURS_CALENDAR
        return assisted.due_at, ASSISTED_DAYS_CALENDAR
    try:
        package = migration.service_package
    except Migration.service_package.RelatedObjectDoesNotExist:
        package = None
    if package is not None and package.due_at and migration.status in OPEN:
        return package.due_at, PACKAGE_CALENDAR
    return None, ""


def time_left(due: dt.datetime | None, calendar, now: dt.datetime | None = None) -> str:
    """Business time left until ``due`` on ``calendar`` ("overdue by …" when past)."""
    if due is None or calendar is None:
        return "—"
    now = now or timezone.now()
    minutes = int(calendar.business_minutes_between(now, due))
    text = f"{abs(minutes) // 60} h {abs(minutes) % 60:02d} min business"
    return text if minutes >= 0 else f"overdue by {text}"


def validation_ends_at(migration: Migration,
                       orders_settings: OrdersSettings | None = None) -> dt.datetime:
    """ORD-6: the moment a completed CMS migration's results count as accepted — the
    deadline shown to the customer and the one the validation job enforces."""
    days = (orders_settings or OrdersSettings.load()).validation_days
    return migration.completed_at + dt.timedelta(days=days)


def customer_next_step(
    migration: Migration,
    *,
    now: dt.datetime | None = None,
    orders_settings: OrdersSettings | None = None,
) -> str:
    """What the customer must do next — shown to account managers (and customers).

    Pass ``orders_settings`` when calling it for many rows, so it is read once."""
    now = now or timezone.now()
    status = migration.status
    if migration.kind == MigrationKind.DEMO:
        return {
            S.QUOTED: "Wait for the demo to run.",
            S.RUNNING: "Wait for the demo to finish.",
            S.COMPLETED: "Preview the demo result and order the full migration.",
            S.FAILED: "Nothing: we are looking into the failed demo.",
        }.get(status, "Nothing.")
    if status == S.QUOTED:
        return "Review the quote and confirm the migration (a discount code may be entered)."
    if status == S.CONFIRMED:
        return "Pay for the migration; it starts only after the payment is received."
    if status == S.PAID:
        details = [d for d in migration.access_details.all() if d.removed_at is None]
        failing = [d for d in details if d.failing_since]
        if failing:
            return f"Fix the {failing[0].side} access details: {failing[0].failing_reason}"
        given = {d.side for d in details if d.secret_encrypted or d.url}
        missing = [side for side in ("source", "target") if side not in given]
        if not missing:
            # The step is done: say what happens now, not what was asked before.
            return "Nothing: we are checking the access details you gave."
        if len(missing) == 1:
            return f"Provide the access details for the {missing[0]}."
        return "Provide access details for the source and the target."
    if status == S.ACCESS_VERIFIED:
        return "Nothing: the migration is scheduled to start."
    if status == S.RUNNING:
        return "Nothing: the migration is running."
    if status == S.PAUSED:
        return "Resume the migration when ready (it resumes by itself after 5 days)."
    if status == S.FAILED:
        return "Nothing: the team is restarting the migration."
    if status == S.COMPLETED:
        if migration.line == ProductLine.CMS and migration.completed_at:
            from slaportal.accounts.templatetags.portal import deadline_text

            until = validation_ends_at(migration, orders_settings)
            # The customer's zone when the row carries its customer (no query per row).
            customer = (Migration.customer.is_cached(migration)
                        and migration.customer)
            zone = getattr(customer, "time_zone", None) if customer else None
            return (f"Review the results and report any problem before "
                    f"{deadline_text(until, zone)}; after that they count as accepted.")
        return "Check the results, report any problem, and restrict the access granted."
    if status == S.VALIDATED:
        return "Restrict or change the access details granted for the migration."
    return "Nothing: the migration is closed."
