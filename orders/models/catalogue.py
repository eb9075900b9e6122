"""Catalogue and price tables (ORD-3, ORD-11, ORD-12, ORD-13) and the orders settings.

All numbers are admin settings (SPEC: a number the seeds leave to choose is a setting).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from djmoney.models.fields import MoneyField
from simple_history.models import HistoricalRecords

from slaportal.accounts.choices import ProductLine

from ..choices import AssistedTier
from .core import PackageTier


class Platform(models.Model):
    """A source or target system of one product line (ORD-3)."""

    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=80, unique=True)
    line = models.CharField(max_length=8, choices=ProductLine.choices)
    is_source = models.BooleanField(default=True)
    is_target = models.BooleanField(default=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["line", "name"]

    def __str__(self) -> str:
        return self.name


class PriceTable(models.Model):
    """The price of a migration from one platform to another (ORD-3).

    Tiers are graduated: each record (page) is priced at the rate of the band it falls
    in, so the price per record falls with volume and the total never drops when one
    more record is added. The total is never below ``minimum_price``.
    """

    line = models.CharField(max_length=8, choices=ProductLine.choices)
    source = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="+")
    target = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="+")
    minimum_price = MoneyField(
        max_digits=10, decimal_places=2, default_currency="USD", default=Decimal("39.00")
    )
    is_active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["line", "source__name", "target__name"]
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="orders_price_pair_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.source} → {self.target}"


class PriceTier(models.Model):
    """One volume band of a price table: records/pages up to ``up_to`` (blank: no end)."""

    table = models.ForeignKey(PriceTable, on_delete=models.CASCADE, related_name="tiers")
    up_to = models.PositiveIntegerField(null=True, blank=True)
    unit_price = MoneyField(max_digits=10, decimal_places=4, default_currency="USD")

    history = HistoricalRecords()

    class Meta:
        ordering = ["table", models.F("up_to").asc(nulls_last=True)]
        constraints = [
            models.UniqueConstraint(fields=["table", "up_to"], name="orders_tier_unique"),
        ]

    def __str__(self) -> str:
        return f"up to {self.up_to or '∞'}: {self.unit_price}"


class MigrationOption(models.Model):
    """An option a customer may choose for a migration, with its price (ORD-3)."""

    code = models.SlugField(max_length=60)
    name = models.CharField(max_length=100)
    line = models.CharField(max_length=8, choices=ProductLine.choices)
    price = MoneyField(max_digits=10, decimal_places=2, default_currency="USD")
    is_active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["line", "name"]
        constraints = [
            models.UniqueConstraint(fields=["code", "line"], name="orders_option_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_line_display()})"


class InsurancePlan(models.Model):
    """ORD-13: restarts within a window of business days, for a share of the migration
    price, counted from the initial migration's completion."""

    name = models.CharField(max_length=60)
    restarts = models.PositiveSmallIntegerField()
    window_business_days = models.PositiveSmallIntegerField()
    percent = models.DecimalField(max_digits=5, decimal_places=2)
    is_active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["restarts"]

    def __str__(self) -> str:
        return self.name


class PackageOffer(models.Model):
    """ORD-12: a Support Service Package tier's limits, hours, due days and price."""

    tier = models.CharField(max_length=16, choices=PackageTier.choices, unique=True)
    page_limit = models.PositiveIntegerField(null=True, blank=True)
    hours = models.DecimalField(max_digits=6, decimal_places=2)
    business_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Blank: the manager sets the date (Ultimate)."
    )
    price = MoneyField(max_digits=10, decimal_places=2, default_currency="USD")

    history = HistoricalRecords()

    class Meta:
        ordering = ["price"]

    def __str__(self) -> str:
        return self.get_tier_display()


class AssistedOffer(models.Model):
    """ORD-11: Assisted Migration tiers, due from the access confirmation."""

    tier = models.CharField(max_length=16, choices=AssistedTier.choices, unique=True)
    amount = models.PositiveSmallIntegerField()
    unit = models.CharField(
        max_length=16,
        choices=[("business_days", "business days"), ("business_hours", "business hours")],
    )
    includes_plugins = models.BooleanField(default=False)
    price = MoneyField(max_digits=10, decimal_places=2, default_currency="USD")

    history = HistoricalRecords()

    def __str__(self) -> str:
        return self.get_tier_display()


class OrdersSettings(models.Model):
    """The orders numbers the seeds leave to choose. One row (pk=1)."""

    demo_record_limit = models.PositiveIntegerField(
        default=20, help_text="ORD-2: records per entity in a data-line demo."
    )
    demo_page_limit = models.PositiveIntegerField(
        default=300, help_text="ORD-2: pages in a CMS demo."
    )
    demo_keep_days = models.PositiveSmallIntegerField(
        default=7, help_text="ORD-15: demo data removed this long after it with no full order."
    )
    demo_max_days = models.PositiveSmallIntegerField(
        default=30, help_text="ORD-15: demo data never kept longer than this."
    )
    validation_days = models.PositiveSmallIntegerField(
        default=14, help_text="ORD-6: CMS validation period after completion."
    )
    package_acceptance_days = models.PositiveSmallIntegerField(
        default=30, help_text="ORD-12: package performed this long after validation."
    )
    custom_work_acceptance_days = models.PositiveSmallIntegerField(
        default=7, help_text="ORD-10: accepted this long after delivery without an issue."
    )
    reminder_cms_automated_days = models.PositiveSmallIntegerField(default=15, help_text="ORD-14")
    reminder_cms_package_days = models.PositiveSmallIntegerField(default=21, help_text="ORD-14")
    reminder_data_days = models.PositiveSmallIntegerField(default=5, help_text="ORD-14")
    max_pauses = models.PositiveSmallIntegerField(default=5, help_text="ORD-9")
    max_pause_days = models.PositiveSmallIntegerField(default=5, help_text="ORD-9")
    nonprofit_discount_percent = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("15.00"),
        help_text="ORD-16: off the migration price of orders placed after approval.",
    )
    engine_max_age_seconds = models.PositiveIntegerField(
        default=300, help_text="Engine requests older than this are refused (replay)."
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "orders settings"
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="orders_settings_singleton"),
        ]

    def __str__(self) -> str:
        return "Orders settings"

    @classmethod
    def load(cls) -> OrdersSettings:
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj
