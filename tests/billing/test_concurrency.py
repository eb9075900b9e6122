"""PostgreSQL only: races between concurrent checkouts and concurrent approvals."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from djmoney.money import Money

from billing import services
from billing.choices import PaymentMethod
from billing.models import DiscountCode, DiscountRedemption, Invoice, Refund
from orders.choices import MigrationStatus
from orders.models import Migration
from tests.factories import StaffFactory
from tests.factories.billing import (
    DiscountCodeFactory,
    PaymentFactory,
    RefundRequestFactory,
    priced_migration,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
UTC = dt.UTC
PAID_AT = dt.datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
NOW = dt.datetime(2026, 3, 20, 10, 0, tzinfo=UTC)


def run_together(n, work):
    """Start ``n`` threads at one barrier; each uses and closes its own connection."""
    barrier = threading.Barrier(n)
    outcomes: list = []
    lock = threading.Lock()

    def target(i):
        try:
            barrier.wait()
            result = work(i)
        except Exception as exc:  # noqa: BLE001 - collected and asserted on
            result = exc
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=target, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_20_concurrent_checkouts_of_a_single_use_code_give_one_discount(orders_contract):
    """BIL-7: usage limits are honoured exactly under concurrent checkouts."""
    DiscountCodeFactory(code="ONLYONE", usage_limit=1)
    ids = [priced_migration().pk for _ in range(20)]

    def checkout(i):
        m = Migration.objects.get(pk=ids[i])
        return services.order_confirm(migration=m, actor=None, discount_code="ONLYONE", now=NOW)

    outcomes = run_together(20, checkout)
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert len(errors) == 19
    assert all(isinstance(e, ValidationError) and "used up" in str(e) for e in errors)
    assert DiscountRedemption.objects.count() == 1
    assert DiscountCode.objects.get(code="ONLYONE").used_count == 1
    assert Migration.objects.filter(status=MigrationStatus.CONFIRMED).count() == 1


def test_20_concurrent_redemptions_without_the_orders_services():
    """BIL-7: the conditional update alone lets exactly one of 20 redemptions through."""
    DiscountCodeFactory(code="SOLO", usage_limit=1)
    ids = [priced_migration().pk for _ in range(20)]
    outcomes = run_together(20, lambda i: services.discount_redeem(
        migration=Migration.objects.get(pk=ids[i]), code="SOLO", actor=None, now=NOW))
    assert sum(not isinstance(o, Exception) for o in outcomes) == 1
    assert DiscountRedemption.objects.count() == 1


def test_two_concurrent_approvals_make_one_refund(orders_contract):
    """BIL-8: two finance users approving at once produce one refund."""
    m = priced_migration(status=MigrationStatus.RUNNING, paid_at=PAID_AT,
                         started_at=PAID_AT + dt.timedelta(days=1))
    PaymentFactory(migration=m, net_usd=Decimal("1000.00"),
                   amount=Money(Decimal("1000.00"), "USD"))
    request = RefundRequestFactory(
        migration=m, vendor_fault=True, engineer_verified_at=PAID_AT + dt.timedelta(days=9),
        problem_first_reported_at=PAID_AT + dt.timedelta(days=8))
    users = [StaffFactory(), StaffFactory()]
    outcomes = run_together(2, lambda i: services.refund_approve(
        request=request, actor=users[i], amount_usd=Decimal("300.00"), now=NOW))
    assert sum(isinstance(o, Refund) for o in outcomes) == 1
    assert Refund.objects.count() == 1
    assert Refund.objects.get().credit_note.number == "CN-2026-000001"


def test_concurrent_wire_invoices_get_distinct_gap_free_numbers():
    """BIL-2: invoice numbers stay unique and gap-free under concurrency."""
    ids = [priced_migration(status=MigrationStatus.CONFIRMED).pk for _ in range(10)]
    run_together(10, lambda i: services.payment_start(
        migration=Migration.objects.get(pk=ids[i]), method=PaymentMethod.WIRE, actor=None,
        now=NOW))
    assert sorted(Invoice.objects.values_list("sequence", flat=True)) == list(range(1, 11))


def test_concurrent_twin_notifications_are_applied_once(orders_contract, settings):
    """BIL-2: the same IPN delivered 5 times at once is applied exactly once."""
    from billing.choices import PaymentStatus
    from billing.models import ProviderNotification
    from billing.services import ipn

    settings.PAYPRO_IPN_VALIDATION_KEY = "k"
    settings.PAYPRO_IPN_ALLOWED_IPS = []
    m = priced_migration(status=MigrationStatus.CONFIRMED)
    payment = PaymentFactory(migration=m, status=PaymentStatus.PENDING, transaction_at=None)
    fields = {"IPN_TYPE_NAME": "OrderCharged", "ORDER_ID": "9001", "ORDER_ITEM_ID": "1",
              "ORDER_STATUS": "Processed", "ORDER_TOTAL_AMOUNT": "1000.00",
              "ORDER_CURRENCY_CODE": "USD", "CUSTOMER_EMAIL": "a@example.com",
              "ORDER_CUSTOM_FIELDS": f"x-payment_id={payment.pk}", "TEST_MODE": "0"}
    fields["SIGNATURE"] = ipn.ipn_signature(fields, "k")
    run_together(5, lambda i: ipn.ipn_receive(raw_body="...", fields=dict(fields), now=NOW))
    verdicts = sorted(ProviderNotification.objects.values_list("verdict", flat=True))
    assert verdicts.count("applied") == 1 and len(verdicts) == 5
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.COMPLETED


def test_concurrent_approvals_of_several_requests_never_exceed_the_cap(orders_contract):
    """BIL-9/BIL-12: six requests on one order approved at once stay within 30% in all."""
    m = priced_migration(status=MigrationStatus.RUNNING, paid_at=PAID_AT,
                         started_at=PAID_AT + dt.timedelta(days=1))
    PaymentFactory(migration=m, net_usd=Decimal("1000.00"),
                   amount=Money(Decimal("1000.00"), "USD"))
    facts = {"vendor_fault": True, "engineer_verified_at": PAID_AT + dt.timedelta(days=9),
             "problem_first_reported_at": PAID_AT + dt.timedelta(days=8)}
    requests = [RefundRequestFactory(migration=m, **facts) for _ in range(6)]
    for r in requests:  # open the connection work before the race
        r.refresh_from_db()
    outcomes = run_together(6, lambda i: services.refund_approve(
        request=requests[i], actor=None, amount_usd=Decimal("100.00"), now=NOW))
    assert sum(isinstance(o, Refund) for o in outcomes) == 3
    assert sum(r.amount_usd for r in Refund.objects.all()) == Decimal("300.00")
