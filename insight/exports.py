"""Reports to take away (issue 15): compliance per month, plan and engineer and the
breaches, as CSV or XLSX (formula-escaped); each calendar's closed days as ICS (CAL-4)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_GET

from slaportal.calendars import engine as cal
from slaportal.calendars.models import BusinessCalendar
from slaportal.calendars.selectors import business_calendar
from slaportal.exports import csv_response, xlsx_response
from support.models import Breach, SlaMonthlyFigure
from support.selectors import month_bounds, months_back, parse_month

from .selectors import percent

FORMATS = {"csv": csv_response, "xlsx": xlsx_response}
MAX_BREACH_ROWS = 100_000


def _compliance_rows(months: int = 12):
    first = months_back(timezone.localdate().replace(day=1), months)[0]
    figures = (SlaMonthlyFigure.objects.filter(month__gte=first)
               .select_related("plan", "assignee").order_by("month", "line", "plan__name",
                                                              "metric", "assignee__email"))
    for f in figures:
        counted = f.targets - f.excluded
        yield [f"{f.month:%Y-%m}", f.get_line_display(), f.plan.name, f.get_metric_display(),
               (f.assignee.full_name or f.assignee.email) if f.assignee else "Unassigned",
               f.targets, f.met, f.missed, f.excluded, percent(f.met, counted)]


COMPLIANCE_HEADER = ["month (Kyiv)", "line", "plan", "metric", "engineer", "targets", "met",
                     "missed", "excluded", "% met (excluded not counted)"]
BREACH_HEADER = ["due (Kyiv)", "ticket", "customer", "line", "metric", "recorded (Kyiv)",
                 "met (Kyiv)", "excluded", "exclusion reason", "exclusion note"]


def _breach_rows(month: dt.date):
    start, end = month_bounds(month)
    breaches = (Breach.objects.filter(due_at__gte=start, due_at__lt=end)
                .select_related("customer__user").order_by("due_at", "pk")[:MAX_BREACH_ROWS])
    for b in breaches.iterator(chunk_size=2000):
        yield [b.due_at, f"T-{b.ticket_id}", b.customer.user.email, b.get_line_display(),
               b.get_metric_display(), b.recorded_at, b.met_at, b.excluded,
               b.get_exclusion_reason_display() if b.excluded else "", b.exclusion_note]


@staff_member_required
@require_GET
def export(request, report: str, fmt: str):
    if fmt not in FORMATS:
        raise Http404("Unknown format.")
    if report == "compliance":
        if not request.user.has_perm("support.view_slatarget"):
            raise PermissionDenied
        return FORMATS[fmt]("sla-compliance", COMPLIANCE_HEADER, _compliance_rows(),
                            title="Compliance")
    if report == "breaches":
        if not request.user.has_perm("support.view_breach"):
            raise PermissionDenied
        month = parse_month(request.GET.get("month", "")) or timezone.localdate().replace(day=1)
        return FORMATS[fmt](f"sla-breaches-{month:%Y-%m}", BREACH_HEADER, _breach_rows(month),
                            title="Breaches")
    raise Http404("Unknown report.")


# ---- ICS: a calendar's closed days

def _ics_text(value: str) -> str:
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r", "").replace("\n", "\\n"))


def _fold(line: str) -> str:
    """RFC 5545: lines of at most 75 octets, continued with a space."""
    out, current = [], ""
    for char in line:
        if len((current + char).encode()) > 75:
            out.append(current)
            current = " " + char
        else:
            current += char
    out.append(current)
    return "\r\n".join(out)


@require_GET
def calendar_ics(request, slug: str):
    """The days the calendar is closed (holidays, announced closures, the policy; not
    ordinary weekends) this year and next, for any calendar app to subscribe to."""
    calendar = get_object_or_404(BusinessCalendar, slug=slug)
    engine = business_calendar(calendar.slug)
    year = timezone.localdate().year
    domain = settings.SITE_URL.split("//")[-1].split("/")[0] or "sla-portal"
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:-//{settings.SITE_NAME}//Calendars//EN",
             "CALSCALE:GREGORIAN", f"X-WR-CALNAME:{_ics_text(calendar.name)} closed days"]
    for y in (year, year + 1):
        for day in engine.closed_days(y):
            if day.reason in (cal.WEEKEND, cal.WORKDAY):
                continue
            words = {cal.CLOSURE: "Closed", cal.POLICY: "Day off (calendar policy)"}.get(
                day.reason, "Public holiday")
            summary = f"{words}: {day.name}" if day.name else words
            lines += ["BEGIN:VEVENT", f"UID:{calendar.slug}-{day.date:%Y%m%d}@{domain}",
                      f"DTSTAMP:{stamp}", f"DTSTART;VALUE=DATE:{day.date:%Y%m%d}",
                      f"DTEND;VALUE=DATE:{day.date + dt.timedelta(days=1):%Y%m%d}",
                      f"SUMMARY:{_ics_text(summary)}", "TRANSP:TRANSPARENT", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    body = "\r\n".join(_fold(line) for line in lines) + "\r\n"
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{calendar.slug}.ics"'
    return response
