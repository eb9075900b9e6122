"""Payments (BIL-1..4, BIL-6): starting a charge, funds arriving, validity."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from djmoney.money import Money
from simple_history.utils import bulk_update_with_history

from orders.choices import MigrationStatus, QuoteLineKind
from orders.models import Migration
from slaportal.jobs import Step, drain
from support.choices import BookingStatus
from support.models import WeekendBooking
from support.services import weekend_booking_mark_paid

from .. import emails, orders_api
from ..choices import PaymentMethod, PaymentPurpose, PaymentStatus, SurchargeStatus
from ..models import ExchangeRate, Invoice, Payment, Surcharge, TaxRule
from ..money import ZERO, cents, percent_of, usd_to_currency
from ..transitions import check_payment_move
from .numbering import number_take

BASE_CURRENCY = "USD"

# The field naming what a payment pays for, by purpose: one live payment each.
PAYMENT_TARGET = {
    PaymentPurpose.ORDER: "migration_id",
    PaymentPurpose.WEEKEND_SUPPORT: "weekend_booking_id",
    PaymentPurpose.SURCHARGE: "surcharge_id",
    PaymentPurpose.CUSTOM_WORK: "custom_work_id",
}


def order_lines_usd(migration: Migration) -> dict[str, Decimal]:
    """The priced lines of the order by kind, in USD (surcharges are charged apart)."""
    totals: dict[str, Decimal] = {}
    for line in migration.quote_lines.all():
        if line.kind == QuoteLineKind.SURCHARGE:
            continue
        if str(line.amount.currency) != BASE_CURRENCY:
            raise ValidationError(f"Quote line {line} is not priced in USD (BIL-3).")
        totals[line.kind] = totals.get(line.kind, ZERO) + line.amount.amount
    return totals


def order_discount_usd(migration: Migration) -> Decimal:
    # .all(): served from a prefetch when the caller made one (the refund queue's batch).
    redemptions = sorted(migration.discount_redemptions.all(), key=lambda r: r.pk)
    return redemptions[0].amount_usd if redemptions else ZERO


def order_total_usd(migration: Migration) -> Decimal:
    """BIL-1: the full order total, quote lines less the discount, before tax."""
    return cents(sum(order_lines_usd(migration).values(), ZERO) - order_discount_usd(migration))


def rate_for(currency: str, at: dt.datetime) -> Decimal:
    """BIL-3: the rate finance recorded for the currency at that moment."""
    if currency == BASE_CURRENCY:
        return Decimal("1")
    rate = (
        ExchangeRate.objects.filter(currency=currency, valid_from__lte=at)
        .order_by("-valid_from")
        .first()
    )
    if rate is None:
        raise ValidationError(
            {"currency": f"No exchange rate for {currency} yet; finance records one first."}
        )
    return rate.rate_to_usd


def tax_for(*, country: str, net_usd: Decimal) -> tuple[str, Decimal]:
    """BIL-6: the tax on top of the fee. US customers pay none (the vendor covers US
    federal and state taxes); others pay the configured rate, none without a rule."""
    country = (country or "").upper()
    if not country or country == "US":
        return "", ZERO
    rule = TaxRule.objects.filter(country=country).first()
    if rule is None:
        return "", ZERO
    return rule.name, percent_of(net_usd, rule.rate_percent)


def _build_payment(
    *, migration: Migration | None, purpose: str, method: str, net_usd: Decimal,
    discount_usd: Decimal, currency: str, country: str, actor, now: dt.datetime,
    weekend_booking=None, surcharge=None, custom_work=None,
) -> Payment:
    if method not in PaymentMethod.values or method == PaymentMethod.NO_CHARGE:
        raise ValidationError({"method": f"Unknown payment method {method!r}."})
    if net_usd <= 0:
        raise ValidationError("There is nothing to pay on this order.")
    tax_name, tax_usd = tax_for(country=country, net_usd=net_usd)
    rate = rate_for(currency, now)
    payment = Payment.objects.create(
        migration=migration,
        weekend_booking=weekend_booking,
        surcharge=surcharge,
        custom_work=custom_work,
        purpose=purpose,
        method=method,
        net_usd=net_usd,
        discount_usd=discount_usd,
        tax_usd=tax_usd,
        tax_name=tax_name,
        billing_country=(country or "").upper(),
        amount=Money(usd_to_currency(net_usd + tax_usd, rate), currency),
        exchange_rate=rate,
        created_by=actor,
    )
    if method == PaymentMethod.WIRE:
        emails.wire_invoice_issued(payment, invoice_issue(payment=payment, now=now))
    return payment


@transaction.atomic
def payment_start(
    *, migration: Migration, method: str, actor, currency: str = BASE_CURRENCY,
    country: str = "", now: dt.datetime | None = None,
) -> Payment:
    """BIL-1/BIL-2: charge the full order total in advance.

    Card and PayPal wait for the provider's notification; a wire transfer gets a
    numbered invoice and waits for finance to record the funds (ORD-5).
    """
    now = now or timezone.now()
    migration = Migration.objects.select_for_update().get(pk=migration.pk)
    if migration.status != MigrationStatus.CONFIRMED:
        raise ValidationError(
            f"Migration {migration.migration_id} is {migration.get_status_display().lower()}; "
            "only a confirmed order can be paid."
        )
    if Payment.objects.filter(migration=migration, purpose=PaymentPurpose.ORDER).live().exists():
        raise ValidationError("This order already has a live payment.")
    return _build_payment(
        migration=migration, purpose=PaymentPurpose.ORDER, method=method,
        net_usd=order_total_usd(migration), discount_usd=order_discount_usd(migration),
        currency=currency, country=country, actor=actor, now=now,
    )


def order_settle_without_charge(*, migration: Migration, actor,
                                now: dt.datetime | None = None) -> Payment | None:
    """BIL-7/BIL-1: an order whose discount covers its whole total is settled at once —
    a completed payment of 0 is recorded (the order's money record, with the discount)
    and the order is paid, without the provider. None when something is left to pay."""
    now = now or timezone.now()
    migration = Migration.objects.select_for_update().get(pk=migration.pk)
    if migration.status != MigrationStatus.CONFIRMED or order_total_usd(migration) > 0:
        return None
    if Payment.objects.filter(migration=migration, purpose=PaymentPurpose.ORDER).live().exists():
        return None
    payment = Payment.objects.create(
        migration=migration, purpose=PaymentPurpose.ORDER, method=PaymentMethod.NO_CHARGE,
        status=PaymentStatus.COMPLETED, net_usd=ZERO,
        discount_usd=order_discount_usd(migration), amount=Money(ZERO, BASE_CURRENCY),
        transaction_at=now, created_by=actor,
    )
    orders_api.mark_paid(migration=migration, actor=actor, now=now)
    return payment


BOOKING_METHODS = (PaymentMethod.CARD, PaymentMethod.PAYPAL)


@transaction.atomic
def booking_payment_start(
    *, booking: WeekendBooking, method: str, actor, now: dt.datetime | None = None
) -> Payment:
    """SUP-11/BIL-14: weekend support is paid in advance, by card or PayPal, at the
    booking's price (hours x rate) in USD; discounts never apply (BIL-14) and the
    payment has no 30-day validity (BIL-4 is about orders). The caller checks that the
    booking is the customer's own (ACC-3)."""
    now = now or timezone.now()
    if method not in BOOKING_METHODS:
        raise ValidationError({"method": "Weekend support is paid by card or PayPal."})
    booking = WeekendBooking.objects.select_for_update().get(pk=booking.pk)
    if booking.status != BookingStatus.PENDING_PAYMENT:
        raise ValidationError(
            f"This weekend support booking is {booking.get_status_display().lower()}; "
            "only a booking awaiting payment can be paid."
        )
    if str(booking.price.currency) != BASE_CURRENCY:
        raise ValidationError(f"Booking {booking.pk} is not priced in USD (BIL-3).")
    if Payment.objects.filter(
        weekend_booking=booking, purpose=PaymentPurpose.WEEKEND_SUPPORT
    ).live().exists():
        raise ValidationError("This booking already has a live payment.")
    return _build_payment(
        migration=None, weekend_booking=booking, purpose=PaymentPurpose.WEEKEND_SUPPORT,
        method=method, net_usd=cents(booking.price.amount), discount_usd=ZERO,
        currency=BASE_CURRENCY, country="", actor=actor, now=now,
    )


def invoice_issue(*, payment: Payment, now: dt.datetime) -> Invoice:
    """The numbered invoice of a payment (gap-free per year): a wire transfer's at once
    (BIL-2), a card or PayPal payment's when it completes. It copies seller, buyer,
    lines, tax and totals (``billing.documents``)."""
    from ..documents import invoice_document

    year = timezone.localtime(now).year
    sequence, number = number_take(series="INV", year=year)
    return Invoice.objects.create(
        number=number, year=year, sequence=sequence, payment=payment,
        amount=payment.amount, issued_at=now,
        document=invoice_document(payment, number=number),
    )


@transaction.atomic
def payment_cancel(*, payment: Payment, actor, now: dt.datetime | None = None) -> Payment:
    """The customer gives up a checkout (or a wire transfer) not paid yet: the order is
    free for a new payment. Refused once the payment is no longer pending."""
    now = now or timezone.now()
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.status != PaymentStatus.PENDING:
        raise ValidationError(
            f"This payment is {payment.get_status_display().lower()}: only a payment "
            "waiting for the funds can be cancelled.")
    return payment_set_status(payment=payment, status=PaymentStatus.CANCELLED, now=now)


def payments_lapse_due(*, now: dt.datetime | None = None, batch: int = 500,
                       budget_seconds: float | None = None) -> int:
    """Beat job: card and PayPal checkouts not completed within BILLING_CHECKOUT_HOURS,
    and wire transfers whose funds have not arrived within BILLING_WIRE_DAYS, lapse:
    the order is free for a new payment. One UPDATE per batch (partial index)."""
    now = now or timezone.now()
    due = Payment.objects.filter(status=PaymentStatus.PENDING).filter(
        Q(created_at__lt=now - dt.timedelta(hours=django_settings.BILLING_CHECKOUT_HOURS))
        & ~Q(method=PaymentMethod.WIRE)
        | Q(created_at__lt=now - dt.timedelta(days=django_settings.BILLING_WIRE_DAYS),
            method=PaymentMethod.WIRE)
    )
    skip = connection.features.has_select_for_update_skip_locked

    def step(size: int) -> Step:
        with transaction.atomic():
            rows = list(due.select_for_update(skip_locked=skip, of=("self",))
                        .order_by("created_at", "pk")[:size])
            payments_set_status_bulk(payments=rows, status=PaymentStatus.LAPSED, now=now)
            return Step(len(rows), len(rows))

    return drain(step, batch=batch, budget_seconds=budget_seconds)


@transaction.atomic
def payment_complete(
    *, payment: Payment, actor, now: dt.datetime | None = None, provider_order_id: str = ""
) -> Payment:
    """The funds arrived: the payment completes, its 30 days start (BIL-4), and the order
    is paid so the full migration may start (ORD-5)."""
    now = now or timezone.now()
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    check_payment_move(payment.status, PaymentStatus.COMPLETED)
    if payment.status in (PaymentStatus.CANCELLED, PaymentStatus.LAPSED):
        others = Payment.objects.live().filter(purpose=payment.purpose).exclude(pk=payment.pk)
        target = PAYMENT_TARGET[payment.purpose]
        if others.filter(**{target: getattr(payment, target)}).exists():
            raise ValidationError(
                f"Payment {payment.pk} was {payment.get_status_display().lower()} and the "
                "order has another live payment: refund these funds at the provider.")
    payment.status = PaymentStatus.COMPLETED
    payment.transaction_at = now
    if provider_order_id:
        payment.provider_order_id = provider_order_id
    payment.save(update_fields=["status", "transaction_at", "provider_order_id"])
    invoice = Invoice.objects.filter(payment=payment).first()
    if invoice is None:
        invoice = invoice_issue(payment=payment, now=now)
    emails.payment_received(payment, invoice)
    if payment.purpose == PaymentPurpose.ORDER:
        orders_api.mark_paid(migration=payment.migration, actor=actor, now=now)
    elif payment.purpose == PaymentPurpose.WEEKEND_SUPPORT:
        weekend_booking_mark_paid(booking=payment.weekend_booking_id, actor=actor, now=now)
    elif payment.purpose == PaymentPurpose.SURCHARGE:
        _surcharge_paid(surcharge_id=payment.surcharge_id, actor=actor, now=now)
    elif payment.purpose == PaymentPurpose.CUSTOM_WORK:
        orders_api.custom_work_paid(work_id=payment.custom_work_id, actor=actor, now=now)
    return payment


def _surcharge_paid(*, surcharge_id: int, actor, now: dt.datetime) -> None:
    """BIL-5: the surcharge's payment completed; the surcharge is paid (with history)."""
    surcharge = Surcharge.objects.select_for_update().get(pk=surcharge_id)
    if surcharge.status == SurchargeStatus.DUE:
        surcharge.status, surcharge.paid_at = SurchargeStatus.PAID, now
        surcharge._history_user = actor
        surcharge.save(update_fields=["status", "paid_at"])


@transaction.atomic
def invoice_record_funds(*, invoice: Invoice, actor, now: dt.datetime | None = None) -> Invoice:
    """BIL-2: finance records that the wire transfer's funds arrived."""
    now = now or timezone.now()
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.funds_received_at is not None:
        raise ValidationError(f"The funds of invoice {invoice.number} are already recorded.")
    invoice.funds_received_at = now
    invoice.funds_recorded_by = actor
    invoice.save(update_fields=["funds_received_at", "funds_recorded_by"])
    payment_complete(payment=invoice.payment, actor=actor, now=now)
    return invoice


@transaction.atomic
def payment_set_status(*, payment: Payment, status: str, now: dt.datetime) -> Payment:
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    check_payment_move(payment.status, status)
    payment.status = status
    payment.closed_at = now
    payment.save(update_fields=["status", "closed_at"])
    return payment


def payments_set_status_bulk(*, payments: list[Payment], status: str, now: dt.datetime) -> None:
    """The batch form of ``payment_set_status`` for the beat jobs: the caller has locked
    the rows; one UPDATE and one insert of history rows."""
    for payment in payments:
        check_payment_move(payment.status, status)
        payment.status, payment.closed_at = status, now
    if payments:
        bulk_update_with_history(payments, Payment, ["status", "closed_at"], default_date=now)


@transaction.atomic
def payment_expire(*, payment: Payment, actor=None, now: dt.datetime | None = None) -> bool:
    """BIL-4: cancel a payment whose 30 days passed with no full migration started.

    Returns False (and changes nothing) when the payment is still valid, already
    closed, or the migration started: safe to run twice.
    """
    now = now or timezone.now()
    skip = connection.features.has_select_for_update_skip_locked
    payment = (
        # of=self: the migration is nullable now (weekend support payments, SUP-11), and
        # PostgreSQL refuses FOR UPDATE on the nullable side of an outer join.
        Payment.objects.select_for_update(skip_locked=skip, of=("self",))
        .select_related("migration__customer__user")
        .filter(pk=payment.pk)
        .first()
    )
    if payment is None:  # another worker holds it (PostgreSQL skip_locked)
        return False
    if payment.status != PaymentStatus.COMPLETED or payment.purpose != PaymentPurpose.ORDER:
        return False
    if payment.is_valid_at(now) or orders_api.started(payment.migration):
        return False
    payment_set_status(payment=payment, status=PaymentStatus.EXPIRED, now=now)
    orders_api.payment_cancelled(migration=payment.migration, actor=actor, now=now)
    transaction.on_commit(lambda: emails.payment_cancelled(payment))
    return True


EXPIRY_NOTICE = dt.timedelta(days=5)


def payments_remind_expiring(*, now: dt.datetime | None = None, batch: int = 500,
                             budget_seconds: float | None = None) -> int:
    """BIL-4 beat job: tell the customer, once, when their payment's 30 days end within
    five days and the full migration has not started. Rows come by the validity index,
    one UPDATE per batch; the e-mails leave after each batch commits."""
    now = now or timezone.now()
    skip = connection.features.has_select_for_update_skip_locked
    due = Payment.objects.validity_ending(now, EXPIRY_NOTICE).filter(
        expiry_reminded_at__isnull=True)

    def step(size: int) -> Step:
        with transaction.atomic():
            rows = list(due.select_for_update(skip_locked=skip, of=("self",))
                        .select_related("migration__customer__user")
                        .order_by("transaction_at", "pk")[:size])
            Payment.objects.filter(pk__in=[p.pk for p in rows]).update(expiry_reminded_at=now)
            for payment in rows:
                emails.payment_expiring(payment)
            return Step(len(rows), len(rows))

    return drain(step, batch=batch, budget_seconds=budget_seconds)


def payments_expire_due(*, now: dt.datetime | None = None, batch: int = 500,
                        budget_seconds: float | None = None) -> int:
    """BIL-4 beat job: cancel the payments past their 30 days whose migration has not
    started, batch after batch (slaportal.jobs.drain).

    A batch is one transaction: the due payments are selected through their partial
    index and locked (on PostgreSQL a row another worker holds is skipped), their
    migrations become payable again, the payments expire (history in bulk), and the
    customers' e-mails leave together after the commit. A run killed halfway keeps the
    batches it committed; a second run finds nothing left to do.
    """
    now = now or timezone.now()
    skip = connection.features.has_select_for_update_skip_locked

    def step(size: int) -> Step:
        with transaction.atomic():
            due = list(
                Payment.objects.validity_due(now)
                .select_for_update(skip_locked=skip, of=("self",))
                .select_related("migration__customer__user")
                .order_by("transaction_at", "pk")[:size]
            )
            if not due:
                return Step(0, 0)
            moved = orders_api.payments_cancelled(
                migration_ids=[p.migration_id for p in due], now=now)
            expired = [p for p in due if p.migration_id in moved]
            payments_set_status_bulk(payments=expired, status=PaymentStatus.EXPIRED, now=now)
            for payment in expired:
                emails.payment_cancelled(payment)
            return Step(len(due), len(expired))

    return drain(step, batch=batch, budget_seconds=budget_seconds)
