"""BIL-2: whatever a notification holds, the endpoint answers, stores it as received
(for finance to see) and applies nothing it cannot read."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from billing.choices import NotificationVerdict, PaymentStatus
from billing.models import ProviderNotification
from billing.services.ipn import parse_amount

from .test_ipn import FORM, URL, _key, fields_for, pending_payment  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("field, value", [
    ("ORDER_TOTAL_AMOUNT", "Infinity"),
    ("ORDER_TOTAL_AMOUNT", "NaN"),
    ("ORDER_TOTAL_AMOUNT", "1e400"),
    ("ORDER_TOTAL_AMOUNT", "1" * 40),
    ("ORDER_TOTAL_AMOUNT", "-1000.00"),
    ("CUSTOMER_EMAIL", "client\x00@example.com"),
    ("ORDER_ID", "777\x00001"),
])
def test_unreadable_notifications_are_stored_and_change_nothing(client, field, value):
    """Infinity, NaN, 1e400, 40 digits or a NUL byte: a 200 for the provider, the raw
    notification kept, a verdict saying why, and the payment still pending."""
    payment = pending_payment()
    fields = fields_for(payment, **{field: value})
    response = client.post(URL, urlencode(fields), content_type=FORM)
    assert response.status_code == 200
    n = ProviderNotification.objects.get()
    assert n.raw_body and n.verdict in (NotificationVerdict.FAILED,
                                        NotificationVerdict.REJECTED)
    assert n.error
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


def test_amounts_are_read_strictly():
    assert str(parse_amount("9.99")) == "9.99" and str(parse_amount(" 1000 ")) == "1000"
    for bad in ("Infinity", "NaN", "1e3", "1,000.00", "9.999", "1" * 11, "", None):
        assert parse_amount(bad) is None


def test_a_signature_with_non_ascii_characters_is_refused_not_a_500(client):
    """BIL-2 (found by tests/test_fuzz_endpoints.py): a forged signature of non-ASCII
    characters is a mismatch, stored with its verdict."""
    payment = pending_payment()
    fields = fields_for(payment)
    fields["SIGNATURE"] = "é" * 64
    response = client.post(URL, urlencode(fields), content_type=FORM)
    assert response.status_code == 200
    assert ProviderNotification.objects.get().verdict == NotificationVerdict.REJECTED
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
