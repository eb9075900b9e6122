"""Discount codes (BIL-7) and their redemptions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from orders.choices import MigrationKind


class DiscountCode(models.Model):
    """BIL-7: a percentage off the migration price line only.

    Scope: the product lines it applies to and, optionally, the migration kinds. The
    vendor may change or withdraw a code at any time; withdrawing stops new use.
    """

    code = models.CharField(max_length=40, unique=True, help_text="Stored in capitals.")
    description = models.CharField(max_length=200, blank=True)
    percent = models.DecimalField(
        max_digits=5, decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
        help_text="0 < percent ≤ 100, off the migration price only.",
    )
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    applies_to_cms = models.BooleanField("CMS line", default=True)
    applies_to_data = models.BooleanField("Data line", default=True)
    kinds = models.JSONField(
        default=list, blank=True,
        help_text="Migration kinds it applies to (empty = all): "
        f"{', '.join(MigrationKind.values)}.",
    )
    usage_limit = models.PositiveIntegerField(
        null=True, blank=True, help_text="Orders in total; empty = no limit."
    )
    per_customer_limit = models.PositiveIntegerField(null=True, blank=True)
    used_count = models.PositiveIntegerField(default=0, editable=False)
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__gt=0) & Q(percent__lte=100),
                name="billing_code_percent_range",
                violation_error_message="A discount is more than 0% and at most 100%.",
            ),
            # BIL-7: usage limits are honoured exactly.
            models.CheckConstraint(
                condition=Q(usage_limit__isnull=True) | Q(used_count__lte=F("usage_limit")),
                name="billing_code_usage_within_limit",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gt=F("valid_from")),
                name="billing_code_window_ordered",
                violation_error_message="A code's validity must end after it starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.percent}%)"

    def clean(self) -> None:
        self.code = (self.code or "").strip().upper()
        unknown = set(self.kinds or []) - set(MigrationKind.values)
        if unknown:
            raise ValidationError({"kinds": f"Unknown migration kinds: {sorted(unknown)}."})
        if not (self.applies_to_cms or self.applies_to_data):
            raise ValidationError("A code applies to at least one product line.")

    def is_open_at(self, now: dt.datetime) -> bool:
        return (
            self.withdrawn_at is None
            and (self.valid_from is None or self.valid_from <= now)
            and (self.valid_until is None or now < self.valid_until)
        )


class DiscountRedemption(models.Model):
    """A code used on one order at its Confirm step (BIL-7: one code per order)."""

    code = models.ForeignKey(DiscountCode, on_delete=models.PROTECT, related_name="redemptions")
    migration = models.ForeignKey(
        "orders.Migration", on_delete=models.PROTECT, related_name="discount_redemptions"
    )
    customer = models.ForeignKey(
        "accounts.Customer", on_delete=models.PROTECT, related_name="discount_redemptions"
    )
    percent = models.DecimalField(max_digits=5, decimal_places=2)
    amount_usd = models.DecimalField("discount (USD)", max_digits=12, decimal_places=2)
    redeemed_at = models.DateTimeField()
    redeemed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-redeemed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["migration"], name="billing_one_code_per_order",
                violation_error_message="An order takes one discount code (BIL-7).",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code.code} on {self.migration}"


class DiscountRefusal(models.Model):
    """BIL-7: a code a customer typed for an order and did not get, with the reason —
    so staff can answer "why was my code refused?"."""

    migration = models.ForeignKey("orders.Migration", on_delete=models.PROTECT,
                                  related_name="discount_refusals")
    customer = models.ForeignKey("accounts.Customer", on_delete=models.PROTECT,
                                 related_name="+")
    code_typed = models.CharField(max_length=40)
    reason = models.CharField(max_length=24, blank=True)
    message = models.CharField(max_length=200, help_text="What the customer was told.")
    refused_at = models.DateTimeField()
    refused_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-refused_at", "-pk"]
        indexes = [models.Index(fields=["migration", "-refused_at"])]

    def __str__(self) -> str:
        return f"{self.code_typed} refused on {self.migration}: {self.reason}"
