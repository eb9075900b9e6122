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


class EventSource(models.TextChoices):
    """Who moved a migration (every transition is recorded, ORD-1)."""

    ADMIN = "admin", "Account manager (admin)"
    ENGINE = "engine", "Migration engine"
    SYSTEM = "system", "System (scheduled job)"
    CUSTOMER = "customer", "Customer"


class AccessSide(models.TextChoices):
    """ORD-14: access details are kept for the source and for the target."""

    SOURCE = "source", "Source"
    TARGET = "target", "Target"


class RemigrationReason(models.TextChoices):
    """ORD-7: the reasons a data re-migration may be ordered for."""

    SANDBOX_TO_LIVE = "sandbox_to_live", "Sandbox to live"
    CUSTOMISATION = "customisation", "Customisation"
    TARGET_UPDATED = "target_updated", "Target updated or upgraded"
    AUDIT_FIELDS = "audit_fields", "Enabling audit fields"
    SOURCE_CHANGED = "source_changed", "Source data changed"


class AssistedTier(models.TextChoices):
    """ORD-11: Assisted Migration (CMS)."""

    BASIC = "basic", "Basic"
    STANDARD = "standard", "Standard"
    PREMIUM = "premium", "Premium"


class CustomWorkStatus(models.TextChoices):
    """ORD-10: the custom migration service's own pipeline."""

    REQUESTED = "requested", "Requested"
    REQUIREMENTS = "requirements", "Requirements gathered"
    ESTIMATED = "estimated", "Complexity estimated"
    QUOTED = "quoted", "Quoted (with timeframe)"
    PAID = "paid", "Paid"
    DELIVERED = "delivered", "Delivered"
    ACCEPTED = "accepted", "Accepted"


class ApplicationStatus(models.TextChoices):
    """ORD-16: a non-profit application."""

    PENDING = "pending", "Under review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class PackageItem(models.TextChoices):
    """ORD-12: what every Support Service Package includes, tracked as a checklist."""

    ASSISTANCE = "assistance", "Regular-priority assistance"
    ACCOUNT_MANAGER = "account_manager", "Personal account manager"
    PRE_VALIDATION = "pre_validation", "Pre-migration validation"
    SETUP = "setup", "Migration setup"
    CUSTOMISATION = "customisation", "Customisation"
    FREE_OPTIONS = "free_options", "Free additional options"
    DEMO_PREVIEW = "demo_preview", "Preview of demo results"
    RESULT_VALIDATION = "result_validation", "Validation of the results"
