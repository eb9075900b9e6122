"""ORD-10/BIL-1/BIL-11/BIL-14: custom work from the customer's request to the accepted
result — the account manager's steps in the admin, the customer's payment in advance
through the same checkout, delivery, the 7 days to report issues, the beat job's
acceptance, and later changes as new paid work."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from billing import services as billing
from billing.choices import PaymentMethod, PaymentPurpose, PaymentStatus
from billing.models import Payment
from billing.selectors import checkout_url
from orders import services as orders
from orders.choices import CustomWorkStatus as C
from orders.choices import MigrationStatus
from orders.models import CustomWorkRequest
from slaportal.accounts.roles import Role
from tests.factories import CustomerFactory, StaffFactory
from tests.factories.billing import DiscountCodeFactory, priced_migration

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager():
    return StaffFactory(role=Role.ACCOUNT_MANAGERS)


def _admin_step(client, work, step, data):
    url = reverse(f"admin:orders_customworkrequest_{step}", args=[work.pk])
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    work.refresh_from_db()
    return work


def test_custom_work_from_request_to_acceptance(
    client, sandbox, manager, django_capture_on_commit_callbacks
):
    """ORD-10: request (customer page) → requirements → estimate → quote with a timeframe
    (admin) → paid in advance at the checkout, no discount (BIL-1/BIL-14) → delivered
    (admin) → an issue reported within 7 days sends it back → delivered → accepted;
    each step in the history, the customer e-mailed with a link at the quote and the
    delivery."""
    m = priced_migration({"migration": "1000.00"}, status=MigrationStatus.PAID,
                         paid_at=timezone.now())
    customer = m.customer
    DiscountCodeFactory(code="SAVE10")
    client.force_login(customer.user)
    response = client.post(reverse("orders:custom-work-list"), {
        "migration": m.migration_id, "description": "Map 3 custom objects to Zendesk"})
    work = CustomWorkRequest.objects.get()
    assert response["Location"] == reverse("orders:custom-work-detail", args=[work.pk])
    assert work.migration == m and work.status == C.REQUESTED

    client.force_login(manager)
    change = client.get(reverse("admin:orders_customworkrequest_change", args=[work.pk]))
    assert reverse("admin:orders_customworkrequest_requirements", args=[work.pk]) in (
        change.content.decode())
    _admin_step(client, work, "requirements", {"requirements": "Objects A, B and C"})
    _admin_step(client, work, "estimate", {"hours": "12.5"})
    with django_capture_on_commit_callbacks(execute=True):
        _admin_step(client, work, "quote", {"price": "600.00", "timeframe_days": "5"})
    assert work.status == C.QUOTED and work.price.amount == Decimal("600.00")
    quote_mail = [e for e in mail.outbox if "quote ready" in e.subject]
    assert quote_mail and reverse("orders:custom-work-detail", args=[work.pk]) in (
        quote_mail[0].body)

    client.force_login(customer.user)
    detail = client.get(reverse("orders:custom-work-detail", args=[work.pk])).content.decode()
    pay_url = reverse("billing:pay_custom_work", args=[work.pk])
    assert pay_url in detail and "600.00" in detail
    page = client.get(pay_url).content.decode()
    assert "not refundable" in page and "discount codes do not apply" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(pay_url, {"method": "card", "currency": "USD", "country": "US"})
        payment = Payment.objects.get(custom_work=work)
        assert response["Location"] == checkout_url(payment)
        assert (payment.purpose, payment.net_usd, payment.discount_usd, payment.migration) == (
            PaymentPurpose.CUSTOM_WORK, Decimal("600.00"), Decimal("0"), None)
        client.post(checkout_url(payment))
    payment.refresh_from_db()
    work.refresh_from_db()
    assert payment.status == PaymentStatus.COMPLETED
    assert work.status == C.PAID and work.paid_at == payment.transaction_at
    assert f"Custom work #{work.pk}" in client.get(reverse("billing:payment_list")).content.decode()

    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        _admin_step(client, work, "deliver", {"confirm": "on"})
    assert work.status == C.DELIVERED
    assert any("delivered" in e.subject for e in mail.outbox)

    client.force_login(customer.user)
    detail = client.get(reverse("orders:custom-work-detail", args=[work.pk])).content.decode()
    assert 'id="acceptance-ends"' in detail
    client.post(reverse("orders:custom-work-report", args=[work.pk]))
    work.refresh_from_db()
    assert work.status == C.PAID and work.issue_reported_at is not None

    client.force_login(manager)
    _admin_step(client, work, "deliver", {"confirm": "on"})
    client.force_login(customer.user)
    client.post(reverse("orders:custom-work-accept", args=[work.pk]))
    work.refresh_from_db()
    assert work.status == C.ACCEPTED
    statuses = list(work.history.order_by("history_date").values_list("status", flat=True))
    assert statuses[:7] == [C.REQUESTED, C.REQUIREMENTS, C.ESTIMATED, C.QUOTED, C.PAID,
                            C.DELIVERED, C.PAID]
    # later changes are new paid work
    client.post(reverse("orders:custom-work-list"), {"description": "One more object, D"})
    assert CustomWorkRequest.objects.filter(status=C.REQUESTED).count() == 1


def test_delivered_work_is_accepted_by_the_beat_job_after_seven_days(manager):
    """ORD-10: no issue reported within 7 days → accepted; an issue after them is
    refused with a clear message."""
    customer = CustomerFactory()
    work = orders.custom_work_request(customer=customer, actor=customer.user,
                                      description="Custom field mapping")
    work = orders.custom_work_requirements(work=work, requirements="x", actor=manager)
    work = orders.custom_work_estimate(work=work, hours=Decimal("2"), actor=manager)
    work = orders.custom_work_quote(work=work, price=Decimal("100"), timeframe_days=2,
                                    actor=manager)
    payment = billing.custom_work_payment_start(work=work, method=PaymentMethod.CARD,
                                                actor=customer.user)
    billing.payment_complete(payment=payment, actor=None)
    delivered_at = timezone.now() - dt.timedelta(days=8)
    work = orders.custom_work_deliver(work=work, actor=manager, now=delivered_at)
    with pytest.raises(Exception, match="within 7 days"):
        orders.custom_work_report_issue(work=work, actor=customer.user)
    assert orders.custom_work_auto_accept() == 1
    work.refresh_from_db()
    assert work.status == C.ACCEPTED


def test_bad_input_on_the_admin_steps_changes_nothing(client, manager):
    """ORD-10/bad input: a price of 40 digits, 0 or text, a timeframe of 0 or 10^6 days
    and quoting out of order are refused on the form; the work stays as it was."""
    customer = CustomerFactory()
    work = orders.custom_work_request(customer=customer, actor=customer.user,
                                      description="Custom field mapping")
    client.force_login(manager)
    quote = reverse("admin:orders_customworkrequest_quote", args=[work.pk])
    for data in ({"price": "9" * 40, "timeframe_days": "5"}, {"price": "0", "timeframe_days": "5"},
                 {"price": "abc", "timeframe_days": "5"}, {"price": "10", "timeframe_days": "0"},
                 {"price": "10", "timeframe_days": "1000000"},
                 {"price": "10", "timeframe_days": "5"}):  # not estimated yet
        response = client.post(quote, data)
        assert response.status_code == 200 and b"errorlist" in response.content, data
    estimate = reverse("admin:orders_customworkrequest_estimate", args=[work.pk])
    assert b"errorlist" in client.post(estimate, {"hours": "1e400"}).content
    work.refresh_from_db()
    assert work.status == C.REQUESTED and work.price is None
    assert work.history.count() == 1


def test_unquoted_or_stopped_work_cannot_be_paid(client, sandbox, manager):
    """BIL-1/ORD-17: only quoted work is paid; work on a stopped migration is not."""
    customer = CustomerFactory()
    client.force_login(customer.user)
    work = orders.custom_work_request(customer=customer, actor=customer.user,
                                      description="Custom field mapping")
    response = client.post(reverse("billing:pay_custom_work", args=[work.pk]),
                           {"method": "card", "currency": "USD", "country": "US"})
    assert response.status_code == 302 and not Payment.objects.exists()
    m = priced_migration(customer=customer, status=MigrationStatus.STOPPED)
    stopped = CustomWorkRequest.objects.create(customer=customer, migration=m,
                                               description="On a stopped one", status=C.QUOTED,
                                               price=work.price or None, timeframe_days=3)
    with pytest.raises(Exception, match="stopped"):
        billing.custom_work_payment_start(work=stopped, method=PaymentMethod.CARD,
                                          actor=customer.user)
    assert not Payment.objects.exists()


def test_the_refund_form_says_custom_work_is_not_refundable(client):
    """BIL-11: the refund request form names custom work among what is not refunded."""
    customer = CustomerFactory()
    client.force_login(customer.user)
    page = client.get(reverse("billing:refund_new")).content.decode()
    assert 'id="non-refundable"' in page and "custom work" in page.lower()


def test_another_customers_custom_work_is_404(client, sandbox):
    """ACC-3: the detail, pay, report and accept pages are the owner's only."""
    owner = CustomerFactory()
    work = orders.custom_work_request(customer=owner, actor=owner.user,
                                      description="Custom field mapping")
    client.force_login(CustomerFactory().user)
    for name in ("orders:custom-work-detail", "billing:pay_custom_work"):
        assert client.get(reverse(name, args=[work.pk])).status_code == 404
    for name in ("orders:custom-work-report", "orders:custom-work-accept",
                 "billing:pay_custom_work"):
        assert client.post(reverse(name, args=[work.pk]), {"method": "card"}).status_code == 404
    assert "Custom field mapping" not in client.get(
        reverse("orders:custom-work-list")).content.decode()
    work.refresh_from_db()
    assert work.status == C.REQUESTED and not Payment.objects.exists()
