from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from ..choices import RefundRequestStatus
from ..eligibility import evaluate
from ..forms import RefundApproveForm, RefundDenyForm
from ..models import CreditNote, DataDeletionConfirmation, Refund, RefundRequest
from ..selectors import WAITING_AGES, refunds_waiting
from ..services import refund_approve, refund_deny, refund_record_payout, refund_request_assess
from ..services.refunds import ASSESSMENT_FIELDS
from .base import CustomerScopedAdmin, MoneyRecordAdmin, ReadOnlyAdmin, document_links, kyiv

CUSTOMER_FIELDS = ["migration", "customer", "reason", "description",
                   "problem_first_reported_at", "submitted_at"]
DECISION_FIELDS = ["status", "eligibility_summary", "eligible_amount_usd", "decided_by",
                   "decided_at", "deny_reason"]


class WaitingFilter(admin.SimpleListFilter):
    """Requests waiting for a decision, by how long they have waited."""

    title = "waiting"
    parameter_name = "waiting"
    def lookups(self, request, model_admin):
        return [(key, label) for key, (label, _, _) in WAITING_AGES.items()]

    def queryset(self, request, queryset):
        if self.value() not in WAITING_AGES:
            return queryset
        return queryset.filter(refunds_waiting(self.value(), timezone.now()))


@admin.register(RefundRequest)
class RefundRequestAdmin(CustomerScopedAdmin):
    """The refund queue: eligibility at a glance, decisions through services."""

    list_display = ["pk", "migration_ref", "customer_email", "reason", "submitted_kyiv",
                    "status", "eligibility_summary", "eligible_amount_usd", "decided_by"]
    list_filter = ["status", WaitingFilter, "reason", "migration__line"]
    search_fields = ["migration__migration_id", "customer__user__email"]
    list_select_related = ["migration", "customer__user", "decided_by"]
    raw_id_fields = ["engineer_verified_by"]
    fieldsets = [
        ("Customer's request (BIL-8)", {"fields": CUSTOMER_FIELDS}),
        ("Assessment (BIL-9, BIL-11)", {"fields": list(ASSESSMENT_FIELDS)}),
        ("Eligibility and decision", {"fields": ["eligibility_table", "decision_links",
                                                 *DECISION_FIELDS]}),
    ]

    def has_add_permission(self, request) -> bool:
        return False  # customers file requests on their pages

    def get_readonly_fields(self, request, obj=None):
        fixed = [*CUSTOMER_FIELDS, "eligibility_table", "decision_links", *DECISION_FIELDS]
        if obj is not None and obj.status != RefundRequestStatus.SUBMITTED:
            return fixed + list(ASSESSMENT_FIELDS)
        return fixed

    @admin.display(description="Migration ID", ordering="migration__migration_id")
    def migration_ref(self, obj):
        return obj.migration.migration_id

    @admin.display(description="customer", ordering="customer__user__email")
    def customer_email(self, obj):
        return obj.customer.user.email

    @admin.display(description="submitted (Kyiv)", ordering="submitted_at")
    def submitted_kyiv(self, obj):
        return kyiv(obj.submitted_at)

    @admin.display(description="rules (BIL-8)")
    def eligibility_table(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        result = evaluate(obj)
        rows = format_html_join(
            "", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((r.rule, "✓ pass" if r.passed else "✗ fail", r.label, r.detail)
             for r in result.rules),
        )
        return format_html(
            "<p>Kind: {} · computed amount: <strong>{} USD</strong> · {}</p>"
            '<table class="eligibility"><tr><th>Rule</th><th>Result</th><th>Condition</th>'
            "<th>Detail</th></tr>{}</table>",
            result.kind, result.amount_usd,
            "eligible" if result.eligible else "not eligible", rows,
        )

    @admin.display(description="decide")
    def decision_links(self, obj):
        if obj is None or obj.pk is None or obj.status != RefundRequestStatus.SUBMITTED:
            return "—"
        return format_html(
            '<a class="button" href="{}">Approve…</a> <a class="button" href="{}">Deny…</a>',
            reverse("admin:billing_refundrequest_approve", args=[obj.pk]),
            reverse("admin:billing_refundrequest_deny", args=[obj.pk]),
        )

    def save_model(self, request, obj, form, change):
        facts = {name: form.cleaned_data[name] for name in ASSESSMENT_FIELDS
                 if name in form.cleaned_data}
        try:
            refund_request_assess(request=obj, actor=request.user, **facts)
        except ValidationError as exc:
            self.message_user(request, "; ".join(exc.messages), messages.ERROR)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/approve/", view(self.approve_view),
                 name="billing_refundrequest_approve"),
            path("<int:pk>/deny/", view(self.deny_view), name="billing_refundrequest_deny"),
            *super().get_urls(),
        ]

    def _decision(self, request, pk, form_class, title, act):
        obj = get_object_or_404(self.get_queryset(request).select_related("migration"), pk=pk)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        if obj.status != RefundRequestStatus.SUBMITTED:
            # Decided already: show the decision, not a cap recomputed after the refund.
            context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                       "original": obj, "title": title, "decided": True,
                       "refund": getattr(obj, "refund", None)}
            return TemplateResponse(request, "admin/billing/refundrequest/decide.html", context)
        result = evaluate(obj)
        initial = {"amount_usd": result.amount_usd}
        form = form_class(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                message = act(obj, form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, "; ".join(exc.messages))
            else:
                self.message_user(request, message)
                return redirect("admin:billing_refundrequest_change", obj.pk)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "original": obj, "form": form, "title": title, "result": result}
        return TemplateResponse(request, "admin/billing/refundrequest/decide.html", context)

    def approve_view(self, request, pk):
        def act(obj, data):
            refund = refund_approve(request=obj, actor=request.user,
                                    amount_usd=data["amount_usd"])
            return (f"Approved: refund {refund.amount} ({refund.amount_usd} USD), "
                    f"credit note {refund.credit_note.number}; the migration is stopped.")
        return self._decision(request, pk, RefundApproveForm, "Approve the refund", act)

    def deny_view(self, request, pk):
        def act(obj, data):
            refund_deny(request=obj, actor=request.user, reason=data["reason"])
            return "Denied; the customer is told the reason."
        return self._decision(request, pk, RefundDenyForm, "Deny the refund", act)


@admin.register(Refund)
class RefundAdmin(MoneyRecordAdmin):
    list_display = ["pk", "payment", "kind", "amount", "amount_usd", "created_kyiv",
                    "credit_note_number", "provider_reference", "paid_out_kyiv"]
    list_filter = ["kind", "amount_currency"]
    search_fields = ["payment__migration__migration_id", "provider_reference",
                     "credit_note__number"]
    list_select_related = ["payment__migration", "credit_note"]

    def has_add_permission(self, request) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None):
        fields = [f.name for f in Refund._meta.fields]
        if obj is not None and obj.paid_out_at is None:
            fields.remove("provider_reference")  # finance records the payout here
        return fields

    @admin.display(description="created (Kyiv)", ordering="created_at")
    def created_kyiv(self, obj):
        return kyiv(obj.created_at)

    @admin.display(description="paid out (Kyiv)", ordering="paid_out_at")
    def paid_out_kyiv(self, obj):
        return kyiv(obj.paid_out_at)

    @admin.display(description="credit note")
    def credit_note_number(self, obj):
        note = getattr(obj, "credit_note", None)
        return note.number if note else "—"

    def save_model(self, request, obj, form, change):
        if "provider_reference" in form.changed_data:
            try:
                refund_record_payout(refund=obj, actor=request.user,
                                     provider_reference=form.cleaned_data["provider_reference"])
            except ValidationError as exc:
                self.message_user(request, "; ".join(exc.messages), messages.ERROR)


@admin.register(CreditNote)
class CreditNoteAdmin(ReadOnlyAdmin):
    """Credit notes are immutable: read-only here, and the model refuses changes."""

    list_display = ["number", "refund", "amount", "issued_at", "document_link"]
    search_fields = ["number"]
    list_select_related = ["refund"]
    exclude = ["document"]
    readonly_fields = ["document_link"]

    @admin.display(description="document")
    def document_link(self, obj):
        return document_links("billing:credit_note", "billing:credit_note_pdf", obj.number)

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DataDeletionConfirmation)
class DataDeletionConfirmationAdmin(ReadOnlyAdmin):
    list_display = ["migration", "requested_at", "confirmed_at", "confirmed_by"]
    list_select_related = ["migration", "confirmed_by"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False
