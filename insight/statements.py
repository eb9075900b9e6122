"""The monthly SLA statement of one customer (issue 15): every target of the month with
met or missed, the breaches with their exclusions and reasons (SUP-8), the right of
termination (SUP-9), the hours used of Support Service Packages (SUP-13)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from support.models import Breach, PackageHoursEntry, SlaTarget, SupportSettings, TerminationRight
from support.selectors import month_bounds


@dataclass
class Statement:
    customer: object
    month: dt.date
    targets: list
    breaches: list
    counted: int
    met: int
    right: TerminationRight | None
    data_breaches: int
    limit: int
    hours: list

    @property
    def percent(self) -> float | None:
        return round(100 * self.met / self.counted, 1) if self.counted else None

    @property
    def title(self) -> str:
        return f"SLA statement, {self.month:%B %Y}"


def statement(*, customer, month: dt.date, limit_rows: int = 2000) -> Statement:
    start, end = month_bounds(month)
    in_month = {"customer": customer, "due_at__gte": start, "due_at__lt": end}
    targets = list(SlaTarget.objects.filter(**in_month).select_related("ticket", "plan")
                   .order_by("due_at", "pk")[:limit_rows])
    breaches = list(Breach.objects.filter(**in_month).select_related("ticket")
                    .order_by("due_at", "pk")[:limit_rows])
    counted = [t for t in targets if not t.excluded]
    hours = list(
        PackageHoursEntry.objects.filter(package__migration__customer=customer,
                                         logged_at__gte=start, logged_at__lt=end)
        .values("package_id", "package__migration__migration_id", "package__tier",
                "package__hours_included", "package__extra_hours_approved")
        .annotate(used=Sum("hours"), overage=Sum("overage_hours")).order_by("package_id"))
    totals = dict(PackageHoursEntry.objects.filter(
        package_id__in=[h["package_id"] for h in hours], logged_at__lt=end)
        .values("package_id").annotate(s=Sum("hours")).values_list("package_id", "s"))
    for h in hours:
        h["used_to_date"] = totals.get(h["package_id"]) or Decimal("0")
        h["left"] = (h["package__hours_included"] + h["package__extra_hours_approved"]
                     - h["used_to_date"])
    return Statement(
        customer=customer, month=month, targets=targets, breaches=breaches,
        counted=len(counted), met=sum(1 for t in counted if not t.missed),
        right=TerminationRight.objects.filter(customer=customer, month=month).first(),
        data_breaches=sum(1 for b in breaches if b.line == "data" and not b.excluded),
        limit=SupportSettings.load().termination_breach_limit, hours=hours,
    )


def render_pdf(html: str) -> bytes:
    """The statement's PDF, from the same HTML as the page, styled by the print
    stylesheet."""
    from slaportal.pdf import html_to_pdf

    return html_to_pdf(html, "css/statement.css")
