"""An engineer works tickets in the admin at 1366×768 (issue 12): the queue fits the
screen, a ticket opens from it, a canned reply goes out, a clarification pauses the
clock (the badge changes), and two tickets are assigned in one step."""

import datetime as dt

import pytest
from django.utils import timezone

from support.models import CannedReply, Ticket
from support.services import ticket_create
from tests.factories import CustomerFactory, StaffFactory
from tests.support.conftest import LONG, set_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-unusual-passphrase-91"


@pytest.fixture
def desk():
    engineer = StaffFactory(role="Support engineers", email="olena@vendor.test",
                            full_name="Olena Koval")
    engineer.set_password(PASSWORD)
    engineer.save()
    colleague = StaffFactory(role="Support engineers", email="taras@vendor.test",
                             full_name="Taras Melnyk")
    customers = [CustomerFactory(user__email=f"client{i}@example.com",
                                 user__full_name=name)
                 for i, name in enumerate(["Ada Lovelace", "Grace Hopper", "Alan Kay"])]
    tickets = []
    for i, customer in enumerate(customers):
        set_plan(customer, ["standard", "premium", "signature"][i])
        tickets.append(ticket_create(
            customer=customer, line="data", channel="web",
            subject=["Import stops at 40% with HTTP 500", "Attachments missing after delta",
                     "Custom fields mapped to the wrong type"][i],
            description=LONG, contact_phone="+380441234567",
            now=timezone.now() - dt.timedelta(hours=30 - 10 * i),
        ))
    CannedReply.objects.create(
        title="Looking into it",
        body="Hello {customer_name}, we are looking into {ticket} on your {plan} plan "
             "and will update you by {due}. — {engineer}",
    )
    return engineer, colleague, tickets


def test_an_engineer_works_a_ticket_end_to_end_at_1366x768(browser, live_server, desk):
    engineer, colleague, tickets = desk
    context = browser.new_context(base_url=live_server.url,
                                  viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto("/admin/login/?next=/admin/support/ticket/")
        page.get_by_label("E-mail").fill(engineer.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.get_by_role("link", name=tickets[0].subject).wait_for()
        # The queue fits the screen: no horizontal scrolling at 1366 px, the page's or
        # the result table's own.
        assert _fits(page)
        page.screenshot(path=_artifact("workspace-queue"), full_page=False)

        # Open the first ticket from the queue; its badge shows the time left.
        page.get_by_role("link", name=tickets[0].subject).click()
        page.get_by_role("heading", name=f"{tickets[0].reference} · {tickets[0].subject}"
                         ).wait_for()
        before = page.locator(".ws-head .left").inner_text()
        assert before not in ("paused", "—")

        # A canned reply, filled from the ticket, goes out as the first response.
        page.get_by_label("Canned reply").select_option(label="Looking into it")
        page.get_by_role("button", name="Insert").click()
        body = page.get_by_label("Public reply to the customer")
        assert "Hello Ada Lovelace, we are looking into T-" in body.input_value()
        assert "— Olena Koval" in body.input_value()
        page.locator("#ws-reply").get_by_role("button", name="Reply").click()
        page.get_by_text(f"Reply: done on {tickets[0].reference}.").wait_for()
        ticket = Ticket.objects.get(pk=tickets[0].pk)
        assert ticket.first_responded_at is not None and ticket.clock_metric == "update"

        # Ask for a clarification: the clock pauses and the badge says so.
        page.get_by_text("Ask for clarification").first.click()
        page.get_by_label("Missing item").select_option(label="Valid phone number")
        page.get_by_label("What the customer should send").fill(
            "Please send a phone number we can call during the migration window.")
        page.locator("#ws-clarify").get_by_role("button", name="Ask for clarification").click()
        page.get_by_text(f"Ask for clarification: done on {tickets[0].reference}.").wait_for()
        assert page.locator(".ws-head .left").inner_text() == "paused"
        assert page.locator(".ws-head .badge").inner_text() == "Waiting on customer"
        assert _fits(page)
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=_artifact("workspace-ticket"), full_page=False)

        # Back in the queue: assign the other two tickets to a colleague at once.
        page.goto("/admin/support/ticket/")
        for other in tickets[1:]:
            page.locator(f"input[name=_selected_action][value='{other.pk}']").check()
        page.locator("select[name=action]").select_option(
            label="Assign selected to the engineer chosen")
        page.locator("select[name=assignee]").select_option(label=colleague.email)
        page.get_by_role("button", name="Go").click()
        page.get_by_text("2 ticket(s) updated.").wait_for()
        assert set(Ticket.objects.filter(pk__in=[t.pk for t in tickets[1:]])
                   .values_list("assignee__email", flat=True)) == {colleague.email}
        assert _fits(page)
    finally:
        context.close()


def _fits(page) -> bool:
    return page.evaluate("""() => {
        const doc = document.documentElement;
        const results = document.querySelector('#changelist .results');
        return doc.scrollWidth <= window.innerWidth
            && (!results || results.scrollWidth <= results.clientWidth);
    }""")


def _artifact(name: str) -> str:
    from tests.browser.conftest import ARTIFACTS

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return str(ARTIFACTS / f"{name}.png")
