"""Inbound support e-mail (SUP-1 e-mail channel, SUP-2 account e-mail, SUP-4)."""

import io

import pytest
from django.core.management import call_command

from support.choices import Channel, InboundOutcome, MessageKind
from support.models import InboundEmail, Ticket
from support.services import inbound_email_process, support_stop
from tests.factories import SupportMigrationFactory

from .conftest import LONG, kyiv

pytestmark = pytest.mark.django_db
NOW = kyiv(2025, 11, 17, 10)


def raw(sender: str, subject: str, body: str, message_id: str = "") -> str:
    message_id = message_id or f"<{abs(hash((sender, subject, body)))}@example.com>"
    return (
        f"From: Client <{sender}>\nTo: support@vendor.test\nSubject: {subject}\n"
        f"Message-ID: {message_id}\nContent-Type: text/plain; charset=utf-8\n\n"
        f"{body}\n"
    )


def test_sender_matched_case_insensitively_creates_a_ticket(customer):
    """SUP-2/ACC-1 the sender is matched to the account in any letter case."""
    migration = SupportMigrationFactory(customer=customer, line="cms")
    result = inbound_email_process(
        raw=raw("cLIENT@EXAMPLE.COM", "Broken links",
                f"{LONG}\nMigration ID: {migration.migration_id}"), now=NOW)
    assert result.outcome == InboundOutcome.CREATED
    ticket = result.ticket
    assert ticket.customer == customer and ticket.channel == Channel.EMAIL
    assert ticket.migration == migration and ticket.intake_complete
    assert result.email.raw.startswith("From: Client")


def test_reference_in_subject_continues_the_ticket(customer):
    """SUP-5 a customer's e-mail with the ticket reference continues the ticket."""
    first = inbound_email_process(raw=raw("client@example.com", "Help", LONG), now=NOW).ticket
    result = inbound_email_process(
        raw=raw("client@example.com", f"Re: [#{first.reference}] Help", "More details"),
        now=kyiv(2025, 11, 17, 11))
    assert result.outcome == InboundOutcome.CONTINUED and result.ticket == first
    assert Ticket.objects.count() == 1
    assert first.messages.filter(kind=MessageKind.CUSTOMER).count() == 2


def test_unknown_sender_is_refused_and_the_message_kept(db):
    """SUP-2 an unknown sender gets a clear refusal; nothing is lost."""
    result = inbound_email_process(raw=raw("stranger@nowhere.test", "Hi", LONG), now=NOW)
    assert result.outcome == InboundOutcome.UNKNOWN_SENDER
    assert "could not match stranger@nowhere.test" in result.message
    assert not Ticket.objects.exists()
    stored = InboundEmail.objects.get()
    assert stored.outcome == InboundOutcome.UNKNOWN_SENDER and "stranger" in stored.raw


def test_stopped_customer_email_is_refused_and_kept(customer, manager):
    """SUP-4 new requests from a stopped customer are refused with a clear message."""
    support_stop(customer=customer, actor=manager, reason="Abuse")
    result = inbound_email_process(raw=raw("client@example.com", "Hi", LONG), now=NOW)
    assert result.outcome == InboundOutcome.SUPPORT_STOPPED
    assert "stopped" in result.message
    assert not Ticket.objects.exists() and InboundEmail.objects.count() == 1


def test_stopped_customer_email_gets_a_refusal_by_email_and_staff_see_it(
    customer, manager, open_ticket, mailoutbox, django_capture_on_commit_callbacks
):
    """SUP-4 an e-mail from a stopped customer (new or on an existing ticket) is answered
    by e-mail: support is stopped, how to reach the account manager; each attempt is kept
    on the customer with the stored e-mail; nothing is deleted."""
    from support.models import RefusedRequest

    ticket = open_ticket("standard", now=NOW)
    support_stop(customer=customer, actor=manager, reason="Abuse")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        inbound_email_process(raw=raw("client@example.com", "Hi again", LONG), now=NOW)
        inbound_email_process(
            raw=raw("client@example.com", f"Re: [#{ticket.reference}] Import", "Hello?"),
            now=NOW)
    refusals = list(RefusedRequest.objects.order_by("pk"))
    assert [(r.channel, r.subject, r.ticket_id, r.replied_to) for r in refusals] == [
        ("email", "Hi again", None, "client@example.com"),
        ("email", f"Re: [#{ticket.reference}] Import", ticket.pk, "client@example.com"),
    ]
    assert all(r.inbound_email_id and r.stop_id for r in refusals)
    assert [m.to for m in mailoutbox] == [["client@example.com"], ["client@example.com"]]
    body = mailoutbox[0].body
    assert "Support for this account has been stopped" in body
    assert "manager@vendor.test" in body and "SUP-" not in body
    assert Ticket.objects.count() == 1 and ticket.messages.count() == 2


def test_management_command_reads_a_file(customer, tmp_path):
    """SUP-1 the e-mail channel: the command takes a raw RFC 822 message."""
    path = tmp_path / "mail.eml"
    path.write_text(raw("Client@Example.com", "From the command", LONG))
    out = io.StringIO()
    call_command("support_inbound_email", str(path), stdout=out)
    assert "created" in out.getvalue()
    assert Ticket.objects.get().subject == "From the command"


def test_reference_to_another_customers_ticket_opens_a_new_one(customer):
    """ACC-3 an e-mail never continues another customer's ticket."""
    from tests.factories import CustomerFactory

    other = CustomerFactory(user__email="other@example.com")
    theirs = inbound_email_process(raw=raw("other@example.com", "Theirs", LONG), now=NOW).ticket
    result = inbound_email_process(
        raw=raw("client@example.com", f"[#{theirs.reference}] sneaky", LONG), now=NOW)
    assert result.outcome == InboundOutcome.CREATED
    assert result.ticket.customer == customer != other
    assert theirs.messages.filter(kind=MessageKind.CUSTOMER).count() == 1


def test_same_message_delivered_twice_opens_one_ticket(customer):
    """SUP-1 a redelivered e-mail (same Message-ID) does not open a second ticket."""
    message = raw("client@example.com", "Twice", LONG, message_id="<once@example.com>")
    first = inbound_email_process(raw=message, now=NOW)
    second = inbound_email_process(raw=message, now=NOW)
    assert second.ticket == first.ticket and Ticket.objects.count() == 1
    assert "Already processed" in second.message


def test_an_email_with_nul_bytes_is_stored_not_lost():
    """SUP-1 (found by tests/test_fuzz_endpoints.py on PostgreSQL): NUL characters are
    kept visible as \\x00 so the e-mail is stored and routed like any other."""
    from support.services import inbound_email_process

    result = inbound_email_process(raw="From: a\x00@example.com\nSubject: hi\x00\n\nbody\x00")
    assert result.email.pk
    assert "\x00" not in result.email.raw and "\\x00" in result.email.raw
