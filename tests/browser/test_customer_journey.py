"""The whole customer journey in Chromium, with a screenshot of each page."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from orders.choices import MigrationKind, MigrationStatus
from orders.models import Migration, QuoteLine
from slaportal.accounts.models import User
from support.models import Ticket
from support.services import ticket_clarify
from tests.factories import StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-unusual-passphrase-91"


def _sign_up(page, shot, email: str) -> None:
    page.goto("/accounts/signup/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Your name").fill("Olha Kovalenko")
    page.get_by_label("Organisation").fill("Kovalenko Help Desk")
    page.get_by_label("Phone").fill("+380501112233")
    page.get_by_label("Help-desk and business data").check()
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    shot("signup")
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("heading", name="Welcome, Olha").wait_for()
    shot("home")


def _fill_order(page) -> None:
    page.get_by_role("radio", name="Data line").check()
    page.get_by_label("Source platform").select_option(label="Zendesk")
    page.get_by_label("Target platform").select_option(label="Freshdesk")
    page.get_by_label("Number of records").fill("12000")
    page.get_by_label("Support plan (data line)").select_option("premium")


def test_customer_journey_demo_order_pay_ticket_refund(page, shot, settings):
    """ORD-2/ORD-3/ORD-4/BIL-7/BIL-2/SUP-2/SUP-3/BIL-8: sign up, demo, quote, confirm with
    a code, pay in the sandbox, see the migration paid, open a ticket, answer a
    clarification, request a refund."""
    settings.PAYPRO_SANDBOX = True  # the provider's checkout, played offline
    settings.PAYPRO_ALLOW_TEST_MODE = True
    _sign_up(page, shot, "olha@kovalenko.example")
    customer = User.objects.get(email="olha@kovalenko.example").customer

    # The quote updates as the customer types (ORD-3), then a free demo (ORD-2).
    page.goto("/orders/new/")
    _fill_order(page)
    quote = page.locator("#quote")
    quote.get_by_text(re.compile("Total")).wait_for()
    page.wait_for_function("document.querySelector('#quote').innerText.includes('PREMIUM')")
    shot("order-wizard-live-quote")
    page.get_by_role("button", name="Start a free demo").click()
    demo = Migration.objects.get(customer=customer, kind=MigrationKind.DEMO)
    page.get_by_text(demo.migration_id).first.wait_for()
    assert not demo.quote_lines.exists()  # no payment, no card
    shot("demo-started")

    # The full order: continue to confirm (ORD-4).
    page.goto("/orders/new/")
    _fill_order(page)
    page.get_by_role("button", name="Continue to confirm").click()
    full = Migration.objects.get(customer=customer, kind=MigrationKind.FULL)
    assert full.status == MigrationStatus.QUOTED
    migration_line = QuoteLine.objects.get(migration=full, kind="migration")
    page.wait_for_load_state()
    shot("confirm-or-migration-page")

    # Confirm with one discount code (ORD-4/BIL-7), pay by card in the sandbox (BIL-2).
    from billing.models import DiscountCode

    DiscountCode.objects.create(code="WELCOME10", percent=Decimal("10.00"), usage_limit=1)
    page.wait_for_url(re.compile(f"/billing/confirm/{full.migration_id}/"))
    page.get_by_label("Discount code").fill("welcome10")
    page.get_by_role("button", name="Apply code").click()
    discount = (migration_line.amount.amount * Decimal("0.10")).quantize(Decimal("0.01"))
    page.get_by_text(re.compile(re.escape(f"{discount:,.2f}"))).first.wait_for()
    shot("confirm-with-code")
    page.get_by_role("button", name="Confirm order").click()
    page.get_by_role("radio", name="Card").check()
    page.get_by_label("Billing country").select_option("US")  # BIL-6: required choice
    shot("pay")
    full.refresh_from_db()
    assert full.status == MigrationStatus.CONFIRMED
    page.get_by_role("button", name="Pay", exact=True).click()
    page.get_by_role("button", name=re.compile(r"^Pay ")).wait_for()
    shot("sandbox-checkout")
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()
    page.wait_for_load_state()
    full.refresh_from_db()
    assert full.status == MigrationStatus.PAID and full.paid_at is not None
    page.goto(reverse("billing:payment_list"))
    page.get_by_text(re.compile(r"valid until .* \(29 days \d+ h left\)")).first.wait_for()
    shot("payments")

    page.goto(reverse("orders:detail", args=[full.migration_id]))
    page.get_by_role("heading", name=re.compile(full.migration_id)).first.wait_for()
    shot("migration-page")

    # Support: open a ticket (SUP-2), staff ask for a clarification, the customer answers.
    page.goto("/support/new/")
    page.get_by_label("Product line").select_option("data")
    page.get_by_label("Migration ID").fill(full.migration_id)
    page.get_by_label("Subject").fill("Tickets from 2019 are missing")
    page.get_by_label("Description").fill(
        "After the demo, tickets created in 2019 are missing in Freshdesk. "
        "The error in the log says: 'rate limit exceeded (429)'."
    )
    shot("ticket-new")
    page.get_by_role("button", name="Send request").click()
    ticket = Ticket.objects.get(customer=customer)
    page.get_by_role("heading", name=re.compile("Tickets from 2019")).wait_for()
    engineer = StaffFactory(role="Support engineers")
    ticket_clarify(ticket=ticket, actor=engineer, question="Which Freshdesk plan is the target on?")
    page.reload()
    page.get_by_role("heading", name="We need more information").wait_for()
    shot("ticket-clarification")
    page.get_by_label("Your answer").fill("The target is on Freshdesk Pro, since March.")
    page.get_by_role("button", name="Send answer").click()
    page.get_by_text("The target is on Freshdesk Pro, since March.").wait_for()
    ticket.refresh_from_db()
    assert ticket.messages.filter(body__contains="Freshdesk Pro").exists()
    shot("ticket-answered")

    # Refund request (BIL-8): the service was paid and never used.
    from billing.models import RefundRequest

    page.goto(reverse("billing:refund_new"))
    page.get_by_label("Order (Migration ID)").select_option(value=full.migration_id)
    page.get_by_label("Reason", exact=True).select_option(index=1)
    page.get_by_label("Description").fill(
        "We bought the migration but our project was cancelled before it started."
    )
    shot("refund-form")
    page.get_by_role("button", name="Submit refund request").click()
    page.get_by_text("Full refund").first.wait_for()
    assert RefundRequest.objects.filter(migration=full).exists()
    shot("refund-requested")
