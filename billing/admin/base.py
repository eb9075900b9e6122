from __future__ import annotations

from slaportal.admin_base import NeverDeleteAdmin, kyiv

__all__ = ["CustomerScopedAdmin", "MoneyRecordAdmin", "ReadOnlyAdmin", "kyiv"]


class MoneyRecordAdmin(NeverDeleteAdmin):
    """Money records and their history are never deleted from the admin."""


class ReadOnlyAdmin(MoneyRecordAdmin):
    """Records written only by services: shown, never added or edited here."""

    def has_add_permission(self, request) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None):
        return ([f.name for f in self.model._meta.fields if f.name not in (self.exclude or ())]
                + list(self.readonly_fields))


def document_links(url_name: str, pdf_url_name: str, number: str):
    """An invoice's or credit note's page and PDF, from its admin row."""
    from django.urls import reverse
    from django.utils.html import format_html

    return format_html('<a href="{}">Open</a> · <a href="{}">PDF</a>',
                       reverse(url_name, args=[number]), reverse(pdf_url_name, args=[number]))


class CustomerScopedAdmin(MoneyRecordAdmin):
    """Finance sees every record; a role that may only view (account managers) sees
    the records of the customers it manages (ACC-2/ACC-3)."""

    customer_path = "migration__customer"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        opts = self.model._meta
        if request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}"):
            return qs
        return qs.filter(**{f"{self.customer_path}__account_manager": request.user})
