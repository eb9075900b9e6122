"""What happens to a migration: its timeline, engine clients and events, access details,
logs and samples, assisted migration, custom work, non-profit applications."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from djmoney.models.fields import MoneyField
from simple_history.models import HistoricalRecords

from ..choices import (
    AccessSide,
    ApplicationStatus,
    AssistedTier,
    CustomWorkStatus,
    EventSource,
    MigrationStatus,
    PackageItem,
)


class MigrationEvent(models.Model):
    """One status transition (or milestone) of a migration: its timeline (ORD-1)."""

    migration = models.ForeignKey(
        "orders.Migration", on_delete=models.PROTECT, related_name="events"
    )
    from_status = models.CharField(max_length=20, choices=MigrationStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=MigrationStatus.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField(max_length=10, choices=EventSource.choices)
    at = models.DateTimeField()
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["migration", "at"])]

    def __str__(self) -> str:
        return f"{self.migration_id}: {self.from_status or '—'} → {self.to_status or '—'}"


class EngineClient(models.Model):
    """A migration engine allowed to report to the portal. Requests are signed with
    HMAC-SHA256 with ``secret``, stored encrypted (orders.crypto)."""

    name = models.CharField(max_length=80)
    key_id = models.CharField(max_length=40, unique=True)
    secret_encrypted = models.TextField(editable=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.key_id})"


class EngineEvent(models.Model):
    """Each accepted engine event once (replay protection by a unique event id)."""

    client = models.ForeignKey(EngineClient, on_delete=models.PROTECT, related_name="events")
    event_id = models.CharField(max_length=80)
    kind = models.CharField(max_length=20)
    migration = models.ForeignKey(
        "orders.Migration", null=True, on_delete=models.SET_NULL, related_name="engine_events"
    )
    received_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "event_id"], name="orders_engine_event_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.event_id}"


class AccessDetail(models.Model):
    """ORD-14: credentials for the source or target, encrypted at rest, never shown back
    in full (``hint`` holds the last four characters)."""

    migration = models.ForeignKey(
        "orders.Migration", on_delete=models.PROTECT, related_name="access_details"
    )
    side = models.CharField(max_length=8, choices=AccessSide.choices)
    url = models.CharField(max_length=300, blank=True)
    secret_encrypted = models.TextField(blank=True, editable=False)
    hint = models.CharField(max_length=12, blank=True, editable=False)
    verified_at = models.DateTimeField(null=True, blank=True)
    failing_since = models.DateTimeField(null=True, blank=True)
    failing_reason = models.CharField(max_length=300, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["migration", "side"], name="orders_access_side_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_side_display()} access of {self.migration_id}"

    @property
    def masked(self) -> str:
        return f"••••{self.hint}" if self.hint else "—"


class AccessFailure(models.Model):
    """A period in which access details were failing (ORD-12: the due date moves)."""

    access = models.ForeignKey(AccessDetail, on_delete=models.CASCADE, related_name="failures")
    migration = models.ForeignKey(
        "orders.Migration", on_delete=models.PROTECT, related_name="access_failures"
    )
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=300)

    class Meta:
        ordering = ["started_at"]

    def __str__(self) -> str:
        return f"Access failing from {self.started_at:%Y-%m-%d %H:%M}"


class MigrationLog(models.Model):
    """A log line of the migration (removed on archiving, ORD-15)."""

    migration = models.ForeignKey(
        "orders.Migration", on_delete=models.CASCADE, related_name="logs"
    )
    at = models.DateTimeField()
    message = models.TextField()

    def __str__(self) -> str:
        return self.message[:60]


class DataSample(models.Model):
    """A sample of migrated data kept for the customer's review (removed, ORD-15)."""

    migration = models.ForeignKey(
        "orders.Migration", on_delete=models.CASCADE, related_name="samples"
    )
    entity = models.CharField(max_length=60)
    content = models.TextField()

    def __str__(self) -> str:
        return self.entity


class PackageChecklistItem(models.Model):
    """ORD-12: one of the eight inclusions of a Support Service Package."""

    package = models.ForeignKey(
        "orders.ServicePackage", on_delete=models.CASCADE, related_name="checklist"
    )
    item = models.CharField(max_length=24, choices=PackageItem.choices)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["package", "item"], name="orders_package_item_once"),
        ]

    def __str__(self) -> str:
        return self.get_item_display()


class AssistedMigration(models.Model):
    """ORD-11: Assisted Migration bought with a CMS migration."""

    migration = models.OneToOneField(
        "orders.Migration", on_delete=models.PROTECT, related_name="assisted"
    )
    tier = models.CharField(max_length=16, choices=AssistedTier.choices)
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    done_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.get_tier_display()} assisted migration"


class CustomWorkRequest(models.Model):
    """ORD-10: custom migration service. Non-refundable (BIL-11)."""

    customer = models.ForeignKey(
        "accounts.Customer", on_delete=models.PROTECT, related_name="custom_work"
    )
    migration = models.ForeignKey(
        "orders.Migration", null=True, blank=True, on_delete=models.PROTECT,
        related_name="custom_work",
    )
    description = models.TextField()
    status = models.CharField(
        max_length=16, choices=CustomWorkStatus.choices, default=CustomWorkStatus.REQUESTED
    )
    requirements = models.TextField(blank=True)
    estimate_hours = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    price = MoneyField(
        max_digits=10, decimal_places=2, default_currency="USD", null=True, blank=True
    )
    timeframe_days = models.PositiveSmallIntegerField(null=True, blank=True)
    non_refundable = models.BooleanField(default=True, editable=False)
    paid_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    issue_reported_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Custom work #{self.pk} for {self.customer}"


class NonProfitApplication(models.Model):
    """ORD-16: an organisation's application to the non-profit programme."""

    customer = models.ForeignKey(
        "accounts.Customer", on_delete=models.PROTECT, related_name="nonprofit_applications"
    )
    organisation = models.CharField(max_length=200)
    evidence = models.TextField(help_text="Registration number, website, documents.")
    status = models.CharField(
        max_length=10, choices=ApplicationStatus.choices, default=ApplicationStatus.PENDING
    )
    submitted_at = models.DateTimeField()
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["submitted_at"]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_status_display()})"
