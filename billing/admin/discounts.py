from __future__ import annotations

from django import forms
from django.contrib import admin

from orders.choices import MigrationKind

from ..models import DiscountCode, DiscountRedemption, DiscountRefusal
from ..services import discount_code_save, discount_code_withdraw
from ..services.discounts import REFUSAL_REASONS
from .base import MoneyRecordAdmin, ReadOnlyAdmin, kyiv


class DiscountCodeForm(forms.ModelForm):
    """The migration kinds a code applies to as tick boxes with their names (stored as a
    list; none ticked = every kind). The admin supplies the model and fields."""

    kinds = forms.MultipleChoiceField(
        choices=MigrationKind.choices, required=False, widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: the code applies to every kind.")


@admin.register(DiscountCode)
class DiscountCodeAdmin(MoneyRecordAdmin):
    form = DiscountCodeForm
    list_display = ["code", "percent", "window", "applies_to_cms", "applies_to_data", "usage",
                    "per_customer_limit", "withdrawn"]
    list_filter = ["applies_to_cms", "applies_to_data"]
    search_fields = ["code", "description"]
    readonly_fields = ["used_count", "withdrawn_at"]
    actions = ["withdraw"]

    @admin.display(description="valid (Kyiv)")
    def window(self, obj):
        return f"{kyiv(obj.valid_from)} → {kyiv(obj.valid_until)}"

    @admin.display(description="used / limit", ordering="used_count")
    def usage(self, obj):
        return f"{obj.used_count} / {obj.usage_limit if obj.usage_limit is not None else '∞'}"

    @admin.display(description="withdrawn", ordering="withdrawn_at")
    def withdrawn(self, obj):
        return kyiv(obj.withdrawn_at) if obj.withdrawn_at else ""

    def save_model(self, request, obj, form, change):
        discount_code_save(code=obj, actor=request.user)

    @admin.action(description="Withdraw (stops new use, BIL-7)", permissions=["change"])
    def withdraw(self, request, queryset):
        for code in queryset:
            discount_code_withdraw(code=code, actor=request.user)
        self.message_user(request, f"Withdrawn {queryset.count()} code(s).")


@admin.register(DiscountRedemption)
class DiscountRedemptionAdmin(ReadOnlyAdmin):
    list_display = ["code", "migration", "customer", "percent", "amount_usd", "redeemed_at"]
    list_select_related = ["code", "migration", "customer__user"]
    search_fields = ["code__code", "migration__migration_id", "customer__user__email"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DiscountRefusal)
class DiscountRefusalAdmin(ReadOnlyAdmin):
    """BIL-7: codes customers typed and did not get, and why (what they were told)."""

    list_display = ["refused_at", "code_typed", "migration", "customer", "reason_label",
                    "message"]
    list_select_related = ["migration", "customer__user"]
    list_filter = ["reason"]
    search_fields = ["code_typed", "migration__migration_id", "customer__user__email"]

    @admin.display(description="reason", ordering="reason")
    def reason_label(self, obj: DiscountRefusal) -> str:
        return REFUSAL_REASONS.get(obj.reason, obj.reason or "—")
