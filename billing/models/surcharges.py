"""BIL-5: the surcharge order for records created on a live source between the
payment and the start of the full migration."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from ..choices import SurchargeSource, SurchargeStatus


class Surcharge(models.Model):
    """One per full migration: the records counted at its start above the records
    ordered, at the order's per-record price (the migration line after the discount ÷
    the records ordered). Paid through the same checkout as the order; a full refund
    returns it with the order (BIL-12)."""

    migration = models.OneToOneField(
        "orders.Migration", on_delete=models.PROTECT, related_name="surcharge"
    )
    records_ordered = models.PositiveBigIntegerField()
    records_at_start = models.PositiveBigIntegerField()
    unit_price_usd = models.DecimalField("price per record (USD)", max_digits=16,
                                         decimal_places=6)
    amount_usd = models.DecimalField("amount (USD, before tax)", max_digits=12,
                                     decimal_places=2)
    source = models.CharField(max_length=8, choices=SurchargeSource.choices)
    status = models.CharField(max_length=8, choices=SurchargeStatus.choices,
                              default=SurchargeStatus.DUE)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )
    paid_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="billing_surcharge_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(records_at_start__gt=F("records_ordered")) & Q(amount_usd__gt=0),
                name="billing_surcharge_new_records",
                violation_error_message="A surcharge is for records above the records "
                "ordered, and comes to more than 0.",
            ),
        ]

    def __str__(self) -> str:
        return f"Surcharge for {self.migration.migration_id}: {self.amount_usd} USD"

    @property
    def new_records(self) -> int:
        return self.records_at_start - self.records_ordered

    @property
    def explanation(self) -> str:
        """What the customer reads beside the pay button (BIL-5)."""
        return (
            f"Your source stayed live: {self.new_records:,} records were created between "
            f"your payment and the start of the full migration ({self.records_at_start:,} "
            f"counted at the start, {self.records_ordered:,} ordered). They are charged at "
            f"your order's price per record, {self.unit_price_usd.quantize(Decimal('0.0001'))}"
            f" USD."
        )
