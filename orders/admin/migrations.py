"""Migrations: the account managers' main list and page per migration."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import widgets as admin_widgets
from django.core.exceptions import ValidationError
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from slaportal.admin_base import FormPageMixin, NeverDeleteAdmin
from slaportal.calendars.selectors import business_calendars

from .. import services
from ..choices import AccessSide, MigrationStatus
from ..errors import OrderError
from ..models import (
    AccessDetail,
    Migration,
    MigrationEvent,
    QuoteLine,
)
from ..selectors import customer_next_step, migration_due, migrations_for_admin, time_left
from ..services.entitlements import entitlements_left
from ..services.packages import (
    ASSISTED_DAYS_CALENDAR,
    ASSISTED_HOURS_CALENDAR,
    PACKAGE_CALENDAR,
)

STATUS_COLOURS = {
    MigrationStatus.RUNNING: "#1f6feb", MigrationStatus.FAILED: "#cf222e",
    MigrationStatus.STOPPED: "#6e7781", MigrationStatus.COMPLETED: "#1a7f37",
    MigrationStatus.VALIDATED: "#1a7f37", MigrationStatus.PAUSED: "#9a6700",
}


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class QuoteLineInline(ReadOnlyInline):
    model = QuoteLine
    fields = ("position", "kind", "description", "amount")
    readonly_fields = fields


class EventInline(ReadOnlyInline):
    """The migration's timeline."""

    model = MigrationEvent
    fields = ("at", "from_status", "to_status", "source", "actor", "note")
    readonly_fields = fields
    verbose_name_plural = "Timeline"


class AccessInline(ReadOnlyInline):
    model = AccessDetail
    fields = ("side", "url", "masked", "verified_at", "failing_since", "failing_reason",
              "removed_at")
    readonly_fields = fields

    @admin.display(description="Credentials")
    def masked(self, obj):
        return obj.masked


class DueFilter(admin.SimpleListFilter):
    title = "due"
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("overdue", "Overdue"), ("3days", "Due within 3 days"),
                ("week", "Due within 7 days"), ("none", "No due date")]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "overdue":
            return queryset.filter(service_package__due_at__lt=now,
                                   status__in=_open_statuses())
        if self.value() == "3days":
            return queryset.filter(service_package__due_at__gte=now,
                                   service_package__due_at__lt=now + dt.timedelta(days=3))
        if self.value() == "week":
            return queryset.filter(service_package__due_at__gte=now,
                                   service_package__due_at__lt=now + dt.timedelta(days=7),
                                   status__in=_open_statuses())
        if self.value() == "none":
            return queryset.filter(service_package__due_at__isnull=True)
        return queryset


def _open_statuses():
    from ..selectors import OPEN

    return OPEN


def _run(modeladmin, request, queryset, label: str, call) -> None:
    done, refused = 0, []
    for migration in queryset:
        try:
            call(migration)
            done += 1
        except OrderError as exc:
            refused.append(f"{migration.migration_id}: {exc.message}")
    if done:
        modeladmin.message_user(request, f"{label}: {done} migration(s).", messages.SUCCESS)
    for text in refused:
        modeladmin.message_user(request, text, messages.ERROR)


class AccessFailingForm(forms.Form):
    """ORD-12/ORD-14: which access stopped working, and what the customer should fix."""

    side = forms.ChoiceField(choices=AccessSide.choices, label="Access that fails")
    reason = forms.CharField(
        max_length=300, label="What fails (shown to the customer)",
        widget=forms.TextInput(attrs={"size": 80}),
        error_messages={"required": "Say what fails, so the customer can fix it."})

    def clean_reason(self):
        reason = self.cleaned_data["reason"].replace("\x00", "").strip()
        if not reason:
            raise forms.ValidationError("Say what fails, so the customer can fix it.")
        return reason


class DeltaArrangementForm(forms.Form):
    """ORD-8: the start agreed with the customer outside the delta window."""

    agreed_start = forms.SplitDateTimeField(
        label="Agreed start (Kyiv time)", widget=admin_widgets.AdminSplitDateTime)
    note = forms.CharField(max_length=300, label="What was agreed, with whom",
                           widget=forms.TextInput(attrs={"size": 80}),
                           error_messages={"required": "Record what was arranged."})


@admin.register(Migration)
class MigrationAdmin(FormPageMixin, NeverDeleteAdmin):
    # No date_hierarchy: its year/month links aggregate every row of the list.
    list_filter = ("status", "line", "kind", "support_plan", DueFilter, "problem_open",
                   "skipped_check_pending", "created_at")
    search_fields = ("=migration_id", "customer__user__email")
    list_select_related = ("customer__user", "support_plan", "service_package", "assisted",
                           "source_platform", "target_platform")
    show_full_result_count = False
    list_per_page = 100
    raw_id_fields = ("customer", "from_demo", "parent")
    inlines = [QuoteLineInline, AccessInline, EventInline]
    readonly_fields = (
        "archive_hold", "access_tools",
        "migration_id", "customer", "line", "kind", "status", "support_plan",
        "source_platform", "target_platform", "record_count", "insurance", "from_demo",
        "parent", "paid_at", "access_verified_at", "started_at", "completed_at",
        "validated_at", "archived_at", "stopped_at", "stop_reason", "records_done",
        "records_total", "records_migrated", "records_skipped", "records_failed",
        "skipped_report_count", "skipped_check_pending", "failure_reason", "pauses_used",
        "insurance_restarts_used", "remigration_reason", "target_removal_confirmed_at",
        "delta_arrangement", "access_reminder_due_at", "access_reminder_sent_at",
        "data_removed_at", "next_step", "entitlements", "due_and_time_left",
        "deadlines_explained",
    )
    fieldsets = (
        (None, {"fields": ("migration_id", "customer", "line", "kind", "status",
                           "support_plan", "next_step", "due_and_time_left",
                           "deadlines_explained", "entitlements")}),
        ("Problem (ORD-15: an open problem keeps it from archiving)",
         {"fields": ("problem_open", "problem_reason", "archive_hold")}),
        ("Access", {"fields": ("access_tools",)}),
        ("Order", {"fields": ("source_platform", "target_platform", "record_count",
                              "insurance", "from_demo", "parent", "remigration_reason",
                              "target_removal_confirmed_at", "delta_arrangement")}),
        ("Milestones", {"fields": ("paid_at", "access_verified_at", "started_at",
                                   "completed_at", "validated_at", "archived_at",
                                   "stopped_at", "stop_reason", "data_removed_at",
                                   "access_reminder_due_at", "access_reminder_sent_at")}),
        ("Engine reports", {"fields": ("records_done", "records_total", "records_migrated",
                                       "records_skipped", "records_failed",
                                       "skipped_report_count", "skipped_check_pending",
                                       "failure_reason", "pauses_used",
                                       "insurance_restarts_used")}),
    )
    actions = ["record_access_verified", "record_started", "record_completed", "record_failed",
               "restart_failed", "records_checked", "validate_result", "pause", "resume",
               "insured_restart"]

    def get_queryset(self, request):
        return migrations_for_admin()

    def get_list_display(self, request):
        calendars = business_calendars(
            [PACKAGE_CALENDAR, ASSISTED_DAYS_CALENDAR, ASSISTED_HOURS_CALENDAR]
        )
        now = timezone.now()

        @admin.display(description="Time left")
        def time_left_column(obj):
            due, slug = migration_due(obj)
            return time_left(due, calendars.get(slug), now)

        return ("migration_id", "customer_email", "line", "kind", "status_badge",
                "support_plan", "due", time_left_column, "problem_open", "created_at")

    def has_add_permission(self, request):
        return False  # orders are created by customers and services, not by hand


    @admin.display(description="Customer", ordering="customer__user__email")
    def customer_email(self, obj):
        return obj.customer.user.email

    @admin.display(description="Status", ordering="status")
    def status_badge(self, obj):
        colour = STATUS_COLOURS.get(obj.status, "#57606a")
        return format_html('<b style="color:{}">{}</b>', colour, obj.get_status_display())

    @admin.display(description="Due")
    def due(self, obj):
        at, _ = migration_due(obj)
        return timezone.localtime(at).strftime("%Y-%m-%d %H:%M") if at else "—"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/access-failing/", view(self.access_failing_view),
                 name="orders_migration_access_failing"),
            path("<int:pk>/arrange-delta/", view(self.arrange_delta_view),
                 name="orders_migration_arrange_delta"),
            *super().get_urls(),
        ]

    def access_failing_view(self, request, pk):
        """ORD-12: a manager records that access details fail (through access_fail)."""
        def act(migration, data):
            detail = AccessDetail.objects.filter(migration=migration, side=data["side"],
                                                 removed_at__isnull=True).first()
            if detail is None:
                raise ValidationError(
                    {"side": "The customer has not given these access details yet."})
            services.access_fail(detail=detail, actor=request.user, reason=data["reason"])
            return ("Failing access recorded; the customer is told and the package due "
                    "date moves while it fails.")

        return self.form_page(
            request, pk, form_class=AccessFailingForm, title="Access details fail",
            submit="Record failing access", act=act,
            intro="The customer is told on their migration page and by e-mail; while access "
            "fails, the package due date moves by the business time lost (ORD-12). "
            "Verifying the access again resumes the clock.")

    def arrange_delta_view(self, request, pk):
        """ORD-8: a manager records the delta start agreed outside the window."""
        def act(migration, data):
            services.delta_arrange(migration=migration, actor=request.user,
                                   note=data["note"], agreed_start=data["agreed_start"])
            return "Delta start arranged."

        return self.form_page(
            request, pk, form_class=DeltaArrangementForm, title="Arrange the delta start",
            submit="Record the arrangement", act=act,
            intro="Outside Mon–Fri 09:00–21:00 Kyiv a delta starts only at the start agreed "
            "here (up to two hours later), recorded with your name (ORD-8).")

    @admin.display(description="access (ORD-12/14)")
    def access_tools(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        links = [format_html('<a class="button" href="{}">Record failing access…</a>',
                             reverse("admin:orders_migration_access_failing", args=[obj.pk]))]
        if obj.kind == "full" and obj.paid_at and obj.status not in ("stopped", "archived"):
            # BIL-5: served by billing's surcharge admin (orders never imports billing).
            links.append(format_html(
                '<a class="button" href="{}">Raise a surcharge…</a>',
                reverse("admin:billing_surcharge_raise", args=[obj.pk])))
        if obj.kind == "delta":
            agreed = ""
            if obj.delta_start_agreed_at:
                local = timezone.localtime(obj.delta_start_agreed_at)
                agreed = f" (agreed: {local:%Y-%m-%d %H:%M} Kyiv)"
            links.append(format_html(
                '<a class="button" href="{}">Arrange the delta start…</a>{}',
                reverse("admin:orders_migration_arrange_delta", args=[obj.pk]), agreed))
        return format_html_join(" ", "{}", ((link,) for link in links))

    @admin.display(description="archive held by (ORD-15)")
    def archive_hold(self, obj):
        from orders.services.retention import archive_holds

        holds = archive_holds(obj)
        return "; ".join(holds) if holds else "Nothing: archived when its retention ends."

    @admin.display(description="What the customer must do next")
    def next_step(self, obj):
        return customer_next_step(obj)

    @admin.display(description="Due / time left")
    def due_and_time_left(self, obj):
        at, slug = migration_due(obj)
        if not at:
            return "—"
        cal = business_calendars([slug])[slug]
        return f"{timezone.localtime(at):%Y-%m-%d %H:%M} ({time_left(at, cal)} on {slug})"

    @admin.display(description="Deadlines explained")
    def deadlines_explained(self, obj):
        from django.template.loader import render_to_string

        from ..deadlines import migration_deadlines

        items = migration_deadlines(obj)
        if not items:
            return "—"
        return mark_safe("".join(render_to_string("admin/_deadline_explained.html", item)
                                 for item in items))

    @admin.display(description="Entitlements left")
    def entitlements(self, obj):
        left = entitlements_left(obj)
        rows = [("Free re-migrations (ORD-7)", left.remigrations_free),
                ("Delta migrations (ORD-8)", left.deltas),
                ("Insured restarts (ORD-13)", left.insurance_restarts),
                ("Pauses (ORD-9)", left.pauses)]
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}: {}</li>", rows))

    def save_model(self, request, obj, form, change):
        # Only the problem flag is editable; it goes through the services (ORD-15).
        if "problem_open" in form.changed_data or "problem_reason" in form.changed_data:
            try:
                if obj.problem_open:
                    services.migration_problem_set(
                        migration=obj, actor=request.user,
                        reason=obj.problem_reason or "Reported by the account manager")
                else:
                    services.migration_problem_clear(migration=obj, actor=request.user)
            except OrderError as exc:
                self.message_user(request, exc.message, messages.ERROR)

    @admin.action(description="Record: access details verified (both sides)",
                  permissions=["change"])
    def record_access_verified(self, request, queryset):
        def verify(migration):
            details = list(migration.access_details.exclude(secret_encrypted=""))
            if len(details) < 2:
                raise OrderError("The customer has not given access to both sides yet.")
            for detail in details:
                services.access_verify(detail=detail, actor=request.user)

        _run(self, request, queryset, "Access verified", verify)

    @admin.action(description="Record: migration started", permissions=["change"])
    def record_started(self, request, queryset):
        _run(self, request, queryset, "Started",
             lambda m: services.migration_start(migration=m, actor=request.user))

    @admin.action(description="Record: migration completed", permissions=["change"])
    def record_completed(self, request, queryset):
        _run(self, request, queryset, "Completed",
             lambda m: services.migration_complete(migration=m, actor=request.user,
                                                   migrated=m.records_done))

    @admin.action(description="Record: migration failed", permissions=["change"])
    def record_failed(self, request, queryset):
        _run(self, request, queryset, "Failed",
             lambda m: services.migration_fail(migration=m, actor=request.user,
                                               reason="Recorded by the account manager"))

    @admin.action(description="Restart a failed migration", permissions=["change"])
    def restart_failed(self, request, queryset):
        _run(self, request, queryset, "Restarted",
             lambda m: services.migration_restart(migration=m, actor=request.user))

    @admin.action(description="Skipped/failed records checked (SUP-10)",
                  permissions=["change"])
    def records_checked(self, request, queryset):
        _run(self, request, queryset, "Records checked",
             lambda m: services.records_check_done(migration=m, actor=request.user))

    @admin.action(description="Validate the result (ORD-6)", permissions=["change"])
    def validate_result(self, request, queryset):
        _run(self, request, queryset, "Validated",
             lambda m: services.migration_validate(migration=m, actor=request.user))

    @admin.action(description="Pause (interval migration, ORD-9)", permissions=["change"])
    def pause(self, request, queryset):
        _run(self, request, queryset, "Paused",
             lambda m: services.migration_pause(migration=m, actor=request.user,
                                                source="admin"))

    @admin.action(description="Resume (ORD-9)", permissions=["change"])
    def resume(self, request, queryset):
        _run(self, request, queryset, "Resumed",
             lambda m: services.migration_resume(migration=m, actor=request.user,
                                                 source="admin"))

    @admin.action(description="Insured restart (ORD-13)", permissions=["change"])
    def insured_restart(self, request, queryset):
        _run(self, request, queryset, "Restarted under insurance",
             lambda m: services.insurance_restart(migration=m, actor=request.user))


