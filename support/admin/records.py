"""Account managers' records: breaches per customer and month, the termination-right
watch, stop support, plans, weekend bookings, package hours; superusers' settings."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Subquery, Sum
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from slaportal.admin_base import CappedCountPaginator
from support import services
from support.models import (
    Breach,
    CannedReply,
    ExtraHoursApproval,
    InboundEmail,
    PackageHoursEntry,
    RefusedRequest,
    SlaTarget,
    SupportAccessGrant,
    SupportSettings,
    SupportStop,
    TerminationRight,
    WeekendBooking,
)
from support.selectors import (
    active_support_stop,
    breaches_per_customer_month,
    month_bounds,
    months_back,
    package_hours_remaining,
    parse_month,
)

from .base import HistoryAdmin, ReadOnlyAdmin, kyiv
from .forms import ExcludeForm


@admin.register(Breach)
class BreachAdmin(HistoryAdmin):
    list_display = ["ticket", "customer_email", "line", "metric", "due", "met", "excluded",
                    "exclusion_reason", "exclude_link"]
    list_select_related = ["ticket", "customer__user"]
    list_filter = ["excluded", "metric", "line", "exclusion_reason"]
    date_hierarchy = "due_at"  # per month, in Europe/Kyiv (SUP-9)
    search_fields = ["customer__user__email", "ticket__migration__migration_id"]
    readonly_fields = [f.name for f in Breach._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description="customer", ordering="customer__user__email")
    def customer_email(self, obj):
        return obj.customer.user.email

    @admin.display(description="due (Kyiv)", ordering="due_at")
    def due(self, obj):
        return kyiv(obj.due_at)

    @admin.display(description="met (Kyiv)", ordering="met_at")
    def met(self, obj):
        return kyiv(obj.met_at)

    @admin.display(description="")
    def exclude_link(self, obj):
        if obj.excluded:
            return ""
        return format_html('<a href="{}">Exclude…</a>',
                           reverse("admin:support_breach_exclude", args=[obj.pk]))

    def get_urls(self):
        return [
            path("<int:object_id>/exclude/", self.admin_site.admin_view(self.exclude_view),
                 name="support_breach_exclude"),
            path("per-month/", self.admin_site.admin_view(self.per_month_view),
                 name="support_breach_per_month"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}),
                         "per_month_url": reverse("admin:support_breach_per_month")}
        return super().changelist_view(request, extra_context)

    def per_month_view(self, request):
        """SUP-9 watch: non-excluded data-line breaches per customer and Kyiv month."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        rows = breaches_per_customer_month()
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "title": "Breaches per customer and month (Europe/Kyiv)", "rows": rows,
                   "limit": SupportSettings.load().termination_breach_limit}
        return TemplateResponse(request, "admin/support/breach_per_month.html", context)

    def exclude_view(self, request, object_id: int):
        breach = get_object_or_404(Breach.objects.select_related("ticket"), pk=object_id)
        if not self.has_change_permission(request, breach):
            raise PermissionDenied
        form = ExcludeForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                services.breach_exclude(breach=breach, actor=request.user,
                                        reason=form.cleaned_data["reason"],
                                        note=form.cleaned_data["note"])
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                self.message_user(request, "Breach excluded; the termination right was "
                                  "re-evaluated.", messages.SUCCESS)
                return redirect(reverse("admin:support_breach_changelist"))
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "original": breach, "title": f"Exclude breach: {breach}", "form": form}
        return TemplateResponse(request, "admin/support/breach_exclude.html", context)


@admin.register(TerminationRight)
class TerminationRightAdmin(ReadOnlyAdmin):
    list_display = ["customer", "month_label", "breach_count", "is_active", "flagged_at",
                    "manager_notified_at", "withdrawn_at"]
    list_select_related = ["customer__user"]
    list_filter = ["is_active"]
    date_hierarchy = "month"
    search_fields = ["customer__user__email", "customer__organisation"]

    @admin.display(description="month", ordering="month")
    def month_label(self, obj):
        return obj.month.strftime("%Y-%m")


class SupportStopForm(forms.ModelForm):
    class Meta:
        model = SupportStop
        fields = ["customer", "reason"]

    def clean_customer(self):
        customer = self.cleaned_data["customer"]
        if active_support_stop(customer=customer) is not None:
            raise ValidationError("Support is already stopped for this customer.")
        return customer


@admin.register(SupportStop)
class SupportStopAdmin(HistoryAdmin):
    list_display = ["customer", "stopped_at", "stopped_by", "lifted_at", "reason"]
    list_select_related = ["customer__user", "stopped_by"]
    list_filter = ["lifted_at"]
    search_fields = ["customer__user__email"]
    raw_id_fields = ["customer"]
    actions = ["resume_support"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = SupportStopForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["customer", "reason", "stopped_at", "stopped_by", "lifted_at", "lifted_by"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["customer", "reason"]
        return self.get_readonly_fields(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            stop = services.support_stop(customer=form.cleaned_data["customer"],
                                         actor=request.user, reason=form.cleaned_data["reason"])
            obj.pk = stop.pk

    @admin.action(description="Resume support", permissions=["change"])
    def resume_support(self, request, queryset):
        for stop in queryset.filter(lifted_at__isnull=True):
            services.support_resume(stop=stop, actor=request.user)
        self.message_user(request, "Support resumed.", messages.SUCCESS)


@admin.register(WeekendBooking)
class WeekendBookingAdmin(ReadOnlyAdmin):
    list_display = ["customer", "day", "hours", "price", "status", "paid_at"]
    list_select_related = ["customer__user"]
    list_filter = ["status"]
    search_fields = ["customer__user__email"]
    actions = ["mark_delivered", "cancel"]

    def has_change_permission(self, request, obj=None) -> bool:
        return admin.ModelAdmin.has_change_permission(self, request, obj)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in WeekendBooking._meta.fields]

    def _run(self, request, queryset, call, label):
        for booking in queryset:
            try:
                call(booking=booking, actor=request.user)
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
        self.message_user(request, label, messages.INFO)

    @admin.action(description="Mark delivered", permissions=["change"])
    def mark_delivered(self, request, queryset):
        self._run(request, queryset, services.weekend_booking_deliver, "Done.")

    @admin.action(description="Cancel", permissions=["change"])
    def cancel(self, request, queryset):
        self._run(request, queryset, services.weekend_booking_cancel, "Done.")


class HoursForm(forms.ModelForm):
    class Meta:
        model = PackageHoursEntry
        fields = ["package", "ticket", "hours", "note"]

    def clean(self):
        data = super().clean()
        package, hours = data.get("package"), data.get("hours")
        if package is not None and hours is not None:
            remaining = package_hours_remaining(package=package)
            if hours > remaining:
                raise ValidationError(
                    f"Logging {hours} h would exceed the package allowance: {remaining} h "
                    "remaining. A manager must approve extra paid hours first (SUP-13)."
                )
        return data


@admin.register(PackageHoursEntry)
class PackageHoursEntryAdmin(HistoryAdmin):
    form = HoursForm
    list_display = ["package", "hours", "remaining", "ticket", "logged_by", "logged_at"]
    list_select_related = ["package__migration", "ticket", "logged_by"]
    search_fields = ["package__migration__migration_id"]
    raw_id_fields = ["package", "ticket"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        logged = (
            PackageHoursEntry.objects.filter(package=OuterRef("package"))
            .values("package").annotate(s=Sum("hours")).values("s")
        )
        return super().get_queryset(request).annotate(package_logged=Subquery(logged))

    @admin.display(description="remaining on package (h)")
    def remaining(self, obj):
        """SUP-13: included + approved extra - logged (no query per row)."""
        package = obj.package
        return package.hours_included + package.extra_hours_approved - (
            obj.package_logged or 0
        )

    def save_model(self, request, obj, form, change):
        d = form.cleaned_data
        entry = services.package_hours_log(package=d["package"], hours=d["hours"],
                                           ticket=d.get("ticket"), note=d.get("note", ""),
                                           actor=request.user)
        obj.pk = entry.pk


@admin.register(ExtraHoursApproval)
class ExtraHoursApprovalAdmin(HistoryAdmin):
    list_display = ["package", "hours", "approved_by", "approved_at", "note"]
    list_select_related = ["package__migration", "approved_by"]
    search_fields = ["package__migration__migration_id"]
    raw_id_fields = ["package"]
    fields = ["package", "hours", "note"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        d = form.cleaned_data
        row = services.package_extra_hours_approve(package=d["package"], hours=d["hours"],
                                                   note=d.get("note", ""), actor=request.user)
        obj.pk = row.pk


@admin.register(SupportAccessGrant)
class SupportAccessGrantAdmin(ReadOnlyAdmin):
    list_display = ["migration", "granted_by", "granted_at", "revoked_at"]
    list_select_related = ["migration", "granted_by"]
    search_fields = ["migration__migration_id"]


@admin.register(InboundEmail)
class InboundEmailAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "sender", "subject", "outcome", "ticket"]
    list_select_related = ["ticket"]
    list_filter = ["outcome"]
    search_fields = ["sender", "subject"]
    readonly_fields = ["raw", "sender", "subject", "message_id", "received_at", "outcome",
                       "detail", "ticket"]


@admin.register(SupportSettings)
class SupportSettingsAdmin(HistoryAdmin):
    """Superusers only (no role has a permission on it)."""

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser and not SupportSettings.objects.exists()


@admin.register(CannedReply)
class CannedReplyAdmin(HistoryAdmin):
    """Replies engineers insert on the ticket page, placeholders filled from the ticket."""

    list_display = ["title", "line", "is_active", "updated_at"]
    list_filter = ["line", "is_active"]
    search_fields = ["title", "body"]
    fields = ["title", "line", "is_active", "body", "placeholders"]
    readonly_fields = ["placeholders"]

    @admin.display(description="placeholders")
    def placeholders(self, obj):
        return ("{customer_name} {customer_email} {migration_id} {plan} {due} {ticket} "
                "{subject} {engineer} — filled from the ticket when inserted.")

    def save_model(self, request, obj, form, change):
        obj.full_clean()
        super().save_model(request, obj, form, change)


@admin.register(RefusedRequest)
class RefusedRequestAdmin(ReadOnlyAdmin):
    """SUP-4: every request refused while support was stopped."""

    list_display = ["attempted_at", "customer", "channel", "subject", "ticket", "replied_to"]
    list_select_related = ["customer__user", "ticket"]
    list_filter = ["channel"]
    search_fields = ["customer__user__email", "subject"]
    date_hierarchy = "attempted_at"


class MonthFilter(admin.SimpleListFilter):
    """One Europe/Kyiv month, as an indexed range on the due time (the dashboard's
    compliance figures link here with ?month=YYYY-MM)."""

    title = "month (Kyiv)"
    parameter_name = "month"

    def lookups(self, request, model_admin):
        return [(f"{m:%Y-%m}", f"{m:%B %Y}")
                for m in reversed(months_back(timezone.localdate(), 12))]

    def queryset(self, request, queryset):
        value = self.value() or ""
        month = parse_month(value)
        if month is None:
            return queryset if not value else queryset.none()
        start, end = month_bounds(month)
        return queryset.filter(due_at__gte=start, due_at__lt=end)


@admin.register(SlaTarget)
class SlaTargetAdmin(ReadOnlyAdmin):
    """Every target that came due or was answered: the rows behind the dashboard's
    compliance figures (SUP-5, SUP-6, SUP-8)."""

    list_display = ["ticket", "metric", "plan", "line", "assignee", "due_kyiv", "met_kyiv",
                    "outcome"]
    list_select_related = ["ticket", "plan", "assignee"]
    list_filter = [MonthFilter, "metric", "line", "plan", "missed", "excluded"]
    show_full_result_count = False
    paginator = CappedCountPaginator
    ordering = ["-due_at", "-id"]

    def lookup_allowed(self, lookup, value, request=None):
        # The dashboard's per-engineer figures (no filter listing every user).
        return lookup in ("assignee__id__exact", "assignee__isnull", "customer__id__exact") or \
            super().lookup_allowed(lookup, value, request)

    @admin.display(description="due (Kyiv)", ordering="due_at")
    def due_kyiv(self, obj):
        return kyiv(obj.due_at)

    @admin.display(description="met (Kyiv)")
    def met_kyiv(self, obj):
        return kyiv(obj.met_at)

    @admin.display(description="outcome")
    def outcome(self, obj):
        if obj.excluded:
            return "missed, excluded"
        if not obj.missed:
            return "met in time"
        return "met late" if obj.met_at else "missed"
