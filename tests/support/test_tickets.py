"""Tickets: intake (SUP-2), channels (SUP-1), stop support (SUP-4), messages (SUP-5),
transitions (SUP-3), Migration ID ownership and ACC-3."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from support.choices import IntakeItem, MessageKind, TicketStatus
from support.intake import phone_is_valid
from support.models import Ticket, TicketMessage
from support.selectors import customer_plan, tickets_for_customer
from support.services import (
    SupportStopped,
    support_resume,
    support_stop,
    ticket_close,
    ticket_create,
    ticket_customer_message,
    ticket_reply,
)
from tests.factories import CustomerFactory, SupportMigrationFactory

from .conftest import LONG, kyiv, set_plan

pytestmark = pytest.mark.django_db


def test_default_plans_per_line(customer):
    """SUP-10 a customer without a plan has the CMS plan / STANDARD."""
    assert customer_plan(customer=customer, line="cms").code == "cms"
    assert customer_plan(customer=customer, line="data").code == "standard"
    set_plan(customer, "premium")
    assert customer_plan(customer=customer, line="data").code == "premium"


def test_one_plan_per_line_is_a_database_constraint(customer):
    """SUP-10 a customer has one plan per product line."""
    from django.db import IntegrityError, transaction

    from slaportal.plans.models import CustomerPlan, SupportPlan

    set_plan(customer, "premium")
    with pytest.raises(IntegrityError), transaction.atomic():
        CustomerPlan.objects.create(customer=customer, line="data",
                                    plan=SupportPlan.objects.get(code="signature"))


def test_complete_data_request_passes_intake_and_is_acknowledged(
    open_ticket, django_capture_on_commit_callbacks
):
    """SUP-2 all items present; SUP-5 an automatic acknowledgement is not a response."""
    with django_capture_on_commit_callbacks(execute=True):
        ticket = open_ticket("standard")
    assert ticket.intake_complete and ticket.intake_missing == []
    kinds = list(ticket.messages.values_list("kind", flat=True))
    assert kinds == [MessageKind.CUSTOMER, MessageKind.AUTO_ACK]
    assert ticket.first_responded_at is None
    assert mail.outbox[-1].to == ["Client@Example.com"]
    assert f"[#{ticket.reference}]" in mail.outbox[-1].subject


def test_data_request_missing_phone_and_description_is_created_and_marked(customer):
    """SUP-2 a request lacking items is created, marked and lists each missing item."""
    ticket = ticket_create(customer=customer, line="data", channel="web", subject="Help",
                           description="broken", contact_phone="12345",
                           now=kyiv(2025, 11, 17, 10))
    assert Ticket.objects.filter(pk=ticket.pk).exists()
    assert not ticket.intake_complete
    assert ticket.intake_missing == [IntakeItem.PHONE, IntakeItem.DESCRIPTION]
    ack = TicketMessage.objects.get(ticket=ticket, kind=MessageKind.AUTO_ACK).body
    assert "phone number" in ack and "description is too short" in ack


def test_cms_request_without_migration_id_is_marked(customer):
    """SUP-2 CMS line: the Migration ID is required (phone is not)."""
    ticket = ticket_create(customer=customer, line="cms", channel="email", subject="Help",
                           description=LONG, now=kyiv(2025, 11, 17, 10))
    assert ticket.intake_missing == [IntakeItem.MIGRATION_ID]


def test_request_with_another_email_misses_the_account_email(customer):
    """SUP-2 the request must carry the e-mail of the customer's account."""
    ticket = ticket_create(customer=customer, line="data", channel="chat", subject="Help",
                           description=LONG, contact_phone="+44 20 7946 0958",
                           contact_email="someone@else.test", now=kyiv(2025, 11, 17, 10))
    assert ticket.intake_missing == [IntakeItem.ACCOUNT_EMAIL]
    same = ticket_create(customer=customer, line="data", channel="chat", subject="Help",
                         description=LONG, contact_phone="+44 20 7946 0958",
                         contact_email="CLIENT@example.com", now=kyiv(2025, 11, 17, 10))
    assert same.intake_complete


@pytest.mark.parametrize(
    ("phone", "ok"),
    [("+380 44 123 4567", True), ("+1 (415) 555-0100", True), ("+44.20.7946.0958", True),
     ("0441234567", False), ("+0441234567", False), ("+38", False), ("call me", False),
     ("", False)],
)
def test_phone_validation(phone, ok):
    """SUP-2 a valid phone number in international format (data line)."""
    assert phone_is_valid(phone) is ok


def test_migration_of_another_customer_is_refused(customer):
    """SUP-2/ACC-3 a Migration ID of another customer's migration is refused."""
    other = SupportMigrationFactory(customer=CustomerFactory(), line="cms")
    with pytest.raises(ValidationError, match="does not belong to this account"):
        ticket_create(customer=customer, line="cms", channel="web", subject="Help",
                      description=LONG, migration_id=other.migration_id)
    assert not Ticket.objects.exists()


def test_unknown_migration_id_is_refused(customer):
    """SUP-2 a Migration ID that does not exist is refused with a clear message."""
    with pytest.raises(ValidationError, match="No migration with ID"):
        ticket_create(customer=customer, line="cms", channel="web", subject="Help",
                      description=LONG, migration_id="NOPE123456")


def test_migration_found_by_id_in_any_case(customer):
    """SUP-2 the Migration ID links the ticket to the customer's migration."""
    migration = SupportMigrationFactory(customer=customer, line="cms")
    ticket = ticket_create(customer=customer, line="cms", channel="web", subject="Help",
                           description=LONG, migration_id=migration.migration_id.lower())
    assert ticket.migration == migration and ticket.intake_complete


def test_stopped_customer_is_refused_and_nothing_is_deleted(open_ticket, customer, manager):
    """SUP-4 after a manager stops support, new requests are refused; nothing deleted."""
    existing = open_ticket("standard")
    stop = support_stop(customer=customer, actor=manager, reason="Abusive language in chat")
    with pytest.raises(SupportStopped, match="Support for this account has been stopped"):
        open_ticket("standard")
    with pytest.raises(SupportStopped):
        ticket_customer_message(ticket=existing, body="Hello?")
    assert Ticket.objects.filter(pk=existing.pk).exists()
    assert Ticket.objects.count() == 1
    support_resume(stop=stop, actor=manager)
    assert open_ticket("standard").pk


def test_only_managers_stop_support(customer, engineer):
    """SUP-4 stopping support is a manager's decision, with a reason."""
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        support_stop(customer=customer, actor=engineer, reason="x")


def test_stop_needs_a_reason(customer, manager):
    """SUP-4 a stop carries its reason."""
    with pytest.raises(ValidationError, match="reason"):
        support_stop(customer=customer, actor=manager, reason="  ")


@pytest.mark.parametrize(("code", "final"), [("cms", TicketStatus.CLOSED),
                                             ("standard", TicketStatus.SOLVED)])
def test_line_decides_closed_or_solved(open_ticket, engineer, code, final):
    """SUP-3 CMS tickets end "closed", data-line tickets "considered solved"."""
    ticket = open_ticket(code)
    ticket = ticket_close(ticket=ticket, actor=engineer, note="Done")
    assert ticket.status == final and ticket.closed_at is not None


def test_closed_ticket_refuses_a_reply_until_reopened(open_ticket, engineer):
    """SUP-14 replying needs the ticket reopened first (status transitions as data)."""
    ticket = ticket_close(ticket=open_ticket("standard"), actor=engineer)
    with pytest.raises(ValidationError, match="Reopen"):
        ticket_reply(ticket=ticket, actor=engineer, body="hi")


def test_customer_message_on_a_solved_ticket_reopens_it(open_ticket, engineer):
    """SUP-14 a customer's reply to a solved ticket reopens it in a new cycle."""
    ticket = ticket_close(ticket=open_ticket("standard"), actor=engineer)
    ticket_customer_message(ticket=ticket, body="Still broken", now=kyiv(2025, 11, 24, 10))
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.REOPENED and ticket.cycle == 2
    assert ticket.first_response_due_at == kyiv(2025, 11, 26, 16)  # 8 + 9 + 7 h


def test_customer_sees_only_own_tickets(open_ticket, customer):
    """ACC-3 a customer sees only their own tickets."""
    mine = open_ticket("standard")
    other = CustomerFactory()
    ticket_create(customer=other, line="data", channel="web", subject="x", description=LONG)
    assert list(tickets_for_customer(customer=customer)) == [mine]
