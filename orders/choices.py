from django.db import models


class MigrationKind(models.TextChoices):
    DEMO = "demo", "Demo migration"
    FULL = "full", "Full migration"
    REMIGRATION = "remigration", "Re-migration"
    DELTA = "delta", "Delta migration"


class MigrationStatus(models.TextChoices):
    """ORD-1/ORD-17. The allowed moves between them are data in ``transitions.py``."""

    QUOTED = "quoted", "Quoted"
    CONFIRMED = "confirmed", "Confirmed"
    PAID = "paid", "Paid"
    ACCESS_VERIFIED = "access_verified", "Access verified"
    RUNNING = "running", "Running"
    PAUSED = "paused", "Paused"
    COMPLETED = "completed", "Completed"
    VALIDATED = "validated", "Validated"
    ARCHIVED = "archived", "Archived"
    FAILED = "failed", "Failed"
    STOPPED = "stopped", "Stopped"


class QuoteLineKind(models.TextChoices):
    """Each priced part of an order is its own line, so that a discount can reach the
    migration price alone (BIL-7, BIL-14)."""

    MIGRATION = "migration", "Migration"
    OPTION = "option", "Option"
    SUPPORT_PLAN = "support_plan", "Support plan"
    INSURANCE = "insurance", "Migration insurance"
    PACKAGE = "package", "Support service package"
    ASSISTED = "assisted", "Assisted migration"
    CUSTOM_WORK = "custom_work", "Custom work"
    WEEKEND_SUPPORT = "weekend_support", "Weekend support"
    SURCHARGE = "surcharge", "Surcharge for new records"
