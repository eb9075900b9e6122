"""Payments (BIL-1, BIL-2), invoices, provider notifications, exchange rates (BIL-3)
and tax rules (BIL-6)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from djmoney.models.fields import MoneyField
from simple_history.models import HistoricalRecords

from ..choices import NotificationVerdict, PaymentMethod, PaymentPurpose, PaymentStatus

# BIL-4: a payment is valid for 30 days after the transaction.
PAYMENT_VALIDITY = dt.timedelta(days=30)

currency_code = RegexValidator(r"^[A-Z]{3}$", "Use a three-letter ISO 4217 code, e.g. EUR.")


class NumberSequence(models.Model):
    """A gap-free counter per series and year (invoices "INV", credit notes "CN").

    Numbers are taken under ``select_for_update`` inside the transaction that creates
    the numbered record, so a rollback gives the number back and no two records share
    one (see ``billing.services.numbering``).
    """

    series = models.CharField(max_length=8)
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["series", "year"], name="billing_sequence_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.series}-{self.year}: {self.last_value}"


class ExchangeRate(models.Model):
    """BIL-3: the rate finance uses for a currency from ``valid_from`` on.

    ``rate_to_usd`` is the number of US dollars one unit of the currency buys.
    """

    currency = models.CharField(max_length=3, validators=[currency_code])
    rate_to_usd = models.DecimalField(
        max_digits=14, decimal_places=6, validators=[MinValueValidator(Decimal("0.000001"))]
    )
    valid_from = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["currency", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["currency", "valid_from"], name="billing_rate_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(rate_to_usd__gt=0), name="billing_rate_positive",
                violation_error_message="A rate must be positive.",
            ),
        ]

    def __str__(self) -> str:
        return f"1 {self.currency} = {self.rate_to_usd} USD from {self.valid_from:%Y-%m-%d}"


class TaxRule(models.Model):
    """BIL-6: a tax the customer pays on top of the fee, by billing country.

    Fees exclude taxes. **Decision:** United States customers are never charged a tax
    line (the vendor covers US federal and state taxes), so no rule may name "US";
    customers elsewhere pay the configured rate as a separate amount, none when no
    rule is configured for their country.
    """

    country = models.CharField(
        max_length=2, unique=True,
        validators=[RegexValidator(r"^[A-Z]{2}$", "Use a two-letter ISO 3166 code.")],
    )
    name = models.CharField(max_length=80, help_text="Shown on the payment, e.g. 'VAT'.")
    rate_percent = models.DecimalField(
        max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["country"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(country="US"), name="billing_taxrule_not_us",
                violation_error_message="US federal and state taxes are covered by the vendor "
                "(BIL-6); no tax rule for US.",
            ),
            models.CheckConstraint(
                condition=Q(rate_percent__gte=0) & Q(rate_percent__lte=100),
                name="billing_taxrule_rate_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country}: {self.name} {self.rate_percent}%"


class PaymentQuerySet(models.QuerySet):
    def live(self):
        """Payments that hold the order: waiting for funds or completed."""
        return self.filter(status__in=[PaymentStatus.PENDING, PaymentStatus.COMPLETED])

    def validity_due(self, now: dt.datetime):
        """BIL-4, the job's due rows: past their 30 days, and the migration still paid and
        not started (so every row selected can be cancelled: none stalls the rest)."""
        from .. import orders_api

        return self.validity_passed(now).filter(orders_api.unstarted_paid("migration"))

    def validity_ending(self, now: dt.datetime, within: dt.timedelta):
        """BIL-4: completed order payments of still-unstarted paid migrations whose 30
        days end within ``within`` (the dashboard's figure and the payments filter)."""
        from .. import orders_api

        return (self.validity_passed(now + within)
                .exclude(transaction_at__lt=now - PAYMENT_VALIDITY)
                .filter(orders_api.unstarted_paid("migration")))

    def validity_passed(self, now: dt.datetime):
        """BIL-4: completed order payments whose 30 days have passed."""
        return self.filter(
            purpose=PaymentPurpose.ORDER,
            status=PaymentStatus.COMPLETED,
            transaction_at__lt=now - PAYMENT_VALIDITY,
        )


class Payment(models.Model):
    """One charge for an order (BIL-1: the full total, in advance) or a surcharge (BIL-5).

    The price is kept in USD (``net_usd`` after the discount, ``tax_usd`` apart); the
    customer pays ``amount`` in the chosen currency, converted with ``exchange_rate``
    (USD per unit of that currency) recorded at the time (BIL-3).
    """

    # Required for order and surcharge payments; a weekend support payment (SUP-11) has
    # a booking instead, a custom work payment (ORD-10) its custom work (the
    # CheckConstraint below).
    migration = models.ForeignKey(
        "orders.Migration", on_delete=models.PROTECT, related_name="payments",
        null=True, blank=True,
    )
    weekend_booking = models.ForeignKey(
        "support.WeekendBooking", on_delete=models.PROTECT, related_name="payments",
        null=True, blank=True,
    )
    surcharge = models.ForeignKey(
        "billing.Surcharge", on_delete=models.PROTECT, related_name="payments",
        null=True, blank=True,
    )
    custom_work = models.ForeignKey(
        "orders.CustomWorkRequest", on_delete=models.PROTECT, related_name="payments",
        null=True, blank=True,
    )
    purpose = models.CharField(
        max_length=16, choices=PaymentPurpose.choices, default=PaymentPurpose.ORDER
    )
    method = models.CharField(max_length=16, choices=PaymentMethod.choices)
    status = models.CharField(
        max_length=16, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    net_usd = models.DecimalField(
        "price (USD, after discount)", max_digits=12, decimal_places=2
    )
    discount_usd = models.DecimalField(
        "discount (USD)", max_digits=12, decimal_places=2, default=Decimal("0")
    )
    tax_usd = models.DecimalField("tax (USD)", max_digits=12, decimal_places=2, default=0)
    tax_name = models.CharField(max_length=80, blank=True)
    billing_country = models.CharField(max_length=2, blank=True)
    amount = MoneyField(
        "amount charged", max_digits=12, decimal_places=2, default_currency="USD"
    )
    exchange_rate = models.DecimalField(
        "rate used (USD per unit)", max_digits=14, decimal_places=6, default=Decimal("1")
    )
    provider_order_id = models.CharField(max_length=40, blank=True)
    transaction_at = models.DateTimeField(
        null=True, blank=True, help_text="When the funds arrived; validity runs from here."
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    # BIL-4: when the customer was told the 30 days end soon (once per payment).
    expiry_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )

    history = HistoricalRecords()
    objects = PaymentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "transaction_at"]),
            models.Index(fields=["-created_at"], name="billing_payment_created"),
            models.Index(fields=["status", "-created_at"], name="billing_payment_status_new"),
            # Pending checkouts, oldest first (they lapse after BILLING_CHECKOUT_HOURS).
            models.Index(fields=["created_at"], name="billing_payment_pending",
                         condition=Q(status="pending")),
            # BIL-4: the validity job's due rows, oldest first.
            models.Index(fields=["transaction_at"], name="billing_payment_validity",
                         condition=Q(purpose="order", status="completed")),
        ]
        constraints = [
            # BIL-1: one live charge per order at a time; a cancelled one (BIL-4) frees it.
            models.UniqueConstraint(
                fields=["migration"],
                condition=Q(purpose="order", status__in=["pending", "completed"]),
                name="billing_one_live_order_payment",
                violation_error_message="This order already has a live payment.",
            ),
            # SUP-11: one live charge per weekend support booking.
            models.UniqueConstraint(
                fields=["weekend_booking"],
                condition=Q(purpose="weekend_support", status__in=["pending", "completed"]),
                name="billing_one_live_booking_payment",
                violation_error_message="This booking already has a live payment.",
            ),
            # BIL-5: one live charge per surcharge; ORD-10: one per custom work.
            models.UniqueConstraint(
                fields=["surcharge"],
                condition=Q(purpose="surcharge", status__in=["pending", "completed"]),
                name="billing_one_live_surcharge_payment",
                violation_error_message="This surcharge already has a live payment.",
            ),
            models.UniqueConstraint(
                fields=["custom_work"],
                condition=Q(purpose="custom_work", status__in=["pending", "completed"]),
                name="billing_one_live_custom_work_payment",
                violation_error_message="This custom work already has a live payment.",
            ),
            models.CheckConstraint(
                condition=(
                    Q(purpose="weekend_support", weekend_booking__isnull=False,
                      migration__isnull=True, surcharge__isnull=True,
                      custom_work__isnull=True)
                    | Q(purpose="surcharge", surcharge__isnull=False, migration__isnull=False,
                        custom_work__isnull=True)
                    | Q(purpose="custom_work", custom_work__isnull=False,
                        migration__isnull=True, surcharge__isnull=True,
                        weekend_booking__isnull=True)
                    | Q(purpose="order", migration__isnull=False, surcharge__isnull=True,
                        custom_work__isnull=True)
                ),
                name="billing_payment_target",
                violation_error_message="A weekend support payment names a booking, a "
                "custom work payment its custom work, a surcharge payment its surcharge "
                "and migration, an order payment its migration.",
            ),
            models.UniqueConstraint(
                fields=["provider_order_id"],
                condition=~Q(provider_order_id=""),
                name="billing_provider_order_unique",
            ),
            models.CheckConstraint(
                condition=(Q(amount__gt=0) | Q(method="no_charge", amount=0))
                & Q(net_usd__gte=0) & Q(tax_usd__gte=0),
                name="billing_payment_amounts_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"Payment #{self.pk} for {self.reference} ({self.amount})"

    @property
    def reference(self) -> str:
        """What the payment is for: the Migration ID (with "surcharge" for BIL-5), the
        custom work or the weekend support booking."""
        if self.purpose == PaymentPurpose.CUSTOM_WORK:
            return f"Custom work #{self.custom_work_id}"
        if self.purpose == PaymentPurpose.SURCHARGE:
            return f"{self.migration.migration_id} surcharge"
        if self.migration_id:
            return self.migration.migration_id
        if self.weekend_booking_id:
            return f"Weekend support #{self.weekend_booking_id}"
        return "—"

    @property
    def customer(self):
        if self.custom_work_id:
            return self.custom_work.customer
        if self.migration_id:
            return self.migration.customer
        if self.weekend_booking_id:
            return self.weekend_booking.customer
        return None

    @property
    def total_usd(self) -> Decimal:
        return self.net_usd + self.tax_usd

    @property
    def valid_until(self) -> dt.datetime | None:
        """BIL-4: the end of the 30 days after the transaction."""
        if self.transaction_at is None:
            return None
        return self.transaction_at + PAYMENT_VALIDITY

    def is_valid_at(self, now: dt.datetime) -> bool:
        return (
            self.status == PaymentStatus.COMPLETED
            and self.valid_until is not None
            and now <= self.valid_until
        )


class Invoice(models.Model):
    """The numbered invoice of a payment (INV-YYYY-NNNNNN, gap-free per year): a wire
    transfer's is issued at once and waits for the funds (BIL-2); a card or PayPal
    payment's when it completes."""

    number = models.CharField(max_length=20, unique=True, editable=False)
    year = models.PositiveSmallIntegerField(editable=False)
    sequence = models.PositiveIntegerField(editable=False)
    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="invoice")
    amount = MoneyField(max_digits=12, decimal_places=2, default_currency="USD")
    issued_at = models.DateTimeField()
    # What the document says, copied when it is issued (seller, buyer, lines, tax,
    # totals, rate): a later change of the profile or the order does not rewrite it.
    document = models.JSONField(default=dict, blank=True, editable=False)
    funds_received_at = models.DateTimeField(null=True, blank=True)
    funds_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="billing_invoice_seq"),
        ]

    def __str__(self) -> str:
        return self.number


class ProviderNotification(models.Model):
    """Every IPN PayPro Global sent, stored raw before processing (valid or not)."""

    received_at = models.DateTimeField()
    raw_body = models.TextField(blank=True)
    fields = models.JSONField(default=dict)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)
    ipn_type = models.CharField(max_length=60, blank=True)
    order_id = models.CharField(max_length=40, blank=True)
    item_id = models.CharField(max_length=40, blank=True)
    amount = models.CharField(max_length=32, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    test_mode = models.BooleanField(default=False)
    signature_valid = models.BooleanField(null=True)
    verdict = models.CharField(
        max_length=16, choices=NotificationVerdict.choices, default=NotificationVerdict.RECEIVED
    )
    error = models.TextField(blank=True)
    # order|item|type: a repeat with another amount is a failure.
    event_key = models.CharField(max_length=200, blank=True, db_index=True)
    # order|item|type|amount, set only on the notification that was applied: exactly once.
    dedupe_key = models.CharField(max_length=240, null=True, blank=True, unique=True)
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="notifications"
    )
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["verdict", "received_at"])]
        constraints = [
            # Exactly once: one applied notification per order, item and type.
            models.UniqueConstraint(
                fields=["event_key"], condition=Q(dedupe_key__isnull=False),
                name="billing_notification_event_once",
            ),
        ]

    def __str__(self) -> str:
        return f"IPN {self.ipn_type or '?'} order {self.order_id or '?'} ({self.verdict})"
