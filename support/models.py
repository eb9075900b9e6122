"""Support: tickets, their clocks and breaches, stops, bookings and access grants (SUP-1..14).

The plans themselves (SUP-5, SUP-10) live in slaportal.plans."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from djmoney.models.fields import MoneyField
from simple_history.models import HistoricalRecords

from slaportal.accounts.choices import ProductLine

from .choices import (
    FINAL_TICKET_STATUSES,
    OPEN_TICKET_STATUSES,
    BookingStatus,
    Channel,
    ExclusionReason,
    InboundOutcome,
    MessageKind,
    Metric,
    TicketStatus,
)


class SupportSettings(models.Model):
    """The support numbers the seeds leave to choose (SUP-3, SUP-7, SUP-11). One row."""

    waiting_period_days = models.PositiveSmallIntegerField(
        default=3, help_text="Business days the customer has per clarification request (SUP-3)."
    )
    max_clarifications = models.PositiveSmallIntegerField(
        default=3, help_text="Clarification requests per ticket (SUP-3)."
    )
    warn_first_percent = models.PositiveSmallIntegerField(
        default=70, help_text="First warning before a breach, % of the target (SUP-7)."
    )
    warn_second_percent = models.PositiveSmallIntegerField(
        default=90, help_text="Second warning before a breach, % of the target (SUP-7)."
    )
    weekend_hourly_rate = MoneyField(
        max_digits=10, decimal_places=2, default_currency="USD", default=Decimal("60.00"),
        help_text="Price of one hour of on-demand weekend support (SUP-11).",
    )
    weekend_min_hours = models.PositiveSmallIntegerField(
        default=3, help_text="Fewest hours in one weekend booking (SUP-11)."
    )
    description_min_length = models.PositiveSmallIntegerField(
        default=30, help_text="Shortest description intake accepts as clear (SUP-2)."
    )
    termination_breach_limit = models.PositiveSmallIntegerField(
        default=5, help_text="More breaches than this in a month give the right (SUP-9)."
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "support settings"
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="support_settings_singleton"),
            models.CheckConstraint(
                condition=Q(warn_first_percent__lt=models.F("warn_second_percent"))
                & Q(warn_second_percent__lt=100),
                name="support_settings_warnings_ordered",
                violation_error_message="Warnings must be below 100% and in increasing order.",
            ),
        ]

    def __str__(self) -> str:
        return "Support settings"

    @classmethod
    def load(cls) -> SupportSettings:
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj


class SupportStop(models.Model):
    """SUP-4: a manager stopped support for a customer (abusive language). Kept forever;
    lifting it sets ``lifted_at``."""

    customer = models.ForeignKey(
        "accounts.Customer", on_delete=models.PROTECT, related_name="support_stops"
    )
    reason = models.TextField()
    stopped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    stopped_at = models.DateTimeField()
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-stopped_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"], condition=Q(lifted_at__isnull=True),
                name="support_one_active_stop",
                violation_error_message="Support is already stopped for this customer.",
            ),
        ]

    def __str__(self) -> str:
        return f"Support stopped for {self.customer}"


class CannedReply(models.Model):
    """A reply engineers insert and adapt. Placeholders in braces are filled from the
    ticket: {customer_name}, {customer_email}, {migration_id}, {plan}, {due}, {ticket},
    {subject}, {engineer}."""

    title = models.CharField(max_length=100, unique=True)
    body = models.TextField()
    line = models.CharField(
        max_length=8, choices=ProductLine.choices, blank=True,
        help_text="Offered on tickets of this line only; blank for both lines.",
    )
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "canned replies"

    def __str__(self) -> str:
        return self.title


class RefusedRequest(models.Model):
    """SUP-4: a request that came in while support was stopped — refused, and kept so that
    staff see every attempt on the customer (nothing is deleted)."""

    customer = models.ForeignKey(
        "accounts.Customer", on_delete=models.PROTECT, related_name="refused_requests"
    )
    stop = models.ForeignKey(SupportStop, on_delete=models.PROTECT, related_name="refusals")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    subject = models.CharField(max_length=300, blank=True)
    ticket = models.ForeignKey(
        "Ticket", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="The existing ticket the customer wrote on, if any.",
    )
    inbound_email = models.ForeignKey(
        "InboundEmail", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    replied_to = models.CharField(
        max_length=254, blank=True, help_text="Where the refusal was sent back by e-mail."
    )
    attempted_at = models.DateTimeField()

    class Meta:
        ordering = ["-attempted_at", "-id"]
        indexes = [models.Index(fields=["customer", "-attempted_at"],
                                name="support_refused_customer")]

    def __str__(self) -> str:
        return f"Refused {self.get_channel_display()} request from {self.customer}"


class Ticket(models.Model):
    """A support request with its SLA clock (SUP-1..SUP-6, SUP-14).

    The clock runs one metric at a time: ``clock_metric`` from ``clock_started_at``; a
    clock resumed after waiting on the customer carries ``clock_remaining_minutes``.
    The due columns are derived by ``services.clocks.ticket_recompute_clocks``.
    """

    # Indexed by support_ticket_customer_new (customer first), not on its own.
    customer = models.ForeignKey(
        "accounts.Customer", on_delete=models.PROTECT, related_name="tickets",
        db_index=False,
    )
    line = models.CharField(max_length=8, choices=ProductLine.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    plan = models.ForeignKey("plans.SupportPlan", on_delete=models.PROTECT,
                             related_name="tickets")
    priority_rank = models.SmallIntegerField(
        default=0, help_text="From the plan; forum requests rank lowest (SUP-1, SUP-5)."
    )
    migration = models.ForeignKey(
        "orders.Migration", null=True, blank=True, on_delete=models.PROTECT,
        related_name="tickets",
    )
    subject = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=32, blank=True)
    status = models.CharField(
        max_length=24, choices=TicketStatus.choices, default=TicketStatus.NEW
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="assigned_tickets", limit_choices_to={"is_staff": True},
    )
    intake_missing = models.JSONField(
        default=list, blank=True, help_text="SUP-2 items the request lacks."
    )
    intake_complete = models.BooleanField(default=True)

    received_at = models.DateTimeField()
    cycle = models.PositiveSmallIntegerField(default=1, help_text="SUP-14: response cycle.")
    cycle_started_at = models.DateTimeField()
    first_responded_at = models.DateTimeField(null=True, blank=True)
    last_public_reply_at = models.DateTimeField(null=True, blank=True)
    last_customer_message_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    clock_metric = models.CharField(max_length=16, choices=Metric.choices, blank=True)
    clock_started_at = models.DateTimeField(null=True, blank=True)
    clock_remaining_minutes = models.FloatField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_elapsed_minutes = models.FloatField(
        null=True, blank=True, help_text="Business minutes run before the pause (SUP-3)."
    )

    first_response_due_at = models.DateTimeField(null=True, blank=True)
    reply_due_at = models.DateTimeField(null=True, blank=True)
    update_due_at = models.DateTimeField(null=True, blank=True)
    next_due_at = models.DateTimeField(null=True, blank=True)
    warn_first_at = models.DateTimeField(null=True, blank=True, db_index=True)
    warn_second_at = models.DateTimeField(null=True, blank=True, db_index=True)
    overdue_recorded = models.BooleanField(default=False)

    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = [models.F("next_due_at").asc(nulls_last=True), "-priority_rank", "pk"]
        indexes = [
            # The queue's ordering, for open work (its default) and for any one status.
            models.Index(fields=["next_due_at", "-priority_rank", "id"],
                         condition=Q(status__in=OPEN_TICKET_STATUSES),
                         name="support_ticket_open_queue"),
            models.Index(fields=["status", "next_due_at", "-priority_rank", "id"],
                         name="support_ticket_status_queue"),
            models.Index(fields=["next_due_at", "-priority_rank", "id"],
                         name="support_ticket_queue"),
            # "My tickets": one engineer's open work by due time.
            models.Index(fields=["assignee", "next_due_at", "-priority_rank", "id"],
                         condition=Q(status__in=OPEN_TICKET_STATUSES),
                         name="support_ticket_assignee_open"),
            # SUP-8: the sweep's due rows (a target passed, not recorded yet, clock running).
            models.Index(fields=["next_due_at", "id"], name="support_ticket_breach_due",
                         condition=Q(overdue_recorded=False,
                                     status__in=["new", "open", "reopened"])),
            # The customer's own list, newest first.
            models.Index(fields=["customer", "-received_at", "-id"],
                         name="support_ticket_customer_new"),
        ]

    def __str__(self) -> str:
        return f"[#{self.reference}] {self.subject}"

    @property
    def reference(self) -> str:
        return f"T-{self.pk}"

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_TICKET_STATUSES


class TicketMessage(models.Model):
    """Something said on a ticket (SUP-5: only a public staff reply is a response)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="messages")
    kind = models.CharField(max_length=16, choices=MessageKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    body = models.TextField()
    created_at = models.DateTimeField()
    inbound_email = models.ForeignKey(
        "InboundEmail", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["ticket", "created_at"]),
            models.Index(fields=["created_at", "id"], name="support_message_created"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.ticket.reference}"

    @property
    def is_response(self) -> bool:
        return self.kind == MessageKind.PUBLIC_REPLY


class Clarification(models.Model):
    """SUP-3: staff ask the customer for a missing item; at most 3 per ticket."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="clarifications")
    number = models.PositiveSmallIntegerField()
    item = models.CharField(max_length=32, blank=True)
    question = models.TextField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(null=True, blank=True)

    # CAL-8: a recomputed waiting period is kept here with its cause.
    history = HistoricalRecords()

    class Meta:
        ordering = ["ticket", "number"]
        indexes = [
            # CAL-8: the waiting ones, recomputed when their calendar changes.
            models.Index(fields=["id"], name="support_clarification_waiting",
                         condition=Q(answered_at__isnull=True, expired_at__isnull=True)),
        ]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "number"], name="support_clarification_no"),
            models.CheckConstraint(
                condition=Q(number__gte=1) & Q(number__lte=10), name="support_clarification_range"
            ),
        ]

    def __str__(self) -> str:
        return f"Clarification {self.number} on {self.ticket.reference}"


class Breach(models.Model):
    """SUP-8: one missed target of one cycle. Never deleted; may be excluded."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="breaches")
    customer = models.ForeignKey("accounts.Customer", on_delete=models.PROTECT, related_name="+")
    line = models.CharField(max_length=8, choices=ProductLine.choices)
    metric = models.CharField(max_length=16, choices=Metric.choices)
    cycle = models.PositiveSmallIntegerField(default=1)
    due_at = models.DateTimeField()
    recorded_at = models.DateTimeField()
    met_at = models.DateTimeField(null=True, blank=True)
    excluded = models.BooleanField(default=False)
    exclusion_reason = models.CharField(
        max_length=32, choices=ExclusionReason.choices, blank=True
    )
    exclusion_note = models.TextField(blank=True)
    excluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-due_at"]
        verbose_name_plural = "breaches"
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "metric", "due_at"], name="support_one_breach_per_target"
            ),
            models.CheckConstraint(
                condition=Q(excluded=False) | ~Q(exclusion_reason=""),
                name="support_breach_exclusion_has_reason",
                violation_error_message="An excluded breach needs a reason.",
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "due_at"]),
            models.Index(fields=["-due_at"], name="support_breach_due"),
            # "Breached" in the queue: targets missed and not met since.
            models.Index(fields=["ticket"], name="support_breach_unmet",
                         condition=Q(met_at__isnull=True, excluded=False)),
        ]

    def __str__(self) -> str:
        return f"{self.get_metric_display()} missed on {self.ticket.reference}"


class SlaTarget(models.Model):
    """One target of one cycle that came due or was answered: met in time, met late, or
    missed with nothing sent (SUP-5, SUP-6, SUP-8). The ledger behind compliance figures
    and monthly statements; a missed one has its Breach too."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="targets")
    customer = models.ForeignKey("accounts.Customer", on_delete=models.PROTECT,
                                 related_name="+", db_index=False)
    line = models.CharField(max_length=8, choices=ProductLine.choices)
    plan = models.ForeignKey("plans.SupportPlan", on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    metric = models.CharField(max_length=16, choices=Metric.choices)
    cycle = models.PositiveSmallIntegerField(default=1)
    due_at = models.DateTimeField()
    met_at = models.DateTimeField(null=True, blank=True)
    missed = models.BooleanField(default=False)
    excluded = models.BooleanField(default=False, help_text="Its breach was excluded (SUP-8).")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-due_at"]
        verbose_name = "SLA target"
        constraints = [
            models.UniqueConstraint(fields=["ticket", "metric", "due_at"],
                                    name="support_one_target_row"),
        ]
        indexes = [
            models.Index(fields=["due_at"], name="support_target_due"),
            models.Index(fields=["customer", "due_at"], name="support_target_customer"),
        ]

    def __str__(self) -> str:
        state = "missed" if self.missed else "met"
        return f"{self.get_metric_display()} {state} on {self.ticket.reference}"


class SlaMonthlyFigure(models.Model):
    """Targets per Kyiv month, line, plan, metric and engineer: the dashboard's rollup,
    refreshed by a beat job from SlaTarget."""

    month = models.DateField(help_text="First day of the Europe/Kyiv month.")
    line = models.CharField(max_length=8, choices=ProductLine.choices)
    plan = models.ForeignKey("plans.SupportPlan", on_delete=models.PROTECT, related_name="+")
    metric = models.CharField(max_length=16, choices=Metric.choices)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    targets = models.PositiveIntegerField(default=0)
    met = models.PositiveIntegerField(default=0)
    missed = models.PositiveIntegerField(default=0)
    excluded = models.PositiveIntegerField(default=0)
    refreshed_at = models.DateTimeField()

    class Meta:
        ordering = ["-month"]
        verbose_name = "SLA monthly figure"
        indexes = [models.Index(fields=["month"], name="support_monthly_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.metric}: {self.met}/{self.targets}"


class SlaWarning(models.Model):
    """SUP-7: a warning sent, so that each is sent once."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="warnings")
    metric = models.CharField(max_length=16, choices=Metric.choices)
    due_at = models.DateTimeField()
    percent = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField()
    recipients = models.TextField(blank=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = "SLA warning"
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "metric", "due_at", "percent"], name="support_warning_once"
            ),
        ]
        # "At risk now": the warnings of targets still running (due in the future).
        indexes = [models.Index(fields=["due_at"], name="support_warning_due")]

    def __str__(self) -> str:
        return f"{self.percent}% warning on {self.ticket.reference}"


class TerminationRight(models.Model):
    """SUP-9: more than 5 non-excluded breaches in one Kyiv calendar month."""

    customer = models.ForeignKey(
        "accounts.Customer", on_delete=models.PROTECT, related_name="termination_rights"
    )
    month = models.DateField(help_text="First day of the Europe/Kyiv month.")
    breach_count = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    flagged_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    manager_notified_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "month"], name="support_right_per_month"),
        ]

    def __str__(self) -> str:
        return f"{self.customer}: right of termination {self.month:%Y-%m}"


class WeekendBooking(models.Model):
    """SUP-11: Signature customers book paid weekend support hours in advance."""

    customer = models.ForeignKey(
        "accounts.Customer", on_delete=models.PROTECT, related_name="weekend_bookings"
    )
    day = models.DateField(help_text="The Saturday or Sunday booked.")
    hours = models.DecimalField(max_digits=5, decimal_places=2)
    hourly_rate = MoneyField(max_digits=10, decimal_places=2, default_currency="USD")
    price = MoneyField(max_digits=12, decimal_places=2, default_currency="USD")
    status = models.CharField(
        max_length=16, choices=BookingStatus.choices, default=BookingStatus.PENDING_PAYMENT
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gte=3), name="support_weekend_min_3_hours",
                violation_error_message="Weekend support is booked for at least 3 hours.",
            ),
        ]

    def __str__(self) -> str:
        return f"Weekend support {self.day} ({self.hours} h) for {self.customer}"


class SupportAccessGrant(models.Model):
    """SUP-12: the customer lets support and technical teams into a migration, until the
    migration completes or the grant is revoked."""

    migration = models.ForeignKey(
        "orders.Migration", on_delete=models.PROTECT, related_name="support_access_grants"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-granted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["migration"], condition=Q(revoked_at__isnull=True),
                name="support_one_open_grant",
            ),
        ]

    def __str__(self) -> str:
        return f"Support access to {self.migration}"


class PackageHoursEntry(models.Model):
    """SUP-13: technical-support time logged against a Support Service Package."""

    package = models.ForeignKey(
        "orders.ServicePackage", on_delete=models.PROTECT, related_name="support_hours"
    )
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    hours = models.DecimalField(max_digits=6, decimal_places=2)
    overage_hours = models.DecimalField(
        max_digits=6, decimal_places=2, default=0,
        help_text="The part of this entry beyond the hours the package includes, taken "
                  "from the extra paid hours a manager approved (SUP-13).",
    )
    note = models.CharField(max_length=200, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    logged_at = models.DateTimeField()

    class Meta:
        ordering = ["-logged_at"]
        verbose_name_plural = "package hours entries"
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="support_hours_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.hours} h on {self.package}"


class ExtraHoursApproval(models.Model):
    """SUP-13: a manager approved extra paid hours beyond a package's allowance."""

    package = models.ForeignKey(
        "orders.ServicePackage", on_delete=models.PROTECT, related_name="+"
    )
    hours = models.DecimalField(max_digits=6, decimal_places=2)
    note = models.CharField(max_length=200, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField()

    class Meta:
        ordering = ["-approved_at"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="support_extra_hours_positive"),
        ]

    def __str__(self) -> str:
        return f"+{self.hours} h approved for {self.package}"


class InboundEmail(models.Model):
    """Every inbound support e-mail, stored raw whatever happened to it."""

    raw = models.TextField()
    sender = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    message_id = models.CharField(max_length=300, blank=True, db_index=True)
    received_at = models.DateTimeField()
    outcome = models.CharField(max_length=20, choices=InboundOutcome.choices)
    detail = models.TextField(blank=True)
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.sender}: {self.subject}"
