"""Support plans and their entitlements (SUP-5, SUP-10)."""

from __future__ import annotations

from django.db import models
from djmoney.models.fields import MoneyField
from simple_history.models import HistoricalRecords

from slaportal.accounts.choices import ProductLine

from .choices import TargetUnit


class SupportPlan(models.Model):
    """A plan a customer holds on one product line, with its targets and entitlements.

    The numbers are settings an administrator can change (SPEC: "a rule that a seed
    leaves as a number to choose is a setting").
    """

    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=100)
    line = models.CharField(max_length=8, choices=ProductLine.choices)
    calendar = models.ForeignKey(
        "calendars.BusinessCalendar", on_delete=models.PROTECT, related_name="support_plans"
    )
    priority_rank = models.PositiveSmallIntegerField(
        default=1, help_text="Higher ranks come first in every queue (SUP-5)."
    )
    response_amount = models.PositiveIntegerField(help_text="First-response target (SUP-5).")
    response_unit = models.CharField(max_length=16, choices=TargetUnit.choices)
    update_amount = models.PositiveIntegerField(
        default=1, help_text="Progress update interval while a ticket is open (SUP-6)."
    )
    update_unit = models.CharField(
        max_length=16, choices=TargetUnit.choices, default=TargetUnit.BUSINESS_DAYS
    )
    free_remigrations = models.PositiveSmallIntegerField(default=0, help_text="ORD-7")
    remigration_window_days = models.PositiveSmallIntegerField(default=0, help_text="ORD-7")
    delta_migrations = models.PositiveSmallIntegerField(default=0, help_text="ORD-8")
    delta_window_days = models.PositiveSmallIntegerField(default=0, help_text="ORD-8")
    interval_migration = models.BooleanField(default=False, help_text="ORD-9")
    weekend_support = models.BooleanField(
        default=False, help_text="Dedicated support at weekends and holidays (SUP-10, SUP-11)."
    )
    skipped_records_check = models.BooleanField(default=False, help_text="SUP-10")
    retention_days = models.PositiveSmallIntegerField(
        default=5, help_text="Days information is kept after the migration (ORD-15)."
    )
    price = MoneyField(
        max_digits=12, decimal_places=2, default_currency="USD", default=0,
        help_text="Price of the plan on an order (ORD-3).",
    )
    is_active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["line", "-priority_rank"]

    def __str__(self) -> str:
        return self.name
