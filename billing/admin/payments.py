from __future__ import annotations

import datetime as dt

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from slaportal.exports import csv_response

from ..choices import PaymentPurpose, PaymentStatus
from ..forms import PeriodForm
from ..models import ExchangeRate, Invoice, Payment, ProviderNotification, TaxRule
from ..selectors import payment_totals, payments_received, refunds_made
from ..services import invoice_record_funds
from .base import CustomerScopedAdmin, MoneyRecordAdmin, ReadOnlyAdmin, document_links, kyiv


class ValidityFilter(admin.SimpleListFilter):
    """BIL-4: completed order payments of unstarted migrations whose 30 days end soon."""

    title = "validity (BIL-4)"
    parameter_name = "validity"

    def lookups(self, request, model_admin):
        return [("5days", "Expiring within 5 days")]

    def queryset(self, request, queryset):
        if self.value() != "5days":
            return queryset
        return queryset.validity_ending(timezone.now(), dt.timedelta(days=5))


@admin.register(Payment)
class PaymentAdmin(CustomerScopedAdmin, ReadOnlyAdmin):
    list_display = ["pk", "migration_ref", "customer_email", "purpose", "method", "status",
                    "amount", "exchange_rate", "total_usd_display", "transaction_kyiv",
                    "validity_left"]
    # No date_hierarchy: its year/month links aggregate every payment.
    list_filter = ["status", "method", "purpose", "amount_currency", "created_at",
                   ValidityFilter]
    search_fields = ["migration__migration_id", "migration__customer__user__email",
                     "weekend_booking__customer__user__email",
                     "custom_work__customer__user__email",
                     "provider_order_id", "invoice__number"]
    list_select_related = ["migration__customer__user", "weekend_booking__customer__user",
                           "custom_work__customer__user"]
    readonly_fields = ["valid_until_display"]
    change_list_template = "admin/billing/payment/change_list.html"

    def get_queryset(self, request):
        """As CustomerScopedAdmin, counting weekend support payments (SUP-11) too."""
        qs = MoneyRecordAdmin.get_queryset(self, request)
        if request.user.has_perm("billing.change_payment"):
            return qs
        return qs.filter(Q(migration__customer__account_manager=request.user)
                         | Q(weekend_booking__customer__account_manager=request.user)
                         | Q(custom_work__customer__account_manager=request.user))

    @admin.display(description="Migration ID", ordering="migration__migration_id")
    def migration_ref(self, obj: Payment) -> str:
        return obj.reference

    @admin.display(description="customer", ordering="migration__customer__user__email")
    def customer_email(self, obj: Payment) -> str:
        customer = obj.customer
        return customer.user.email if customer else "—"

    @admin.display(description="total (USD)")
    def total_usd_display(self, obj: Payment):
        return obj.total_usd

    @admin.display(description="transaction (Kyiv)", ordering="transaction_at")
    def transaction_kyiv(self, obj: Payment) -> str:
        return kyiv(obj.transaction_at)

    @admin.display(description="valid until (Kyiv)")
    def valid_until_display(self, obj: Payment) -> str:
        return kyiv(obj.valid_until)

    @admin.display(description="validity left (BIL-4)")
    def validity_left(self, obj: Payment) -> str:
        if (obj.status != PaymentStatus.COMPLETED or obj.valid_until is None
                or obj.purpose == PaymentPurpose.WEEKEND_SUPPORT):
            return "—"
        left = obj.valid_until - timezone.now()
        if left.total_seconds() < 0:
            return "expired"
        return f"{left.days} days"

    def get_urls(self):
        return [
            path("export/", self.admin_site.admin_view(self.export_view),
                 name="billing_payment_export"),
            *super().get_urls(),
        ]

    def export_view(self, request):
        """CSV of payments and refunds for a period; amounts with their currency and
        totals per currency (BIL-3: never summed raw)."""
        if not (request.user.has_perm("billing.view_payment")
                and request.user.has_perm("billing.view_refund")):
            raise PermissionDenied
        form = PeriodForm(request.GET or None)
        if form.is_valid():
            return export_csv(*form.bounds())
        context = {**self.admin_site.each_context(request), "form": form,
                   "title": "Export payments and refunds", "opts": self.model._meta}
        return TemplateResponse(request, "admin/billing/export.html", context)


def _email(payment: Payment) -> str:
    customer = payment.customer
    return customer.user.email if customer else ""


def export_csv(start, end) -> HttpResponse:
    header = ["record", "id", "date (Kyiv)", "Migration ID", "customer", "method/kind",
              "status", "amount", "currency", "rate (USD per unit)", "USD",
              "invoice/credit note"]
    filename = (f"billing-{timezone.localtime(start):%Y%m%d}-"
                f"{timezone.localtime(end):%Y%m%d}")
    return csv_response(filename, header, _export_rows(start, end))


def _export_rows(start, end):
    payments = payments_received(start=start, end=end)
    for p in payments:
        invoice = getattr(p, "invoice", None)
        yield ["payment", p.pk, kyiv(p.transaction_at), p.reference, _email(p), p.method,
               p.status, p.amount.amount, p.amount.currency, p.exchange_rate, p.total_usd,
               invoice.number if invoice else ""]
    for r in refunds_made(start=start, end=end):
        note = getattr(r, "credit_note", None)
        yield ["refund", r.pk, kyiv(r.created_at), r.payment.reference, _email(r.payment),
               r.kind, "paid out" if r.paid_out_at else "to pay out", r.amount.amount,
               r.amount.currency, r.payment.exchange_rate, r.amount_usd,
               note.number if note else ""]
    totals = payment_totals(payments)
    for currency, amount in sorted(totals.by_currency.items()):
        yield ["total payments", "", "", "", "", "", "", amount, currency, "", "", ""]
    yield ["total payments converted", "", "", "", "", "", "", totals.usd_total, "USD",
           "stored rates", "", ""]


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = ["number", "payment", "amount", "issued_kyiv", "funds_kyiv", "document_link"]
    list_filter = ["year"]
    exclude = ["document"]  # what it says is the document itself (the links)
    readonly_fields = ["document_link"]
    search_fields = ["number", "payment__migration__migration_id"]
    list_select_related = ["payment__migration"]
    actions = ["record_funds"]

    @admin.display(description="issued (Kyiv)", ordering="issued_at")
    def issued_kyiv(self, obj):
        return kyiv(obj.issued_at)

    @admin.display(description="document")
    def document_link(self, obj):
        return document_links("billing:invoice", "billing:invoice_pdf", obj.number)

    @admin.display(description="funds received (Kyiv)", ordering="funds_received_at")
    def funds_kyiv(self, obj):
        return kyiv(obj.funds_received_at)

    @admin.action(description="Record that the funds arrived (BIL-2)", permissions=["change"])
    def record_funds(self, request, queryset):
        for invoice in queryset:
            try:
                invoice_record_funds(invoice=invoice, actor=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{invoice}: {'; '.join(exc.messages)}",
                                  messages.ERROR)
            else:
                self.message_user(request, f"{invoice}: funds recorded, payment completed.")


@admin.register(ProviderNotification)
class ProviderNotificationAdmin(ReadOnlyAdmin):
    list_display = ["pk", "received_kyiv", "ipn_type", "order_id", "amount", "currency",
                    "test_mode", "signature_valid", "verdict", "error"]
    list_filter = ["verdict", "ipn_type", "test_mode", "signature_valid"]
    search_fields = ["order_id", "raw_body"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="received (Kyiv)", ordering="received_at")
    def received_kyiv(self, obj):
        return kyiv(obj.received_at)


@admin.register(ExchangeRate)
class ExchangeRateAdmin(MoneyRecordAdmin):
    list_display = ["currency", "rate_to_usd", "valid_from", "created_by"]
    list_filter = ["currency"]
    list_select_related = ["created_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(TaxRule)
class TaxRuleAdmin(MoneyRecordAdmin):
    list_display = ["country", "name", "rate_percent"]
    search_fields = ["country", "name"]
