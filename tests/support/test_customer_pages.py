"""Issue 7: the customers' support pages (support:list/new/detail/access/weekend)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, URLPattern, reverse
from django.utils import timezone
from djmoney.money import Money

from slaportal.calendars.models import BusinessCalendar, Closure
from support import urls as support_urls
from support.choices import BookingStatus, TicketStatus
from support.models import (
    SupportAccessGrant,
    TerminationRight,
    Ticket,
    TicketMessage,
    WeekendBooking,
)
from support.services import (
    access_grant,
    support_stop,
    ticket_add_note,
    ticket_clarify,
    ticket_close,
    ticket_create,
    ticket_reply,
)
from tests.factories import CustomerFactory, StaffFactory, SupportMigrationFactory

from .conftest import LONG, kyiv, set_plan

pytestmark = pytest.mark.django_db

MONDAY = kyiv(2025, 11, 17, 10)


@pytest.fixture
def at(monkeypatch):
    """Fix "now" for the views and services the request runs (time passed in)."""

    def set_now(moment: dt.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment.astimezone(dt.UTC))

    set_now(MONDAY)
    return set_now


@pytest.fixture
def signed_in(client, customer):
    client.force_login(customer.user)
    return client


def _text(response) -> str:
    return response.content.decode()


# --- pages render for their owner -------------------------------------------------


def test_every_page_renders_for_its_owner(signed_in, customer, open_ticket, at):
    """ACC-3 each support page renders for the customer who owns what it shows."""
    ticket = open_ticket("standard", now=MONDAY)
    migration = SupportMigrationFactory(customer=customer, line="data")
    pages = {
        reverse("support:list"): "Support",
        reverse("support:new"): "Open a ticket",
        reverse("support:detail", args=[ticket.pk]): ticket.reference,
        reverse("support:access", args=[migration.migration_id]): migration.migration_id,
        reverse("support:weekend"): "Weekend support",
    }
    for url, heading in pages.items():
        response = signed_in.get(url)
        assert response.status_code == 200, url
        assert "<h1>" in _text(response) and heading in _text(response), url
    listing = _text(signed_in.get(reverse("support:list")))
    assert ticket.subject in listing and ticket.reference in listing


# --- SUP-2 intake on the web form --------------------------------------------------


def test_missing_items_are_shown_inline_and_nothing_is_saved(signed_in, customer, at):
    """SUP-2 the web form names each missing item inline; nothing is saved."""
    cms = signed_in.post(reverse("support:new"), {
        "line": "cms", "subject": "Broken", "description": "short", "migration_id": "",
    })
    text = _text(cms)
    assert cms.status_code == 200
    assert "The Migration ID is missing." in text
    assert "The description is too short (at least 30 characters" in text
    data = signed_in.post(reverse("support:new"), {
        "line": "data", "subject": "Broken", "description": LONG, "phone": "12",
    })
    assert "A valid phone number in international format" in _text(data)
    assert Ticket.objects.count() == 0
    assert TicketMessage.objects.count() == 0


def test_another_customers_migration_id_is_refused(signed_in, customer, at):
    """SUP-2 the Migration ID must be the customer's own (ACC-3: same message as unknown)."""
    other = SupportMigrationFactory(line="cms")
    response = signed_in.post(reverse("support:new"), {
        "line": "cms", "subject": "Broken", "description": LONG,
        "migration_id": other.migration_id,
    })
    assert "There is no migration with this ID on your account" in _text(response)
    assert Ticket.objects.count() == 0


def test_phone_is_prefilled_from_the_profile(signed_in, customer, at):
    """SUP-2 the phone (data line) is prefilled from the customer's profile."""
    customer.phone = "+380 44 765 4321"
    customer.save()
    assert 'value="+380 44 765 4321"' in _text(signed_in.get(reverse("support:new")))


def test_forum_is_not_offered_on_the_web_form(signed_in, at):
    """SUP-1 the web form opens web tickets; the forum is not a channel offered here."""
    text = _text(signed_in.get(reverse("support:new")))
    assert "forum" not in text.lower()


def test_valid_ticket_shows_due_time_in_kyiv_with_customer_zone(signed_in, customer, at):
    """SUP-5 a web ticket shows its response due time in Kyiv time, the customer's zone
    beside it (CAL-5)."""
    customer.time_zone = "Europe/Warsaw"
    customer.save()
    set_plan(customer, "standard")
    response = signed_in.post(reverse("support:new"), {
        "line": "data", "subject": "Import fails", "description": LONG,
        "phone": "+380 44 123 4567",
    }, follow=True)
    ticket = Ticket.objects.get()
    assert ticket.channel == "web" and ticket.intake_complete
    assert ticket.customer == customer
    # 24 business hours of data-standard (Mon-Fri 09-18) from Monday 10:00.
    assert ticket.next_due_at == kyiv(2025, 11, 19, 16)
    text = _text(response)
    assert "Wed 19 Nov 2025, 15:00 Europe/Warsaw (16:00 Kyiv)" in text
    listing = _text(signed_in.get(reverse("support:list")))
    assert "Wed 19 Nov 2025, 15:00 Europe/Warsaw (16:00 Kyiv)" in listing


def test_cms_ticket_with_own_migration_is_opened(signed_in, customer, at):
    """SUP-2 a CMS request with the customer's Migration ID is complete."""
    migration = SupportMigrationFactory(customer=customer, line="cms")
    signed_in.post(reverse("support:new"), {
        "line": "cms", "subject": "Import fails", "description": LONG,
        "migration_id": migration.migration_id.lower(),
    })
    ticket = Ticket.objects.get()
    assert ticket.migration == migration and ticket.intake_complete


# --- ticket page ---------------------------------------------------------------------


def test_clarification_is_answered_from_the_page_and_the_clock_resumes(
    signed_in, customer, open_ticket, engineer, at
):
    """SUP-3 the open clarification is highlighted, answered from the page, and the
    paused clock resumes with what was left: the due time moves."""
    ticket = open_ticket("standard", now=MONDAY)
    assert ticket.next_due_at == kyiv(2025, 11, 19, 16)
    ticket_clarify(ticket=ticket, actor=engineer, question="Which browser do you use?",
                   now=kyiv(2025, 11, 17, 12))
    url = reverse("support:detail", args=[ticket.pk])
    at(kyiv(2025, 11, 18, 9))
    page = _text(signed_in.get(url))
    assert "We need more information" in page and "Which browser do you use?" in page
    assert "Waiting on you" in _text(signed_in.get(reverse("support:list")))
    at(kyiv(2025, 11, 18, 12))
    response = signed_in.post(url, {"body": "Firefox 120 on Linux."}, follow=True)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN
    assert ticket.clarifications.get().answered_at == kyiv(2025, 11, 18, 12)
    # 2 business hours ran before the pause; 22 are left from Tuesday 12:00.
    assert ticket.next_due_at == kyiv(2025, 11, 20, 16)
    text = _text(response)
    assert "We need more information" not in text
    assert "Thu 20 Nov 2025, 16:00 Kyiv" in text


def test_internal_notes_never_appear_on_customer_pages(
    signed_in, customer, open_ticket, engineer, at
):
    """SUP-5 internal notes are never shown to the customer; public replies are."""
    ticket = open_ticket("standard", now=MONDAY)
    ticket_add_note(ticket=ticket, actor=engineer, body="SECRET: customer is difficult")
    ticket_reply(ticket=ticket, actor=engineer, body="We are looking into it.",
                 now=kyiv(2025, 11, 17, 11))
    for url in (reverse("support:detail", args=[ticket.pk]), reverse("support:list")):
        text = _text(signed_in.get(url))
        assert "SECRET" not in text
    assert "We are looking into it." in _text(
        signed_in.get(reverse("support:detail", args=[ticket.pk]))
    )


def test_a_message_on_a_closed_ticket_reopens_it(signed_in, customer, open_ticket, engineer,
                                                  at):
    """SUP-14 writing on a solved ticket reopens it and starts a new response cycle."""
    ticket = open_ticket("standard", now=MONDAY)
    ticket_close(ticket=ticket, actor=engineer, now=kyiv(2025, 11, 17, 11))
    at(kyiv(2025, 11, 18, 10))
    signed_in.post(reverse("support:detail", args=[ticket.pk]), {"body": "Still broken."})
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.REOPENED and ticket.cycle == 2
    # A new 24-business-hour cycle from Tuesday 10:00.
    assert ticket.next_due_at == kyiv(2025, 11, 20, 16)


def test_empty_reply_is_refused_inline(signed_in, customer, open_ticket, at):
    """SUP-5 bad input is answered inline and nothing is saved."""
    ticket = open_ticket("standard", now=MONDAY)
    before = ticket.messages.count()
    response = signed_in.post(reverse("support:detail", args=[ticket.pk]), {"body": "  "})
    assert response.status_code == 200 and "This field is required." in _text(response)
    assert ticket.messages.count() == before


def test_ticket_shows_we_may_be_limited_without_access_grant(
    signed_in, customer, open_ticket, at
):
    """SUP-12 a ticket shows when no support access grant is active."""
    ticket = open_ticket("cms", now=MONDAY)
    url = reverse("support:detail", args=[ticket.pk])
    assert "we may be limited" in _text(signed_in.get(url))
    access_grant(migration=ticket.migration, actor=customer.user)
    assert "we may be limited" not in _text(signed_in.get(url))


# --- notices -------------------------------------------------------------------------


def test_announced_closures_are_shown(signed_in, customer, open_ticket, at):
    """CAL-4 closures of the calendars of the customer's plans are shown; others not."""
    open_ticket("standard", now=MONDAY)
    standard = BusinessCalendar.objects.get(slug="data-standard")
    delta = BusinessCalendar.objects.get(slug="data-delta-window")
    Closure.objects.create(calendar=standard, starts_on=dt.date(2025, 11, 24),
                           ends_on=dt.date(2025, 11, 24), public_note="Office move")
    Closure.objects.create(calendar=None, starts_on=dt.date(2025, 12, 1),
                           ends_on=dt.date(2025, 12, 2), public_note="Team offsite")
    Closure.objects.create(calendar=delta, starts_on=dt.date(2025, 11, 25),
                           ends_on=dt.date(2025, 11, 25), public_note="Not yours")
    Closure.objects.create(calendar=standard, starts_on=dt.date(2025, 11, 3),
                           ends_on=dt.date(2025, 11, 3), public_note="Long past")
    text = _text(signed_in.get(reverse("support:list")))
    assert "Support is closed on Mon 24 Nov 2025: Office move" in text
    assert "Support is closed on Mon 1 Dec 2025 – Tue 2 Dec 2025: Team offsite" in text
    assert "Not yours" not in text and "Long past" not in text


def test_right_of_termination_is_shown_when_it_applies(signed_in, customer, at):
    """SUP-9 the customer is shown the right of termination when flagged, not otherwise."""
    url = reverse("support:list")
    assert "right of termination" not in _text(signed_in.get(url))
    TerminationRight.objects.create(customer=customer, month=dt.date(2025, 11, 1),
                                    breach_count=6, flagged_at=MONDAY)
    text = _text(signed_in.get(url))
    assert "You have the right of termination" in text
    assert "November 2025" in text and "without penalty" in text


def test_stopped_customer_is_refused_and_nothing_is_saved(signed_in, customer, manager,
                                                          open_ticket, at):
    """SUP-4 a stopped customer's new request is refused with a clear message; nothing
    is saved or deleted."""
    ticket = open_ticket("standard", now=MONDAY)
    support_stop(customer=customer, actor=manager, reason="Abusive language")
    listing = _text(signed_in.get(reverse("support:list")))
    assert "Support for your account has been stopped" in listing
    assert ticket.subject in listing
    page = signed_in.get(reverse("support:new"))
    assert "Support for your account has been stopped" in _text(page)
    assert "<form method=\"post\" class=\"card\"" not in _text(page)
    response = signed_in.post(reverse("support:new"), {
        "line": "data", "subject": "Again", "description": LONG, "phone": "+380441234567",
    })
    assert response.status_code == 403
    messages_before = ticket.messages.count()
    refused = signed_in.post(reverse("support:detail", args=[ticket.pk]), {"body": "Hello?"})
    assert "manager@vendor.test" in _text(refused) and "SUP-4" not in _text(refused)
    assert Ticket.objects.count() == 1 and ticket.messages.count() == messages_before
    # Staff see each refused attempt on the customer.
    from support.models import RefusedRequest

    assert list(RefusedRequest.objects.order_by("pk").values_list(
        "channel", "subject", "ticket_id")) == [("web", "Again", None),
                                                 ("web", ticket.subject, ticket.pk)]


# --- SUP-12 support access -----------------------------------------------------------


def test_support_access_is_granted_and_revoked(signed_in, customer, at):
    """SUP-12 the customer grants support access to a migration, sees it, and revokes it."""
    migration = SupportMigrationFactory(customer=customer, line="data")
    url = reverse("support:access", args=[migration.migration_id])
    assert "No access granted" in _text(signed_in.get(url))
    response = signed_in.post(url, {"action": "grant"}, follow=True)
    grant = SupportAccessGrant.objects.get(migration=migration)
    assert grant.revoked_at is None and grant.granted_by == customer.user
    assert "Access granted" in _text(response) and "until the migration completes" in _text(
        response
    )
    at(kyiv(2025, 11, 18, 10))
    response = signed_in.post(url, {"action": "revoke"}, follow=True)
    grant.refresh_from_db()
    assert grant.revoked_at == kyiv(2025, 11, 18, 10)
    assert "No access granted" in _text(response)


def test_support_access_ends_when_the_migration_completes(signed_in, customer, at):
    """SUP-12 a completed migration cannot be granted access; the page says why."""
    migration = SupportMigrationFactory(customer=customer, line="data",
                                        completed_at=kyiv(2025, 11, 10, 10))
    url = reverse("support:access", args=[migration.migration_id])
    assert "support access ended then" in _text(signed_in.get(url))
    signed_in.post(url, {"action": "grant"})
    assert not SupportAccessGrant.objects.exists()


# --- SUP-11 weekend support ----------------------------------------------------------


def test_weekend_booking_is_refused_for_non_signature(signed_in, customer, at):
    """SUP-11 only SIGNATURE customers book weekend support; others are told why."""
    set_plan(customer, "premium")
    text = _text(signed_in.get(reverse("support:weekend")))
    assert "SIGNATURE customers only" in text and "PREMIUM" in text
    response = signed_in.post(reverse("support:weekend"),
                              {"day": "2025-11-22", "hours": "4", "action": "book"})
    assert response.status_code == 403
    assert not WeekendBooking.objects.exists()


def test_weekend_booking_is_priced_then_booked_pending_payment(signed_in, customer, at):
    """SUP-11 Signature: price = hours x rate shown before booking; the booking waits for
    payment in advance."""
    set_plan(customer, "signature")
    url = reverse("support:weekend")
    preview = signed_in.post(url, {"day": "2025-11-22", "hours": "4", "action": "preview"})
    price = str(Money(Decimal("240.00"), "USD"))
    assert price in _text(preview)
    assert not WeekendBooking.objects.exists()
    response = signed_in.post(url, {"day": "2025-11-22", "hours": "4", "action": "book"},
                              follow=True)
    booking = WeekendBooking.objects.get()
    assert booking.customer == customer and booking.hours == 4
    assert booking.price == Money(Decimal("240.00"), "USD")
    assert booking.status == BookingStatus.PENDING_PAYMENT
    try:
        pay = reverse("billing:pay_booking", args=[booking.pk])
    except NoReverseMatch:
        assert "Awaiting payment" in _text(response)
    else:
        assert pay in _text(response)


def test_weekend_booking_under_three_hours_is_refused_inline(signed_in, customer, at):
    """SUP-11 at least 3 hours a booking: fewer is answered inline, nothing booked."""
    set_plan(customer, "signature")
    response = signed_in.post(reverse("support:weekend"),
                              {"day": "2025-11-22", "hours": "2", "action": "book"})
    assert "Book at least 3 hours of weekend support" in _text(response)
    weekday = signed_in.post(reverse("support:weekend"),
                             {"day": "2025-11-24", "hours": "3", "action": "book"})
    assert "Choose a Saturday or a Sunday." in _text(weekday)
    assert not WeekendBooking.objects.exists()


# --- ACC-3 ---------------------------------------------------------------------------


def _patterns():
    return [p for p in support_urls.urlpatterns if isinstance(p, URLPattern)]


def test_another_customers_ids_are_404_on_every_pattern(signed_in, customer, engineer, at):
    """ACC-3 every support page with another customer's ticket id or Migration ID is a 404
    on GET and POST, and nothing changes; pages without ids never show their data."""
    other = CustomerFactory()
    set_plan(other, "standard")
    other_migration = SupportMigrationFactory(customer=other, line="cms")
    other_ticket = ticket_create(
        customer=other, line="cms", channel="web", subject="OTHER-SECRET subject",
        description=LONG, migration_id=other_migration.migration_id, now=MONDAY,
    )
    ids = {"pk": other_ticket.pk, "migration_id": other_migration.migration_id}
    posts = {"detail": {"body": "intrusion"}, "access": {"action": "grant"}}
    before = (TicketMessage.objects.count(), SupportAccessGrant.objects.count(),
              Ticket.objects.count())
    checked = 0
    for pattern in _patterns():
        params = list(pattern.pattern.converters)
        if not params:
            text = _text(signed_in.get(reverse(f"support:{pattern.name}")))
            assert "OTHER-SECRET" not in text and other_migration.migration_id not in text
            continue
        url = reverse(f"support:{pattern.name}", kwargs={k: ids[k] for k in params})
        assert signed_in.get(url).status_code == 404, url
        assert signed_in.post(url, posts.get(pattern.name, {})).status_code == 404, url
        checked += 1
    assert checked == 2
    assert (TicketMessage.objects.count(), SupportAccessGrant.objects.count(),
            Ticket.objects.count()) == before
    assert not TicketMessage.objects.filter(body="intrusion").exists()


def _urls_for(customer):
    ticket_id = 1
    migration = SupportMigrationFactory(customer=customer, line="cms")
    ids = {"pk": ticket_id, "migration_id": migration.migration_id}
    return [
        reverse(f"support:{p.name}", kwargs={k: ids[k] for k in p.pattern.converters})
        for p in _patterns()
    ]


def test_staff_are_sent_to_the_admin(client, customer, at):
    """ACC-2 staff using a customer page are redirected to the admin."""
    client.force_login(StaffFactory())
    for url in _urls_for(customer):
        response = client.get(url)
        assert response.status_code == 302 and response.url == reverse("admin:index"), url


def test_anonymous_visitors_are_sent_to_sign_in(client, customer, at):
    """ACC-1 anonymous visitors are sent to sign in first."""
    login = reverse("login")
    for url in _urls_for(customer):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(login), url
        assert client.post(url, {}).status_code == 302, url
    assert not Ticket.objects.exists()


def test_ticket_list_query_count_does_not_grow_with_tickets(
    signed_in, customer, open_ticket, django_assert_max_num_queries, at
):
    """ACC-3 the ticket list reads a constant number of queries (3 or 12 tickets)."""
    for _ in range(3):
        open_ticket("cms", now=MONDAY)
    with CaptureQueriesContext(connection) as few:
        assert signed_in.get(reverse("support:list")).status_code == 200
    for _ in range(9):
        open_ticket("cms", now=MONDAY)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = signed_in.get(reverse("support:list"))
    assert _text(response).count("/support/tickets/") == 12
