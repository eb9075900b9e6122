"""BIL-5: surcharges — finance follows them; an account manager raises one from the
migration's admin page (the form here calls the same service the engine's count does)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path

from orders.models import Migration
from orders.services.quotes import MAX_RECORD_COUNT
from slaportal.forms import add_service_errors

from ..choices import SurchargeSource
from ..models import Surcharge
from ..services import surcharge_raise
from .base import CustomerScopedAdmin, ReadOnlyAdmin, kyiv


class SurchargeRaiseForm(forms.Form):
    records_at_start = forms.IntegerField(
        label="Records at the start of the full migration", min_value=1,
        max_value=MAX_RECORD_COUNT,
        help_text="Counted on the live source; those above the records ordered are charged.")
    note = forms.CharField(max_length=300, required=False, widget=forms.Textarea(
        attrs={"rows": 2}), help_text="How the records were counted (shown to finance).")


@admin.register(Surcharge)
class SurchargeAdmin(CustomerScopedAdmin, ReadOnlyAdmin):
    list_display = ["migration", "customer_email", "records_ordered", "records_at_start",
                    "new_records", "amount_usd", "status", "source", "created_kyiv", "paid_kyiv"]
    list_filter = ["status", "source"]
    list_select_related = ["migration__customer__user"]
    search_fields = ["migration__migration_id", "migration__customer__user__email"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # every change comes from a service (raise, payment, refund)

    @admin.display(description="customer", ordering="migration__customer__user__email")
    def customer_email(self, obj: Surcharge) -> str:
        return obj.migration.customer.user.email

    @admin.display(description="new records")
    def new_records(self, obj: Surcharge) -> int:
        return obj.new_records

    @admin.display(description="raised (Kyiv)", ordering="created_at")
    def created_kyiv(self, obj: Surcharge) -> str:
        return kyiv(obj.created_at)

    @admin.display(description="paid (Kyiv)", ordering="paid_at")
    def paid_kyiv(self, obj: Surcharge) -> str:
        return kyiv(obj.paid_at) if obj.paid_at else ""

    def get_urls(self):
        return [path("raise/<int:migration_pk>/", self.admin_site.admin_view(self.raise_view),
                     name="billing_surcharge_raise"), *super().get_urls()]

    def raise_view(self, request, migration_pk: int):
        """BIL-5: an account manager (who may change the migration) raises a surcharge."""
        migration = get_object_or_404(Migration.objects.select_related("customer__user"),
                                      pk=migration_pk)
        if not request.user.has_perm("orders.change_migration"):
            raise PermissionDenied
        form = SurchargeRaiseForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                surcharge = surcharge_raise(
                    migration=migration, actor=request.user, source=SurchargeSource.ADMIN,
                    records_at_start=form.cleaned_data["records_at_start"],
                    note=form.cleaned_data["note"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                self.message_user(request, f"Surcharge of {surcharge.amount_usd} USD raised; "
                                  "the customer is e-mailed a link to pay it.")
                return redirect("admin:orders_migration_change", migration.pk)
        context = {
            **self.admin_site.each_context(request), "opts": Migration._meta,
            "original": migration, "form": form, "media": form.media,
            "title": f"Raise a surcharge: {migration.migration_id}",
            "back": "admin:orders_migration_change", "submit": "Raise the surcharge",
            "intro": f"{migration.record_count:,} records were ordered. The records counted "
            "above them are charged at the order's price per record (the migration line "
            "after the discount ÷ the records ordered, BIL-5); the customer pays through "
            "the same checkout.",
        }
        return TemplateResponse(request, "admin/form_page.html", context)
