"""Issue 16: a reply and a clarification request reach the customer as e-mails in the
portal's layout, HTML and text, with the request's page linked; the subject keeps
"[#reference]" so an answer by e-mail threads back (SUP-3, SUP-5)."""

import pytest
from django.core import mail
from django.urls import reverse

from support.services import ticket_clarify, ticket_reply

pytestmark = pytest.mark.django_db


def test_a_reply_and_a_clarification_are_e_mails_with_the_request_linked(
        open_ticket, engineer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = open_ticket("standard")
    (ack,) = mail.outbox
    engineer.full_name = "Taras Engineer"
    engineer.save()
    link = "http://127.0.0.1:8000" + reverse("support:detail", args=[ticket.pk])
    with django_capture_on_commit_callbacks(execute=True):
        ticket_reply(ticket=ticket, actor=engineer, body="Please try the import again.")
        ticket_clarify(ticket=ticket, actor=engineer, question="Which brand is it?")
    reply, clarification = mail.outbox[-2:]
    assert reply.subject == f"[#{ticket.reference}] {ticket.subject}"
    assert "Taras Engineer replied" in reply.body and "Please try the import again." in reply.body
    assert clarification.subject == f"[#{ticket.reference}] We need more information"
    assert "Which brand is it?" in clarification.body and "business days" in clarification.body
    for message in (reply, clarification):
        assert message.to == [ticket.customer.user.email]
        html, mimetype = message.alternatives[0]
        assert mimetype == "text/html" and f'href="{link}"' in html and link in message.body
    assert ack.subject == f"[#{ticket.reference}] {ticket.subject}"
    assert link in ack.body  # the acknowledgement links the request too
