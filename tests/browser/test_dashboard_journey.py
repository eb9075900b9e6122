"""The SLA dashboard in Chromium (issue 15): a support engineer and finance open the
admin's front page, the charts draw under the CSP with no console error, and a figure
leads to the list behind it."""

import datetime as dt

import pytest
from django.utils import timezone

from slaportal.accounts.roles import Role
from support.services import sla_monthly_refresh, sla_sweep, ticket_create, ticket_reply
from tests.factories import CustomerFactory, StaffFactory
from tests.support.conftest import LONG, set_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-unusual-passphrase-91"


def _staff(role, email):
    user = StaffFactory(role=role, email=email)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def month_of_work():
    engineer = _staff(Role.SUPPORT_ENGINEERS, "olena@vendor.test")
    now = timezone.now()
    for i in range(6):
        customer = CustomerFactory()
        set_plan(customer, ["standard", "premium", "signature"][i % 3])
        ticket = ticket_create(customer=customer, line="data", channel="web",
                               subject=f"Export {i} stalls", description=LONG,
                               contact_phone="+380441234567",
                               now=now - dt.timedelta(days=4 + i))
        if i % 2:
            ticket_reply(ticket=ticket, actor=engineer, body="On it",
                         now=now - dt.timedelta(days=4 + i) + dt.timedelta(minutes=30))
    sla_sweep(now=now)
    sla_monthly_refresh(now=now)
    return engineer


def _open_dashboard(browser, live_server, email):
    context = browser.new_context(base_url=live_server.url,
                                  viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="How the SLA is kept").wait_for()
    return context, page, problems


def test_an_engineer_sees_the_charts_and_follows_a_figure(browser, live_server, month_of_work):
    from tests.browser.conftest import ARTIFACTS

    context, page, problems = _open_dashboard(browser, live_server, "olena@vendor.test")
    try:
        page.locator("canvas[data-drawn]").nth(3).wait_for(state="attached")
        drawn = page.evaluate("""() => [...document.querySelectorAll('canvas')].map(c => {
            const x = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let ink = 0; for (let i = 3; i < x.length; i += 4) { if (x[i]) { ink++; } }
            return [c.id, ink];
        })""")
        assert all(ink > 0 for _, ink in drawn), drawn  # every canvas has pixels drawn
        assert problems == []  # no CSP violation, no script error
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "dashboard-engineer.png"), full_page=True)
        # A figure leads to the rows behind it: this month's targets on one plan.
        page.get_by_role("link", name="STANDARD", exact=True).first.click()
        page.get_by_role("heading", name="Select SLA target to view").wait_for()
        assert "month=" in page.url and "plan__id__exact=" in page.url
    finally:
        context.close()


def test_finance_sees_its_figures_without_errors(browser, live_server, month_of_work):
    from tests.browser.conftest import ARTIFACTS

    _staff(Role.FINANCE, "finance@vendor.test")
    context, page, problems = _open_dashboard(browser, live_server, "finance@vendor.test")
    try:
        page.get_by_text("Payments expiring within 5 days").wait_for()
        assert page.locator("canvas").count() == 0  # the desk's charts are not finance's
        assert problems == []
        page.screenshot(path=str(ARTIFACTS / "dashboard-finance.png"), full_page=True)
        page.get_by_role("link", name="Refund requests waiting over 7 days").click()
        page.get_by_role("heading", name="Select refund request to change").wait_for()
    finally:
        context.close()
