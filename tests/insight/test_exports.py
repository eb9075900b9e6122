"""Reports to take away (issue 15): compliance and breaches as CSV and XLSX with formula
injection escaped, and each calendar's closed days as ICS (CAL-4)."""

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from slaportal.calendars.models import BusinessCalendar, Closure
from slaportal.exports import safe_cell
from support.services import sla_monthly_refresh, sla_sweep, ticket_reply
from tests.factories import StaffFactory
from tests.support.conftest import kyiv

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("value", "written"), [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1", "'+1"), ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\tcmd", "'\tcmd"), ("plain", "plain"), (-5, -5), (None, ""),
    ("a\x00b", "ab"),
])
def test_cells_that_a_spreadsheet_would_run_are_written_as_text(value, written):
    assert safe_cell(value) == written


@pytest.fixture
def month(open_ticket, engineer, customer):
    customer.user.email = "=cmd@example.com"  # a hostile but valid address
    customer.user.save()
    ticket = open_ticket("standard", now=kyiv(2025, 11, 17, 9))
    ticket_reply(ticket=ticket, actor=engineer, body="On it", now=kyiv(2025, 11, 17, 10))
    late = open_ticket("standard", now=kyiv(2025, 11, 17, 9))
    sla_sweep(now=kyiv(2025, 11, 20, 10))
    sla_monthly_refresh(now=kyiv(2025, 11, 28, 12))
    return ticket, late


def test_compliance_csv_and_xlsx_hold_the_same_rows(client, engineer, month):
    client.force_login(engineer)
    with time_machine.travel(kyiv(2025, 11, 28, 12), tick=False):
        text = client.get(reverse("insight:export", args=["compliance", "csv"])).content.decode()
        book = client.get(reverse("insight:export", args=["compliance", "xlsx"])).content
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["month (Kyiv)", "line", "plan"]
    by_metric = {(r[3], r[4]): r[5:] for r in rows[1:]}
    assert by_metric[("First response", "Unassigned")] == ["1", "0", "1", "0", "0.0"]
    assert by_metric[("First response", engineer.get_full_name())] == ["1", "1", "0", "0", "100.0"]
    sheet = load_workbook(io.BytesIO(book)).active
    xrows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert len(xrows) == len(rows) and xrows[0][0] == "month (Kyiv)"


def test_breaches_export_escapes_the_hostile_address(client, engineer, month):
    client.force_login(engineer)
    text = client.get(reverse("insight:export", args=["breaches", "csv"]),
                      {"month": "2025-11"}).content.decode()
    rows = list(csv.reader(io.StringIO(text)))
    # T-1's update (due Tue 10:00) and T-2's first response (due Wed 15:00) were missed.
    ticket, late = month
    assert [r[1] for r in rows[1:]] == [ticket.reference, late.reference]
    assert {r[2] for r in rows[1:]} == {"'=cmd@example.com"}
    book = client.get(reverse("insight:export", args=["breaches", "xlsx"]), {"month": "2025-11"})
    sheet = load_workbook(io.BytesIO(book.content)).active
    assert list(sheet.iter_rows(values_only=True))[1][2] == "'=cmd@example.com"


def test_exports_need_the_right_role_and_a_known_report(client):
    client.force_login(StaffFactory(role="Finance"))
    assert client.get(reverse("insight:export", args=["breaches", "csv"])).status_code == 403
    client.force_login(StaffFactory(is_superuser=True))
    assert client.get(reverse("insight:export", args=["secrets", "csv"])).status_code == 404
    assert client.get(reverse("insight:export", args=["breaches", "pdf"])).status_code == 404


def test_the_calendar_feed_lists_holidays_and_closures_not_weekends(client):
    """CAL-4: the cms-tech calendar's closed days in 2021: Women's Day (8 March) and an
    announced closure; no ordinary weekend."""
    calendar = BusinessCalendar.objects.get(slug="cms-tech")
    from slaportal.calendars.services import closure_save

    closure_save(closure=Closure(calendar=calendar, starts_on=dt.date(2021, 3, 9),
                                 ends_on=dt.date(2021, 3, 9), public_note="Office move, floor 3"))
    with time_machine.travel(kyiv(2021, 2, 1, 12), tick=False):
        response = client.get(reverse("insight:calendar_ics", args=["cms-tech"]))
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert "DTSTART;VALUE=DATE:20210308\r\nDTEND;VALUE=DATE:20210309\r\n" in body
    assert "SUMMARY:Public holiday: International Women's Day" in body
    assert "SUMMARY:Closed: Office move\\, floor 3" in body
    assert "DTSTART;VALUE=DATE:20210306" not in body  # a Saturday
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    assert client.get("/insight/calendars/nope.ics").status_code == 404


def test_the_customer_finds_the_feed_of_their_plans_calendar(client, customer, open_ticket):
    open_ticket("standard")
    client.force_login(customer.user)
    html = client.get(reverse("support:list")).content.decode()
    assert reverse("insight:calendar_ics", args=["data-standard"]) in html
