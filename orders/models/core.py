"""Migrations (ORD-1) and the priced lines of their orders."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from djmoney.models.fields import MoneyField
from simple_history.models import HistoricalRecords

from slaportal.accounts.choices import ProductLine

from ..choices import MigrationKind, MigrationStatus, QuoteLineKind, RemigrationReason

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
        "plans.SupportPlan",
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

    access_verified_at = models.DateTimeField(
        null=True, blank=True,
        help_text="Both access details verified: ORD-11/ORD-12 clocks start here.",
    )
    # ORD-3: what the quote is built from.
    source_platform = models.ForeignKey(
        "orders.Platform", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target_platform = models.ForeignKey(
        "orders.Platform", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    record_count = models.PositiveIntegerField(
        default=0, help_text="Records (data line) or pages (CMS line) to migrate (ORD-3)."
    )
    options = models.ManyToManyField("orders.MigrationOption", blank=True, related_name="+")
    insurance = models.ForeignKey(
        "orders.InsurancePlan", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", help_text="ORD-13",
    )
    insurance_restarts_used = models.PositiveSmallIntegerField(default=0)
    insurance_until = models.DateTimeField(
        null=True, blank=True,
        help_text="ORD-13: end of the restart window (business days from the initial "
        "completion); retention waits for it.",
    )
    # ORD-2: a full migration ordered from a demo; ORD-7/8: the full migration a re- or
    # delta migration follows.
    from_demo = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="full_migrations"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="follow_ups"
    )
    remigration_reason = models.CharField(
        max_length=32, choices=RemigrationReason.choices, blank=True
    )
    target_removal_confirmed_at = models.DateTimeField(
        null=True, blank=True,
        help_text="ORD-7: the customer confirmed that target data will be removed.",
    )
    free_entitlement = models.BooleanField(
        default=False, help_text="Uses the plan's free re-/delta migration (ORD-7, ORD-8)."
    )
    delta_arrangement = models.CharField(
        max_length=300, blank=True,
        help_text="ORD-8: a manager's arrangement to start outside the delta window.",
    )
    delta_start_agreed_at = models.DateTimeField(
        null=True, blank=True, editable=False,
        help_text="ORD-8: the start agreed outside the window (the only one allowed).",
    )
    delta_arranged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )
    # ORD-9 interval migration.
    pauses_used = models.PositiveSmallIntegerField(default=0)
    paused_at = models.DateTimeField(null=True, blank=True)
    # Engine reports.
    records_done = models.PositiveIntegerField(default=0)
    records_total = models.PositiveIntegerField(default=0)
    records_migrated = models.PositiveIntegerField(default=0)
    records_skipped = models.PositiveIntegerField(default=0)
    records_failed = models.PositiveIntegerField(default=0)
    skipped_report_count = models.PositiveIntegerField(null=True, blank=True)
    skipped_check_pending = models.BooleanField(
        default=False, help_text="SUP-10: Signature's check of skipped/failed records is due."
    )
    failure_reason = models.CharField(max_length=300, blank=True)
    stop_reason = models.CharField(max_length=300, blank=True)
    # ORD-15: an open problem keeps the migration from being archived.
    problem_open = models.BooleanField(default=False)
    problem_reason = models.CharField(max_length=300, blank=True)
    # ORD-14/ACC-4: reminder to restrict or change the access details.
    access_reminder_due_at = models.DateTimeField(null=True, blank=True)
    # ORD-6: when the customer was told the review period ends soon (once).
    review_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    access_reminder_sent_at = models.DateTimeField(null=True, blank=True)
    data_removed_at = models.DateTimeField(
        null=True, blank=True, help_text="ORD-15: credentials, logs and samples removed."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "line"]),
            models.Index(fields=["-created_at"], name="orders_migration_created"),
            models.Index(fields=["status", "-created_at"], name="orders_migration_status_new"),
            # ORD-6: completed CMS results whose review-ending reminder is still to send.
            models.Index(fields=["completed_at"], name="orders_migration_review_due",
                         condition=Q(status="completed", line="cms",
                                     review_reminded_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return self.migration_id

    @property
    def is_demo(self) -> bool:
        return self.kind == MigrationKind.DEMO


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
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    due_set_manually = models.BooleanField(
        default=False, help_text="ORD-12: Ultimate's date is set by the manager."
    )
    validated_at = models.DateTimeField(
        null=True, blank=True, help_text="Engineers validated the result (ORD-12)."
    )
    modification_requested = models.BooleanField(default=False)
    performed_at = models.DateTimeField(
        null=True, blank=True, help_text="Counts as performed (30 days after validation)."
    )

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.get_tier_display()} package for {self.migration}"
