"""Packages, assisted migrations, custom work and the non-profit review queue."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages

from slaportal.admin_base import NeverDeleteAdmin

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


@admin.register(AssistedMigration)
class AssistedMigrationAdmin(NeverDeleteAdmin):
    list_display = ("migration", "tier", "due_at", "done_at")
    list_select_related = ("migration",)
    list_filter = ("tier",)
    readonly_fields = ("migration", "tier", "due_at", "done_at")
    actions = ["mark_done"]

    def has_add_permission(self, request):
        return False


    @admin.action(description="Setup done (ORD-11)", permissions=["change"])
    def mark_done(self, request, queryset):
        for assisted in queryset:
            services.assisted_done(assisted=assisted, actor=request.user)
        self.message_user(request, "Marked done.")


@admin.register(CustomWorkRequest)
class CustomWorkRequestAdmin(NeverDeleteAdmin):
    list_display = ("pk", "customer", "status", "price", "timeframe_days", "delivered_at",
                    "accepted_at")
    list_filter = ("status",)
    list_select_related = ("customer__user",)
    search_fields = ("customer__user__email",)
    raw_id_fields = ("customer", "migration")
    readonly_fields = ("status", "paid_at", "delivered_at", "issue_reported_at",
                       "accepted_at", "non_refundable")



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


