import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from djmoney.money import Money

from billing.choices import RefundReason, RefundRequestStatus
from billing.models import Payment, ProviderNotification, Refund, RefundRequest
from billing.services import refund_request_assess
from orders.choices import MigrationStatus
from slaportal.accounts.roles import Role
from tests.factories import StaffFactory
from tests.factories.billing import (
    DiscountCodeFactory,
    PaymentFactory,
    RefundRequestFactory,
    priced_migration,
)

pytestmark = pytest.mark.django_db
UTC = dt.UTC
PAID_AT = dt.datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
QUEUE = "admin:billing_refundrequest_changelist"
PINNED_QUEUE_QUERIES = 6


@pytest.fixture
def finance(client):
    user = StaffFactory(role=Role.FINANCE)
    client.force_login(user)
    return user


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def _requests(n):
    for _ in range(n):
        m = priced_migration(status=MigrationStatus.RUNNING, paid_at=PAID_AT)
        PaymentFactory(migration=m)
        RefundRequestFactory(migration=m, eligibility_summary="BIL-9 ✗ · BIL-11 ✓ · BIL-12 ✓",
                             eligible_amount_usd=Decimal("300.00"))


def test_refund_queue_query_count_is_fixed_for_10_and_100_rows(client, finance):
    """BIL-8/ACC-2: the refund queue runs a pinned number of queries at any size."""
    _requests(10)
    ten, response = _queries(client, reverse(QUEUE))
    assert "BIL-9 ✗" in response.content.decode()  # eligibility at a glance
    _requests(90)
    hundred, _ = _queries(client, reverse(QUEUE) + "?all=")
    assert ten == hundred == PINNED_QUEUE_QUERIES


def test_refund_request_page_lists_each_rule(client, finance):
    """BIL-8: finance sees which rule allowed or barred the refund."""
    m = priced_migration(status=MigrationStatus.RUNNING, paid_at=PAID_AT)
    PaymentFactory(migration=m)
    request = RefundRequestFactory(migration=m)
    page = client.get(reverse("admin:billing_refundrequest_change", args=[request.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "BIL-9" in text and "✗ fail" in text and "An engineer verified it" in text


def test_assessment_is_saved_through_the_service(client, finance):
    """BIL-9: the facts recorded on the change page re-run the evaluation; the
    verification is a support engineer's, never finance's own."""
    from django.core.exceptions import ValidationError

    from slaportal.accounts.roles import Role
    from tests.factories import StaffFactory

    m = priced_migration(status=MigrationStatus.RUNNING, paid_at=PAID_AT)
    PaymentFactory(migration=m)
    request = RefundRequestFactory(migration=m)
    with pytest.raises(ValidationError, match="not a support engineer"):
        refund_request_assess(request=request, actor=finance, vendor_fault=True,
                              engineer_verified_by=finance,
                              now=PAID_AT + dt.timedelta(days=20))
    request.refresh_from_db()
    assert request.engineer_verified_by is None and not request.vendor_fault
    engineer = StaffFactory(role=Role.SUPPORT_ENGINEERS)
    refund_request_assess(request=request, actor=finance, vendor_fault=True,
                          engineer_verified_by=engineer, now=PAID_AT + dt.timedelta(days=20))
    request.refresh_from_db()
    assert request.engineer_verified_at is not None
    assert request.eligibility_summary.startswith("BIL-9 ✓")


def test_approve_from_the_admin(client, finance, orders_contract):
    """BIL-8: finance approves with an amount within the cap from the change page."""
    m = priced_migration(status=MigrationStatus.RUNNING, paid_at=PAID_AT)
    PaymentFactory(migration=m)
    request = RefundRequestFactory(
        migration=m, vendor_fault=True, engineer_verified_at=PAID_AT + dt.timedelta(days=9),
        problem_first_reported_at=PAID_AT + dt.timedelta(days=8))
    url = reverse("admin:billing_refundrequest_approve", args=[request.pk])
    page = client.get(url)
    assert page.status_code == 200 and "300.00" in page.content.decode()
    too_much = client.post(url, {"amount_usd": "300.01"})
    assert "at most" in too_much.content.decode()
    assert not Refund.objects.exists()
    done = client.post(url, {"amount_usd": "120.00"})
    assert done.status_code == 302
    request.refresh_from_db()
    assert request.status == RefundRequestStatus.APPROVED
    assert Refund.objects.get().amount == Money(Decimal("120.00"), "USD")
    # Issue 16: afterwards the page shows the decision, not a recomputed "0.00" cap.
    after = client.get(url).content.decode()
    assert "This request is approved" in after and "120.00 USD" in after
    assert "computed amount" not in after and "<form" not in after.split("</h1>")[1]
    assert client.post(url, {"amount_usd": "1.00"}).status_code == 200
    assert Refund.objects.count() == 1  # a second approval changes nothing


def test_deny_from_the_admin(client, finance, orders_contract):
    """BIL-8: finance denies with a reason."""
    request = RefundRequestFactory(reason=RefundReason.NOT_USED)
    url = reverse("admin:billing_refundrequest_deny", args=[request.pk])
    assert client.post(url, {"reason": "Migration ran."}).status_code == 302
    request.refresh_from_db()
    assert (request.status, request.deny_reason) == (RefundRequestStatus.DENIED,
                                                     "Migration ran.")


def test_account_manager_cannot_decide(client):
    """ACC-2: account managers only view refund requests."""
    manager = StaffFactory(role=Role.ACCOUNT_MANAGERS)
    client.force_login(manager)
    request = RefundRequestFactory(
        migration=priced_migration(customer__account_manager=manager))
    url = reverse("admin:billing_refundrequest_deny", args=[request.pk])
    assert client.post(url, {"reason": "no"}).status_code == 403
    assert RefundRequest.objects.get().status == RefundRequestStatus.SUBMITTED


def test_money_records_cannot_be_deleted_from_the_admin(client):
    """ACC-2: not even a superuser deletes a payment or a notification."""
    from slaportal.accounts.models import User

    admin_user = User.objects.create_superuser(email="root@example.com", password="x")
    client.force_login(admin_user)
    payment = PaymentFactory()
    url = reverse("admin:billing_payment_delete", args=[payment.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Payment.objects.filter(pk=payment.pk).exists()


@pytest.mark.parametrize("name", ["payment", "invoice", "providernotification", "discountcode",
                                  "refund", "creditnote", "exchangerate", "taxrule"])
def test_finance_lists_open(client, finance, name):
    """ACC-2: finance reaches every billing list."""
    PaymentFactory()
    ProviderNotification.objects.create(received_at=PAID_AT, raw_body="x=1")
    DiscountCodeFactory()
    assert client.get(reverse(f"admin:billing_{name}_changelist")).status_code == 200


def test_csv_export_lists_amounts_with_currency_and_totals_per_currency(client, finance):
    """BIL-3: the export never sums currencies raw."""
    PaymentFactory(net_usd=Decimal("100.00"), amount=Money(Decimal("100.00"), "USD"))
    PaymentFactory(net_usd=Decimal("110.00"), amount=Money(Decimal("100.00"), "EUR"),
                   exchange_rate=Decimal("1.10"))
    PaymentFactory(transaction_at=dt.datetime(2025, 1, 1, tzinfo=UTC))  # outside the period
    url = reverse("admin:billing_payment_export")
    assert client.get(url).status_code == 200  # the form
    response = client.get(url, {"date_from": "2026-03-01", "date_to": "2026-03-31"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    payments = [r for r in rows if r[0] == "payment"]
    assert sorted((r[7], r[8]) for r in payments) == [("100.00", "EUR"), ("100.00", "USD")]
    totals = {(r[0], r[8]): r[7] for r in rows if r[0].startswith("total")}
    assert totals == {("total payments", "EUR"): "100.00", ("total payments", "USD"): "100.00",
                      ("total payments converted", "USD"): "210.00"}


def test_export_form_rejects_a_reversed_period(client, finance):
    """BIL-3: bad input → a clear error, no file."""
    response = client.get(reverse("admin:billing_payment_export"),
                          {"date_from": "2026-03-31", "date_to": "2026-03-01"})
    assert "ends before it starts" in response.content.decode()


def test_account_managers_see_only_their_customers_payments_and_requests(client):
    """ACC-2/ACC-3: an account manager views the billing of the customers they manage."""
    manager = StaffFactory(role=Role.ACCOUNT_MANAGERS)
    mine = PaymentFactory(migration=priced_migration(customer__account_manager=manager))
    theirs = PaymentFactory()
    RefundRequestFactory(migration=mine.migration)
    RefundRequestFactory(migration=theirs.migration)
    client.force_login(manager)
    payments = client.get(reverse("admin:billing_payment_changelist"))
    assert [p.pk for p in payments.context["cl"].result_list] == [mine.pk]
    queue = client.get(reverse(QUEUE))
    assert [r.migration_id for r in queue.context["cl"].result_list] == [mine.migration_id]
    other = client.get(reverse("admin:billing_payment_change", args=[theirs.pk]))
    assert other.status_code == 302  # "does not exist" → back to the list


def test_queue_eligibility_is_refreshed_as_time_passes(orders_contract):
    """BIL-8/BIL-10: the stored at-a-glance column follows the 30-day validity."""
    from billing.services.refunds import refund_requests_reevaluate

    m = priced_migration(status=MigrationStatus.PAID, paid_at=PAID_AT)
    PaymentFactory(migration=m)
    request = RefundRequestFactory(migration=m, reason=RefundReason.NOT_USED)
    refund_requests_reevaluate(now=PAID_AT + dt.timedelta(days=10))
    request.refresh_from_db()
    assert "BIL-10 ✓" in request.eligibility_summary
    refund_requests_reevaluate(now=PAID_AT + dt.timedelta(days=31))
    request.refresh_from_db()
    assert "BIL-10 ✗" in request.eligibility_summary


def test_calendar_change_reevaluates_requests_of_its_line():
    """CAL-8/BIL-9: billing is a registered deadline owner for its calendars."""
    from slaportal.calendars.deadlines import deadline_owners

    owner = deadline_owners()["billing.refund_requests"]
    m = priced_migration(line="cms", status=MigrationStatus.RUNNING, paid_at=PAID_AT)
    PaymentFactory(migration=m)
    RefundRequestFactory(migration=m)
    assert owner(frozenset({"data-standard"})) == 0
    assert owner(frozenset({"cms-tech"})) == 1
    assert RefundRequest.objects.get().evaluated_at is not None


def test_payment_changelist_query_count_is_fixed(client, finance):
    """BIL-4/ACC-2: the payments list (with validity left) stays at a pinned count."""
    for _ in range(10):
        PaymentFactory()
    ten, response = _queries(client, reverse("admin:billing_payment_changelist"))
    assert "days" in response.content.decode() or "expired" in response.content.decode()
    for _ in range(90):
        PaymentFactory()
    hundred, _ = _queries(client, reverse("admin:billing_payment_changelist"))
    assert ten == hundred


def test_finance_opens_payment_and_refund_pages_read_only(client, finance, orders_contract):
    """ACC-2: money records open read-only; only the payout reference is editable."""
    m = priced_migration(status=MigrationStatus.RUNNING, paid_at=PAID_AT)
    payment = PaymentFactory(migration=m)
    request = RefundRequestFactory(
        migration=m, vendor_fault=True, engineer_verified_at=PAID_AT + dt.timedelta(days=9),
        problem_first_reported_at=PAID_AT + dt.timedelta(days=8))
    from billing.services import refund_approve

    refund = refund_approve(request=request, actor=finance,
                            now=PAID_AT + dt.timedelta(days=18))
    page = client.get(reverse("admin:billing_payment_change", args=[payment.pk]))
    assert page.status_code == 200 and "valid until" in page.content.decode().lower()
    url = reverse("admin:billing_refund_change", args=[refund.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"provider_reference": "PP-R-1"})
    assert response.status_code == 302
    refund.refresh_from_db()
    assert refund.provider_reference == "PP-R-1" and refund.paid_out_at is not None
    note = reverse("admin:billing_creditnote_change", args=[refund.credit_note.pk])
    assert client.post(note, {"text": "x"}).status_code == 403


def test_finance_records_the_assessment_on_the_change_page(client, finance):
    """BIL-9: finance records vendor fault and the verifying engineer; the summary follows."""
    m = priced_migration(status=MigrationStatus.RUNNING, paid_at=PAID_AT)
    PaymentFactory(migration=m)
    request = RefundRequestFactory(migration=m)
    engineer = StaffFactory(role=Role.SUPPORT_ENGINEERS)
    url = reverse("admin:billing_refundrequest_change", args=[request.pk])
    response = client.post(url, {
        "vendor_fault": "on", "engineer_verified_by": engineer.pk,
        "engineer_verified_at_0": "", "engineer_verified_at_1": "",
        "problem_resolved_at_0": "", "problem_resolved_at_1": "",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    request.refresh_from_db()
    assert request.vendor_fault and request.engineer_verified_by == engineer
    assert request.engineer_verified_at is not None
    assert request.eligibility_summary.startswith("BIL-9 ✓")


def test_finance_creates_and_withdraws_a_code_in_the_admin(client, finance):
    """BIL-7: codes are kept by finance; withdrawing stops new use."""
    from billing.models import DiscountCode

    form = client.get(reverse("admin:billing_discountcode_add")).content.decode()
    assert 'type="checkbox" name="kinds" value="full"' in form  # kinds by name, not JSON
    response = client.post(reverse("admin:billing_discountcode_add"), {
        "code": " spring ", "description": "Spring offer", "percent": "15",
        "valid_from_0": "", "valid_from_1": "", "valid_until_0": "", "valid_until_1": "",
        "applies_to_cms": "on", "kinds": ["full"], "usage_limit": "100",
        "per_customer_limit": "1",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    code = DiscountCode.objects.get()
    assert (code.code, code.applies_to_data, code.created_by) == ("SPRING", False, finance)
    assert code.kinds == ["full"]
    listing = client.get(reverse("admin:billing_discountcode_changelist"))
    assert "0 / 100" in listing.content.decode()  # usage at a glance
    client.post(reverse("admin:billing_discountcode_changelist"),
                {"action": "withdraw", "_selected_action": [code.pk]})
    code.refresh_from_db()
    assert code.withdrawn_at is not None


def test_finance_records_an_exchange_rate(client, finance):
    """BIL-3: rates are kept by finance in the admin."""
    from billing.models import ExchangeRate

    response = client.post(reverse("admin:billing_exchangerate_add"), {
        "currency": "EUR", "rate_to_usd": "1.0850", "valid_from_0": "2026-03-01",
        "valid_from_1": "00:00:00"})
    assert response.status_code == 302, response.content.decode()[:3000]
    rate = ExchangeRate.objects.get()
    assert rate.rate_to_usd == Decimal("1.085") and rate.created_by == finance


def test_finance_records_wire_funds_from_the_invoice_list(client, finance, orders_contract):
    """BIL-2: the funds of a wire transfer are recorded in the admin; the order is paid."""
    from billing.choices import PaymentMethod, PaymentStatus
    from billing.services import payment_start

    m = priced_migration(status=MigrationStatus.CONFIRMED)
    payment = payment_start(migration=m, method=PaymentMethod.WIRE, actor=None)
    client.post(reverse("admin:billing_invoice_changelist"),
                {"action": "record_funds", "_selected_action": [payment.invoice.pk]})
    payment.refresh_from_db()
    m.refresh_from_db()
    assert payment.status == PaymentStatus.COMPLETED and m.status == MigrationStatus.PAID
    assert payment.invoice.funds_recorded_by == finance
