"""Reads of billing that more than one caller needs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from .choices import PaymentStatus
from .models import Payment, Refund
from .money import ZERO, cents

PAID_STATUSES = (PaymentStatus.COMPLETED, PaymentStatus.REFUNDED, PaymentStatus.EXPIRED,
                 PaymentStatus.CHARGED_BACK)


@dataclass(frozen=True)
class CurrencyTotals:
    """BIL-3: totals per currency, and the USD total converted with each payment's
    stored rate — never a raw sum across currencies."""

    by_currency: dict[str, Decimal]
    count_by_currency: dict[str, int]
    usd_total: Decimal


def payments_received(*, start: dt.datetime, end: dt.datetime) -> QuerySet[Payment]:
    return (
        Payment.objects.filter(transaction_at__gte=start, transaction_at__lt=end,
                               status__in=PAID_STATUSES)
        .select_related("migration__customer__user", "weekend_booking__customer__user",
                        "invoice")
        .order_by("transaction_at", "pk")
    )


def refunds_made(*, start: dt.datetime, end: dt.datetime) -> QuerySet[Refund]:
    return (
        Refund.objects.filter(created_at__gte=start, created_at__lt=end)
        .select_related("payment__migration__customer__user",
                        "payment__weekend_booking__customer__user", "credit_note", "request")
        .order_by("created_at", "pk")
    )


def payment_totals(payments: QuerySet[Payment]) -> CurrencyTotals:
    rows = (
        payments.order_by()
        .values("amount_currency")
        .annotate(total=Sum("amount"), n=Count("pk"), usd=Sum("net_usd") + Sum("tax_usd"))
    )
    by_currency: dict[str, Decimal] = {}
    counts: dict[str, int] = {}
    usd_total = ZERO
    for row in rows:
        by_currency[row["amount_currency"]] = cents(row["total"])
        counts[row["amount_currency"]] = row["n"]
        usd_total += cents(row["usd"])
    return CurrencyTotals(by_currency=by_currency, count_by_currency=counts,
                          usd_total=usd_total)


# Customer pages (ACC-3: a customer sees only their own payments and refund requests).

def checkout_url(payment: Payment) -> str | None:
    """Where the customer pays a card/PayPal payment.

    Embedded run (DEBUG): the sandbox checkout. Production: ``PAYPRO_CHECKOUT_URL`` (the
    PayPro Global checkout link of the product) with our IDs as ``x-`` custom fields, which
    come back in the IPN's ORDER_CUSTOM_FIELDS. None for a wire transfer (invoice) or
    when no checkout is configured.
    """
    from urllib.parse import urlencode

    from django.conf import settings
    from django.urls import reverse

    from .choices import PaymentMethod

    if payment.method == PaymentMethod.WIRE or payment.status != PaymentStatus.PENDING:
        return None
    if settings.PAYPRO_SANDBOX:
        return reverse("billing:sandbox_checkout", args=[payment.pk])
    base = getattr(settings, "PAYPRO_CHECKOUT_URL", "")
    if not base:
        return None
    params = urlencode(checkout_custom_fields(payment))
    return f"{base}{'&' if '?' in base else '?'}{params}"


def checkout_custom_fields(payment: Payment) -> dict[str, object]:
    """Our IDs as PayPro Global ``x-`` custom fields (back in ORDER_CUSTOM_FIELDS): the
    payment always, with the migration or the weekend support booking (SUP-11)."""
    if payment.migration_id:
        return {"x-migration_id": payment.migration.migration_id, "x-payment_id": payment.pk}
    if payment.custom_work_id:
        return {"x-payment_id": payment.pk, "x-custom_work_id": payment.custom_work_id}
    return {"x-payment_id": payment.pk, "x-booking_id": payment.weekend_booking_id}


def customer_credit_notes(customer):
    """The credit notes of the customer's refunds (orders, surcharges, custom work and
    weekend support), newest first."""

    from .models import CreditNote

    payments = customer_payments(customer).values("pk")
    return (CreditNote.objects.filter(refund__payment__in=payments)
            .select_related("refund__payment__migration", "refund__payment__weekend_booking",
                            "refund__payment__custom_work")
            .order_by("-issued_at", "-pk"))


def customer_payments(customer) -> QuerySet[Payment]:
    """Order, surcharge, custom work and weekend support payments of one customer,
    newest first.

    The customer's migrations and bookings are read first (two index lookups), so the
    payments are two index scans on their own columns instead of an OR over outer joins.
    """
    from django.db.models import Q

    from orders.models import CustomWorkRequest, Migration
    from support.models import WeekendBooking

    migration_ids = list(Migration.objects.filter(customer=customer).values_list("pk", flat=True))
    booking_ids = list(
        WeekendBooking.objects.filter(customer=customer).values_list("pk", flat=True)
    )
    work_ids = list(CustomWorkRequest.objects.filter(customer=customer).values_list("pk",
                                                                                    flat=True))
    return (
        Payment.objects.filter(
            Q(migration_id__in=migration_ids) | Q(weekend_booking_id__in=booking_ids)
            | Q(custom_work_id__in=work_ids)
        )
        .select_related("migration", "weekend_booking", "custom_work", "invoice")
        .order_by("-created_at")
    )


def customer_refund_requests(customer):
    from .models import RefundRequest

    return (
        RefundRequest.objects.filter(customer=customer)
        .select_related("migration")
        .order_by("-submitted_at")
    )


def customer_pending_data_deletions(customer):
    """BIL-13: full refunds whose data deletion the customer has not confirmed yet."""
    from .models import DataDeletionConfirmation

    return DataDeletionConfirmation.objects.filter(
        migration__customer=customer, confirmed_at__isnull=True
    ).select_related("migration")


def discount_preview(migration, code: str, now=None) -> Decimal:
    """BIL-7/BIL-14: what a code would take off this order (the migration line only),
    checked as ``discount_redeem`` checks it, without using it. Raises ValidationError
    with the same messages; the Confirm step redeems it for real."""
    from django.utils import timezone

    from orders.choices import QuoteLineKind

    from .models import DiscountCode, DiscountRedemption
    from .money import percent_of
    from .services.discounts import _check_code, _refused
    from .services.payments import order_lines_usd

    now = now or timezone.now()
    found = DiscountCode.objects.filter(code=(code or "").strip().upper()).first()
    if found is None:
        raise _refused("No such discount code.", "unknown")
    _check_code(found, migration, now)
    if found.usage_limit is not None and found.used_count >= found.usage_limit:
        raise _refused("This discount code has been used up.", "used_up")
    if found.per_customer_limit is not None and DiscountRedemption.objects.filter(
        code=found, customer_id=migration.customer_id
    ).count() >= found.per_customer_limit:
        raise _refused("You have used this discount code as many times as allowed.",
                       "customer_limit")
    base = order_lines_usd(migration).get(QuoteLineKind.MIGRATION, ZERO)
    if base <= 0:
        raise _refused("This order has no migration price to discount.", "nothing_to_discount")
    return percent_of(base, found.percent)


# How long undecided refund requests have waited: the queue's filter and the dashboard.
WAITING_AGES = {"0-2": ("Under 2 days", 0, 2), "2-7": ("2–7 days", 2, 7),
                "7+": ("Over 7 days", 7, None)}


def refunds_waiting(age: str, now: dt.datetime) -> Q:
    """Submitted requests that have waited the days of ``age`` (a WAITING_AGES key)."""
    _, low, high = WAITING_AGES[age]
    condition = Q(status="submitted", submitted_at__lt=now - dt.timedelta(days=low))
    if high is not None:
        condition &= Q(submitted_at__gte=now - dt.timedelta(days=high))
    return condition
