"""Admin lists that stay fast at production size: what they show and how they search.

The speed itself is measured by ``make bench-scale`` (docs/performance.md); these tests
prove the behaviour the indexes serve: the queue's default, the search rules, the
capped count and the customer's paged lists, with constant query counts.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from billing.choices import PaymentPurpose
from slaportal.accounts.roles import Role
from slaportal.admin_base import CappedCountPaginator, looks_like_migration_id
from slaportal.plans.models import SupportPlan
from support.choices import TicketStatus
from support.models import Breach, Ticket, WeekendBooking
from tests.factories import CustomerFactory, PaymentFactory, StaffFactory
from tests.factories.orders import MigrationFactory

pytestmark = pytest.mark.django_db
QUEUE = reverse("admin:support_ticket_changelist")
PAYMENTS = reverse("admin:billing_payment_changelist")


def _ticket(customer, status=TicketStatus.OPEN, subject="Import fails", **kw) -> Ticket:
    now = timezone.now()
    plan = SupportPlan.objects.get(code="standard")
    return Ticket.objects.create(
        customer=customer, line="data", channel="web", plan=plan,
        priority_rank=plan.priority_rank, subject=subject, status=status,
        received_at=now, cycle_started_at=now,
        closed_at=now if status in (TicketStatus.CLOSED, TicketStatus.SOLVED) else None, **kw,
    )


@pytest.fixture
def engineer():
    return StaffFactory(role=Role.SUPPORT_ENGINEERS)


@pytest.fixture
def finance():
    return StaffFactory(is_superuser=True)


def _listed(client, url, **params) -> list[int]:
    response = client.get(url, params)
    assert response.status_code == 200
    return sorted(obj.pk for obj in response.context["cl"].result_list)


def test_queue_opens_on_open_work_and_closed_tickets_are_behind_a_filter(client, engineer):
    """SUP-3/SUP-14: new, open, waiting and reopened tickets are the queue; solved and
    closed ones are one filter away."""
    c = CustomerFactory()
    open_ = [_ticket(c, status=s) for s in (TicketStatus.NEW, TicketStatus.OPEN,
                                            TicketStatus.WAITING_ON_CUSTOMER,
                                            TicketStatus.REOPENED)]
    closed = _ticket(c, status=TicketStatus.CLOSED)
    solved = _ticket(c, status=TicketStatus.SOLVED)
    client.force_login(engineer)
    assert _listed(client, QUEUE) == sorted(t.pk for t in open_)
    assert _listed(client, QUEUE, status="closed") == [closed.pk]
    assert _listed(client, QUEUE, status="all") == sorted(
        [t.pk for t in open_] + [closed.pk, solved.pk])
    html = client.get(QUEUE).content.decode()
    assert "Open work" in html and "?status=all" in html
    # A status that does not exist lists nothing rather than failing.
    assert _listed(client, QUEUE, status="nonsense") == []


def test_breached_means_open_and_breached_unless_all_statuses_are_asked(client, engineer):
    """SUP-8: "Breached" in the queue is open work with a missed target; a closed ticket
    with a breach record shows only when all statuses are asked for."""
    c = CustomerFactory()
    past = timezone.now() - dt.timedelta(hours=2)
    overdue = _ticket(c, next_due_at=past)
    missed = _ticket(c, status=TicketStatus.CLOSED)
    Breach.objects.create(ticket=missed, customer=c, line="data", metric="first_response",
                          due_at=past, recorded_at=past)
    _ticket(c, next_due_at=timezone.now() + dt.timedelta(hours=5))
    client.force_login(engineer)
    assert _listed(client, QUEUE, due="breached") == [overdue.pk]
    assert _listed(client, QUEUE, due="breached", status="all") == sorted(
        [overdue.pk, missed.pk])


def test_ticket_search_by_whole_email_migration_id_and_subject_words(client, engineer):
    """SUP-2: engineers find a customer's tickets by the account e-mail (any case), by
    the Migration ID (ORD-1) and by words of the subject."""
    alice = CustomerFactory(user__email="Alice.Smith@Example.org")
    bob = CustomerFactory(user__email="bob@example.org")
    m = MigrationFactory(customer=bob, line="data")
    a1 = _ticket(alice, subject="Attachments missing")
    a2 = _ticket(alice, subject="Wrong author")
    b1 = _ticket(bob, subject="Attachments too large", migration=m)
    client.force_login(engineer)
    assert _listed(client, QUEUE, q="alice.smith@example.ORG") == sorted([a1.pk, a2.pk])
    assert _listed(client, QUEUE, q=m.migration_id.lower()) == [b1.pk]
    assert _listed(client, QUEUE, q="attachments") == sorted([a1.pk, b1.pk])
    assert _listed(client, QUEUE, q="nobody@example.org") == []
    # Bad input is a search that finds nothing, never an error.
    assert _listed(client, QUEUE, q="x" * 5000) == []
    assert client.get(QUEUE, {"q": "\x00attachments"}).status_code == 200
    # A word shaped like a Migration ID that is none is searched as a word.
    assert _listed(client, QUEUE, q="Attachment") == sorted([a1.pk, b1.pk])


def test_payment_search_by_email_finds_order_and_weekend_support_payments(client, finance):
    """BIL-3/SUP-11: finance finds every payment of a customer by the e-mail, whether it
    pays an order or a weekend support booking, and a payment by its Migration ID."""
    c = CustomerFactory(user__email="payer@example.org")
    order = PaymentFactory(migration=MigrationFactory(customer=c))
    booking = WeekendBooking.objects.create(
        customer=c, day=dt.date(2026, 3, 7), hours=4, hourly_rate=("50", "USD"),
        price=("200", "USD"), created_at=timezone.now(), booked_by=c.user)
    weekend = PaymentFactory(migration=None, weekend_booking=booking,
                             purpose=PaymentPurpose.WEEKEND_SUPPORT)
    PaymentFactory()  # someone else's
    client.force_login(finance)
    assert _listed(client, PAYMENTS, q="PAYER@example.org") == sorted([order.pk, weekend.pk])
    assert _listed(client, PAYMENTS, q=order.migration.migration_id) == [order.pk]


def test_migration_id_shape():
    """ORD-1: 10 characters of the alphabet without look-alikes."""
    assert looks_like_migration_id("abcdefgh23")
    assert looks_like_migration_id("attachment")  # a word can have the shape too
    assert not looks_like_migration_id("attachments")
    assert not looks_like_migration_id("ABCDEFGH01")  # 0 and 1 are not in the alphabet
    assert not looks_like_migration_id("ABCDEFGH2")


def test_list_count_is_capped(client, engineer, monkeypatch):
    """A list never counts more than the cap: the pages offered stop there (a filter or
    a search narrows it), whatever the table holds."""
    from support.admin.tickets import TicketAdmin

    monkeypatch.setattr(CappedCountPaginator, "cap", 3)
    monkeypatch.setattr(TicketAdmin, "list_per_page", 2)
    c = CustomerFactory()
    tickets = [_ticket(c) for _ in range(5)]
    client.force_login(engineer)
    first = client.get(QUEUE)
    assert first.context["cl"].result_count == 3
    assert first.context["cl"].paginator.num_pages == 2
    second = client.get(QUEUE, {"p": 2})
    assert [t.pk for t in second.context["cl"].result_list] == [tickets[2].pk]
    beyond = client.get(QUEUE, {"p": 3})
    assert beyond.status_code == 302 and "e=1" in beyond.url  # the admin's own refusal


def test_queue_query_count_does_not_grow_with_rows_or_searches(client, engineer):
    """The queue, its filters and its searches run the same queries for 2 and 40 rows."""
    c = CustomerFactory(user__email="many@example.org")
    client.force_login(engineer)

    def queries(**params) -> int:
        client.get(QUEUE, params)  # warm the calendar cache
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(QUEUE, params).status_code == 200
        return len(ctx.captured_queries)

    cases = [{}, {"status": "all"}, {"due": "breached"}, {"q": "many@example.org"},
             {"q": "import"}]
    for _ in range(2):
        _ticket(c)
    small = [queries(**p) for p in cases]
    for _ in range(38):
        _ticket(c)
    assert [queries(**p) for p in cases] == small


def test_a_deep_page_shows_the_same_rows_as_plain_paging(client, engineer, monkeypatch):
    """A deep page reads its ids first, then the rows: the rows and their order are those
    of the list's ordering at that offset."""
    from support.admin.tickets import TicketAdmin

    c = CustomerFactory()
    now = timezone.now()
    tickets = [_ticket(c, next_due_at=now + dt.timedelta(hours=h)) for h in (5, 1, 4, 2, 3, 6, 7)]
    expected = [t.pk for t in sorted(tickets, key=lambda t: t.next_due_at)]
    monkeypatch.setattr(TicketAdmin, "list_per_page", 2)
    monkeypatch.setattr(CappedCountPaginator, "deferred_join_from", 2)
    client.force_login(engineer)
    for page in (1, 2, 3, 4):
        response = client.get(QUEUE, {"p": page})
        assert [t.pk for t in response.context["cl"].result_list] == \
            expected[(page - 1) * 2:page * 2]
