"""Bad input on the order paths gets a clear message and changes nothing (never a 500)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from orders.models import Migration, Platform
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("records, message", [
    ("1" + "0" * 39, "at most 100,000,000 records"),
    ("100000000000000000000000", "at most 100,000,000 records"),
    ("100000001", "at most 100,000,000 records"),
    ("12\x00", "number of records"),
    ("1e3", "number of records"),
    ("-5", "Give the number of records"),
    ("", "number of records"),
])
def test_quote_preview_refuses_bad_record_counts_with_a_message(client, records, message):
    """ORD-3: the live price answers a count of 10^39, a NUL byte or a negative number
    with a 400 and a message saying what to give; nothing is saved."""
    client.force_login(CustomerFactory().user)
    src = Platform.objects.filter(line="data", is_source=True).first()
    tgt = Platform.objects.filter(line="data", is_target=True).exclude(pk=src.pk).first()
    response = client.get(reverse("orders:quote-preview"), {
        "source": src.slug, "target": tgt.slug, "records": records, "plan": "standard"})
    assert response.status_code == 400
    assert message.lower() in response.json()["message"].lower()
    assert not Migration.objects.exists()


def test_quote_preview_prices_a_count_within_the_limit(client):
    client.force_login(CustomerFactory().user)
    src = Platform.objects.filter(line="data", is_source=True).first()
    tgt = Platform.objects.filter(line="data", is_target=True).exclude(pk=src.pk).first()
    response = client.get(reverse("orders:quote-preview"), {
        "source": src.slug, "target": tgt.slug, "records": " 2500 ", "plan": "standard"})
    assert response.status_code == 200 and response.json()["ok"]
