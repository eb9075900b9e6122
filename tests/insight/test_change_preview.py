"""CAL-8 change preview: before a closure is saved, staff see how many open deadlines
would move and the ten that move most; nothing changes until they save."""

import pytest
from django.urls import reverse

from slaportal.calendars.models import BusinessCalendar, Closure
from support.models import Ticket
from tests.factories import StaffFactory
from tests.support.conftest import kyiv

pytestmark = pytest.mark.django_db


def test_the_preview_counts_the_deadlines_a_closure_moves_and_saves_nothing(
    client, open_ticket, engineer
):
    from support.services import ticket_clarify

    for _ in range(2):
        open_ticket("standard", now=kyiv(2025, 11, 17, 9))
    untouched = open_ticket("standard", now=kyiv(2025, 11, 24, 9))  # starts after it
    other_calendar = open_ticket("premium", now=kyiv(2025, 11, 17, 9))
    waiting = open_ticket("standard", now=kyiv(2025, 11, 17, 9))
    ticket_clarify(ticket=waiting, actor=engineer, question="Phone?",
                   now=kyiv(2025, 11, 17, 10))
    before = dict(Ticket.objects.values_list("pk", "next_due_at"))
    calendar = BusinessCalendar.objects.get(slug="data-standard")
    client.force_login(StaffFactory(is_superuser=True))
    data = {"calendar": calendar.pk, "starts_on": "2025-11-18", "ends_on": "2025-11-18",
            "public_note": "Office move", "_preview": "1"}
    page = client.post(reverse("admin:calendars_closure_add"), data)
    html = page.content.decode()
    assert page.status_code == 200 and not Closure.objects.exists()
    # Two first responses (Wed 15:00 -> Thu 15:00) and the waiting period (3 business
    # days from Mon 10:00: Thu -> Fri 10:00).
    assert "<strong>3 open deadlines would move</strong>" in html
    assert "support.tickets: 2" in html and "support.clarifications: 1" in html
    assert html.count("<td>2025-11-19 15:00</td><td>2025-11-20 15:00</td>") == 2
    assert f"T-{untouched.pk}" not in html and f"T-{other_calendar.pk}" not in html
    assert dict(Ticket.objects.values_list("pk", "next_due_at")) == before
    # Saving from the preview page saves the closure as previewed.
    saved = client.post(reverse("admin:calendars_closure_add"),
                        {k: v for k, v in data.items() if k != "_preview"} | {"_save": "1"})
    assert saved.status_code == 302
    assert Closure.objects.get().public_note == "Office move"


def test_a_preview_with_bad_dates_shows_the_form_errors(client):
    client.force_login(StaffFactory(is_superuser=True))
    page = client.post(reverse("admin:calendars_closure_add"),
                       {"starts_on": "2025-11-20", "ends_on": "2025-11-18", "_preview": "1"})
    assert page.status_code == 200 and not Closure.objects.exists()
    assert "errorlist" in page.content.decode()
