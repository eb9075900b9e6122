"""BIL-5: a surcharge for records created on a live source between the payment and the
start — raised by the engine's count at the start or by an account manager, seen and
paid by the customer through the same checkout, followed by finance, and returned by a
full refund (BIL-12)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from billing import services as billing
from billing.choices import (
    PaymentMethod,
    PaymentPurpose,
    PaymentStatus,
    RefundReason,
    SurchargeSource,
    SurchargeStatus,
)
from billing.models import DataDeletionConfirmation, Payment, Refund, Surcharge
from billing.selectors import checkout_url
from orders import services as orders
from orders.choices import MigrationStatus
from orders.services.engine import sign
from slaportal.accounts.roles import Role
from tests.factories import StaffFactory
from tests.factories.billing import priced_migration
from tests.orders.conftest import verify_access

pytestmark = pytest.mark.django_db
ENGINE_URL = "/orders/engine/events/"


@pytest.fixture
def manager():
    return StaffFactory(role=Role.ACCOUNT_MANAGERS)


def _paid(client, *, discount_lines=None, records=1000):
    """A 1000-record data order of 1000 USD (plus a 300 USD plan), paid at the sandbox
    checkout, access verified: ready to start."""
    m = priced_migration({"migration": "1000.00", "support_plan": "300.00"},
                         record_count=records)
    billing.order_confirm(migration=m, actor=m.customer.user)
    payment = billing.payment_start(migration=m, method=PaymentMethod.CARD,
                                    actor=m.customer.user)
    client.force_login(m.customer.user)
    client.post(checkout_url(payment))
    m.refresh_from_db()
    assert m.status == MigrationStatus.PAID
    verify_access(m, None, m.paid_at)
    return m


def _engine_start(client, m, **extra):
    engine, secret = orders.engine_client_create(name="Engine EU-1", actor=None)
    raw = json.dumps({"event_id": f"start-{m.pk}", "migration_id": m.migration_id,
                      "type": "started", **extra}).encode()
    from django.utils import timezone

    ts = str(int(timezone.now().timestamp()))
    return client.post(ENGINE_URL, data=raw, content_type="application/json", headers={
        "X-Engine-Key": engine.key_id, "X-Engine-Timestamp": ts,
        "X-Engine-Signature": sign(secret, ts, raw)})


def test_the_engines_count_at_the_start_raises_a_surcharge_the_customer_pays(
    client, sandbox, django_capture_on_commit_callbacks
):
    """BIL-5: 1,150 records counted at the start of a 1,000-record order of 1,000 USD →
    150 new records at 1.00 USD = 150.00 USD (the plan is not per record); the customer is
    e-mailed, sees why on the migration page, pays by card in the same checkout with
    the tax of their country (BIL-6), and the surcharge is paid."""
    m = _paid(client)
    with django_capture_on_commit_callbacks(execute=True):
        response = _engine_start(client, m, records=1150)
    assert response.status_code == 200, response.content
    surcharge = Surcharge.objects.get(migration=m)
    assert (surcharge.new_records, surcharge.amount_usd, surcharge.source) == (
        150, Decimal("150.00"), SurchargeSource.ENGINE)
    notice = [e for e in mail.outbox if "Surcharge" in e.subject]
    assert notice and reverse("billing:pay_surcharge", args=[surcharge.pk]) in notice[0].body
    assert m.events.filter(note__contains="Records at the start: 1,150").exists()

    page = client.get(reverse("orders:detail", args=[m.migration_id])).content.decode()
    assert "150 records were created between your payment" in page
    assert reverse("billing:pay_surcharge", args=[surcharge.pk]) in page

    pay_url = reverse("billing:pay_surcharge", args=[surcharge.pk])
    response = client.post(pay_url, {"method": "card", "currency": "USD", "country": "de"})
    payment = Payment.objects.get(surcharge=surcharge)
    assert response.status_code == 302 and response["Location"] == checkout_url(payment)
    assert (payment.purpose, payment.net_usd, payment.tax_usd, payment.migration) == (
        PaymentPurpose.SURCHARGE, Decimal("150.00"), Decimal("28.50"), m)
    client.post(checkout_url(payment))
    payment.refresh_from_db()
    surcharge.refresh_from_db()
    assert payment.status == PaymentStatus.COMPLETED
    assert surcharge.status == SurchargeStatus.PAID and surcharge.paid_at is not None
    paid_page = client.get(pay_url).content.decode()
    assert '<span class="badge" id="status">Paid</span>' in paid_page
    assert '<dd id="payment-status">Completed</dd>' in paid_page and 'name="pay"' not in paid_page
    listed = client.get(reverse("billing:payment_list")).content.decode()
    assert f"{m.migration_id} surcharge" in listed
    # a second payment of the same surcharge is refused and charges nothing
    client.post(pay_url, {"method": "card", "currency": "USD", "country": "DE"})
    assert Payment.objects.filter(surcharge=surcharge).count() == 1


@pytest.mark.parametrize("records", [1000, 999])
def test_no_surcharge_when_the_count_is_not_above_the_order(client, sandbox, records):
    """BIL-5: only records above those ordered are charged."""
    m = _paid(client)
    assert _engine_start(client, m, records=records).status_code == 200
    assert not Surcharge.objects.filter(migration=m).exists()


@pytest.mark.parametrize("records", [10**20, -5, "1200", True, 1.5])
def test_a_bad_count_is_refused_and_the_migration_does_not_start(client, sandbox, records):
    """BIL-5/bad input: a count the engine cannot mean is a 409 with a message; the
    event changes nothing (no start, no surcharge) and may be sent again."""
    m = _paid(client)
    response = _engine_start(client, m, records=records)
    assert response.status_code == 409 and "records must be a whole number" in (
        response.json()["message"])
    m.refresh_from_db()
    assert m.status == MigrationStatus.ACCESS_VERIFIED and m.started_at is None
    assert not Surcharge.objects.exists()


def test_a_free_order_charges_no_surcharge(client, sandbox):
    """BIL-5/BIL-7: at 0 USD per record (a 100% code) there is nothing to charge."""
    from django.utils import timezone

    m = priced_migration({"migration": "0.00"}, record_count=10, status=MigrationStatus.PAID,
                         paid_at=timezone.now())
    verify_access(m, None, m.paid_at)
    assert _engine_start(client, m, records=50).status_code == 200
    assert not Surcharge.objects.exists()


def test_an_account_manager_raises_one_in_the_admin_and_bad_input_changes_nothing(
    client, sandbox, manager, django_capture_on_commit_callbacks
):
    """BIL-5: the migration's admin page links to "Raise a surcharge…"; the form calls
    the same service; a second one, a count of 10^23, 0 or text are refused on the
    form; the customer is e-mailed; finance sees it in the surcharge list."""
    m = _paid(client)
    client.force_login(manager)
    change = client.get(reverse("admin:orders_migration_change", args=[m.pk])).content.decode()
    raise_url = reverse("admin:billing_surcharge_raise", args=[m.pk])
    assert raise_url in change
    for bad in ("100000000000000000000000", "0", "many", "1000"):
        response = client.post(raise_url, {"records_at_start": bad})
        assert response.status_code == 200 and b"errorlist" in response.content, bad
    assert not Surcharge.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(raise_url, {"records_at_start": "1200",
                                           "note": "Counted by SQL"})
    assert response.status_code == 302
    surcharge = Surcharge.objects.get(migration=m)
    assert (surcharge.amount_usd, surcharge.source, surcharge.created_by) == (
        Decimal("200.00"), SurchargeSource.ADMIN, manager)
    assert "Surcharge" in mail.outbox[-1].subject
    response = client.post(raise_url, {"records_at_start": "1300"})
    assert b"has a surcharge already" in response.content
    assert Surcharge.objects.count() == 1

    finance = StaffFactory(role=Role.FINANCE)
    client.force_login(finance)
    listing = client.get(reverse("admin:billing_surcharge_changelist")).content.decode()
    assert m.migration_id in listing and "200.00" in listing
    # finance follows surcharges; raising one is the account manager's
    assert client.get(raise_url).status_code == 403


def test_a_full_refund_returns_the_surcharge_and_keeps_the_fee_on_the_order(
    client, sandbox, manager
):
    """BIL-12/BIL-10: paid 1,300 (order) + 200 (surcharge, raised before the start);
    a full refund returns 1,300 − 5% of 1,300 + 200 = 1,435, as one refund on each
    payment; both payments and the surcharge are refunded, one deletion confirmation is
    asked (BIL-13) and the migration stops (ORD-17)."""
    m = _paid(client)
    surcharge = billing.surcharge_raise(migration=m, records_at_start=1200, actor=manager)
    extra = billing.surcharge_payment_start(surcharge=surcharge, method=PaymentMethod.CARD,
                                            actor=m.customer.user, country="US")
    client.post(checkout_url(extra))
    request = billing.refund_request_submit(
        customer=m.customer, migration=m, reason=RefundReason.NOT_USED,
        description="We changed plans.", problem_first_reported_at=None,
        actor=m.customer.user)
    finance = StaffFactory(role=Role.FINANCE)
    refund = billing.refund_approve(request=request, actor=finance)
    refunds = {r.payment.purpose: r.amount_usd for r in Refund.objects.all()}
    assert refunds == {PaymentPurpose.ORDER: Decimal("1235.00"),
                       PaymentPurpose.SURCHARGE: Decimal("200.00")}
    assert refund.request == request
    statuses = set(Payment.objects.filter(migration=m).values_list("status", flat=True))
    assert statuses == {PaymentStatus.REFUNDED}
    surcharge.refresh_from_db()
    m.refresh_from_db()
    assert surcharge.status == SurchargeStatus.REFUNDED
    assert m.status == MigrationStatus.STOPPED
    assert DataDeletionConfirmation.objects.filter(migration=m).count() == 1


def test_a_partial_refund_leaves_the_surcharge_alone(client, sandbox, manager):
    """BIL-9/BIL-12: a partial refund is a share of the migration price only."""
    from billing.eligibility import evaluate

    m = _paid(client)
    surcharge = billing.surcharge_raise(migration=m, records_at_start=1100, actor=manager)
    extra = billing.surcharge_payment_start(surcharge=surcharge, method=PaymentMethod.CARD,
                                            actor=m.customer.user, country="US")
    client.post(checkout_url(extra))
    from tests.factories.billing import RefundRequestFactory

    result = evaluate(RefundRequestFactory(migration=m, customer=m.customer))
    assert result.surcharge_shares == [] and result.amount_usd <= Decimal("300.00")


def test_another_customers_surcharge_is_404(client, sandbox, manager):
    """ACC-3: the pay page and the payment's cancel link are the owner's only."""
    m = _paid(client)
    surcharge = billing.surcharge_raise(migration=m, records_at_start=1100, actor=manager)
    payment = billing.surcharge_payment_start(surcharge=surcharge, method=PaymentMethod.WIRE,
                                              actor=m.customer.user, country="US")
    from tests.factories import CustomerFactory

    client.force_login(CustomerFactory().user)
    assert client.get(reverse("billing:pay_surcharge", args=[surcharge.pk])).status_code == 404
    assert client.post(reverse("billing:payment_cancel", args=[payment.pk])).status_code == 404
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    client.force_login(m.customer.user)
    client.post(reverse("billing:payment_cancel", args=[payment.pk]))
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CANCELLED
