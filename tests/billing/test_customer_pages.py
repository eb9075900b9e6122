"""The customers' billing pages (issue 7), through the Django test client, offline."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import URLPattern, reverse
from django.utils import timezone
from djmoney.money import Money

from billing import services
from billing.choices import PaymentMethod, PaymentStatus, RefundReason
from billing.models import (
    DataDeletionConfirmation,
    DiscountRedemption,
    Invoice,
    Payment,
    RefundRequest,
)
from billing.urls import urlpatterns
from orders.choices import MigrationStatus
from slaportal.formats import money_text
from support.models import WeekendBooking
from tests.factories import CustomerFactory, StaffFactory
from tests.factories.billing import DiscountCodeFactory, PaymentFactory, priced_migration

pytestmark = pytest.mark.django_db


def quoted(customer=None):
    fields = {"customer": customer} if customer else {}
    return priced_migration({"migration": "1000.00", "insurance": "70.00"}, **fields)


def test_confirm_with_code_then_card_checkout_marks_the_migration_paid(
    client, sandbox, orders_contract
):
    """BIL-7/ORD-4/BIL-2/ORD-5: the code takes 10% off the migration line only; card →
    the sandbox checkout → "Pay" → the migration is paid."""
    m = quoted()
    DiscountCodeFactory(code="WELCOME", percent=Decimal("10"))
    client.force_login(m.customer.user)

    page = client.get(reverse("billing:confirm", args=[m.migration_id]))
    assert page.status_code == 200 and b"Confirm order" in page.content

    resp = client.post(reverse("billing:confirm", args=[m.migration_id]),
                       {"discount_code": "welcome"})
    assert resp.status_code == 302
    assert resp.url == reverse("billing:pay", args=[m.migration_id])
    m.refresh_from_db()
    assert m.status == MigrationStatus.CONFIRMED

    page = client.get(resp.url)
    assert "−US$100.00" in page.content.decode()  # 10% of 1000, not of 1070
    assert '<td id="total">US$970.00</td>' in page.content.decode()

    resp = client.post(resp.url, {"method": PaymentMethod.CARD, "currency": "USD", "country": "US"})
    payment = Payment.objects.get(migration=m)
    assert payment.amount == Money(Decimal("970.00"), "USD")
    assert resp.status_code == 302
    assert resp.url == reverse("billing:sandbox_checkout", args=[payment.pk])

    client.post(resp.url)  # the sandbox's "Pay"
    m.refresh_from_db()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.COMPLETED and m.status == MigrationStatus.PAID
    page = client.get(reverse("billing:pay", args=[m.migration_id])).content.decode()
    assert '<span class="badge">Paid</span>' in page and "Completed" in page


@pytest.mark.parametrize("setup, message", [
    ({"withdrawn_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)}, "withdrawn"),
    ({"valid_until": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)}, "expired"),
    ({"usage_limit": 0}, "used up"),
])
def test_a_bad_code_is_an_inline_error_and_nothing_is_saved(client, setup, message):
    """BIL-7: a withdrawn, expired or used-up code → inline error; the order stays quoted."""
    m = quoted()
    DiscountCodeFactory(code="BAD", **setup)
    client.force_login(m.customer.user)
    for button in ("apply", "confirm"):
        page = client.post(reverse("billing:confirm", args=[m.migration_id]),
                           {"discount_code": "BAD", button: ""})
        assert page.status_code == 200 and message in page.content.decode()
    m.refresh_from_db()
    assert m.status == MigrationStatus.QUOTED
    assert not DiscountRedemption.objects.exists()


def test_apply_code_shows_the_discount_on_the_migration_line_and_saves_nothing(client):
    """BIL-7/BIL-14: "Apply code" shows 10% of the migration line (not of the insurance)
    and the new total; the order stays quoted and the code unused."""
    m = quoted()
    code = DiscountCodeFactory(code="WELCOME", percent=Decimal("10"), usage_limit=1)
    client.force_login(m.customer.user)
    page = client.post(reverse("billing:confirm", args=[m.migration_id]),
                       {"discount_code": "welcome", "apply": ""}).content.decode()
    assert '<td id="discount">−US$100.00</td>' in page
    assert '<td id="total">US$970.00</td>' in page
    m.refresh_from_db()
    code.refresh_from_db()
    assert m.status == MigrationStatus.QUOTED and code.used_count == 0
    assert not DiscountRedemption.objects.exists()


def test_wire_transfer_shows_a_numbered_invoice(client, orders_contract):
    """BIL-2/ORD-5: wire → a numbered invoice page; the migration starts when funds arrive."""
    m = quoted()
    client.force_login(m.customer.user)
    client.post(reverse("billing:confirm", args=[m.migration_id]), {"discount_code": ""})
    resp = client.post(reverse("billing:pay", args=[m.migration_id]),
                       {"method": PaymentMethod.WIRE, "currency": "USD", "country": "US"})
    invoice = Invoice.objects.get(payment__migration=m)
    assert resp.url == reverse("billing:invoice", args=[invoice.number])
    page = client.get(resp.url).content.decode()
    assert invoice.number in page and "US$1,070.00" in page
    assert "The migration starts when the funds arrive" in page
    assert "Our bank details" in page


def test_payments_page_shows_validity_left(client):
    """BIL-4: "valid until … (N days left)" for a completed payment."""
    payment = PaymentFactory(transaction_at=timezone.now() - dt.timedelta(days=10))
    client.force_login(payment.migration.customer.user)
    page = client.get(reverse("billing:payment_list")).content.decode()
    assert "valid until" in page and "days" in page and "left" in page
    assert payment.migration.migration_id in page


def test_payments_page_shows_the_rate_of_a_foreign_currency(client):
    """BIL-3: a payment not in USD shows its currency and the rate used."""
    payment = PaymentFactory(amount=Money(Decimal("909.09"), "EUR"),
                             exchange_rate=Decimal("1.100000"))
    client.force_login(payment.migration.customer.user)
    page = client.get(reverse("billing:payment_list")).content.decode()
    assert "rate 1.100000 USD per EUR" in page


def test_refund_form_bad_input_inline_nothing_saved(client):
    """BIL-8: a data-corruption request without the first-report date → inline error."""
    payment = PaymentFactory()
    client.force_login(payment.migration.customer.user)
    form_page = client.get(reverse("billing:refund_new")).content.decode()
    assert "When you first reported the problem" in form_page
    assert payment.migration.migration_id in form_page
    page = client.post(reverse("billing:refund_new"), {
        "migration": payment.migration.migration_id, "reason": RefundReason.DATA_CORRUPTION,
        "description": "Attachments lost."})
    assert page.status_code == 200
    assert "Give the date you first reported the problem." in page.content.decode()
    assert not RefundRequest.objects.exists()


def test_refund_form_offers_only_own_paid_orders(client):
    """BIL-8/ACC-3: another customer's order is not a valid choice; nothing saved."""
    mine = PaymentFactory()
    other = PaymentFactory()
    client.force_login(mine.migration.customer.user)
    page = client.post(reverse("billing:refund_new"), {
        "migration": other.migration.migration_id, "reason": RefundReason.NOT_USED,
        "description": "x"})
    assert page.status_code == 200 and "Select a valid choice" in page.content.decode()
    assert not RefundRequest.objects.exists()


def test_valid_request_shows_its_eligibility_rules(client, orders_contract):
    """BIL-8/BIL-10/BIL-11/BIL-12: the request's page lists each refund term in words
    (no rule IDs on a customer page) with pass/fail."""
    payment = PaymentFactory(transaction_at=timezone.now() - dt.timedelta(days=2))
    client.force_login(payment.migration.customer.user)
    resp = client.post(reverse("billing:refund_new"), {
        "migration": payment.migration.migration_id, "reason": RefundReason.NOT_USED,
        "description": "We changed our plans."})
    request = RefundRequest.objects.get()
    assert resp.url == reverse("billing:refund_detail", args=[request.pk])
    page = client.get(resp.url).content.decode()
    for topic in ("Full refund", "What can be refunded", "Payment and amount"):
        assert f"<td>{topic}</td>" in page
    assert "Pass" in page and "BIL-" not in page


def test_deletion_confirmation_after_a_full_refund(client, sandbox, orders_contract):
    """BIL-13: after a full refund the customer confirms deleting all migrated data."""
    m = quoted()
    user = m.customer.user
    services.order_confirm(migration=m, actor=user)
    payment = services.payment_start(migration=m, method=PaymentMethod.CARD, actor=user)
    services.payment_complete(payment=payment, actor=None)
    request = services.refund_request_submit(
        customer=m.customer, migration=m, reason=RefundReason.NOT_USED,
        description="Not used.", problem_first_reported_at=None, actor=user)
    services.refund_approve(request=request, actor=StaffFactory())
    client.force_login(user)
    page = client.get(reverse("billing:refund_list")).content.decode()
    assert "I confirm I have deleted all migrated data" in page
    confirmation = DataDeletionConfirmation.objects.get()
    url = reverse("billing:data_deletion_confirm", args=[confirmation.pk])
    client.post(url, {})  # box not ticked: nothing confirmed
    confirmation.refresh_from_db()
    assert confirmation.confirmed_at is None
    client.post(url, {"confirm": "on"})
    confirmation.refresh_from_db()
    assert confirmation.confirmed_at is not None and confirmation.confirmed_by == user
    assert "I confirm" not in client.get(reverse("billing:refund_list")).content.decode()


def _booking(customer):
    return WeekendBooking.objects.create(
        customer=customer, day=dt.date(2026, 11, 28), hours=Decimal("3"),
        hourly_rate=Money(Decimal("100"), "USD"), price=Money(Decimal("300"), "USD"),
        booked_by=customer.user, created_at=timezone.now(),
    )


def test_weekend_booking_awaits_a_payment_link(client):
    """SUP-11: paid in advance; no online payment yet, so the page says a link will come."""
    customer = CustomerFactory()
    booking = _booking(customer)
    client.force_login(customer.user)
    page = client.get(reverse("billing:pay_booking", args=[booking.pk])).content.decode()
    assert "Awaiting payment" in page and "payment link" in page


def _other_customers_ids() -> dict[str, object]:
    """One object of each kind, owned by a customer who is not the one signed in."""
    payment = PaymentFactory(method=PaymentMethod.WIRE)
    owner = payment.migration.customer
    invoice = Invoice.objects.create(number="INV-2026-9999", year=2026, sequence=9999,
                                     payment=payment, amount=payment.amount,
                                     issued_at=timezone.now())
    request = RefundRequest.objects.create(
        migration=payment.migration, customer=owner, reason=RefundReason.NOT_USED,
        description="x", submitted_at=timezone.now())
    quoted_m = quoted(customer=owner)
    from billing.models import Refund
    refund = Refund.objects.create(payment=payment, request=request, kind="full",
                                   amount_usd=Decimal("1"), amount=Money(1, "USD"),
                                   created_at=timezone.now())
    deletion = DataDeletionConfirmation.objects.create(
        migration=payment.migration, refund=refund, requested_at=timezone.now())
    from billing.models import Surcharge
    from orders.models import CustomWorkRequest

    type(payment.migration).objects.filter(pk=payment.migration_id).update(
        paid_at=timezone.now(), record_count=10)
    surcharge = Surcharge.objects.create(
        migration=payment.migration, records_ordered=10, records_at_start=20,
        unit_price_usd=Decimal("1"), amount_usd=Decimal("10"), source="admin",
        created_at=timezone.now())
    work = CustomWorkRequest.objects.create(customer=owner, description="Custom import",
                                            status="quoted", price=Money(100, "USD"),
                                            timeframe_days=5)
    return {
        "migration_id": quoted_m.migration_id, "number": invoice.number,
        "pk": {"billing:refund_detail": request.pk,
               "billing:data_deletion_confirm": deletion.pk,
               "billing:pay_surcharge": surcharge.pk, "billing:pay_custom_work": work.pk,
               "billing:payment_cancel": PaymentFactory(
                   migration=quoted_m, status="pending").pk},
        "booking_id": _booking(owner).pk,
        "payment_id": payment.pk,
    }


POST_ONLY = {"data_deletion_confirm", "pay_cancel", "payment_cancel"}


def test_another_customers_ids_are_404_on_every_page(client, sandbox):
    """ACC-3: every billing URL that takes an id (but the IPN) → 404 for another
    customer, on GET and POST, and nothing changes."""
    ids = _other_customers_ids()
    client.force_login(CustomerFactory().user)
    counts = lambda: (Payment.objects.count(), RefundRequest.objects.count(),  # noqa: E731
                      DiscountRedemption.objects.filter().count(),
                      DataDeletionConfirmation.objects.filter(confirmed_at=None).count(),
                      list(Payment.objects.values_list("status", flat=True)))
    before = counts()
    walked = 0
    for pattern in urlpatterns:
        assert isinstance(pattern, URLPattern)
        params = list(pattern.pattern.converters)
        if not params or pattern.name == "paypro_ipn":
            continue
        name = f"billing:{pattern.name}"
        kwargs = {}
        for p in params:
            value = ids[p]
            kwargs[p] = value[name] if isinstance(value, dict) else value
        url = reverse(name, kwargs=kwargs)
        for method in (client.get, client.post):
            resp = method(url, {"discount_code": "", "method": "card", "currency": "USD",
                                "confirm": "on"})
            assert resp.status_code in (404, 405), (url, resp.status_code)
            if method is client.post or pattern.name not in POST_ONLY:
                assert resp.status_code == 404, (url, method)
        walked += 1
    assert walked == 14
    assert counts() == before


@pytest.mark.parametrize("name, args", [
    ("billing:payment_list", []), ("billing:refund_list", []), ("billing:refund_new", []),
    ("billing:confirm", ["X"]), ("billing:pay", ["X"]),
])
def test_staff_go_to_admin_and_anonymous_to_sign_in(client, name, args):
    """ACC-3: customer pages are for customers; staff → admin, anonymous → sign-in."""
    url = reverse(name, args=args)
    resp = client.get(url)
    assert resp.status_code == 302 and resp.url.startswith(reverse("login"))
    client.force_login(StaffFactory())
    resp = client.get(url)
    assert resp.status_code == 302 and resp.url == reverse("admin:index")


def test_order_built_by_the_orders_services_confirms_and_pays(client, sandbox,
                                                              orders_contract):
    """BIL-7/BIL-14/ORD-4/BIL-2: a quote from ``quote_build`` (with an insurance line):
    the code discounts the migration price line only; card → sandbox → paid."""
    from orders import services as orders_services
    from orders.choices import QuoteLineKind
    from orders.models import InsurancePlan, Platform
    from slaportal.plans.models import SupportPlan

    customer = CustomerFactory()
    m = orders_services.quote_build(
        customer=customer, line="cms", source=Platform.objects.get(name="WordPress", line="cms"),
        target=Platform.objects.get(name="Drupal", line="cms"), record_count=10_000,
        actor=customer.user, support_plan=SupportPlan.objects.get(code="cms"),
        insurance=InsurancePlan.objects.first(),
    )
    lines = list(m.quote_lines.all())
    migration_price = sum(li.amount.amount for li in lines if li.kind == QuoteLineKind.MIGRATION)
    total = sum(li.amount.amount for li in lines if li.kind != QuoteLineKind.SURCHARGE)
    assert total > migration_price > 0
    DiscountCodeFactory(code="TEN", percent=Decimal("10"))
    client.force_login(customer.user)
    client.post(reverse("billing:confirm", args=[m.migration_id]), {"discount_code": "TEN"})
    discount = (migration_price * Decimal("0.10")).quantize(Decimal("0.01"))
    page = client.get(reverse("billing:pay", args=[m.migration_id])).content.decode()
    assert f'<td id="total">{money_text(total - discount)}</td>' in page
    resp = client.post(reverse("billing:pay", args=[m.migration_id]),
                       {"method": PaymentMethod.PAYPAL, "currency": "USD", "country": "US"})
    client.post(resp.url)
    m.refresh_from_db()
    assert m.status == MigrationStatus.PAID
    assert Payment.objects.get(migration=m).net_usd == total - discount


def test_wire_invoice_shows_the_tax_of_the_billing_country(client, orders_contract):
    """BIL-6: fees exclude taxes; a German customer's invoice adds the configured VAT."""
    from billing.models import TaxRule

    TaxRule.objects.update_or_create(country="DE", defaults={"name": "VAT",
                                                             "rate_percent": Decimal("20")})
    m = quoted()
    client.force_login(m.customer.user)
    client.post(reverse("billing:confirm", args=[m.migration_id]), {"confirm": ""})
    resp = client.post(reverse("billing:pay", args=[m.migration_id]),
                       {"method": PaymentMethod.WIRE, "currency": "USD", "country": "de"})
    page = client.get(resp.url).content.decode()
    assert "VAT 20%" in page and "US$214.00" in page and "US$1,284.00" in page


def test_pay_in_a_foreign_currency_uses_the_recorded_rate(client, orders_contract):
    """BIL-3: the customer may pay in EUR; the amount is converted with finance's rate."""
    from tests.factories.billing import ExchangeRateFactory

    ExchangeRateFactory(currency="EUR", rate_to_usd=Decimal("1.070000"))
    m = quoted()
    client.force_login(m.customer.user)
    client.post(reverse("billing:confirm", args=[m.migration_id]), {"confirm": ""})
    client.post(reverse("billing:pay", args=[m.migration_id]),
                {"method": PaymentMethod.WIRE, "currency": "EUR", "country": "US"})
    assert Payment.objects.get(migration=m).amount == Money(Decimal("1000.00"), "EUR")


@pytest.mark.parametrize("country, message", [
    ("D1", "Choose your billing country from the list"),
    ("XX", "Choose your billing country from the list"),
    ("", "Choose your billing country: the tax depends on it"),
])
def test_billing_country_is_a_required_choice_and_bad_input_saves_nothing(
    client, orders_contract, country, message
):
    """BIL-6: the billing country is chosen from the ISO list and required (the tax
    depends on it); anything else is an inline error and no payment is made."""
    m = quoted()
    client.force_login(m.customer.user)
    client.post(reverse("billing:confirm", args=[m.migration_id]), {"confirm": ""})
    page = client.post(reverse("billing:pay", args=[m.migration_id]),
                       {"method": PaymentMethod.CARD, "currency": "USD", "country": country})
    assert message in page.content.decode()
    assert not Payment.objects.exists()


def test_the_tax_of_the_chosen_country_and_none_for_the_united_states(client, orders_contract):
    """BIL-6: the seeded rate of the customer's country is added as its own line; a US
    customer pays none."""
    from billing.models import TaxRule

    assert TaxRule.objects.filter(country="DE").exists()  # seeded, editable in the admin
    assert not TaxRule.objects.filter(country="US").exists()
    for country, taxed in (("de", True), ("US", False)):
        m = quoted()
        client.force_login(m.customer.user)
        client.post(reverse("billing:confirm", args=[m.migration_id]), {"confirm": ""})
        client.post(reverse("billing:pay", args=[m.migration_id]),
                    {"method": PaymentMethod.WIRE, "currency": "USD", "country": country})
        payment = Payment.objects.get(migration=m)
        assert payment.billing_country == country.upper()
        assert (payment.tax_usd > 0) is taxed
        # the order page shows the tax as its own line and the total charged with it
        page = client.get(reverse("billing:pay", args=[m.migration_id])).content.decode()
        assert f'<td id="tax">{money_text(payment.tax_usd)}</td>' in page
        assert f'<td id="charged">{money_text(payment.total_usd)}</td>' in page
        assert ("VAT for DE" in page) is taxed


def test_a_pending_card_payment_links_back_to_the_checkout(client, sandbox):
    """BIL-2: a card payment still waiting for the provider can be finished later."""
    payment = PaymentFactory(status=PaymentStatus.PENDING, transaction_at=None,
                             migration__status=MigrationStatus.CONFIRMED)
    client.force_login(payment.migration.customer.user)
    page = client.get(reverse("billing:payment_list")).content.decode()
    assert reverse("billing:sandbox_checkout", args=[payment.pk]) in page
    assert "valid until" not in page


def test_data_corruption_request_lists_the_bil9_rules(client):
    """BIL-9: a data-corruption request (first-report date from the date-time field) shows
    the partial-refund rules, the engineer's verification still failing."""
    payment = PaymentFactory(transaction_at=timezone.now() - dt.timedelta(days=5))
    client.force_login(payment.migration.customer.user)
    first = timezone.localtime(timezone.now() - dt.timedelta(days=4)).strftime("%Y-%m-%dT%H:%M")
    resp = client.post(reverse("billing:refund_new"), {
        "migration": payment.migration.migration_id, "reason": RefundReason.DATA_CORRUPTION,
        "description": "Attachments lost.", "problem_first_reported_at": first})
    request = RefundRequest.objects.get()
    assert request.problem_first_reported_at is not None
    page = client.get(resp.url).content.decode()
    assert "<td>Data corruption refund</td>" in page and "An engineer verified it" in page
    assert '<span class="badge bad">Fail</span>' in page


def test_the_first_report_time_is_read_in_the_customers_own_zone(client):
    """Issue 16: a customer in New York who types 09:00 means 09:00 New York time
    (16:00 Kyiv in winter), as the label says."""
    payment = PaymentFactory(transaction_at=timezone.now() - dt.timedelta(days=5))
    customer = payment.migration.customer
    customer.time_zone = "America/New_York"
    customer.save()
    client.force_login(customer.user)
    form = client.get(reverse("billing:refund_new")).content.decode()
    assert "When you first reported the problem (your time, America/New_York)" in form
    day = (timezone.localdate() - dt.timedelta(days=3)).isoformat()
    client.post(reverse("billing:refund_new"), {
        "migration": payment.migration.migration_id, "reason": RefundReason.DATA_CORRUPTION,
        "description": "Attachments lost.", "problem_first_reported_at": f"{day}T09:00"})
    stored = RefundRequest.objects.get().problem_first_reported_at
    from zoneinfo import ZoneInfo

    local = stored.astimezone(ZoneInfo("America/New_York"))
    assert (local.date().isoformat(), local.hour, local.minute) == (day, 9, 0)


def test_the_migration_page_total_takes_the_discount_off(client):
    """Issue 16 (BIL-7): after confirming with a code, the migration page's total is the
    quote less the discount, with the discount on its own line."""
    m = quoted()
    DiscountCodeFactory(code="WELCOME", percent=Decimal("10"), usage_limit=1)
    client.force_login(m.customer.user)
    client.post(reverse("billing:confirm", args=[m.migration_id]), {"discount_code": "welcome"})
    assert DiscountRedemption.objects.filter(migration=m).exists()
    page = client.get(reverse("orders:detail", args=[m.migration_id])).content.decode()
    assert '<th scope="row">Discount WELCOME (10%)</th><td>-US$100.00</td>' in page
    assert '<th scope="row">Total before tax</th><td><strong>US$970.00</strong></td>' in page
