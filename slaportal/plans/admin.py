"""The plan catalogue (administrators) and each customer's default plan (account
managers); nothing is deleted."""

from __future__ import annotations

from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from slaportal.accounts.admin import CustomerAdmin
from slaportal.accounts.choices import ProductLine
from slaportal.accounts.models import Customer
from slaportal.admin_base import NeverDeleteAdmin

from .models import CustomerPlan, PlanPeriod, SupportPlan
from .selectors import customer_plan
from .services import customer_plan_set

# The customer's page shows their plans (SUP-10): the accounts admin, extended here so
# that accounts, below plans, does not import it.
admin.site.unregister(Customer)


@admin.register(Customer)
class CustomerWithPlansAdmin(CustomerAdmin):
    readonly_fields = [*CustomerAdmin.readonly_fields, "support_plans"]

    @admin.display(description="support plans (SUP-10)")
    def support_plans(self, obj: Customer):
        """The plan serving each line now, and every plan bought with an order."""
        if obj.pk is None:
            return "—"
        now = timezone.now()
        current = format_html_join(", ", "{}: <strong>{}</strong>", (
            (ProductLine(line).label, customer_plan(customer=obj, line=line).name)
            for line in obj.product_lines
        ))
        periods = PlanPeriod.objects.filter(
            customer=obj).select_related("plan", "migration")[:50]
        rows = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                                "<td>{}</td></tr>", (
            (p.plan.name, p.migration.migration_id if p.migration else "—",
             timezone.localtime(p.starts_at).strftime("%Y-%m-%d %H:%M"),
             timezone.localtime(p.ends_at).strftime("%Y-%m-%d %H:%M") if p.ends_at else
             ("serving now" if p.is_open_at(now) else "—"), p.end_reason or "")
            for p in periods
        ))
        return format_html(
            "<p>Now: {}</p><table><tr><th>plan</th><th>bought with</th><th>from (Kyiv)</th>"
            "<th>until (Kyiv)</th><th>why it ended</th></tr>{}</table>",
            current or "—",
            rows or format_html("<tr><td colspan=5>{}</td></tr>", "No plan bought yet."))



@admin.register(CustomerPlan)
class CustomerPlanAdmin(NeverDeleteAdmin):
    list_display = ["customer", "line", "plan", "updated_at"]
    list_select_related = ["customer__user", "plan"]
    list_filter = ["line", "plan"]
    search_fields = ["customer__user__email"]
    raw_id_fields = ["customer"]
    fields = ["customer", "plan"]

    def save_model(self, request, obj, form, change):
        row = customer_plan_set(customer=form.cleaned_data["customer"],
                                plan=form.cleaned_data["plan"], actor=request.user)
        obj.pk = row.pk


@admin.register(SupportPlan)
class SupportPlanAdmin(NeverDeleteAdmin):
    list_display = ["name", "code", "line", "calendar", "priority_rank", "response_amount",
                    "response_unit", "update_amount", "update_unit", "price", "is_active"]
    list_select_related = ["calendar"]
    list_filter = ["line", "is_active"]
