"""Business calendars (SPEC CAL-1..8) as the admin edits them.

The arithmetic lives in ``engine.py`` (pure Python); ``selectors.business_calendar``
turns these rows into an engine value.
"""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from .choices import HolidayPolicy, Weekday


def validate_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(f"{value!r} is not an IANA time zone, e.g. Europe/Kyiv.") from exc


class BusinessCalendar(models.Model):
    """Weekly opening hours in a time zone, closed on holidays and closures."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=50, unique=True)
    timezone = models.CharField(max_length=64, default="Europe/Kyiv", validators=[validate_zone])
    holiday_policy = models.CharField(
        max_length=16, choices=HolidayPolicy.choices, default=HolidayPolicy.STATUTORY
    )
    description = models.TextField(blank=True)
    # Bumped by every change to the calendar, its hours or its closures; engines built
    # from an older version are rebuilt (see selectors).
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return f"{self.name} ({self.slug})"


def format_minute(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


class OpeningRange(models.Model):
    """One range of opening hours on a weekday, in the calendar's wall-clock time.

    Minutes from midnight; ``end_minute`` 1440 is 24:00 (CAL-6).
    """

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="opening_ranges"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start_minute = models.PositiveSmallIntegerField()
    end_minute = models.PositiveSmallIntegerField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["calendar", "weekday", "start_minute"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_minute__gte=0)
                & Q(end_minute__lte=1440)
                & Q(start_minute__lt=F("end_minute")),
                name="calendars_range_inside_day",
                violation_error_message="A range must start before it ends, within 00:00-24:00.",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_weekday_display()} {format_minute(self.start_minute)}"
            f"–{format_minute(self.end_minute)}"
        )


class Closure(models.Model):
    """CAL-4: an announced day or range of days off, shown to customers.

    With no calendar it closes every calendar.
    """

    calendar = models.ForeignKey(
        BusinessCalendar,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="closures",
        help_text="Leave empty to close every calendar.",
    )
    starts_on = models.DateField()
    ends_on = models.DateField(help_text="The last closed day (the same as the first for one day).")
    public_note = models.CharField(
        max_length=300, help_text="Shown to customers on their pages, e.g. 'Office move'."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="calendars_closure_ends_after_start",
                violation_error_message="A closure cannot end before it starts.",
            ),
        ]
        indexes = [models.Index(fields=["ends_on"])]

    def __str__(self) -> str:
        if self.starts_on == self.ends_on:
            return f"{self.starts_on}: {self.public_note}"
        return f"{self.starts_on} – {self.ends_on}: {self.public_note}"


class RecomputeRun(models.Model):
    """CAL-8: one recompute of the deadlines that depend on changed calendars, with its
    progress (owners done so far) and result, shown on the calendar's admin page."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    calendar_slugs = models.JSONField(default=list)
    cause = models.CharField(max_length=200, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    queued_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    owners_total = models.PositiveSmallIntegerField(default=0)
    owners_done = models.PositiveSmallIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True, help_text="Deadlines recomputed "
                              "per owner.")
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-queued_at", "-pk"]
        indexes = [models.Index(fields=["-queued_at"], name="calendars_recompute_recent")]

    def __str__(self) -> str:
        return f"Recompute {', '.join(self.calendar_slugs)} ({self.get_status_display()})"

    @property
    def seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None
