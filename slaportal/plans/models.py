"""Support plans (SUP-5, SUP-10): the catalogue, the plan each customer holds by
default on a line, and the periods in which a plan bought with an order serves them.

The lowest layer that orders, support and billing all build on: it imports none of
them (the order a period was bought with is named by its model label). The tables keep
the names they had when the plans lived in the support app.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
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

    history = HistoricalRecords(table_name="support_historicalsupportplan")

    class Meta:
        db_table = "support_supportplan"  # the table it had in support
        ordering = ["line", "-priority_rank"]

    def __str__(self) -> str:
        return self.name


class CustomerPlan(models.Model):
    """The plan a customer holds on one product line (one per line)."""

    customer = models.ForeignKey(
        "accounts.Customer", on_delete=models.PROTECT, related_name="support_plans"
    )
    line = models.CharField(max_length=8, choices=ProductLine.choices)
    plan = models.ForeignKey(SupportPlan, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(table_name="support_historicalcustomerplan")

    class Meta:
        db_table = "support_customerplan"
        ordering = ["customer", "line"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "line"], name="support_one_plan_per_line",
                violation_error_message="This customer already has a plan on this line.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer}: {self.plan}"


class PlanPeriod(models.Model):
    """SUP-10: a plan bought with an order serves the customer on its line from the
    payment until the migration leaves the vendor's care.

    **Decision** (the agreements give no term): the period starts when the order's
    payment completes and ends when that migration is archived (ORD-15), stopped
    (ORD-17, e.g. refunded) or its payment is cancelled (BIL-4). While a period is open
    the customer's tickets on that line get its calendar, targets and rank (the highest
    plan when periods overlap); otherwise the default plan (CustomerPlan) applies.
    """

    customer = models.ForeignKey(
        "accounts.Customer", on_delete=models.PROTECT, related_name="plan_periods"
    )
    line = models.CharField(max_length=8, choices=ProductLine.choices)
    plan = models.ForeignKey(SupportPlan, on_delete=models.PROTECT, related_name="+")
    migration = models.ForeignKey(
        "orders.Migration", on_delete=models.PROTECT, related_name="plan_periods",
        null=True, blank=True, help_text="The order the plan was bought with.",
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        db_table = "support_planperiod"
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["customer", "line", "ends_at"],
                                name="support_planperiod_open")]
        constraints = [
            models.UniqueConstraint(
                fields=["migration"], condition=Q(ends_at__isnull=True),
                name="support_one_open_period_per_order",
            ),
        ]

    def __str__(self) -> str:
        until = f" until {self.ends_at:%Y-%m-%d}" if self.ends_at else ""
        return f"{self.plan.name} from {self.starts_at:%Y-%m-%d}{until}"

    def is_open_at(self, when) -> bool:
        return self.starts_at <= when and (self.ends_at is None or when < self.ends_at)
