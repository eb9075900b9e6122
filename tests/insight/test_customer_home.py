"""Issue 16: the customer's home shows what waits for them, their migrations, their open
requests with the next promised time, and this month's SLA so far — with a fixed number
of queries however long their history."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from billing.choices import PaymentStatus
from orders.choices import MigrationStatus
from support.models import SlaTarget
from tests.factories import CustomerFactory, MigrationFactory
from tests.factories.billing import PaymentFactory

pytestmark = pytest.mark.django_db


def _target(ticket, *, missed=False, excluded=False):
    now = timezone.now()
    return SlaTarget.objects.create(
        ticket=ticket, customer=ticket.customer, line=ticket.line, plan=ticket.plan,
        metric="first_response", due_at=now, met_at=None if missed else now, missed=missed,
        excluded=excluded, recorded_at=now)


def test_home_lists_what_waits_and_the_months_promises(client, open_ticket, customer):
    ticket = open_ticket("standard", now=timezone.now() - dt.timedelta(hours=1))
    payment = PaymentFactory(status=PaymentStatus.PENDING, migration__customer=customer,
                             migration__status=MigrationStatus.CONFIRMED)
    confirmed = MigrationFactory(customer=customer, status=MigrationStatus.CONFIRMED)
    _target(ticket)
    _target(ticket, missed=True)
    _target(ticket, missed=True, excluded=True)  # an excluded breach is not counted
    client.force_login(customer.user)
    page = client.get(reverse("home")).content.decode()
    assert f"Payment of {payment.reference} waiting for the funds" in page
    assert f"Pay order {confirmed.migration_id}" in page
    assert reverse("support:detail", args=[ticket.pk]) in page and "Open requests (1)" in page
    assert "<strong>50%</strong> kept" in page and "1 of 2 response and update times met" in page


def test_home_runs_the_same_queries_however_many_records(client, django_assert_num_queries):
    customer = CustomerFactory()
    client.force_login(customer.user)
    client.get(reverse("home"))
    for _ in range(8):
        MigrationFactory(customer=customer, status=MigrationStatus.CONFIRMED)
        PaymentFactory(status=PaymentStatus.PENDING, migration__customer=customer)
    with django_assert_num_queries(12):  # session, user, customer, five lists, counts
        assert client.get(reverse("home")).status_code == 200
