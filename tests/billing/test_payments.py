import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from djmoney.money import Money

from billing import services
from billing.choices import PaymentMethod, PaymentPurpose, PaymentStatus
from billing.models import Invoice, Payment, Surcharge, TaxRule
from billing.selectors import payment_totals
from orders.choices import MigrationStatus
from tests.factories.billing import (
    DiscountCodeFactory,
    ExchangeRateFactory,
    PaymentFactory,
    priced_migration,
)

pytestmark = pytest.mark.django_db
UTC = dt.UTC
T0 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def confirmed(lines=None, **fields):
    return priced_migration(lines, status=MigrationStatus.CONFIRMED, **fields)


def test_payment_charges_the_full_order_total_in_advance():
    """BIL-1: the payment is the sum of every quote line, custom work included."""
    m = confirmed({"migration": "1000.00", "custom_work": "250.00", "insurance": "70.00"})
    payment = services.payment_start(migration=m, method=PaymentMethod.CARD, actor=None, now=T0)
    assert payment.amount == Money(Decimal("1320.00"), "USD")
    assert payment.status == PaymentStatus.PENDING


def test_only_a_confirmed_order_can_be_paid():
    """BIL-1/ORD-4: the order is confirmed (quote reviewed) before it is paid."""
    m = priced_migration(status=MigrationStatus.QUOTED)
    with pytest.raises(ValidationError, match="only a confirmed order"):
        services.payment_start(migration=m, method=PaymentMethod.CARD, actor=None, now=T0)
    assert not Payment.objects.exists()


def test_an_order_has_one_live_payment():
    """BIL-1: a second payment while one is live is refused."""
    m = confirmed()
    services.payment_start(migration=m, method=PaymentMethod.CARD, actor=None, now=T0)
    with pytest.raises(ValidationError, match="already has a live payment"):
        services.payment_start(migration=m, method=PaymentMethod.PAYPAL, actor=None, now=T0)
    assert Payment.objects.count() == 1


def test_payment_total_is_less_the_discount_of_the_code(orders_contract):
    """BIL-1/BIL-7: the full total less the discount redeemed at the Confirm step."""
    m = priced_migration({"migration": "1000.00", "insurance": "70.00"})
    DiscountCodeFactory(code="TEN", percent=Decimal("10"))
    services.order_confirm(migration=m, actor=None, discount_code="ten", now=T0)
    payment = services.payment_start(migration=m, method=PaymentMethod.CARD, actor=None, now=T0)
    assert payment.discount_usd == Decimal("100.00")
    assert payment.amount == Money(Decimal("970.00"), "USD")


def test_wire_transfer_issues_numbered_invoices_without_gaps():
    """BIL-2: a wire transfer gets an invoice numbered per year, INV-YYYY-NNNNNN."""
    numbers = []
    for _ in range(3):
        m = confirmed()
        p = services.payment_start(migration=m, method=PaymentMethod.WIRE, actor=None, now=T0)
        numbers.append(p.invoice.number)
    assert numbers == ["INV-2026-000001", "INV-2026-000002", "INV-2026-000003"]
    m = confirmed()
    next_year = dt.datetime(2027, 1, 5, 10, 0, tzinfo=UTC)
    p = services.payment_start(migration=m, method=PaymentMethod.WIRE, actor=None, now=next_year)
    assert p.invoice.number == "INV-2027-000001"


def test_card_payment_has_no_invoice():
    """BIL-2: only wire transfers are invoiced and wait for funds."""
    p = services.payment_start(migration=confirmed(), method=PaymentMethod.CARD, actor=None,
                               now=T0)
    assert not Invoice.objects.filter(payment=p).exists()


def test_wire_transfer_waits_for_funds_then_the_order_is_paid(orders_contract):
    """BIL-2/ORD-5: pending until finance records the funds; then paid."""
    m = confirmed()
    p = services.payment_start(migration=m, method=PaymentMethod.WIRE, actor=None, now=T0)
    m.refresh_from_db()
    assert (p.status, m.status) == (PaymentStatus.PENDING, MigrationStatus.CONFIRMED)
    arrived = T0 + dt.timedelta(days=3)
    services.invoice_record_funds(invoice=p.invoice, actor=None, now=arrived)
    p.refresh_from_db()
    m.refresh_from_db()
    assert p.status == PaymentStatus.COMPLETED
    assert p.transaction_at == arrived
    assert m.status == MigrationStatus.PAID
    with pytest.raises(ValidationError, match="already recorded"):
        services.invoice_record_funds(invoice=p.invoice, actor=None, now=arrived)


def test_payment_in_another_currency_records_amount_currency_and_rate():
    """BIL-3: prices in USD; a EUR payment records the amount, currency and rate used."""
    ExchangeRateFactory(currency="EUR", rate_to_usd=Decimal("1.25"),
                        valid_from=T0 - dt.timedelta(days=10))
    ExchangeRateFactory(currency="EUR", rate_to_usd=Decimal("2.00"),
                        valid_from=T0 + dt.timedelta(days=1))  # not yet in force
    p = services.payment_start(migration=confirmed(), method=PaymentMethod.CARD,
                               currency="EUR", actor=None, now=T0)
    assert p.amount == Money(Decimal("800.00"), "EUR")
    assert p.exchange_rate == Decimal("1.25")
    assert p.net_usd == Decimal("1000.00")


def test_payment_in_a_currency_without_a_rate_is_refused():
    """BIL-3: no rate recorded by finance → a clear error, nothing created."""
    with pytest.raises(ValidationError, match="No exchange rate for GBP"):
        services.payment_start(migration=confirmed(), method=PaymentMethod.CARD,
                               currency="GBP", actor=None, now=T0)
    assert not Payment.objects.exists()


def test_mixed_currency_totals_are_grouped_and_converted_never_summed_raw():
    """BIL-3: 100 USD + 100 EUR at 1.10 is 100 USD and 100 EUR, 210 USD — not 200."""
    PaymentFactory(net_usd=Decimal("100.00"), amount=Money(Decimal("100.00"), "USD"))
    PaymentFactory(net_usd=Decimal("110.00"), amount=Money(Decimal("100.00"), "EUR"),
                   exchange_rate=Decimal("1.10"))
    totals = payment_totals(Payment.objects.all())
    assert totals.by_currency == {"USD": Decimal("100.00"), "EUR": Decimal("100.00")}
    assert totals.usd_total == Decimal("210.00")
    assert totals.usd_total != sum(totals.by_currency.values())


def test_us_customers_pay_no_tax_others_pay_the_configured_rate():
    """BIL-6: fees exclude taxes; US federal/state taxes are covered by the vendor."""
    TaxRule.objects.update_or_create(country="DE", defaults={"name": "VAT",
                                                             "rate_percent": Decimal("19")})
    us = services.payment_start(migration=confirmed(), method=PaymentMethod.CARD,
                                country="US", actor=None, now=T0)
    de = services.payment_start(migration=confirmed(), method=PaymentMethod.CARD,
                                country="de", actor=None, now=T0)
    TaxRule.objects.filter(country="BR").delete()  # no rule configured for a country
    fr = services.payment_start(migration=confirmed(), method=PaymentMethod.CARD,
                                country="BR", actor=None, now=T0)
    assert (us.tax_usd, us.amount.amount) == (Decimal("0"), Decimal("1000.00"))
    assert (de.tax_name, de.tax_usd, de.amount.amount) == ("VAT", Decimal("190.00"),
                                                           Decimal("1190.00"))
    assert de.net_usd == Decimal("1000.00")  # the fee itself excludes the tax
    assert fr.tax_usd == Decimal("0")


def test_no_tax_rule_can_name_the_united_states():
    """BIL-6: the database refuses a US tax rule."""
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        TaxRule.objects.create(country="US", name="Sales tax", rate_percent=Decimal("8"))


# BIL-4: validity -------------------------------------------------------------------

def _paid(started=False):
    m = priced_migration(status=MigrationStatus.PAID,
                         started_at=T0 + dt.timedelta(days=2) if started else None)
    return PaymentFactory(migration=m, transaction_at=T0)


def test_payment_is_valid_through_day_30_and_cancelled_on_day_31(orders_contract):
    """BIL-4: valid for 30 days after the transaction; day 30 keeps it, day 31 cancels."""
    payment = _paid()
    assert services.payments_expire_due(now=T0 + dt.timedelta(days=30)) == 0
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.COMPLETED
    assert services.payments_expire_due(now=T0 + dt.timedelta(days=31)) == 1
    payment.refresh_from_db()
    payment.migration.refresh_from_db()
    assert payment.status == PaymentStatus.EXPIRED
    assert payment.migration.status == MigrationStatus.CONFIRMED  # payable again


def test_cancelled_payment_tells_the_customer_and_a_new_payment_is_possible(
    orders_contract, django_capture_on_commit_callbacks
):
    """BIL-4: the customer is told, and must pay again with a new payment."""
    payment = _paid()
    with django_capture_on_commit_callbacks(execute=True):
        services.payments_expire_due(now=T0 + dt.timedelta(days=31))
    assert len(mail.outbox) == 1
    assert payment.migration.migration_id in mail.outbox[0].subject
    assert mail.outbox[0].to == [payment.migration.customer.user.email]
    again = services.payment_start(migration=payment.migration, method=PaymentMethod.CARD,
                                   actor=None, now=T0 + dt.timedelta(days=32))
    assert again.pk != payment.pk and again.status == PaymentStatus.PENDING


def test_payment_of_a_started_migration_is_not_cancelled(orders_contract):
    """BIL-4: the migration ran within the 30 days; the payment stays."""
    payment = _paid(started=True)
    assert services.payments_expire_due(now=T0 + dt.timedelta(days=45)) == 0
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.COMPLETED


def test_expiry_job_is_idempotent(orders_contract):
    """BIL-4: running the job twice cancels once."""
    _paid()
    later = T0 + dt.timedelta(days=40)
    assert services.payments_expire_due(now=later) == 1
    assert services.payments_expire_due(now=later) == 0


def test_expiry_task_and_schedule_are_registered(orders_contract):
    """BIL-4: a beat job runs the cancellation."""
    from billing.schedules import PERIODIC_TASKS
    from billing.tasks import expire_payments

    assert "billing.expire_payments" in [job.task for job in PERIODIC_TASKS]
    assert expire_payments.name == "billing.expire_payments"
    assert expire_payments.delay().get() == 0


# BIL-5: surcharges (the whole path: tests/journeys/test_surcharge.py) ----------------

def test_surcharge_for_new_records_at_the_per_record_price():
    """BIL-5: 150 new records on a 1000-record order of 1000 USD → 150.00 USD; the
    support plan is not per record."""
    m = priced_migration({"migration": "1000.00", "support_plan": "300.00"},
                         status=MigrationStatus.PAID, paid_at=T0, record_count=1000)
    surcharge = services.surcharge_raise(migration=m, records_at_start=1150, actor=None,
                                         now=T0)
    assert surcharge.amount_usd == Decimal("150.00")
    assert surcharge.unit_price_usd == Decimal("1.000000")
    p = services.surcharge_payment_start(surcharge=surcharge, method=PaymentMethod.CARD,
                                         actor=None, now=T0)
    assert p.purpose == PaymentPurpose.SURCHARGE
    assert p.amount == Money(Decimal("150.00"), "USD")


def test_surcharge_per_record_price_keeps_decimals():
    """BIL-5: 999.99 USD for 3 records, 1 new → 333.33 (Decimal, rounded once); the
    discount is in the per-record price."""
    m = priced_migration({"migration": "999.99"}, status=MigrationStatus.PAID, paid_at=T0,
                         record_count=3)
    surcharge = services.surcharge_raise(migration=m, records_at_start=4, actor=None, now=T0)
    assert surcharge.amount_usd == Decimal("333.33")


@pytest.mark.parametrize("fields, message", [
    ({"status": MigrationStatus.CONFIRMED}, "paid order only"),
    ({"status": MigrationStatus.STOPPED, "paid_at": T0}, "stopped"),
    ({"kind": "delta", "status": MigrationStatus.PAID, "paid_at": T0}, "full migrations"),
])
def test_no_surcharge_on_an_order_it_does_not_apply_to(fields, message):
    """BIL-5: a paid full migration still in the vendor's care only."""
    m = priced_migration(record_count=10, **fields)
    with pytest.raises(ValidationError, match=message):
        services.surcharge_raise(migration=m, records_at_start=20, actor=None, now=T0)
    assert not Surcharge.objects.exists()
