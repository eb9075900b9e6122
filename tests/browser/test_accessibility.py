"""Customer pages pass axe-core with no critical or serious violation, on a 375 px phone
and at 1366 px (issue 16)."""

import pytest
from django.urls import reverse

from support.services import ticket_create
from tests.browser.axe import axe_violations
from tests.factories import CustomerFactory
from tests.support.conftest import LONG, set_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-unusual-passphrase-91"


@pytest.fixture
def customer():
    customer = CustomerFactory(uses_data_line=True)
    customer.user.set_password(PASSWORD)
    customer.user.save()
    set_plan(customer, "standard")
    ticket_create(customer=customer, line="data", channel="web", subject="Export stalls",
                  description=LONG, contact_phone="+380441234567")
    return customer


PUBLIC = ["/", "/accounts/login/", "/accounts/signup/"]
SIGNED_IN = ["/", "orders:new", "orders:list", "support:list", "support:new",
             "billing:payment_list", "billing:refund_list", "insight:statements"]


@pytest.mark.parametrize("width", [375, 1366])
def test_customer_pages_have_no_serious_accessibility_violations(browser, live_server,
                                                                 customer, width):
    context = browser.new_context(base_url=live_server.url,
                                  viewport={"width": width, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15_000)
    found = {}
    try:
        for url in PUBLIC:
            page.goto(url)
            found[url] = axe_violations(page)
        page.goto("/accounts/login/")
        page.get_by_label("E-mail address").fill(customer.user.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("heading", name="Welcome").wait_for()
        for name in SIGNED_IN:
            url = name if name.startswith("/") else reverse(name)
            page.goto(url)
            found[f"{url} (signed in)"] = axe_violations(page)
            # Usable on a phone: nothing wider than the screen.
            assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, url
        ticket = customer.tickets.get()
        page.goto(reverse("support:detail", args=[ticket.pk]))
        found["ticket page"] = axe_violations(page)
    finally:
        context.close()
    assert {url: v for url, v in found.items() if v} == {}


def test_the_checker_reports_a_violation_when_there_is_one(page, live_server):
    """The check above can fail: an unlabelled field and an empty button are reported."""
    page.goto("/accounts/login/")
    page.evaluate("""() => {
        document.body.appendChild(document.createElement('input'));
        document.body.appendChild(document.createElement('button'));
    }""")
    found = axe_violations(page)
    assert any(line.startswith("critical: label") for line in found)
    assert any(line.startswith("critical: button-name") for line in found)
