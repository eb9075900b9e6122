"""Migrations (ORD-1) and the priced lines of their orders."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from djmoney.models.fields import MoneyField
from simple_history.models import HistoricalRecords

from slaportal.accounts.choices import ProductLine

from .choices import MigrationKind, MigrationStatus, QuoteLineKind

# ORD-1: short, unique, not guessable, not a sequence number. 10 characters from an
# alphabet without look-alikes (no 0/O, 1/I/L) give 31**10 ≈ 8e14 possibilities.
MIGRATION_ID_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
MIGRATION_ID_LENGTH = 10


def new_migration_id() -> str:
    return "".join(secrets.choice(MIGRATION_ID_ALPHABET) for _ in range(MIGRATION_ID_LENGTH))


class Migration(models.Model):
    """One migration of one data source (ORD-1: each source is its own order)."""

    migration_id = models.CharField(
        "Migration ID", max_length=16, unique=True, default=new_migration_id, editable=False
    )
    customer = models.ForeignKey(
        "accounts.Customer", on_delete=models.PROTECT, related_name="migrations"
    )
    line = models.CharField(max_length=8, choices=ProductLine.choices)
    kind = models.CharField(max_length=16, choices=MigrationKind.choices)
    status = models.CharField(
        max_length=20, choices=MigrationStatus.choices, default=MigrationStatus.QUOTED
    )
    support_plan = models.ForeignKey(
        "support.SupportPlan",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="migrations",
    )
    # Milestones; billing reads them (BIL-4: started in time; BIL-9/11: archived).
    paid_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    validated_at = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "line"])]

    def __str__(self) -> str:
        return self.migration_id


class QuoteLine(models.Model):
    """A priced line of a migration's order (ORD-3). Billing discounts only the
    ``migration`` line (BIL-7)."""

    migration = models.ForeignKey(Migration, on_delete=models.PROTECT, related_name="quote_lines")
    kind = models.CharField(max_length=20, choices=QuoteLineKind.choices)
    description = models.CharField(max_length=200)
    amount = MoneyField(max_digits=12, decimal_places=2, default_currency="USD")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["migration", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.description}: {self.amount}"


class PackageTier(models.TextChoices):
    """ORD-12: Support Service Packages of the CMS line."""

    BASIC = "basic", "Basic"
    EXTENDED = "extended", "Extended"
    PREMIUM = "premium", "Premium"
    ULTIMATE = "ultimate", "Ultimate"


class ServicePackage(models.Model):
    """A Support Service Package bought with a CMS migration (ORD-12). Support staff log
    technical-support hours against it (SUP-13)."""

    migration = models.OneToOneField(
        Migration, on_delete=models.PROTECT, related_name="service_package"
    )
    tier = models.CharField(max_length=16, choices=PackageTier.choices)
    hours_included = models.DecimalField(max_digits=6, decimal_places=2)
    extra_hours_approved = models.DecimalField(
        max_digits=6, decimal_places=2, default=0,
        help_text="Extra paid hours a manager approved beyond the allowance (SUP-13).",
    )
    due_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.get_tier_display()} package for {self.migration}"
