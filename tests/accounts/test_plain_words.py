"""Issue 16: customer pages show no rule IDs — a service's refusal reads in plain words
on the customer's form and in their messages; staff pages keep the IDs."""

import pytest
from django.urls import reverse

from slaportal.formats import money_text, plain_words

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("message, plain", [
    ("Paid in advance (BIL-1).", "Paid in advance."),
    ("Partial (BIL-9, up to 30% of the price)", "Partial (up to 30% of the price)"),
    ("quoted (no discount applies, BIL-14), delivered", "quoted (no discount applies), delivered"),
    ("At most 3 per ticket (SUP-3); this has had 3.", "At most 3 per ticket; this has had 3."),
    ("Surcharges (BIL-5/BIL-12) are returned.", "Surcharges are returned."),
    ("No rule here (see the FAQ).", "No rule here (see the FAQ)."),
])
def test_rule_ids_are_taken_out_of_customer_messages(message, plain):
    assert plain_words(message) == plain


@pytest.mark.parametrize("value, currency, text", [
    ("971.850000000000", None, "US$971.85"),
    ("-12.5", None, "-US$12.50"),
    ("931.2", "EUR", "€931.20"),
    ("1234.5", "UAH", "UAH1,234.50"),
    (None, None, "—"),
])
def test_one_money_format(value, currency, text):
    assert money_text(value, currency) == text


def test_a_service_refusal_reads_without_its_rule_id_on_the_customer_page(client):
    """ORD-8's refusal carries its rule ID (staff see it); the customer's page does not."""
    from orders.choices import MigrationStatus
    from tests.factories import MigrationFactory

    m = MigrationFactory(status=MigrationStatus.PAID, kind="full")
    client.force_login(m.customer.user)
    page = client.post(reverse("orders:delta", args=[m.migration_id]), follow=True)
    text = page.content.decode()
    assert "A delta migration follows a completed full migration." in text
    assert "(ORD-8)" not in text
