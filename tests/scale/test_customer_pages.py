"""The customer's own lists are paged: a customer with thousands of tickets and hundreds
of payments gets pages of 25 at the cost of one page, whatever the history holds."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import CustomerFactory, PaymentFactory
from tests.factories.orders import MigrationFactory

from .test_admin_lists import _ticket

pytestmark = pytest.mark.django_db


def _rows(response, name: str) -> list:
    assert response.status_code == 200
    return list(response.context[name])


def test_ticket_list_pages_newest_first_and_tolerates_bad_page_numbers(client):
    """SUP-1: the customer's tickets, newest first, 25 a page; a page number that is not
    one shows the first or the last page instead of an error."""
    customer = CustomerFactory()
    tickets = [_ticket(customer, subject=f"Question {i}") for i in range(30)]
    client.force_login(customer.user)
    url = reverse("support:list")
    first = _rows(client.get(url), "tickets")
    assert [t.pk for t in first] == [t.pk for t in reversed(tickets)][:25]
    assert [t.pk for t in _rows(client.get(url, {"page": 2}), "tickets")] == [
        t.pk for t in reversed(tickets[:5])]
    assert _rows(client.get(url, {"page": "abc"}), "tickets") == first
    assert len(_rows(client.get(url, {"page": "999"}), "tickets")) == 5
    html = client.get(url).content.decode()
    assert "Page 1 of 2" in html and "?page=2" in html


def test_payment_list_pages_without_queries_per_row(client):
    """BIL-3/BIL-4: the payments page shows 25 payments a page and runs the same queries
    for 3 payments as for 40."""
    customer = CustomerFactory()
    client.force_login(customer.user)
    url = reverse("billing:payment_list")

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    for _ in range(3):
        PaymentFactory(migration=MigrationFactory(customer=customer))
    few = queries()
    for _ in range(37):
        PaymentFactory(migration=MigrationFactory(customer=customer))
    assert queries() == few
    assert len(_rows(client.get(url), "payments")) == 25
    assert len(_rows(client.get(url, {"page": 2}), "payments")) == 15
    PaymentFactory()  # another customer's payment never shows
    assert len(_rows(client.get(url, {"page": 2}), "payments")) == 15
