"""Reads that several callers need (admin, services, customer pages)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone

from slaportal.accounts.choices import ProductLine
from slaportal.plans.selectors import DEFAULT_PLAN_CODE, customer_plan  # noqa: F401

from .models import (
    PackageHoursEntry,
    SupportAccessGrant,
    SupportSettings,
    SupportStop,
    TerminationRight,
    Ticket,
)

NO_ACCESS_NOTE = "No active support access: we may be limited (SUP-12)."


def support_settings() -> SupportSettings:
    return SupportSettings.load()


def active_support_stop(*, customer) -> SupportStop | None:
    """SUP-4: the stop in force for the customer, if any."""
    return SupportStop.objects.filter(customer=customer, lifted_at__isnull=True).first()


def tickets_for_customer(*, customer):
    """ACC-3: a customer sees only their own tickets."""
    return Ticket.objects.filter(customer=customer).select_related("plan", "migration")


def active_support_access(*, migration) -> SupportAccessGrant | None:
    """SUP-12: a grant lasts until the migration completes or it is revoked."""
    if migration is None or migration.completed_at is not None:
        return None
    return SupportAccessGrant.objects.filter(migration=migration, revoked_at__isnull=True).first()


def ticket_access_note(*, ticket: Ticket) -> str:
    if active_support_access(migration=ticket.migration) is None:
        return NO_ACCESS_NOTE
    return "Support access granted."


def termination_rights_for(*, customer):
    """SUP-9: the months in which the customer holds the right of termination."""
    return TerminationRight.objects.filter(customer=customer, is_active=True).order_by("-month")


def kyiv_month_bounds(when: dt.datetime) -> tuple[dt.date, dt.datetime, dt.datetime]:
    """SUP-9: the Europe/Kyiv calendar month containing ``when``."""
    tz = timezone.get_default_timezone()
    local = timezone.localtime(when, tz)
    first = local.date().replace(day=1)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    start = dt.datetime.combine(first, dt.time(), tzinfo=tz)
    end = dt.datetime.combine(nxt, dt.time(), tzinfo=tz)
    return first, start, end


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The Europe/Kyiv month whose first day is ``month``: [start, end)."""
    _, start, end = kyiv_month_bounds(dt.datetime.combine(
        month, dt.time(12), tzinfo=timezone.get_default_timezone()))
    return start, end


def parse_month(value: str) -> dt.date | None:
    """``YYYY-MM`` → the first of that month; None when it is not a month."""
    if len(value) != 7 or value[4] != "-":
        return None
    try:
        return dt.date(int(value[:4]), int(value[5:]), 1)
    except ValueError:
        return None


def months_back(today: dt.date, count: int) -> list[dt.date]:
    """The first days of the ``count`` months up to ``today``'s, oldest first."""
    first = today.replace(day=1)
    months = []
    for _ in range(count):
        months.append(first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return list(reversed(months))


def package_hours_logged(*, package) -> Decimal:
    total = PackageHoursEntry.objects.filter(package=package).aggregate(s=Sum("hours"))["s"]
    return total or Decimal("0")


def package_hours_remaining(*, package) -> Decimal:
    """SUP-13: hours included + extra hours approved - hours logged."""
    return package.hours_included + package.extra_hours_approved - package_hours_logged(
        package=package
    )


@dataclass(frozen=True)
class PackageHours:
    """SUP-13: a package's hours at a glance (one aggregate query)."""

    package: object
    included: Decimal
    extra: Decimal
    used: Decimal
    overage: Decimal
    on_ticket: Decimal | None = None

    @property
    def left(self) -> Decimal:
        return self.included + self.extra - self.used

    @property
    def included_left(self) -> Decimal:
        return max(self.included - self.used, Decimal("0"))


def package_hours(*, package, ticket=None) -> PackageHours:
    sums = PackageHoursEntry.objects.filter(package=package).aggregate(
        used=Sum("hours"), overage=Sum("overage_hours"),
        on_ticket=Sum("hours", filter=Q(ticket=ticket)) if ticket is not None else Sum(
            "hours", filter=Q(pk__in=[])),
    )
    return PackageHours(
        package=package, included=package.hours_included, extra=package.extra_hours_approved,
        used=_hours(sums["used"]), overage=_hours(sums["overage"]),
        on_ticket=_hours(sums["on_ticket"]) if ticket is not None else None,
    )


def _hours(value) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))


def customer_package_hours(*, customer, limit: int = 20) -> list[PackageHours]:
    """SUP-13 on the customer: each package's hours, newest first, in one query."""
    from orders.models import ServicePackage

    packages = (
        ServicePackage.objects.filter(migration__customer=customer)
        .select_related("migration")
        .annotate(used=Sum("support_hours__hours"), over=Sum("support_hours__overage_hours"))
        .order_by("-pk")[:limit]
    )
    return [PackageHours(package=p, included=p.hours_included, extra=p.extra_hours_approved,
                         used=_hours(p.used), overage=_hours(p.over)) for p in packages]


def open_tickets_on_calendars(slugs) -> Q:
    return Q(plan__calendar__slug__in=list(slugs)) & ~Q(status__in=["solved", "closed"])


def ticket_intake_report(*, ticket: Ticket):
    """SUP-2: every intake item of the ticket's line, passed or missing."""
    from .intake import intake_checks

    return intake_checks(
        line=ticket.line,
        account_email=ticket.customer.user.email,
        contact_email=ticket.contact_email,
        has_migration=ticket.migration_id is not None,
        phone=ticket.contact_phone,
        description=ticket.description,
        description_min_length=support_settings().description_min_length,
    )


def breaches_per_customer_month(*, limit_rows: int = 500) -> list[dict]:
    """SUP-9 watch: non-excluded data-line breaches per customer and Europe/Kyiv month,
    the most recent months and the highest counts first, with the flag if raised."""
    from django.db.models import Count
    from django.db.models.functions import TruncMonth

    from .models import Breach

    rows = list(
        Breach.objects.filter(line=ProductLine.DATA, excluded=False)
        .annotate(month=TruncMonth("due_at", tzinfo=timezone.get_default_timezone()))
        .values("customer_id", "customer__user__email", "month")
        .annotate(count=Count("pk"))
        .order_by("-month", "-count")[:limit_rows]
    )
    flagged = set(
        TerminationRight.objects.filter(is_active=True).values_list("customer_id", "month")
    )
    for row in rows:
        month = timezone.localtime(row["month"]).date() if isinstance(
            row["month"], dt.datetime) else row["month"]
        row["month"] = month
        row["flagged"] = (row["customer_id"], month) in flagged
    return rows
