"""SUP-3: clarification requests, the waiting period and the expiry job."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from support.choices import MessageKind, TicketStatus
from support.models import SupportSettings, TicketMessage
from support.services import (
    clarifications_expire_due,
    ticket_clarify,
    ticket_customer_message,
)
from support.tasks import expire_clarifications

from .conftest import kyiv

pytestmark = pytest.mark.django_db


def _ask_three(ticket, engineer):
    times = [kyiv(2025, 11, 17, 10), kyiv(2025, 11, 18, 10), kyiv(2025, 11, 19, 10)]
    for n, at in enumerate(times):
        ticket_clarify(ticket=ticket, actor=engineer, question=f"Phone please ({n + 1})",
                       item="phone", now=at)
    return times


def test_waiting_period_is_three_business_days(open_ticket, engineer):
    """SUP-3 the waiting period per request is 3 business days (a setting)."""
    ticket = open_ticket("standard", now=kyiv(2025, 11, 20, 10))  # Thursday
    c = ticket_clarify(ticket=ticket, actor=engineer, question="Phone?",
                       now=kyiv(2025, 11, 21, 10))  # Friday
    assert c.expires_at == kyiv(2025, 11, 26, 10)  # Wednesday
    SupportSettings.objects.filter(pk=1).update(waiting_period_days=1)
    c2 = ticket_clarify(ticket=ticket, actor=engineer, question="Phone?",
                        now=kyiv(2025, 11, 21, 11))
    assert c2.expires_at == kyiv(2025, 11, 24, 11)


def test_a_fourth_clarification_is_refused(open_ticket, engineer):
    """SUP-3 up to 3 clarification requests per ticket."""
    ticket = open_ticket("standard")
    _ask_three(ticket, engineer)
    with pytest.raises(ValidationError, match="At most 3 clarification requests"):
        ticket_clarify(ticket=ticket, actor=engineer, question="Again?",
                       now=kyiv(2025, 11, 19, 12))
    assert ticket.clarifications.count() == 3


def test_clarification_is_not_a_response(open_ticket, engineer):
    """SUP-5 asking for a missing item is not a response; the first response stays owed."""
    ticket = open_ticket("standard")
    ticket_clarify(ticket=ticket, actor=engineer, question="Phone?", now=kyiv(2025, 11, 17, 11))
    ticket.refresh_from_db()
    assert ticket.first_responded_at is None
    assert ticket.messages.filter(kind=MessageKind.CLARIFICATION).count() == 1


def test_third_unanswered_clarification_closes_only_after_the_waiting_period(
    open_ticket, engineer, django_capture_on_commit_callbacks
):
    """SUP-3 no relevant reply within the waiting period after the third request ->
    closed (CMS), with a message to the customer; not a minute before."""
    ticket = open_ticket("cms", now=kyiv(2025, 11, 17, 9))
    # Third: Wed 2025-11-19 10:00 + 3 business days = Mon 24 10:00, before cms-tech opens
    # -> the period ends at 11:00.
    _ask_three(ticket, engineer)
    assert ticket.clarifications.get(number=3).expires_at == kyiv(2025, 11, 24, 11)
    assert clarifications_expire_due(now=kyiv(2025, 11, 24, 10, 59)) == 0
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.WAITING_ON_CUSTOMER
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert clarifications_expire_due(now=kyiv(2025, 11, 24, 11)) == 1
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CLOSED
    notice = TicketMessage.objects.filter(ticket=ticket, kind=MessageKind.SYSTEM).last()
    assert "now closed" in notice.body
    assert mail.outbox[0].to == ["Client@Example.com"]
    # Run twice: nothing more happens.
    assert clarifications_expire_due(now=kyiv(2025, 11, 25, 10)) == 0


def test_data_line_ticket_is_considered_solved_by_the_beat_task(open_ticket, engineer):
    """SUP-3 on the data line the ticket is "considered solved"."""
    from unittest import mock

    ticket = open_ticket("standard", now=kyiv(2025, 11, 17, 9))
    _ask_three(ticket, engineer)
    with mock.patch("support.services.common.timezone.now", return_value=kyiv(2025, 12, 1, 9)):
        assert expire_clarifications.delay().get() == 1
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.SOLVED


def test_a_reply_within_the_period_keeps_the_ticket_open(open_ticket, engineer):
    """SUP-3 a reply within the waiting period answers the request."""
    ticket = open_ticket("cms", now=kyiv(2025, 11, 17, 9))
    _ask_three(ticket, engineer)
    ticket_customer_message(ticket=ticket, body="Here it is: +380441234567",
                            now=kyiv(2025, 11, 20, 10))
    assert clarifications_expire_due(now=kyiv(2025, 12, 1, 10)) == 0
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN
    assert ticket.clarifications.get(number=3).answered_at == kyiv(2025, 11, 20, 10)


def test_first_or_second_unanswered_request_does_not_close(open_ticket, engineer):
    """SUP-3 only the third request's waiting period closes the ticket."""
    ticket = open_ticket("cms", now=kyiv(2025, 11, 17, 9))
    ticket_clarify(ticket=ticket, actor=engineer, question="ID?", now=kyiv(2025, 11, 17, 10))
    assert clarifications_expire_due(now=kyiv(2025, 12, 30, 10)) == 0
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.WAITING_ON_CUSTOMER
