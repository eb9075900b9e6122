import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from billing import services
from billing.models import DiscountCode, DiscountRedemption
from orders.choices import MigrationStatus
from tests.factories.billing import DiscountCodeFactory, priced_migration

pytestmark = pytest.mark.django_db
UTC = dt.UTC
NOW = dt.datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
LINES = {"migration": "1000.00", "insurance": "70.00", "support_plan": "300.00",
         "weekend_support": "90.00", "custom_work": "500.00", "option": "40.00"}


def test_code_takes_a_percentage_off_the_migration_line_only():
    """BIL-7/BIL-14: 20% of the 1000 USD migration line — not insurance, plans, options,
    weekend support or custom work."""
    m = priced_migration(LINES)
    DiscountCodeFactory(code="TWENTY", percent=Decimal("20"))
    redemption = services.discount_redeem(migration=m, code="twenty", actor=None, now=NOW)
    assert redemption.amount_usd == Decimal("200.00")


def test_percentage_keeps_cents_exact():
    """BIL-7: 12.5% of 999.99 rounds once, half up, to 125.00."""
    m = priced_migration({"migration": "999.99"})
    DiscountCodeFactory(code="ODD", percent=Decimal("12.5"))
    assert services.discount_redeem(migration=m, code="ODD", actor=None,
                                    now=NOW).amount_usd == Decimal("125.00")


@pytest.mark.parametrize("percent", ["0", "-5", "100.01"])
def test_percentage_must_be_above_0_and_at_most_100(percent):
    """BIL-7: the database refuses a percentage outside 0 < p ≤ 100."""
    with pytest.raises(IntegrityError), transaction.atomic():
        DiscountCode.objects.create(code="BAD", percent=Decimal(percent))


def test_one_code_per_order():
    """BIL-7: a second code on the same order is refused; the database backs it."""
    m = priced_migration()
    DiscountCodeFactory(code="A")
    DiscountCodeFactory(code="B")
    services.discount_redeem(migration=m, code="A", actor=None, now=NOW)
    with pytest.raises(ValidationError, match="already has a discount code"):
        services.discount_redeem(migration=m, code="B", actor=None, now=NOW)
    assert DiscountCode.objects.get(code="B").used_count == 0
    first = DiscountRedemption.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        DiscountRedemption.objects.create(
            code=DiscountCode.objects.get(code="B"), migration=m, customer=m.customer,
            percent=Decimal("10"), amount_usd=Decimal("1"), redeemed_at=NOW)
    assert DiscountRedemption.objects.get() == first


def test_code_outside_its_validity_window_is_refused():
    """BIL-7: codes may have a validity period."""
    DiscountCodeFactory(code="SPRING", valid_from=NOW + dt.timedelta(days=1))
    DiscountCodeFactory(code="WINTER", valid_until=NOW)
    for code, message in (("SPRING", "not valid yet"), ("WINTER", "expired")):
        with pytest.raises(ValidationError, match=message):
            services.discount_redeem(migration=priced_migration(), code=code, actor=None,
                                     now=NOW)
    assert not DiscountRedemption.objects.exists()


def test_code_applies_only_to_its_products():
    """BIL-7: a list of products (product lines and migration kinds)."""
    DiscountCodeFactory(code="CMSONLY", applies_to_data=False)
    DiscountCodeFactory(code="DELTA", kinds=["delta"])
    with pytest.raises(ValidationError, match="does not apply"):
        services.discount_redeem(migration=priced_migration(line="data"), code="CMSONLY",
                                 actor=None, now=NOW)
    with pytest.raises(ValidationError, match="does not apply"):
        services.discount_redeem(migration=priced_migration(kind="full"), code="DELTA",
                                 actor=None, now=NOW)
    ok = services.discount_redeem(migration=priced_migration(line="cms"), code="CMSONLY",
                                  actor=None, now=NOW)
    assert ok.code.code == "CMSONLY"


def test_withdrawn_code_stops_new_use():
    """BIL-7: the vendor may withdraw a code at any time."""
    code = DiscountCodeFactory(code="GONE")
    services.discount_redeem(migration=priced_migration(), code="GONE", actor=None, now=NOW)
    services.discount_code_withdraw(code=code, actor=None, now=NOW)
    with pytest.raises(ValidationError, match="withdrawn"):
        services.discount_redeem(migration=priced_migration(), code="GONE", actor=None,
                                 now=NOW + dt.timedelta(minutes=1))
    assert DiscountRedemption.objects.count() == 1


def test_usage_limit_is_honoured():
    """BIL-7: a code with a limit of 2 serves two orders, then is used up."""
    code = DiscountCodeFactory(code="TWICE", usage_limit=2)
    for _ in range(2):
        services.discount_redeem(migration=priced_migration(), code="TWICE", actor=None,
                                 now=NOW)
    with pytest.raises(ValidationError, match="used up"):
        services.discount_redeem(migration=priced_migration(), code="TWICE", actor=None,
                                 now=NOW)
    code.refresh_from_db()
    assert code.used_count == 2


def test_per_customer_limit_is_honoured():
    """BIL-7: a per-customer limit of 1; another customer may still use the code."""
    code = DiscountCodeFactory(code="ONCEEACH", per_customer_limit=1)
    first = priced_migration()
    services.discount_redeem(migration=first, code="ONCEEACH", actor=None, now=NOW)
    same_customer = priced_migration(customer=first.customer)
    with pytest.raises(ValidationError, match="as many times as allowed"):
        services.discount_redeem(migration=same_customer, code="ONCEEACH", actor=None, now=NOW)
    code.refresh_from_db()
    assert code.used_count == 1  # the refused use is not counted
    services.discount_redeem(migration=priced_migration(), code="ONCEEACH", actor=None, now=NOW)


def test_unknown_code_is_a_clear_error():
    """BIL-7: a mistyped code tells the customer, nothing changes."""
    with pytest.raises(ValidationError, match="No such discount code"):
        services.discount_redeem(migration=priced_migration(), code="NOPE", actor=None, now=NOW)


def test_code_only_at_the_confirm_step(orders_contract):
    """BIL-7/ORD-4: a code is entered at Confirm; a confirmed order takes no code later."""
    m = priced_migration()
    DiscountCodeFactory(code="LATE")
    services.order_confirm(migration=m, actor=None, now=NOW)
    m.refresh_from_db()
    assert m.status == MigrationStatus.CONFIRMED
    with pytest.raises(ValidationError, match="Confirm Migration step only"):
        services.order_confirm(migration=m, actor=None, discount_code="LATE", now=NOW)
    assert not DiscountRedemption.objects.exists()


def test_confirm_with_code_redeems_and_confirms_together(orders_contract):
    """BIL-7: the code is redeemed and the order confirmed in one step."""
    m = priced_migration()
    DiscountCodeFactory(code="OK10")
    services.order_confirm(migration=m, actor=None, discount_code="ok10", now=NOW)
    m.refresh_from_db()
    assert m.status == MigrationStatus.CONFIRMED
    assert DiscountRedemption.objects.get(migration=m).amount_usd == Decimal("100.00")


def test_confirm_with_a_bad_code_changes_nothing(orders_contract):
    """BIL-7: a refused code leaves the order quoted and the code unused."""
    m = priced_migration()
    code = DiscountCodeFactory(code="FULL", usage_limit=0)
    with pytest.raises(ValidationError, match="used up"):
        services.order_confirm(migration=m, actor=None, discount_code="FULL", now=NOW)
    m.refresh_from_db()
    code.refresh_from_db()
    assert m.status == MigrationStatus.QUOTED and code.used_count == 0
