"""Issue 16, done when: a new customer walks from the landing page to sign-up, order,
payment, the invoice PDF and a ticket, on a phone and on a desktop; every e-mail the
walk sends is in the outbox with its link, and the link opens the page it is about;
axe-core finds no critical or serious violation on any page of the walk."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from billing.models import Invoice
from orders.choices import MigrationKind, MigrationStatus
from orders.models import Migration
from slaportal.accounts.models import User
from support.models import Ticket
from support.services import ticket_reply
from tests.browser.axe import axe_violations
from tests.factories import StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-unusual-passphrase-91"
LINK = re.compile(r"https?://\S+")


def _links(message) -> list[str]:
    return LINK.findall(message.body)


@pytest.mark.parametrize("width, height", [(375, 740), (1366, 768)])
def test_a_new_customer_from_the_landing_page_to_invoice_and_ticket(
        browser, live_server, settings, width, height):
    settings.SITE_URL = live_server.url
    settings.PAYPRO_SANDBOX = True  # the provider's checkout, played offline
    settings.PAYPRO_ALLOW_TEST_MODE = True
    context = browser.new_context(base_url=live_server.url,
                                  viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(15_000)
    found: dict[str, list[str]] = {}
    email = f"olena{width}@kovalenko.example"

    def check(name: str) -> None:
        found[name] = axe_violations(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, name

    def mail_about(subject_part: str):
        matches = [m for m in mail.outbox if m.to == [email] and subject_part in m.subject]
        assert len(matches) == 1, (subject_part, [m.subject for m in mail.outbox])
        message = matches[0]
        links = _links(message)
        assert links and all(link.startswith(live_server.url) for link in links), links
        assert any(f'href="{link}"' in message.alternatives[0][0] for link in links)
        return message, links[0]  # the link of the e-mail (the footer names the site)

    try:
        # The front door: what is offered, then sign-up.
        page.goto("/")
        page.get_by_role("heading", level=1).wait_for()
        check("landing")
        page.get_by_role("link", name="Create an account").first.click()
        page.get_by_label("E-mail address").fill(email)
        page.get_by_label("Your name").fill("Olena Kovalenko")
        page.get_by_label("Organisation").fill("Kovalenko Help Desk")
        page.get_by_label("Phone").fill("+380501112233")
        page.get_by_label("Help-desk and business data").check()
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_label("Password again").fill(PASSWORD)
        check("signup")
        page.get_by_role("button", name="Create account").click()
        page.get_by_role("heading", name="Welcome, Olena").wait_for()
        check("home")
        customer = User.objects.get(email=email).customer
        _, link = mail_about("Welcome to")
        page.goto(link)
        page.get_by_role("heading", name="Welcome, Olena").wait_for()

        # Billing details for the invoice, on the profile.
        page.goto(reverse("profile"))
        page.get_by_label("Billing name").fill("Kovalenko Help Desk TOV")
        page.get_by_label("Billing address").fill("Khreshchatyk 10\nKyiv 01001")
        page.get_by_label("Country").select_option("UA")
        page.get_by_label("Tax ID").fill("UA-12345678")
        check("profile")
        page.get_by_role("button", name="Save").click()
        page.get_by_text("Your profile is saved.").wait_for()

        # Order: quote, confirm, pay by card in the sandbox.
        page.goto(reverse("orders:new"))
        page.get_by_role("radio", name="Data line").check()
        page.get_by_label("Source platform").select_option(label="Zendesk")
        page.get_by_label("Target platform").select_option(label="Freshdesk")
        page.get_by_label("Number of records").fill("12000")
        page.get_by_label("Support plan (data line)").select_option("premium")
        page.locator("#quote").get_by_text(re.compile("Total")).wait_for()
        check("order")
        page.get_by_role("button", name="Continue to confirm").click()
        page.wait_for_url(re.compile("/billing/confirm/"))
        full = Migration.objects.get(customer=customer, kind=MigrationKind.FULL)
        check("confirm")
        page.get_by_role("button", name="Confirm order").click()
        page.get_by_role("radio", name="Card").wait_for()
        _, link = mail_about(f"Order {full.migration_id} confirmed")
        page.goto(link)  # the confirmation links to the payment page
        page.get_by_role("radio", name="Card").check()
        page.get_by_label("Billing country").select_option("UA")
        check("pay")
        page.get_by_role("button", name="Pay", exact=True).click()
        page.get_by_role("button", name=re.compile(r"^Pay ")).click()
        page.wait_for_load_state()
        full.refresh_from_db()
        assert full.status == MigrationStatus.PAID

        # The receipt: the invoice attached, its link opens the invoice page, the PDF.
        invoice = Invoice.objects.get(payment__migration=full)
        receipt, link = mail_about(f"invoice {invoice.number}")
        assert receipt.attachments[0][0] == f"{invoice.number}.pdf"
        page.goto(link)
        page.get_by_role("heading", name=re.compile(invoice.number)).wait_for()
        assert page.get_by_text("Kovalenko Help Desk TOV").count() == 1
        assert page.get_by_text("UA-12345678").count() == 1
        check("invoice")
        href = page.get_by_role("link", name="Download PDF").get_attribute("href")
        pdf = page.request.get(href)
        assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
        assert pdf.body().startswith(b"%PDF")

        # A ticket: the acknowledgement links to it; an engineer's reply too.
        page.goto(reverse("support:new"))
        page.get_by_label("Product line").select_option("data")
        page.get_by_label("Migration ID").fill(full.migration_id)
        page.get_by_label("Subject").fill("Tickets from 2019 are missing")
        page.get_by_label("Description").fill(
            "After the demo, tickets created in 2019 are missing in Freshdesk. The error in "
            "the log says: 'rate limit exceeded (429)'.")
        check("ticket-new")
        page.get_by_role("button", name="Send request").click()
        page.get_by_role("heading", name=re.compile("Tickets from 2019")).wait_for()
        ticket = Ticket.objects.get(customer=customer)
        _, link = mail_about(f"[#{ticket.reference}] Tickets from 2019")
        ticket_reply(ticket=ticket, actor=StaffFactory(role="Support engineers", full_name="Taras"),
                     body="We are re-running the 2019 range with a lower request rate.")
        reply = [m for m in mail.outbox if m.to == [email] and "Taras replied" in m.body]
        assert len(reply) == 1 and link in _links(reply[0])
        page.goto(link)
        page.get_by_text("lower request rate").wait_for()
        check("ticket")
    finally:
        context.close()
    assert {name: v for name, v in found.items() if v} == {}
