from __future__ import annotations

import datetime as dt
from collections import Counter

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from . import engine, services
from .choices import HolidayPolicy
from .deadlines import preview_all
from .forms import DeadlineCalculatorForm, OpeningRangeForm, YearForm
from .models import BusinessCalendar, Closure, OpeningRange, RecomputeRun
from .selectors import business_calendar

REASON_LABELS = {
    engine.WEEKEND: "Weekend",
    engine.HOLIDAY: "Holiday",
    engine.OBSERVED: "Holiday moved from a day off (observed)",
    engine.SUBSTITUTED: "Day off by government transfer (substituted)",
    engine.CLOSURE: "Announced closure",
    engine.POLICY: "Closed by the traditional policy",
    engine.WORKDAY: "Working day in exchange for a transferred day off",
}


class OpeningRangeInline(admin.TabularInline):
    model = OpeningRange
    form = OpeningRangeForm
    extra = 0


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "timezone", "holiday_policy", "hours", "tools"]
    search_fields = ["name", "slug"]
    inlines = [OpeningRangeInline]
    readonly_fields = ["version", "updated_at", "recomputes"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("opening_ranges")

    @admin.display(description="deadline recomputes (CAL-8)")
    def recomputes(self, obj: BusinessCalendar):
        """The last recomputes that included this calendar: progress, result, time."""
        runs = [r for r in RecomputeRun.objects.order_by("-queued_at", "-pk")[:50]
                if obj.slug in r.calendar_slugs][:5]
        if not runs:
            return "None yet."
        rows = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                                "<td>{}</td></tr>", (
            (timezone.localtime(r.queued_at).strftime("%Y-%m-%d %H:%M"), r.cause,
             f"{r.get_status_display()} ({r.owners_done}/{r.owners_total} owners)",
             ", ".join(f"{name}: {n:,}" for name, n in sorted(r.result.items())) or "—",
             f"{r.seconds:.1f} s" if r.seconds is not None else "—")
            for r in runs
        ))
        return format_html(
            "<table><tr><th>queued (Kyiv)</th><th>cause</th><th>progress</th>"
            "<th>deadlines recomputed</th><th>took</th></tr>{}</table>", rows)

    @admin.display(description="weekly hours")
    def hours(self, obj: BusinessCalendar) -> str:
        by_day: dict[int, list[str]] = {}
        for r in obj.opening_ranges.all():
            by_day.setdefault(r.weekday, []).append(str(r).split(" ", 1)[1])
        names = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
        return "; ".join(f"{names[d]} {', '.join(v)}" for d, v in sorted(by_day.items()))

    @admin.display(description="")
    def tools(self, obj: BusinessCalendar) -> str:
        return format_html(
            '<a href="{}">Year view</a> · <a href="{}">Deadline calculator</a>',
            reverse("admin:calendars_businesscalendar_year", args=[obj.pk]),
            reverse("admin:calendars_businesscalendar_calculator", args=[obj.pk]),
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # CAL-8: after the calendar and its hours are saved, recompute once.
        services.calendar_changed(calendars=[form.instance], actor=request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # plans and deadlines depend on calendars

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/year/", view(self.year_view), name="calendars_businesscalendar_year"),
            path(
                "<int:pk>/calculator/",
                view(self.calculator_view),
                name="calendars_businesscalendar_calculator",
            ),
            *super().get_urls(),
        ]

    def _context(self, request, calendar: BusinessCalendar, title: str) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": calendar,
            "calendar": calendar,
            "title": title,
            "has_view_permission": True,
        }

    def year_view(self, request, pk: int):
        """CAL-2/3/4: every closed day of a year with its reason, under both policies."""
        calendar = get_object_or_404(BusinessCalendar, pk=pk)
        if not self.has_view_permission(request, calendar):
            raise admin.sites.PermissionDenied
        form = YearForm(request.GET or {"year": timezone.localdate().year})
        year = form.cleaned_data["year"] if form.is_valid() else timezone.localdate().year
        current = business_calendar(calendar.slug)
        other_policy = (
            HolidayPolicy.TRADITIONAL
            if calendar.holiday_policy == HolidayPolicy.STATUTORY
            else HolidayPolicy.STATUTORY
        )
        other = current.replace(holiday_policy=other_policy)
        days = current.closed_days(year)
        other_closed = {d.date for d in other.closed_days(year) if not d.business_day}
        rows = [
            {
                "date": d.date,
                "weekday": d.date.strftime("%A"),
                "reason": d.reason,
                "label": REASON_LABELS.get(d.reason, d.reason),
                "name": d.name,
                "business_day": d.business_day,
                "closed_under_other": d.date in other_closed,
                "hours": engine.format_ranges(d.ranges),
            }
            for d in days
            if d.reason != engine.WEEKEND
        ]
        only_other = sorted(
            other_closed - {d.date for d in days if not d.business_day}
        )
        counts = Counter(d.reason for d in days)
        business_days = sum(
            1
            for n in range(dt.date(year, 1, 1).toordinal(), dt.date(year, 12, 31).toordinal() + 1)
            if current.is_business_day(dt.date.fromordinal(n))
        )
        context = {
            **self._context(request, calendar, f"{calendar.name}: closed days in {year}"),
            "year": year,
            "form": form,
            "rows": rows,
            "counts": [(REASON_LABELS.get(k, k), v) for k, v in sorted(counts.items())],
            "business_days": business_days,
            "other_policy": other_policy,
            "only_other": [(d, other.day(d).name) for d in only_other],
            "previous_year": year - 1,
            "next_year": year + 1,
        }
        return TemplateResponse(request, "admin/calendars/year_view.html", context)

    def calculator_view(self, request, pk: int):
        """CAL-7: start + duration -> deadline, to answer "when is it due?"."""
        calendar = get_object_or_404(BusinessCalendar, pk=pk)
        if not self.has_view_permission(request, calendar):
            raise admin.sites.PermissionDenied
        form = DeadlineCalculatorForm(request.GET or None, zone=calendar.timezone)
        result = None
        if form.is_bound and form.is_valid():
            engine_value = business_calendar(calendar.slug)
            try:
                deadline = form.deadline(engine_value)
            except ValueError as exc:
                messages.error(request, str(exc))
            else:
                start = form.cleaned_data["start"]
                result = {
                    "start": start,
                    "deadline": deadline,
                    "start_open": engine_value.is_open(start),
                    "next_open": engine_value.next_open(start),
                }
        context = {
            **self._context(request, calendar, f"{calendar.name}: when is it due?"),
            "form": form,
            "result": result,
        }
        return TemplateResponse(request, "admin/calendars/calculator.html", context)


def closure_engines(closure: Closure, original: Closure | None) -> dict:
    """The calendars the closure touches, as they would be with it saved (the closure as
    it was, if changed, taken out)."""
    slugs = ([closure.calendar.slug] if closure.calendar_id else
             list(BusinessCalendar.objects.values_list("slug", flat=True)))
    if original is not None and original.calendar_id and original.calendar.slug not in slugs:
        slugs.append(original.calendar.slug)
    engines = {}
    for slug in slugs:
        current = business_calendar(slug)
        closures = [c for c in current.closures if original is None or (c[0], c[1]) != (
            original.starts_on, original.ends_on)]
        if not closure.calendar_id or closure.calendar.slug == slug:
            closures.append((closure.starts_on, closure.ends_on, closure.public_note))
        engines[slug] = current.replace(closures=closures)
    return engines


@admin.register(Closure)
class ClosureAdmin(SimpleHistoryAdmin):
    list_display = ["starts_on", "ends_on", "calendar_label", "public_note", "created_by"]
    list_select_related = ["calendar", "created_by"]
    list_filter = ["calendar"]
    search_fields = ["public_note"]
    date_hierarchy = "starts_on"

    @admin.display(description="calendar", ordering="calendar__slug")
    def calendar_label(self, obj: Closure) -> str:
        return obj.calendar.slug if obj.calendar else "all calendars"

    change_form_template = "admin/calendars/closure/change_form.html"

    def save_model(self, request, obj, form, change):
        services.closure_save(closure=obj, actor=request.user)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """CAL-8: "Preview" shows how many open deadlines the closure would move, and the
        ten that move most, before anything is saved; the page then saves it as is."""
        if request.method != "POST" or "_preview" not in request.POST:
            return super().changeform_view(request, object_id, form_url, extra_context)
        original = self.get_object(request, object_id) if object_id else None
        if original is None and not self.has_add_permission(request) or (
                original is not None and not self.has_change_permission(request, original)):
            raise PermissionDenied
        form_class = self.get_form(request, original, change=original is not None)
        form = form_class(request.POST, instance=original)
        if not form.is_valid():
            return super().changeform_view(request, object_id, form_url, extra_context)
        closure = form.save(commit=False)
        closure.ends_on = closure.ends_on or closure.starts_on
        engines = closure_engines(closure, original)
        count, top, per_owner = preview_all(engines, (closure.starts_on, closure.ends_on))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta, "title": "What this closure would move",
            "closure": closure, "count": count, "top": top, "per_owner": per_owner,
            "calendars": sorted(engines),
            "fields": [(k, v) for k, v in request.POST.items()
                       if k not in ("csrfmiddlewaretoken", "_preview")],
        }
        return TemplateResponse(request, "admin/calendars/closure_preview.html", context)

    def delete_model(self, request, obj):
        services.closure_delete(closure=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for closure in queryset.select_related("calendar"):
            services.closure_delete(closure=closure, actor=request.user)


@admin.register(RecomputeRun)
class RecomputeRunAdmin(admin.ModelAdmin):
    """CAL-8: every recompute of deadlines after a calendar change, read-only."""

    list_display = ["queued_at", "cause", "calendars", "status", "progress", "outcome",
                    "requested_by"]
    list_filter = ["status"]
    list_select_related = ["requested_by"]

    @admin.display(description="calendars")
    def calendars(self, obj: RecomputeRun) -> str:
        return ", ".join(obj.calendar_slugs)

    @admin.display(description="progress")
    def progress(self, obj: RecomputeRun) -> str:
        return f"{obj.owners_done}/{obj.owners_total} owners"

    @admin.display(description="result")
    def outcome(self, obj: RecomputeRun) -> str:
        if obj.error:
            return obj.error[:200]
        took = f" in {obj.seconds:.1f} s" if obj.seconds is not None else ""
        return ", ".join(f"{k}: {v:,}" for k, v in sorted(obj.result.items())) + took

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
