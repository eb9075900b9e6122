"""The e-mails support sends customers: an engineer's reply and a request for more
information (SUP-3), kinds of ``slaportal.mail`` with a link to the request's page; the
subject keeps "[#reference]" so the customer's answer by e-mail threads back."""

from __future__ import annotations

from django.urls import reverse

from slaportal import mail


def _context(ticket) -> dict:
    customer = ticket.customer
    return {"name": customer.greeting,
            "ticket_reference": ticket.reference, "ticket_subject": ticket.subject,
            "link": reverse("support:detail", args=[ticket.pk]),
            "link_label": f"Open request {ticket.reference}"}


def ticket_link(ticket) -> str:
    return reverse("support:detail", args=[ticket.pk])


def reply_sent(ticket, message) -> None:
    author = message.author
    mail.send_kind("support/reply", to=[ticket.customer.user.email], context={
        **_context(ticket), "body": message.body,
        "author": (author.full_name or "Our support team") if author else "Our support team"})


def clarification_asked(ticket, question: str, days: int) -> None:
    outcome = "closed" if ticket.line == "cms" else "considered solved"
    mail.send_kind("support/clarification", to=[ticket.customer.user.email], context={
        **_context(ticket), "question": question, "days": days, "outcome": outcome})


_DEMO = {"name": "Alice Novak", "ticket_reference": "T-2026-000123",
         "ticket_subject": "Export of ticket attachments", "link": "/support/tickets/123/",
         "link_label": "Open request T-2026-000123"}

mail.kind("support/reply", title="Ticket reply",
          subject=lambda c: f"[#{c['ticket_reference']}] {c['ticket_subject']}",
          demo=lambda: {**_DEMO, "author": "Taras Support-Engineer",
                        "body": "The attachments are exported with the tickets; the files "
                                "over 20 MB follow in a second pass tonight."})
mail.kind("support/clarification", title="Clarification request",
          subject=lambda c: f"[#{c['ticket_reference']}] We need more information",
          demo=lambda: {**_DEMO, "question": "Which of your two Zendesk brands should the "
                        "attachments come from?", "days": 3, "outcome": "considered solved"})
