"""Packages, assisted migrations, custom work and the non-profit review queue."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from slaportal.admin_base import FormPageMixin, NeverDeleteAdmin

from .. import services
from ..errors import OrderError
from ..models import (
    AssistedMigration,
    CustomWorkRequest,
    NonProfitApplication,
    PackageChecklistItem,
    ServicePackage,
)


class ChecklistForm(forms.ModelForm):
    """ORD-12: a box to tick an inclusion done; who and when are recorded by the service."""

    done = forms.BooleanField(required=False, label="done")

    class Meta:
        model = PackageChecklistItem
        fields = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.done_at:
            self.fields["done"].initial = True
            self.fields["done"].disabled = True  # done stays done (who and when kept)


class ChecklistInline(admin.TabularInline):
    model = PackageChecklistItem
    form = ChecklistForm
    extra = 0
    can_delete = False
    fields = ("item", "done", "done_at", "done_by")
    readonly_fields = ("item", "done_at", "done_by")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ServicePackage)
class ServicePackageAdmin(NeverDeleteAdmin):
    list_display = ("migration", "tier", "hours_included", "extra_hours_approved", "due_at",
                    "validated_at", "performed_at")
    list_filter = ("tier",)
    search_fields = ("=migration__migration_id", "migration__customer__user__email")
    list_select_related = ("migration",)
    show_full_result_count = False
    raw_id_fields = ("migration",)
    inlines = [ChecklistInline]
    readonly_fields = ("migration", "tier", "hours_included", "validated_at", "performed_at",
                       "due_set_manually")
    actions = ["validate"]

    def has_add_permission(self, request):
        return False


    def save_formset(self, request, form, formset, change):
        if formset.model is not PackageChecklistItem:
            return super().save_formset(request, form, formset, change)
        # ORD-12/ACC-2: a tick goes through the service, which records who and when.
        ticked = []
        for item_form in formset.forms:
            row = item_form.instance
            if item_form.cleaned_data.get("done") and row.pk and row.done_at is None:
                services.package_item_done(package=form.instance, item=row.item,
                                           actor=request.user)
                ticked.append((row, ["done"]))
        # What the admin's change message reads (no row is added or deleted here).
        formset.new_objects, formset.deleted_objects = [], []
        formset.changed_objects = ticked
        return None

    def save_model(self, request, obj, form, change):
        if "due_at" in form.changed_data and obj.due_at:
            try:
                services.package_set_due(package=obj, due_at=obj.due_at, actor=request.user)
            except OrderError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            return
        super().save_model(request, obj, form, change)

    @admin.action(description="Engineers validated the result (ORD-12)",
                  permissions=["change"])
    def validate(self, request, queryset):
        for package in queryset:
            services.package_validate(package=package, actor=request.user)
        self.message_user(request, f"Validated {queryset.count()} package(s).")


class AssistedDueFilter(admin.SimpleListFilter):
    """ORD-11: setups not done yet, overdue or due this week."""

    title = "due"
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("overdue", "Overdue"), ("week", "Due within 7 days")]

    def queryset(self, request, queryset):
        now = timezone.now()
        pending = queryset.filter(done_at__isnull=True)
        if self.value() == "overdue":
            return pending.filter(due_at__lt=now)
        if self.value() == "week":
            return pending.filter(due_at__gte=now, due_at__lt=now + dt.timedelta(days=7))
        return queryset


@admin.register(AssistedMigration)
class AssistedMigrationAdmin(NeverDeleteAdmin):
    list_display = ("migration", "tier", "due_at", "done_at")
    list_select_related = ("migration",)
    list_filter = ("tier", AssistedDueFilter)
    readonly_fields = ("migration", "tier", "due_at", "done_at")
    actions = ["mark_done"]

    def has_add_permission(self, request):
        return False


    @admin.action(description="Setup done (ORD-11)", permissions=["change"])
    def mark_done(self, request, queryset):
        for assisted in queryset:
            services.assisted_done(assisted=assisted, actor=request.user)
        self.message_user(request, "Marked done.")


class RequirementsForm(forms.Form):
    requirements = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), max_length=10_000,
                                   help_text="What was agreed with the customer.")


class EstimateForm(forms.Form):
    hours = forms.DecimalField(label="Complexity estimate (hours)", min_value=Decimal("0.25"),
                               max_value=Decimal("99999.99"), decimal_places=2)


class QuoteForm(forms.Form):
    price = forms.DecimalField(label="Price (USD, before tax)", min_value=Decimal("0.01"),
                               max_value=Decimal("99999999.99"), decimal_places=2,
                               help_text="No discount applies to custom work (BIL-14).")
    timeframe_days = forms.IntegerField(label="Timeframe (days after payment)", min_value=1,
                                        max_value=365)


class DeliverForm(forms.Form):
    confirm = forms.BooleanField(label="The work is delivered to the customer")


# ORD-10: the account manager's steps, in order; the payment is the customer's.
WORK_STEPS = {
    "requested": ("requirements", "Record the requirements…"),
    "requirements": ("estimate", "Estimate the complexity…"),
    "estimated": ("quote", "Send the quote…"),
    "paid": ("deliver", "Mark delivered…"),
}


@admin.register(CustomWorkRequest)
class CustomWorkRequestAdmin(FormPageMixin, NeverDeleteAdmin):
    """ORD-10: request → requirements → estimate → quote (the account manager, here) →
    paid by the customer through the checkout → delivered (here) → 7 days to report
    issues, then accepted by the beat job."""

    list_display = ("pk", "customer", "migration", "status", "price", "timeframe_days",
                    "delivered_at", "accepted_at")
    list_filter = ("status",)
    list_select_related = ("customer__user", "migration")
    search_fields = ("customer__user__email", "migration__migration_id")
    raw_id_fields = ("customer", "migration")
    fields = ("customer", "migration", "description", "status", "next_action", "requirements",
              "estimate_hours", "price", "timeframe_days", "paid_at", "delivered_at",
              "issue_reported_at", "accepted_at", "non_refundable")
    readonly_fields = ("status", "next_action", "requirements", "estimate_hours", "price",
                       "timeframe_days", "paid_at", "delivered_at", "issue_reported_at",
                       "accepted_at", "non_refundable")

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:  # the request itself is the customer's words
            return ("customer", "migration", "description", *self.readonly_fields)
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            return  # nothing editable on a saved request: each step is a form page
        obj.pk = services.custom_work_request(
            customer=obj.customer, migration=obj.migration, description=obj.description,
            actor=request.user).pk

    @admin.display(description="next step (ORD-10)")
    def next_action(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        step = WORK_STEPS.get(obj.status)
        if step:
            return format_html('<a class="button" href="{}">{}</a>', reverse(
                f"admin:orders_customworkrequest_{step[0]}", args=[obj.pk]), step[1])
        return {"quoted": "Waiting for the customer's payment (BIL-1).",
                "delivered": "The customer has 7 days to report issues, then it is accepted.",
                "accepted": "Accepted; later changes are new paid work."}.get(obj.status, "—")

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            *(path(f"<int:pk>/{name}/", view(getattr(self, f"{name}_view")),
                   name=f"orders_customworkrequest_{name}")
              for name in ("requirements", "estimate", "quote", "deliver")),
            *super().get_urls(),
        ]

    def requirements_view(self, request, pk):
        return self.form_page(
            request, pk, form_class=RequirementsForm, title="Requirements",
            submit="Record the requirements", intro="ORD-10: what the work must do.",
            act=lambda work, data: services.custom_work_requirements(
                work=work, requirements=data["requirements"], actor=request.user)
            and "Requirements recorded.")

    def estimate_view(self, request, pk):
        return self.form_page(
            request, pk, form_class=EstimateForm, title="Complexity estimate",
            submit="Record the estimate", intro="ORD-10: the effort the work takes.",
            act=lambda work, data: services.custom_work_estimate(
                work=work, hours=data["hours"], actor=request.user) and "Estimate recorded.")

    def quote_view(self, request, pk):
        return self.form_page(
            request, pk, form_class=QuoteForm, title="Quote", submit="Send the quote",
            intro="ORD-10: the price and the timeframe. The customer is e-mailed and accepts "
            "by paying in advance (BIL-1); custom work is not refundable (BIL-11).",
            act=lambda work, data: services.custom_work_quote(
                work=work, price=data["price"], timeframe_days=data["timeframe_days"],
                actor=request.user) and "Quote sent to the customer.")

    def deliver_view(self, request, pk):
        return self.form_page(
            request, pk, form_class=DeliverForm, title="Delivered", submit="Mark delivered",
            intro="ORD-10: the customer is e-mailed and has 7 days to report issues; then "
            "the work counts as accepted.",
            act=lambda work, data: services.custom_work_deliver(
                work=work, actor=request.user) and "Marked delivered; the 7 days start now.")


@admin.register(NonProfitApplication)
class NonProfitApplicationAdmin(NeverDeleteAdmin):
    """ORD-16: the weekly review queue (pending first, oldest first)."""

    list_display = ("organisation", "customer", "status", "submitted_at", "reviewed_at")
    list_filter = ("status",)
    list_select_related = ("customer__user",)
    search_fields = ("organisation", "customer__user__email")
    readonly_fields = ("customer", "organisation", "evidence", "status", "submitted_at",
                       "reviewed_at", "reviewed_by")
    actions = ["approve", "reject"]

    def has_add_permission(self, request):
        return False


    def _review(self, request, queryset, approve: bool):
        for application in queryset:
            try:
                services.nonprofit_review(application=application, approve=approve,
                                          actor=request.user)
            except OrderError as exc:
                self.message_user(request, f"{application}: {exc.message}", messages.ERROR)

    @admin.action(description="Approve (discount on later orders, ORD-16)",
                  permissions=["change"])
    def approve(self, request, queryset):
        self._review(request, queryset, True)

    @admin.action(description="Reject", permissions=["change"])
    def reject(self, request, queryset):
        self._review(request, queryset, False)


