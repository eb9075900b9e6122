"""SUP-11/BIL-14: weekend support bookings are paid in advance through billing."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from djmoney.money import Money

from billing import services
from billing.choices import NotificationVerdict, PaymentMethod, PaymentPurpose, PaymentStatus
from billing.models import Payment
from billing.services import ipn
from billing.views import sandbox_fields
from slaportal.accounts.roles import Role
from support.choices import BookingStatus
from support.models import WeekendBooking
from support.selectors import support_settings
from support.services import weekend_booking_create
from tests.factories import CustomerFactory, StaffFactory
from tests.factories.billing import DiscountCodeFactory, PaymentFactory
from tests.factories.support import SupportCustomerPlanFactory

pytestmark = pytest.mark.django_db

UTC = dt.UTC
BOOKED_AT = dt.datetime(2026, 1, 1, 10, 0, tzinfo=UTC)
SATURDAY = dt.date(2026, 1, 3)


def signature_booking(hours: str = "4", customer=None) -> WeekendBooking:
    customer = customer or CustomerFactory()
    SupportCustomerPlanFactory(customer=customer)  # Signature (weekend support)
    return weekend_booking_create(customer=customer, day=SATURDAY, hours=Decimal(hours),
                                  actor=customer.user, now=BOOKED_AT)


def _pay_via_sandbox(client, booking, method=PaymentMethod.CARD):
    client.force_login(booking.customer.user)
    url = reverse("billing:pay_booking", args=[booking.pk])
    response = client.post(url, {"method": method})
    payment = Payment.objects.get(weekend_booking=booking)
    assert response.status_code == 302
    assert response["Location"] == reverse("billing:sandbox_checkout", args=[payment.pk])
    client.post(response["Location"])
    return payment


def test_signature_booking_paid_through_the_sandbox_ends_paid(client, sandbox):
    """SUP-11 a Signature customer's weekend booking is paid in advance by card through
    the checkout: the payment completes and the booking is paid in support."""
    booking = signature_booking()
    assert booking.status == BookingStatus.PENDING_PAYMENT
    page = client.get(reverse("billing:pay_booking", args=[booking.pk]))  # anonymous
    assert page.status_code == 302
    payment = _pay_via_sandbox(client, booking)
    payment.refresh_from_db()
    booking.refresh_from_db()
    assert payment.status == PaymentStatus.COMPLETED
    assert payment.purpose == PaymentPurpose.WEEKEND_SUPPORT and payment.migration is None
    assert payment.provider_order_id == f"SANDBOX-{payment.pk}"
    assert booking.status == BookingStatus.PAID and booking.paid_at is not None
    text = client.get(reverse("billing:pay_booking", args=[booking.pk])).content.decode()
    assert "Paid" in text and "Awaiting payment" not in text
    assert 'name="method"' not in text
    listed = client.get(reverse("billing:payment_list")).content.decode()
    assert "Weekend support" in listed


def test_booking_payment_is_hours_times_rate_never_discounted(client, sandbox):
    """BIL-14 weekend support is priced as SUP-11 (hours x the hourly rate, in USD) and
    no discount applies, even with a live discount code around."""
    DiscountCodeFactory()
    booking = signature_booking(hours="5")
    rate = support_settings().weekend_hourly_rate
    payment = _pay_via_sandbox(client, booking, method=PaymentMethod.PAYPAL)
    expected = (rate.amount * 5).quantize(Decimal("0.01"))
    assert payment.net_usd == expected and payment.discount_usd == 0
    assert payment.tax_usd == 0 and payment.amount == Money(expected, "USD")
    assert payment.method == PaymentMethod.PAYPAL


def test_second_ipn_for_the_same_booking_payment_changes_nothing(client, sandbox):
    """SUP-11 the IPN is applied once: a repeat of the charge for a booking payment is a
    duplicate and leaves the payment and the booking as they were."""
    booking = signature_booking()
    payment = _pay_via_sandbox(client, booking)
    payment.refresh_from_db()
    booking.refresh_from_db()
    before = (payment.status, payment.transaction_at, booking.status, booking.paid_at)
    fields = sandbox_fields(payment)
    assert f"x-payment_id={payment.pk}" in fields["ORDER_CUSTOM_FIELDS"]
    assert f"x-booking_id={booking.pk}" in fields["ORDER_CUSTOM_FIELDS"]
    again = ipn.ipn_receive(raw_body=urlencode(fields), fields=fields,
                            now=BOOKED_AT + dt.timedelta(days=1))
    assert again.verdict == NotificationVerdict.DUPLICATE
    payment.refresh_from_db()
    booking.refresh_from_db()
    assert (payment.status, payment.transaction_at, booking.status, booking.paid_at) == before
    assert Payment.objects.filter(weekend_booking=booking).count() == 1


def test_ipn_finds_the_booking_payment_by_payment_id(sandbox):
    """SUP-11 a PayPro notification whose custom fields carry x-payment_id completes the
    weekend support payment and pays the booking."""
    booking = signature_booking()
    payment = services.booking_payment_start(booking=booking, method=PaymentMethod.CARD,
                                             actor=booking.customer.user, now=BOOKED_AT)
    fields = sandbox_fields(payment)
    n = ipn.ipn_receive(raw_body=urlencode(fields), fields=fields, now=BOOKED_AT)
    assert n.verdict == NotificationVerdict.APPLIED and n.payment_id == payment.pk
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PAID


def test_expiry_job_leaves_booking_payments_alone(client, sandbox):
    """SUP-11 booking payments have no 30-day validity: the BIL-4 expiry job, run long
    after, cancels the expired order payment and never the weekend support payment."""
    booking = signature_booking()
    payment = _pay_via_sandbox(client, booking)
    order_payment = PaymentFactory()
    later = dt.datetime.now(UTC) + dt.timedelta(days=400)
    assert services.payments_expire_due(now=later) == 1
    payment.refresh_from_db()
    order_payment.refresh_from_db()
    assert payment.status == PaymentStatus.COMPLETED
    assert order_payment.status == PaymentStatus.EXPIRED
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PAID


def test_another_customers_booking_is_not_found(client, sandbox):
    """SUP-11 (ACC-3) another customer's booking id gives 404 on the pay page, for a look
    and for a payment attempt; nothing is created."""
    booking = signature_booking()
    intruder = CustomerFactory()
    client.force_login(intruder.user)
    url = reverse("billing:pay_booking", args=[booking.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"method": PaymentMethod.CARD}).status_code == 404
    assert not Payment.objects.exists()


def test_booking_payment_refused_when_not_awaiting_payment_or_by_wire():
    """SUP-11 only a booking awaiting payment is paid, by card or PayPal, once."""
    booking = signature_booking()
    user = booking.customer.user
    with pytest.raises(ValidationError, match="card or PayPal"):
        services.booking_payment_start(booking=booking, method=PaymentMethod.WIRE, actor=user)
    services.booking_payment_start(booking=booking, method=PaymentMethod.CARD, actor=user)
    with pytest.raises(ValidationError, match="already has a live payment"):
        services.booking_payment_start(booking=booking, method=PaymentMethod.CARD, actor=user)
    WeekendBooking.objects.filter(pk=booking.pk).update(status=BookingStatus.CANCELLED)
    with pytest.raises(ValidationError, match="only a booking awaiting payment"):
        services.booking_payment_start(booking=booking, method=PaymentMethod.CARD, actor=user)
    assert Payment.objects.count() == 1


def test_database_refuses_a_booking_payment_with_a_migration():
    """SUP-11 the database backs it: a weekend support payment names a booking and no
    migration; an order payment always names a migration."""
    booking = signature_booking()
    order = PaymentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(purpose=PaymentPurpose.WEEKEND_SUPPORT, weekend_booking=booking,
                               migration=order.migration, method=PaymentMethod.CARD,
                               net_usd=Decimal("1"), amount=Money(1, "USD"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(purpose=PaymentPurpose.ORDER, method=PaymentMethod.CARD,
                               net_usd=Decimal("1"), amount=Money(1, "USD"))


def _paid_booking_payment(hours: str = "4") -> Payment:
    booking = signature_booking(hours=hours)
    payment = services.booking_payment_start(booking=booking, method=PaymentMethod.CARD,
                                             actor=booking.customer.user, now=BOOKED_AT)
    return services.payment_complete(payment=payment, actor=None, now=BOOKED_AT)


def test_finance_sees_booking_payments_in_the_admin_list_and_csv(client):
    """SUP-11 finance finds weekend support payments in the payments list (for the
    booking and its customer, no validity) and in the CSV export, with a fixed number
    of queries for 10 and 100 rows."""
    client.force_login(StaffFactory(role=Role.FINANCE))
    url = reverse("admin:billing_payment_changelist")
    first = _paid_booking_payment()
    for _ in range(9):
        PaymentFactory()

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        return len(ctx), response.content.decode()

    ten, page = count()
    assert f"Weekend support #{first.weekend_booking_id}" in page
    assert first.weekend_booking.customer.user.email in page
    for _ in range(45):
        _paid_booking_payment()
        PaymentFactory()
    hundred, _ = count()
    assert ten == hundred
    response = client.get(reverse("admin:billing_payment_export"),
                          {"date_from": "2025-12-01", "date_to": "2026-01-31"})
    rows = [r for r in csv.reader(io.StringIO(response.content.decode()))
            if r[0] == "payment"]
    assert len(rows) == 46
    assert all(r[3].startswith("Weekend support #") for r in rows)
