from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from slaportal.accounts.panels import register_customer_panel
from slaportal.admin_base import NeverDeleteAdmin
from support.selectors import months_back

from .models import StatementDelivery


@register_customer_panel("statements", "Monthly SLA statements")
def statements_panel(customer):
    months = months_back(timezone.localdate().replace(day=1), 4)[::-1]
    link = '<a href="{}">{}</a> (<a href="{}">PDF</a>)'
    return format_html("<p>{}</p>", format_html_join(" · ", link, (
        (reverse("insight:staff_statement", args=[customer.pk, f"{m:%Y-%m}"]),
         f"{m:%B %Y}",
         reverse("insight:staff_statement_pdf", args=[customer.pk, f"{m:%Y-%m}"]))
        for m in months)))


@admin.register(StatementDelivery)
class StatementDeliveryAdmin(NeverDeleteAdmin):
    list_display = ["month", "customer", "sent_to", "sent_at"]
    list_select_related = ["customer__user"]
    search_fields = ["customer__user__email", "sent_to"]
    date_hierarchy = "month"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
