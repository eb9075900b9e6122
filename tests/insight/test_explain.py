"""Every deadline explained (issue 15): a CMS first response counted by hand across a
weekend, a Ukrainian public holiday and an announced closure, day by day, and the
ledger of its recompute with the cause (CAL-4, CAL-7, CAL-8, SUP-5)."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from slaportal.calendars.explain import explain
from slaportal.calendars.models import BusinessCalendar, Closure
from slaportal.calendars.selectors import business_calendar
from slaportal.calendars.services import closure_save
from tests.factories import StaffFactory
from tests.support.conftest import kyiv

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_tuesday(django_capture_on_commit_callbacks):
    def announce():
        calendar = BusinessCalendar.objects.get(slug="cms-tech")
        with time_machine.travel(kyiv(2021, 3, 4, 16), tick=False), \
                django_capture_on_commit_callbacks(execute=True):
            closure_save(closure=Closure(calendar=calendar, starts_on=dt.date(2021, 3, 9),
                                         ends_on=dt.date(2021, 3, 9),
                                         public_note="Office move"))
    return announce


def test_the_explainer_matches_a_hand_count(closed_tuesday):
    """Thu 12:00–19:00 (7 h), Fri 11:00–19:00 (8 h), the weekend, Monday 8 March (a
    public holiday), Tuesday (closed), Wed (8 h), Thu 11:00–12:00 (1 h): 24 business
    hours = 3 business days of cms-tech."""
    closed_tuesday()
    engine = business_calendar("cms-tech")
    explained = explain(engine, kyiv(2021, 3, 4, 12), kyiv(2021, 3, 11, 12),
                        calendar="cms-tech")
    rows = [(d.date.day, d.what, d.hours, d.counted_text, d.total_text)
            for d in explained.days]
    assert rows == [
        (4, "business day", "11:00–19:00", "7 h 00 min", "7 h 00 min"),
        (5, "business day", "11:00–19:00", "8 h 00 min", "15 h 00 min"),
        (6, "weekend", "closed", "—", "15 h 00 min"),
        (7, "weekend", "closed", "—", "15 h 00 min"),
        (8, "public holiday: International Women's Day", "closed", "—", "15 h 00 min"),
        (9, "announced closure: Office move", "closed", "—", "15 h 00 min"),
        (10, "business day", "11:00–19:00", "8 h 00 min", "23 h 00 min"),
        (11, "business day", "11:00–19:00", "1 h 00 min", "24 h 00 min"),
    ]
    assert explained.counted == 24 * 60
    assert [d.date.day for d in explained.skipped] == [6, 7, 8, 9]


def test_the_ticket_page_explains_the_due_time_and_its_recompute(
    client, engineer, open_ticket, closed_tuesday
):
    with time_machine.travel(kyiv(2021, 3, 4, 12), tick=False):
        ticket = open_ticket("cms", now=kyiv(2021, 3, 4, 12))
    closed_tuesday()
    client.force_login(engineer)
    html = client.get(reverse("admin:support_ticket_change", args=[ticket.pk])).content.decode()
    assert "First response: due 2021-03-11 12:00 Kyiv — how it is counted" in html
    assert "<td>Mon 8 Mar 2021</td><td>public holiday: International Women&#x27;s Day</td>" in html
    assert "<td>Tue 9 Mar 2021</td><td>announced closure: Office move</td>" in html
    # The ledger: the closure moved the due time from Wednesday to Thursday.
    assert ("<td>2021-03-10 12:00</td><td>2021-03-11 12:00</td>"
            "<td>CAL-8: New closure 2021-03-09 (cms-tech)</td><td>system</td>") in html


def test_the_customer_sees_the_same_count_in_plain_words(client, customer, open_ticket,
                                                         closed_tuesday):
    with time_machine.travel(kyiv(2021, 3, 4, 12), tick=False):
        ticket = open_ticket("cms", now=kyiv(2021, 3, 4, 12))
    closed_tuesday()
    client.force_login(customer.user)
    html = client.get(reverse("support:detail", args=[ticket.pk])).content.decode()
    assert "How this time is counted" in html
    assert ("Not counted: Sat 6 Mar (weekend), Sun 7 Mar (weekend), Mon 8 Mar (public "
            "holiday: International Women&#x27;s Day), Tue 9 Mar (announced closure: "
            "Office move).") in html
    assert "CAL-" not in html


def test_a_package_due_date_is_explained_on_the_migration_page(client, closed_tuesday):
    """ORD-12 on cms-tech: access checked Thu 4 March 2021 12:00, 3 business days:
    Fri, (weekend, holiday Monday, closed Tuesday) Wed, Thu 12:00."""
    from orders.deadlines import migration_deadlines
    from tests.factories import SupportServicePackageFactory

    closed_tuesday()
    package = SupportServicePackageFactory(
        migration__access_verified_at=kyiv(2021, 3, 4, 12), migration__status="running",
        due_at=kyiv(2021, 3, 11, 12))
    [item] = migration_deadlines(package.migration)
    assert item["title"] == "Basic package due"
    days = item["explained"].days
    assert [d.date.day for d in days if d.counted] == [4, 5, 10, 11]
    assert item["explained"].counted == 24 * 60
    client.force_login(StaffFactory(is_superuser=True))
    html = client.get(reverse("admin:orders_migration_change",
                              args=[package.migration.pk])).content.decode()
    assert "Basic package due: due 2021-03-11 12:00 Kyiv — how it is counted" in html
