"""One CMS week that crosses a weekend, a Ukrainian public holiday (Mon 2021-03-08,
International Women's Day, a day off before martial law) and an announced closure
(Tue 2021-03-09): every deadline of a ticket follows the calendar (CAL-8) — the first
response (SUP-5), the progress update (SUP-6) and the clarification waiting period with
the auto-close it leads to (SUP-3) — and each recompute is recorded with its cause."""

import datetime as dt

import pytest
import time_machine

from slaportal.calendars.models import BusinessCalendar, Closure
from slaportal.calendars.services import closure_save
from support.choices import TicketStatus
from support.models import Clarification
from support.services import (
    clarifications_expire_due,
    ticket_clarify,
    ticket_reply,
)

from .conftest import kyiv

pytestmark = pytest.mark.django_db


def _announce_closure(capture):
    calendar = BusinessCalendar.objects.get(slug="cms-tech")
    with time_machine.travel(kyiv(2021, 3, 4, 16), tick=False), capture(execute=True):
        closure_save(closure=Closure(calendar=calendar, starts_on=dt.date(2021, 3, 9),
                                     ends_on=dt.date(2021, 3, 9), public_note="Office move"))


def test_first_response_skips_weekend_holiday_and_the_announced_closure(
    open_ticket, django_capture_on_commit_callbacks
):
    """SUP-5/CAL-4/CAL-8: 3 business days on cms-tech from Thu 12:00 — Fri, (Sat, Sun,
    holiday Mon) Tue, Wed — then the closure of Tuesday moves it to Thursday."""
    with time_machine.travel(kyiv(2021, 3, 4, 12), tick=False):
        ticket = open_ticket("cms", now=kyiv(2021, 3, 4, 12))
    assert ticket.first_response_due_at == kyiv(2021, 3, 10, 12)
    _announce_closure(django_capture_on_commit_callbacks)
    ticket.refresh_from_db()
    assert ticket.first_response_due_at == ticket.next_due_at == kyiv(2021, 3, 11, 12)
    latest = ticket.history.order_by("-history_id").first()
    assert latest.first_response_due_at == kyiv(2021, 3, 11, 12)
    assert "New closure 2021-03-09" in latest.history_change_reason
    assert "cms-tech" in latest.history_change_reason


def test_the_update_deadline_follows_the_closure(
    open_ticket, engineer, django_capture_on_commit_callbacks
):
    """SUP-6/CAL-8: an update owed 1 business day after Friday 15:00 falls on Tuesday
    (holiday Monday skipped), then on Wednesday once Tuesday is closed."""
    ticket = open_ticket("cms", now=kyiv(2021, 3, 4, 12))
    ticket_reply(ticket=ticket, actor=engineer, body="Looking", now=kyiv(2021, 3, 5, 15))
    ticket.refresh_from_db()
    assert ticket.update_due_at == kyiv(2021, 3, 9, 15)
    _announce_closure(django_capture_on_commit_callbacks)
    ticket.refresh_from_db()
    assert ticket.update_due_at == ticket.next_due_at == kyiv(2021, 3, 10, 15)


def test_the_clarification_waiting_period_and_auto_close_follow_the_closure(
    open_ticket, engineer, django_capture_on_commit_callbacks, mailoutbox
):
    """SUP-3/CAL-8: the third request's 3 business days from Thu 15:00 end Wednesday
    15:00; the closure moves them, and the auto-close, to Thursday 15:00."""
    ticket = open_ticket("cms", now=kyiv(2021, 3, 4, 12))
    for hour in (13, 14, 15):
        ticket_clarify(ticket=ticket, actor=engineer, question="Your Migration ID?",
                       now=kyiv(2021, 3, 4, hour))
    third = Clarification.objects.get(ticket=ticket, number=3)
    assert third.expires_at == kyiv(2021, 3, 10, 15)
    _announce_closure(django_capture_on_commit_callbacks)
    third.refresh_from_db()
    assert third.expires_at == kyiv(2021, 3, 11, 15)
    change = third.history.order_by("-history_id").first()
    assert change.history_type == "~" and "New closure 2021-03-09" in change.history_change_reason
    # The superseded requests are not waiting any more and were left alone.
    assert not Clarification.objects.get(ticket=ticket, number=1).history.filter(
        history_type="~").exists()

    assert clarifications_expire_due(now=kyiv(2021, 3, 10, 16)) == 0
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.WAITING_ON_CUSTOMER
    assert clarifications_expire_due(now=kyiv(2021, 3, 11, 15)) == 1
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CLOSED

