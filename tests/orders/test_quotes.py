from decimal import Decimal

import pytest
from djmoney.money import Money

from orders import services
from orders.choices import QuoteLineKind
from orders.errors import OrderError
from orders.models import (
    MIGRATION_ID_ALPHABET,
    InsurancePlan,
    Migration,
    MigrationOption,
    PriceTable,
    QuoteLine,
)
from orders.services.quotes import cents, migration_price

pytestmark = pytest.mark.django_db


def test_migration_id_is_short_random_and_unique(order):
    """ORD-1: a Migration ID is short, unique, not a sequence number."""
    ids = {order().migration_id for _ in range(5)}
    assert len(ids) == 5
    for mid in ids:
        assert len(mid) == 10 and set(mid) <= set(MIGRATION_ID_ALPHABET)
        assert not mid.isdigit()


def test_catalogue_is_seeded_for_both_lines(platform):
    """ORD-3: platforms, price tables, options and tiers are seeded admin settings."""
    table = PriceTable.objects.get(source=platform("Zendesk"), target=platform("Freshdesk"))
    assert table.tiers.count() == 4
    assert PriceTable.objects.filter(line="cms").exists()
    assert MigrationOption.objects.filter(name="Migrate inline images").count() == 2
    assert InsurancePlan.objects.count() == 3


def test_price_per_record_falls_with_volume(platform):
    """ORD-3: graduated tiers — more records cost more in total, less per record."""
    table = PriceTable.objects.get(source=platform("Zendesk"), target=platform("Freshdesk"))
    # 5,000 at 0.05 = 250.00; 5,001..50,000 at 0.03
    assert migration_price(table, 5_000) == Decimal("250.00")
    assert migration_price(table, 10_000) == Decimal("400.00")
    assert migration_price(table, 100_000) / 100_000 < migration_price(table, 10_000) / 10_000
    # never below the table's minimum
    assert migration_price(table, 10) == Decimal("39.00")


def test_rounding_to_cents_is_half_up():
    """ORD-3: money rounded once, to cents, half up."""
    assert cents(Decimal("0.125")) == Decimal("0.13")
    assert cents(Decimal("0.124")) == Decimal("0.12")


def test_each_priced_part_is_its_own_quote_line(order, plan):
    """ORD-3/BIL-7: migration, option, support plan are separate lines."""
    option = MigrationOption.objects.get(line="data", code="custom-field-mapping")
    migration = order(plan_code="signature", records=10_000, options=[option])
    lines = list(migration.quote_lines.values_list("kind", "amount"))
    assert lines == [
        (QuoteLineKind.MIGRATION, Decimal("400.00")),
        (QuoteLineKind.OPTION, Decimal("99.00")),
        (QuoteLineKind.SUPPORT_PLAN, plan("signature").price.amount),
    ]


@pytest.mark.parametrize("restarts, percent", [(1, "7"), (2, "12"), (3, "25")])
def test_insurance_is_a_share_of_the_migration_price(order, restarts, percent):
    """ORD-13: 7% / 12% / 25% of the migration price, its own line."""
    insurance = InsurancePlan.objects.get(restarts=restarts)
    migration = order(line="cms", plan_code="cms", records=2_000, insurance=insurance)
    base = migration.quote_lines.get(kind=QuoteLineKind.MIGRATION).amount.amount
    line = migration.quote_lines.get(kind=QuoteLineKind.INSURANCE)
    assert line.amount.amount == cents(base * Decimal(percent) / 100)


def test_package_and_assisted_are_own_lines_on_cms(order):
    """ORD-11/ORD-12: package and assisted migration are priced lines of a CMS order."""
    migration = order(line="cms", plan_code="cms", records=900, package_tier="basic",
                      assisted_tier="premium")
    kinds = set(migration.quote_lines.values_list("kind", flat=True))
    assert {QuoteLineKind.PACKAGE, QuoteLineKind.ASSISTED} <= kinds
    assert migration.service_package.checklist.count() == 8


def test_package_page_limit_is_enforced(order):
    """ORD-12: Basic covers up to 1,000 pages."""
    with pytest.raises(OrderError, match="1,000 pages"):
        order(line="cms", plan_code="cms", records=1_001, package_tier="basic")
    assert not Migration.objects.exists()


def test_preview_saves_nothing(platform):
    """ORD-3: the wizard's preview prices without writing."""
    lines = services.quote_preview(line="data", source=platform("Zendesk"),
                                   target=platform("Freshdesk"), record_count=5_000)
    assert lines[0].amount == Money("250.00", "USD")
    assert not QuoteLine.objects.exists() and not Migration.objects.exists()


def test_preview_refuses_platform_of_other_line(platform):
    """ORD-3: platforms belong to one product line."""
    with pytest.raises(OrderError, match="product line"):
        services.quote_preview(line="data", source=platform("WordPress", "cms"),
                               target=platform("Freshdesk"), record_count=10)


def test_nonprofit_discount_only_on_orders_after_approval(order, customer, manager):
    """ORD-16: approved organisations get the discount on later orders only."""
    before = order(records=10_000)
    application = services.nonprofit_apply(customer=customer, organisation="Red Cross",
                                           evidence="Reg. 123", actor=customer.user)
    services.nonprofit_review(application=application, approve=True, actor=manager)
    after = order(records=10_000)
    assert before.quote_lines.get(kind="migration").amount.amount == Decimal("400.00")
    assert after.quote_lines.get(kind="migration").amount.amount == Decimal("340.00")
    customer.refresh_from_db()
    assert customer.nonprofit_status == "approved"


def test_only_a_quoted_order_is_repriced(order, manager):
    """ORD-3/ORD-4: the quote is fixed once confirmed."""
    m = order()
    services.migration_confirm(migration=m, actor=manager)
    with pytest.raises(OrderError, match="only a quoted order"):
        services.quote_price(migration=m, actor=manager)
    assert m.quote_lines.count() == 2


def test_wizard_preview_endpoint_prices_as_the_customer_types(client, customer):
    """ORD-3: the live preview answers the lines and the total; nothing saved."""
    from django.urls import reverse

    client.force_login(customer.user)
    url = reverse("orders:quote-preview")
    data = client.get(url, {"source": "data-zendesk", "target": "data-freshdesk",
                            "records": "5000", "plan": "premium"}).json()
    assert data["ok"] and data["lines"][0] == {
        "kind": "migration", "description": "Migration Zendesk → Freshdesk, 5,000 records",
        "amount": "250.00", "amount_text": "US$250.00"}
    assert [ln["kind"] for ln in data["lines"]] == ["migration", "support_plan"]
    bad = client.get(url, {"source": "data-zendesk", "target": "data-freshdesk",
                           "records": "0"})
    assert bad.status_code == 400 and "number of records" in bad.json()["message"]
    assert not Migration.objects.exists()


def test_wizard_preview_needs_a_login(client):
    """ACC-3: the preview is for signed-in customers."""
    from django.urls import reverse

    assert client.get(reverse("orders:quote-preview")).status_code == 302
