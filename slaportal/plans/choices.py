from django.db import models


class TargetUnit(models.TextChoices):
    """SUP-5: how a response target is counted."""

    BUSINESS_HOURS = "business_hours", "business hours"
    BUSINESS_DAYS = "business_days", "business days"
    CALENDAR_HOURS = "calendar_hours", "calendar hours"
