"""The support admin: the queue, its filters and search, buttons that call services,
and the managers' pages (SUP-1..SUP-13 through the admin)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from support.choices import MessageKind, TicketStatus
from support.models import (
    Breach,
    ExtraHoursApproval,
    PackageHoursEntry,
    SupportStop,
    Ticket,
)
from support.services import sla_sweep, ticket_create
from tests.factories import CustomerFactory, SupportServicePackageFactory

from .conftest import LONG, kyiv, set_plan

pytestmark = pytest.mark.django_db


def act(action: str, **fields) -> dict:
    """A workspace form on the ticket's page: its action and its prefixed fields."""
    return {"_ws_action": action, **{f"{action}-{k}": v for k, v in fields.items()}}


def _many(n: int):
    for i in range(n):
        customer = CustomerFactory()
        set_plan(customer, ["standard", "premium", "signature"][i % 3])
        ticket_create(customer=customer, line="data", channel="web", subject=f"T{i}",
                      description=LONG, contact_phone="+380441234567")


@pytest.mark.parametrize("rows", [10, 100])
def test_queue_runs_a_fixed_number_of_queries(client, engineer, django_assert_num_queries,
                                              rows):
    """SUP-5 the queue's changelist runs the same queries for 10 and for 100 tickets."""
    _many(rows)
    client.force_login(engineer)
    url = reverse("admin:support_ticket_changelist")
    client.get(url)  # warm the calendar engines
    # session, user, second factor, count, page, calendars, settings, the bulk action's
    # engineers, the filter's plans, …: the same for 10 rows as for 100.
    with django_assert_num_queries(10):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == rows


def test_queue_orders_by_due_then_priority(client, engineer, customer):
    """SUP-5 the queue shows what is due first; ties go to the higher priority."""
    now = kyiv(2025, 11, 17, 9)
    for code in ("standard", "signature"):  # both due in 24 business hours
        set_plan(customer, code)
    set_plan(customer, "standard")
    std = ticket_create(customer=customer, line="data", channel="web", subject="std",
                        description=LONG, contact_phone="+380441234567", now=now)
    set_plan(customer, "signature")
    sig = ticket_create(customer=customer, line="data", channel="web", subject="sig",
                        description=LONG, contact_phone="+380441234567", now=now)
    forum = ticket_create(customer=customer, line="data", channel="forum", subject="forum",
                          description=LONG, contact_phone="+380441234567", now=now)
    client.force_login(engineer)
    response = client.get(reverse("admin:support_ticket_changelist"))
    order = [t.pk for t in response.context["cl"].result_list]
    # signature is due Mon 24 h later on data-extended (sooner than data-standard's Wed)
    assert order == [sig.pk, std.pk, forum.pk]
    html = response.content.decode()
    assert "Time left" in html and "overdue" in html  # these 2025 dues have passed


def test_search_by_email_and_migration_id(client, engineer, open_ticket, customer):
    """SUP-2 engineers find tickets by the account e-mail and the Migration ID."""
    cms = open_ticket("cms")
    open_ticket("standard")
    client.force_login(engineer)
    url = reverse("admin:support_ticket_changelist")
    by_mail = client.get(url, {"q": "CLIENT@example.com"}).context["cl"].result_list
    assert len(by_mail) == 2  # the whole address, in any case
    part = client.get(url, {"q": "client@example"}).context["cl"].result_list
    assert len(part) == 2  # no address is exactly that: a part of one also finds them
    by_id = client.get(url, {"q": cms.migration.migration_id}).context["cl"].result_list
    assert [t.pk for t in by_id] == [cms.pk]


def test_filters_waiting_and_breached(client, engineer, open_ticket):
    """SUP-3/SUP-8 filters: waiting on customer, breached, due soon."""
    waiting = open_ticket("standard")
    waiting.status = TicketStatus.WAITING_ON_CUSTOMER
    waiting.save()
    future = open_ticket("standard", now=timezone.now())
    client.force_login(engineer)
    url = reverse("admin:support_ticket_changelist")
    assert [t.pk for t in client.get(url, {"waiting": "yes"}).context["cl"].result_list] == [
        waiting.pk]
    breached = client.get(url, {"due": "breached"}).context["cl"].result_list
    assert future.pk not in [t.pk for t in breached]
    assert client.get(url, {"due": "soon"}).status_code == 200


def test_reply_button_posts_a_public_reply(client, engineer, open_ticket):
    """SUP-5 the reply button calls the service: the reply is the first response."""
    ticket = open_ticket("standard")
    client.force_login(engineer)
    url = reverse("admin:support_ticket_change", args=[ticket.pk])
    change = client.get(url)
    assert change.status_code == 200
    assert 'name="_ws_action" value="reply"' in change.content.decode()
    response = client.post(url, act("reply", body="We are on it"))
    assert response.status_code == 302 and response.url == url
    ticket.refresh_from_db()
    assert ticket.first_responded_at is not None and ticket.status == TicketStatus.OPEN
    assert ticket.messages.filter(kind=MessageKind.PUBLIC_REPLY).count() == 1


def test_note_button_is_not_a_response(client, engineer, open_ticket):
    """SUP-5 an internal note from the admin does not count as a response."""
    ticket = open_ticket("standard")
    client.force_login(engineer)
    client.post(reverse("admin:support_ticket_change", args=[ticket.pk]), act("note", body="hmm"))
    ticket.refresh_from_db()
    assert ticket.first_responded_at is None
    assert ticket.messages.filter(kind=MessageKind.INTERNAL_NOTE).count() == 1


def test_clarify_button_refuses_a_fourth_request(client, engineer, open_ticket):
    """SUP-3 through the admin: three requests, the fourth shows a clear error."""
    ticket = open_ticket("standard")
    client.force_login(engineer)
    url = reverse("admin:support_ticket_change", args=[ticket.pk])
    for _ in range(3):
        assert client.post(url, act("clarify", question="Phone?", item="phone")
                           ).status_code == 302
    response = client.post(url, act("clarify", question="Phone?", item="phone"))
    assert response.status_code == 200
    assert "At most 3 clarification requests" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.WAITING_ON_CUSTOMER


def test_close_and_reopen_buttons(client, engineer, open_ticket):
    """SUP-3 close as "closed" on the CMS line; SUP-14 reopen starts a new cycle."""
    ticket = open_ticket("cms")
    client.force_login(engineer)
    url = reverse("admin:support_ticket_change", args=[ticket.pk])
    client.post(url, act("close", note="Bye"))
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CLOSED
    client.post(url, act("reopen"))
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.REOPENED and ticket.cycle == 2


def test_account_manager_cannot_use_ticket_buttons(client, manager, open_ticket):
    """ACC-2 account managers see tickets but do not work them."""
    ticket = open_ticket("standard")
    client.force_login(manager)
    assert client.get(reverse("admin:support_ticket_change", args=[ticket.pk])).status_code == 200
    response = client.post(reverse("admin:support_ticket_change", args=[ticket.pk]),
                           act("reply", body="x"))
    assert response.status_code == 403
    assert not ticket.messages.filter(kind=MessageKind.PUBLIC_REPLY).exists()


def test_timeline_shows_messages_clarifications_and_breaches(client, engineer, open_ticket):
    """SUP-8 the ticket's change page shows its timeline."""
    ticket = open_ticket("standard", now=kyiv(2025, 11, 17, 9))
    sla_sweep(now=kyiv(2025, 11, 20, 9))
    client.force_login(engineer)
    html = client.get(reverse("admin:support_ticket_change", args=[ticket.pk])).content.decode()
    assert "Automatic acknowledgement" in html
    assert "First response due 2025-11-19 15:00 missed" in html
    assert "No active support access" in html


def test_engineer_excludes_a_breach_with_a_reason(client, engineer, open_ticket):
    """SUP-8 staff exclude a breach with one of the SLA's exclusions."""
    open_ticket("standard", now=kyiv(2025, 11, 17, 9))
    sla_sweep(now=kyiv(2025, 11, 20, 9))
    breach = Breach.objects.get()
    client.force_login(engineer)
    listing = client.get(reverse("admin:support_breach_changelist"))
    assert "Exclude" in listing.content.decode()
    response = client.post(reverse("admin:support_breach_exclude", args=[breach.pk]),
                           {"reason": "data_corrupted", "note": ""})
    assert response.status_code == 302
    breach.refresh_from_db()
    assert breach.excluded and breach.excluded_by == engineer


def test_manager_cannot_exclude(client, manager, open_ticket):
    """ACC-2 managers view breaches; engineers exclude them."""
    open_ticket("standard", now=kyiv(2025, 11, 17, 9))
    sla_sweep(now=kyiv(2025, 11, 20, 9))
    client.force_login(manager)
    url = reverse("admin:support_breach_exclude", args=[Breach.objects.get().pk])
    assert client.post(url, {"reason": "other", "note": "x"}).status_code == 403


def test_manager_stops_support_in_the_admin(client, manager, customer):
    """SUP-4 the manager stops support with a reason; new requests are then refused."""
    client.force_login(manager)
    response = client.post(reverse("admin:support_supportstop_add"),
                           {"customer": customer.pk, "reason": "Abusive e-mails"})
    assert response.status_code == 302
    stop = SupportStop.objects.get()
    assert stop.stopped_by == manager and stop.lifted_at is None
    again = client.post(reverse("admin:support_supportstop_add"),
                        {"customer": customer.pk, "reason": "Again"})
    assert "already stopped" in again.content.decode()


def test_manager_approves_extra_hours_and_engineer_logs_them(client, manager, engineer):
    """SUP-13 through the admin: over-allowance logging refused until a manager approves."""
    package = SupportServicePackageFactory()
    client.force_login(engineer)
    url = reverse("admin:support_packagehoursentry_add")
    refused = client.post(url, {"package": package.pk, "hours": "7", "note": ""})
    assert "would exceed the package allowance" in refused.content.decode()
    assert not PackageHoursEntry.objects.exists()
    client.force_login(manager)
    client.post(reverse("admin:support_extrahoursapproval_add"),
                {"package": package.pk, "hours": "2", "note": "paid"})
    assert ExtraHoursApproval.objects.get().approved_by == manager
    client.force_login(engineer)
    assert client.post(url, {"package": package.pk, "hours": "7", "note": ""}).status_code == 302
    assert PackageHoursEntry.objects.get().logged_by == engineer


def test_termination_watch_lists_flagged_customers(client, manager, open_ticket, customer):
    """SUP-9 account managers watch the right of termination per customer and month."""
    from slaportal.plans.models import SupportPlan

    SupportPlan.objects.filter(code="standard").update(response_amount=1,
                                                       response_unit="calendar_hours")
    for _ in range(6):
        open_ticket("standard", now=kyiv(2025, 11, 10, 9))
    sla_sweep(now=kyiv(2025, 11, 10, 12))
    client.force_login(manager)
    html = client.get(reverse("admin:support_terminationright_changelist")).content.decode()
    assert "2025-11" in html and str(customer) in html
    breaches = client.get(reverse("admin:support_breach_changelist"),
                          {"due_at__month": "11", "due_at__year": "2025"})
    assert len(breaches.context["cl"].result_list) == 6
    assert Ticket.objects.count() == 6
    watch = client.get(reverse("admin:support_breach_per_month"))
    rows = watch.context["rows"]
    assert [(r["month"].isoformat(), r["count"], r["flagged"]) for r in rows] == [
        ("2025-11-01", 6, True)]
    assert "FLAGGED" in watch.content.decode()


def test_every_support_admin_page_renders_for_a_superuser(client, open_ticket, engineer):
    """ACC-2 superusers administer the settings; every support page renders."""
    from django.contrib import admin

    from tests.factories import UserFactory

    ticket = open_ticket("cms")
    sla_sweep(now=kyiv(2025, 12, 1, 12))
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for model in admin.site._registry:
        if model._meta.app_label != "support":
            continue
        name = model._meta.model_name
        assert client.get(reverse(f"admin:support_{name}_changelist")).status_code == 200, name
    page = client.get(reverse("admin:support_ticket_change", args=[ticket.pk]))
    assert page.status_code == 200
    for action in ("reply", "note", "clarify", "close"):
        assert f'name="_ws_action" value="{action}"' in page.content.decode()
    assert client.get(reverse("admin:support_ticket_add")).status_code == 200
    settings_url = reverse("admin:support_supportsettings_change", args=[1])
    page = client.get(settings_url)
    assert page.status_code == 200 and "waiting_period_days" in page.content.decode()


def test_queue_shows_incomplete_intake_item_by_item(client, engineer, customer):
    """SUP-2 the queue marks a request missing items and names them."""
    ticket_create(customer=customer, line="data", channel="web", subject="Short",
                  description="broken")
    client.force_login(engineer)
    html = client.get(reverse("admin:support_ticket_changelist"),
                      {"intake_complete__exact": "0"}).content.decode()
    assert "missing: phone, description" in html
    ticket = Ticket.objects.get()
    page = client.get(reverse("admin:support_ticket_change", args=[ticket.pk])).content.decode()
    assert "✓ E-mail of the customer&#x27;s account" in page
    assert "✗ Valid phone number" in page and "✗ Clear description" in page


def test_change_page_shows_the_progress_update_due(client, engineer, open_ticket):
    """SUP-6 after a reply the change page shows when the next update is due."""
    from support.services import ticket_reply

    ticket = open_ticket("standard", now=kyiv(2025, 11, 17, 9))
    ticket_reply(ticket=ticket, actor=engineer, body="On it", now=kyiv(2025, 11, 17, 10))
    client.force_login(engineer)
    html = client.get(reverse("admin:support_ticket_change", args=[ticket.pk])).content.decode()
    assert "Progress update due</th><td>2025-11-18 10:00" in html


def test_weekend_bookings_in_the_admin(client, manager, customer):
    """SUP-11 managers deliver paid bookings; finance only views them."""
    import datetime as dt

    from slaportal.accounts.roles import Role
    from support.models import WeekendBooking
    from support.services import weekend_booking_create, weekend_booking_mark_paid
    from tests.factories import StaffFactory

    set_plan(customer, "signature")
    booking = weekend_booking_create(customer=customer, day=dt.date(2025, 11, 22), hours=3,
                                     actor=customer.user, now=kyiv(2025, 11, 17, 10))
    weekend_booking_mark_paid(booking=booking.pk)
    client.force_login(manager)
    url = reverse("admin:support_weekendbooking_changelist")
    client.post(url, {"action": "mark_delivered", "_selected_action": [booking.pk]})
    assert WeekendBooking.objects.get().status == "delivered"
    client.force_login(StaffFactory(role=Role.FINANCE))
    page = client.get(url)
    assert page.status_code == 200 and "180.00" in page.content.decode()
    assert "mark_delivered" not in page.content.decode()


@pytest.mark.parametrize("rows", [10, 100])
def test_breach_and_hours_changelists_run_fixed_queries(client, manager, engineer,
                                                        django_assert_num_queries, rows):
    """SUP-8/SUP-13 the managers' breach list and the hours ledger do not grow per row."""
    from support.services import package_hours_log

    _many(rows)
    sla_sweep(now=kyiv(2030, 1, 1, 12))
    assert Breach.objects.count() == rows
    for _ in range(rows):
        package_hours_log(package=SupportServicePackageFactory(), hours=1, actor=engineer)
    client.force_login(manager)
    for name, expected in (("breach", 8), ("packagehoursentry", 6)):
        url = reverse(f"admin:support_{name}_changelist")
        client.get(url)
        with django_assert_num_queries(expected):
            response = client.get(url)
        assert len(response.context["cl"].result_list) == min(rows, 100)


def test_the_customer_page_shows_refused_attempts_and_package_hours(
    client, manager, engineer, customer, mailoutbox
):
    """SUP-4 staff see each refused attempt on the customer; SUP-13 the customer's page
    shows each package's used, left and overage hours."""
    from decimal import Decimal

    from support.services import (
        package_extra_hours_approve,
        package_hours_log,
        support_refusal_record,
        support_stop,
    )

    package = SupportServicePackageFactory(migration__customer=customer,
                                           hours_included=Decimal("3"))
    package_extra_hours_approve(package=package, hours=2, actor=manager)
    package_hours_log(package=package, hours=4, actor=engineer)
    support_stop(customer=customer, actor=manager, reason="Abusive e-mails")
    support_refusal_record(customer=customer, channel="email", subject="Let me in",
                           reply_to="client@example.com")
    client.force_login(manager)
    page = client.get(reverse("admin:accounts_customer_change", args=[customer.pk]))
    text = page.content.decode()
    assert "Support stopped" in text and "Abusive e-mails" in text
    assert "Refused while stopped (SUP-4): 1 attempt(s)" in text
    assert "Let me in" in text and "client@example.com" in text
    # 3 included + 2 approved, 4 used: 1 left, 1 h beyond the included hours.
    row = text[text.index(package.migration.migration_id):]
    assert "<td>3.00 h</td><td>2.00 h</td><td>4.00 h</td><td><strong>1.00 h</strong>" in row
    assert "<td>1.00 h</td></tr>" in row
    tickets = client.get(reverse("admin:support_ticket_changelist"),
                         {"customer__id__exact": customer.pk})
    assert tickets.status_code == 200
