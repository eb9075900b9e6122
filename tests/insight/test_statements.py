"""The monthly SLA statement (issue 15): its content against a hand-counted month, the
page and its PDF for the customer (only their own) and for staff, and the beat job's
schedule (first business day) and idempotence."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from insight.models import StatementDelivery
from insight.services import first_business_day, statements_send_due
from support.models import Breach
from support.services import breach_exclude, sla_sweep, ticket_close, ticket_reply
from tests.factories import CustomerFactory, StaffFactory
from tests.support.conftest import kyiv

pytestmark = pytest.mark.django_db


@pytest.fixture
def november(open_ticket, engineer):
    """Standard: first response met, update met, next update missed (answered late);
    premium: first response missed and excluded (the customer changed the config)."""
    t1 = open_ticket("standard", now=kyiv(2025, 11, 17, 9))
    ticket_reply(ticket=t1, actor=engineer, body="On it", now=kyiv(2025, 11, 17, 10))
    ticket_reply(ticket=t1, actor=engineer, body="Update", now=kyiv(2025, 11, 18, 9))
    t2 = open_ticket("premium", now=kyiv(2025, 11, 17, 9))
    sla_sweep(now=kyiv(2025, 11, 19, 10))
    ticket_reply(ticket=t1, actor=engineer, body="Late", now=kyiv(2025, 11, 19, 11))
    breach_exclude(breach=Breach.objects.get(ticket=t2), actor=engineer,
                   reason="config_changed", note="Field mapping changed on 18 November")
    for t in (t1, t2):
        ticket_close(ticket=t, actor=engineer, now=kyiv(2025, 11, 19, 12))
    return t1, t2


def test_the_statement_lists_each_target_breach_and_exclusion(client, customer, november):
    """SUP-5/6/8/9: 2 of 3 counted targets met; the excluded one listed with its reason;
    one data-line breach counted, so no right of termination."""
    client.force_login(customer.user)
    with time_machine.travel(kyiv(2025, 12, 2, 10), tick=False):
        html = client.get(reverse("insight:statement", args=["2025-11"])).content.decode()
    assert "SLA statement, November 2025" in html
    assert "2 of 3 targets met (66.7%)" in html
    assert html.count("<td>met</td>") == 2 and html.count("<td>met late</td>") == 1
    assert "<td>missed, excluded</td>" in html
    assert ("Customer changed the migration configuration without notice: Field mapping "
            "changed on 18 November") in html
    assert "1 breach counted on the data line this month" in html


def test_the_pdf_is_the_same_statement(client, customer, november):
    client.force_login(customer.user)
    with time_machine.travel(kyiv(2025, 12, 2, 10), tick=False):
        response = client.get(reverse("insight:statement_pdf", args=["2025-11"]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-") and len(response.content) > 2000


def test_a_customer_sees_only_their_own_and_bad_months_are_404(client, november):
    other = CustomerFactory()
    client.force_login(other.user)
    with time_machine.travel(kyiv(2025, 12, 2, 10), tick=False):
        html = client.get(reverse("insight:statement", args=["2025-11"])).content.decode()
        assert "No breach this month" in html and "No response or update target" in html
        for bad in ("2025-13", "20x5-11", "2031-01", "1999-01", "\x00"):
            assert client.get(f"/insight/statements/{bad}/").status_code == 404, bad


def test_staff_open_any_customers_statement_from_the_admin(client, customer, manager,
                                                           november):
    client.force_login(manager)
    page = client.get(reverse("admin:accounts_customer_change", args=[customer.pk]))
    with time_machine.travel(kyiv(2025, 12, 2, 10), tick=False):
        url = reverse("insight:staff_statement", args=[customer.pk, "2025-11"])
        assert "Monthly SLA statements" in page.content.decode()
        assert "2 of 3 targets met" in client.get(url).content.decode()
        client.force_login(CustomerFactory().user)
        assert client.get(url).status_code == 302  # customers never reach staff pages
        client.force_login(StaffFactory())
        assert client.get(url).status_code == 403  # staff without a role


def test_statements_go_out_on_the_first_business_day_once(
    customer, november, mailoutbox, django_capture_on_commit_callbacks
):
    """December 2025: Monday 1 December is a business day. Nothing before it; on it the
    customer gets November's statement with the PDF; a second run sends nothing."""
    assert first_business_day(dt.date(2025, 12, 1)) == dt.date(2025, 12, 1)
    assert first_business_day(dt.date(2025, 11, 1)) == dt.date(2025, 11, 3)  # a Saturday
    with django_capture_on_commit_callbacks(execute=True):
        assert statements_send_due(now=kyiv(2025, 11, 30, 12)) == 0
        assert statements_send_due(now=kyiv(2025, 12, 1, 9)) == 1
        assert statements_send_due(now=kyiv(2025, 12, 1, 10)) == 0
    assert [m.to for m in mailoutbox] == [[customer.user.email]]
    message = mailoutbox[0]
    assert message.subject == "Your SLA statement for November 2025"
    assert "/insight/statements/2025-11/" in message.body
    name, content, mimetype = message.attachments[0]
    assert (name, mimetype) == ("sla-statement-2025-11.pdf", "application/pdf")
    assert content.startswith(b"%PDF-")
    assert StatementDelivery.objects.get().month == dt.date(2025, 11, 1)


def test_the_statement_job_is_scheduled():
    from slaportal.schedules import registered_jobs

    job = {j.task: j for j in registered_jobs()}["insight.send_statements"]
    assert job.crontab == "20 8-17 1-7 * *"
