"""Refund requests (BIL-8..13), refunds, credit notes and data-deletion confirmations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from djmoney.models.fields import MoneyField
from simple_history.models import HistoricalRecords

from ..choices import RefundKind, RefundReason, RefundRequestStatus


class ImmutableRecordError(RuntimeError):
    """A credit note is never changed or deleted once issued."""


class RefundRequest(models.Model):
    """BIL-8: a customer's request, decided by finance.

    The customer fills in the first four fields; finance and engineers record the
    assessment (the facts the rules of BIL-9/BIL-11 need) before deciding.
    """

    migration = models.ForeignKey(
        "orders.Migration", on_delete=models.PROTECT, related_name="refund_requests"
    )
    customer = models.ForeignKey(
        "accounts.Customer", on_delete=models.PROTECT, related_name="refund_requests"
    )
    reason = models.CharField(max_length=20, choices=RefundReason.choices)
    description = models.TextField()
    problem_first_reported_at = models.DateTimeField(
        null=True, blank=True, help_text="When the customer first reported the problem (BIL-9)."
    )
    submitted_at = models.DateTimeField()
    # Assessment (BIL-9, BIL-11).
    vendor_fault = models.BooleanField("corruption is the vendor's fault", default=False)
    engineer_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", limit_choices_to={"is_staff": True},
    )
    engineer_verified_at = models.DateTimeField(null=True, blank=True)
    problem_resolved_at = models.DateTimeField(null=True, blank=True)
    platform_limitation = models.BooleanField(
        "stems from a platform limitation or is outside the vendor's control", default=False
    )
    database_dump_source = models.BooleanField("migrated from a database dump", default=False)
    third_party_delay = models.BooleanField("delay caused by a third party", default=False)
    customer_interference = models.BooleanField("caused by the customer's interference",
                                                default=False)
    reports_or_settings = models.BooleanField("about reports or settings (not migrated)",
                                              default=False)
    # Decision.
    status = models.CharField(
        max_length=16, choices=RefundRequestStatus.choices, default=RefundRequestStatus.SUBMITTED
    )
    eligibility_summary = models.CharField(
        max_length=200, blank=True, editable=False,
        help_text="Pass/fail per rule at the last evaluation, e.g. 'BIL-10 ✓ BIL-11 ✗'.",
    )
    eligible_amount_usd = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, editable=False
    )
    evaluated_at = models.DateTimeField(null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    deny_reason = models.TextField(blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-submitted_at"]
        permissions = [("verify_corruption",
                        "Can verify a data corruption for a partial refund (BIL-9)")]
        indexes = [
            models.Index(fields=["status", "submitted_at"]),
            models.Index(fields=["-submitted_at"], name="billing_refundreq_submitted"),
            models.Index(fields=["status", "evaluated_at"]),
        ]

    def __str__(self) -> str:
        return f"Refund request #{self.pk} for {self.migration}"


class Refund(models.Model):
    """Money returned on a payment: by a finance decision or by the provider (IPN)."""

    payment = models.ForeignKey("billing.Payment", on_delete=models.PROTECT,
                                related_name="refunds")
    request = models.OneToOneField(
        RefundRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="refund"
    )
    kind = models.CharField(max_length=16, choices=RefundKind.choices)
    amount_usd = models.DecimalField("amount (USD)", max_digits=12, decimal_places=2)
    amount = MoneyField(
        "amount in the payment currency", max_digits=12, decimal_places=2,
        default_currency="USD",
    )
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    provider_reference = models.CharField(max_length=80, blank=True)
    paid_out_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_usd__gt=0), name="billing_refund_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"Refund #{self.pk}: {self.amount}"

    @property
    def kind_words(self) -> str:
        """The kind as the customer reads it (no rule IDs)."""
        from ..choices import REFUND_KIND_WORDS

        return REFUND_KIND_WORDS.get(self.kind, self.get_kind_display())


class CreditNote(models.Model):
    """The immutable, numbered document of a refund (one per refund)."""

    number = models.CharField(max_length=20, unique=True)
    year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    refund = models.OneToOneField(Refund, on_delete=models.PROTECT, related_name="credit_note")
    amount = MoneyField(max_digits=12, decimal_places=2, default_currency="USD")
    issued_at = models.DateTimeField()
    text = models.TextField()
    # Seller, buyer, the invoice it credits and the amounts, copied at issue.
    document = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-year", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="billing_creditnote_seq"),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None or kwargs.get("force_update"):
            raise ImmutableRecordError("A credit note cannot be changed once issued.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecordError("A credit note cannot be deleted.")


class DataDeletionConfirmation(models.Model):
    """BIL-13: after a full refund the customer confirms deleting all migrated data."""

    migration = models.OneToOneField(
        "orders.Migration", on_delete=models.PROTECT, related_name="data_deletion"
    )
    refund = models.OneToOneField(Refund, on_delete=models.PROTECT,
                                  related_name="data_deletion")
    requested_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    statement = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        state = "confirmed" if self.confirmed_at else "awaiting confirmation"
        return f"Data deletion for {self.migration}: {state}"
