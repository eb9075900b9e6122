"""Every admin list staff use daily runs a pinned number of queries, the same for 2 rows
as for 12 (so the same for 100 a page of a million), and every registered list answers.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from billing.models import RefundRequest
from support.models import Breach, TicketMessage
from tests.factories import (
    CustomerFactory,
    PaymentFactory,
    RefundRequestFactory,
    StaffFactory,
)
from tests.factories.orders import MigrationFactory

from .test_admin_lists import _ticket

pytestmark = pytest.mark.django_db

# The session, the user, the page of rows, the capped count, the filters' choices and,
# where a column needs them, the calendars (one query for all of them).
PINNED = {
    "support_ticket": 9,  # + the support settings and the bulk action's engineer list
    "support_ticketmessage": 5,
    "support_breach": 7,
    "orders_migration": 8,
    "billing_payment": 5,
    "billing_refundrequest": 5,
    "accounts_customer": 5,  # as a superuser: no permission queries
    "accounts_user": 6,
}


def _add_rows(n: int) -> None:
    customer = CustomerFactory()
    now = timezone.now()
    for _ in range(n):
        ticket = _ticket(customer)
        TicketMessage.objects.create(ticket=ticket, kind="customer", body="Help", created_at=now)
        Breach.objects.create(ticket=ticket, customer=customer, line="data",
                              metric="first_response", due_at=now - dt.timedelta(hours=1),
                              recorded_at=now)
        payment = PaymentFactory(migration=MigrationFactory(customer=customer))
        RefundRequestFactory(migration=payment.migration, customer=customer)
        CustomerFactory()
    assert RefundRequest.objects.count() >= n


def _queries(client, name: str) -> int:
    url = reverse(f"admin:{name}_changelist")
    client.get(url)  # process-wide caches (calendars) warm
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_daily_lists_run_pinned_queries_whatever_the_rows(client):
    """ACC-2/SUP-5/BIL-8: the lists account managers, engineers and finance use all day
    run the pinned queries for 2 and for 12 rows."""
    client.force_login(StaffFactory(is_superuser=True))
    _add_rows(2)
    few = {name: _queries(client, name) for name in PINNED}
    _add_rows(10)
    many = {name: _queries(client, name) for name in PINNED}
    assert few == many
    assert few == PINNED


def test_every_registered_list_answers(client):
    """Every list in the admin renders for a superuser (no list left unmeasured)."""
    client.force_login(StaffFactory(is_superuser=True))
    _add_rows(1)
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url
