"""The engineers' ticket workspace in the admin (issue 12): the queue's badge, filters
and bulk actions, the ticket page with the conversation and every action on it, staff
opening tickets from every channel (SUP-1/SUP-2), canned replies, hours (SUP-13)."""

from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from support.choices import MessageKind, Metric, TicketStatus
from support.models import CannedReply, PackageHoursEntry, SlaWarning, Ticket
from support.services import (
    inbound_email_process,
    sla_sweep,
    ticket_assign,
    ticket_clarify,
    ticket_close,
    ticket_customer_message,
    ticket_reopen,
    ticket_reply,
    ticket_set_status,
)
from tests.factories import StaffFactory, SupportServicePackageFactory

from .conftest import LONG, kyiv, set_plan

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:support_ticket_changelist"


def act(action: str, **fields) -> dict:
    return {"_ws_action": action, **{f"{action}-{k}": v for k, v in fields.items()}}


def change_url(ticket) -> str:
    return reverse("admin:support_ticket_change", args=[ticket.pk])


# --- the time-left badge (SUP-5, SUP-7, SUP-3) ---------------------------------------


@pytest.mark.parametrize(("now", "css", "text"), [
    (kyiv(2025, 11, 17, 10), "left-ok", "23 h 00 min"),
    (kyiv(2025, 11, 18, 16, 48), "left-amber", "7 h 12 min"),  # 70% of 24 bh used
    (kyiv(2025, 11, 19, 12, 36), "left-red", "2 h 24 min"),  # 90%
    (kyiv(2025, 11, 19, 16), "left-red", "overdue 1 h 00 min"),
])
def test_the_queue_badge_shows_business_time_left_and_turns_amber_then_red(
    client, engineer, open_ticket, now, css, text
):
    """SUP-5/SUP-7 standard plan, received Mon 09:00, due Wed 15:00 (24 business hours
    on data-standard): the badge counts business time only, amber from 70%, red from
    90% and once overdue."""
    open_ticket("standard", now=kyiv(2025, 11, 17, 9))
    with time_machine.travel(now, tick=False):
        client.force_login(engineer)
        html = client.get(reverse(CHANGELIST)).content.decode()
    assert f'<span class="left {css}"' in html
    assert f">{text}</span>" in html


def test_the_badge_reads_paused_while_waiting_on_the_customer(client, engineer, open_ticket):
    """SUP-3 the clock pauses while the ticket waits on the customer."""
    ticket = open_ticket("standard", now=kyiv(2025, 11, 17, 9))
    ticket_clarify(ticket=ticket, actor=engineer, question="Phone?", now=kyiv(2025, 11, 17, 10))
    client.force_login(engineer)
    html = client.get(reverse(CHANGELIST)).content.decode()
    assert '<span class="left left-paused"' in html and ">paused</span>" in html
    assert ">Waiting on customer</span>" in html  # the status in words


# --- the queue: open work by due time, my tickets, bulk actions ------------------------


def test_default_queue_is_open_work_by_next_due_and_my_tickets_filter(
    client, engineer, open_ticket
):
    """SUP-5 the default queue holds open work sorted by the next due time; closed
    tickets are one filter away; "My tickets" shows the signed-in engineer's."""
    later = open_ticket("standard", now=kyiv(2025, 11, 17, 12))
    sooner = open_ticket("premium", now=kyiv(2025, 11, 17, 9))
    done = open_ticket("standard", now=kyiv(2025, 11, 17, 8))
    ticket_close(ticket=done, actor=engineer, now=kyiv(2025, 11, 17, 9))
    ticket_assign(ticket=later, actor=engineer, assignee=engineer)
    client.force_login(engineer)
    rows = client.get(reverse(CHANGELIST)).context["cl"].result_list
    assert [t.pk for t in rows] == [sooner.pk, later.pk]
    closed = client.get(reverse(CHANGELIST), {"status": "solved"}).context["cl"].result_list
    assert [t.pk for t in closed] == [done.pk]
    mine = client.get(reverse(CHANGELIST), {"assigned": "me"}).context["cl"].result_list
    assert [t.pk for t in mine] == [later.pk]
    nobody = client.get(reverse(CHANGELIST), {"assigned": "none"}).context["cl"].result_list
    assert [t.pk for t in nobody] == [sooner.pk]


def test_bulk_assign_to_an_engineer_and_to_me(client, engineer, manager, open_ticket):
    """ACC-2 engineers assign selected tickets in one step; a missing choice is a clear
    error that changes nothing."""
    first, second = open_ticket("standard"), open_ticket("standard")
    colleague = StaffFactory(role="Support engineers", email="colleague@vendor.test")
    client.force_login(engineer)
    url = reverse(CHANGELIST)
    selected = {"_selected_action": [first.pk, second.pk], "index": 0}
    page = client.post(url, {**selected, "action": "assign_to_chosen", "assignee": ""},
                       follow=True)
    assert "Choose the engineer" in page.content.decode()
    assert not Ticket.objects.filter(assignee__isnull=False).exists()
    client.post(url, {**selected, "action": "assign_to_chosen", "assignee": colleague.pk})
    assert set(Ticket.objects.values_list("assignee__email", flat=True)) == {
        "colleague@vendor.test"}
    client.post(url, {"_selected_action": [second.pk], "index": 0, "action": "assign_to_me"})
    assert Ticket.objects.get(pk=second.pk).assignee == engineer


def test_bulk_status_pauses_resumes_and_closes_by_line(client, engineer, open_ticket):
    """SUP-3 "waiting on customer" pauses the clock, "open" resumes it with what was
    left; the final status follows each ticket's line (closed / considered solved)."""
    data, cms = open_ticket("standard"), open_ticket("cms")
    client.force_login(engineer)
    url = reverse(CHANGELIST)
    both = {"_selected_action": [data.pk, cms.pk], "index": 0, "action": "set_status"}
    client.post(url, {**both, "new_status": TicketStatus.WAITING_ON_CUSTOMER})
    data.refresh_from_db()
    assert data.status == TicketStatus.WAITING_ON_CUSTOMER and data.next_due_at is None
    assert data.clock_remaining_minutes is not None
    client.post(url, {**both, "new_status": TicketStatus.OPEN})
    data.refresh_from_db()
    assert data.status == TicketStatus.OPEN and data.next_due_at is not None
    client.post(url, {**both, "new_status": "final"})
    assert dict(Ticket.objects.values_list("line", "status")) == {
        "data": TicketStatus.SOLVED, "cms": TicketStatus.CLOSED}
    # Finished tickets are under the "All" filter; setting them open is refused.
    refused = client.post(url + "?status=all", {**both, "new_status": TicketStatus.OPEN},
                          follow=True)
    assert "reopen it first" in refused.content.decode()


def test_set_status_refuses_what_staff_cannot_set(open_ticket, engineer):
    ticket = open_ticket("standard")
    ticket_reply(ticket=ticket, actor=engineer, body="Hi")
    with pytest.raises(Exception, match="cannot set a ticket to New"):
        ticket_set_status(ticket=ticket, actor=engineer, status=TicketStatus.NEW)


# --- the ticket page: the conversation, actions on the page, who acted ----------------


def test_the_page_shows_the_whole_conversation_attachments_and_who_acted(
    client, engineer, customer, open_ticket
):
    """SUP-5 the whole conversation, untruncated, with the files an e-mail carried;
    every timeline entry names who acted: the customer, the engineer by name and role,
    or a job."""
    engineer.full_name = "Olena Koval"
    engineer.save()
    ticket = open_ticket("standard", now=kyiv(2025, 11, 17, 9))
    ticket_reply(ticket=ticket, actor=engineer, body="On it", now=kyiv(2025, 11, 17, 10))
    long_body = "Details. " * 200  # 1,800 characters
    raw = (
        "From: Client <client@example.com>\nTo: support@vendor.test\n"
        f"Subject: Re: [#{ticket.reference}] Import fails\nMessage-ID: <m1@example.com>\n"
        "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=XX\n\n"
        f"--XX\nContent-Type: text/plain; charset=utf-8\n\n{long_body}\n"
        "--XX\nContent-Type: text/csv\nContent-Disposition: attachment; filename=\"errors.csv\"\n"
        "Content-Transfer-Encoding: base64\n\naWQsZXJyb3IKMSxIVFRQIDUwMAo=\n--XX--\n"
    )
    inbound_email_process(raw=raw, now=kyiv(2025, 11, 17, 11))
    sla_sweep(now=kyiv(2025, 11, 18, 11))  # the update due Tue 10:00 was missed
    client.force_login(engineer)
    html = client.get(change_url(ticket)).content.decode()
    assert long_body.strip() in html
    assert "Attachment: errors.csv" in html
    assert f"Customer ({customer.user.email})" in html
    assert "Olena Koval (engineer)" in html
    assert "System (SLA clock)" in html and "Progress update due" in html
    assert "Status: Open" in html and "status open" not in html


def test_a_reply_with_an_error_stays_on_the_page_and_saves_nothing(
    client, engineer, open_ticket
):
    ticket = open_ticket("standard")
    client.force_login(engineer)
    page = client.post(change_url(ticket), act("reply", body="  ", wait_for_customer="on",
                                               close_after="on"))
    assert page.status_code == 200
    assert "Either wait for the customer or resolve" in page.content.decode() or \
        "This field is required" in page.content.decode()
    assert not ticket.messages.filter(kind=MessageKind.PUBLIC_REPLY).exists()
    assert client.post(change_url(ticket), {"_ws_action": "explode"}).status_code == 403


def test_reply_and_resolve_in_one_step(client, engineer, open_ticket):
    """SUP-5 the reply is the response; SUP-3 the data line ends as considered solved."""
    ticket = open_ticket("standard")
    client.force_login(engineer)
    client.post(change_url(ticket), act("reply", body="Fixed: re-run it.", close_after="on"))
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.SOLVED and ticket.first_responded_at is not None


def test_canned_reply_fills_placeholders_from_the_ticket(client, engineer, customer,
                                                         open_ticket):
    """Canned replies, managed in the admin, insert with the customer's name, the
    Migration ID, the plan and the due time filled in; unknown braces stay as written."""
    customer.user.full_name = "Ada Lovelace"
    customer.user.save()
    ticket = open_ticket("cms", now=kyiv(2025, 11, 17, 9))
    client.force_login(StaffFactory(is_superuser=True))
    client.post(reverse("admin:support_cannedreply_add"), {
        "title": "Re-run", "line": "", "is_active": "on",
        "body": "Hello {customer_name}, migration {migration_id} on {plan}: we answer by "
                "{due}. {unknown} {0.__class__}",
    })
    canned = CannedReply.objects.get()
    client.force_login(engineer)
    html = client.get(change_url(ticket), {"canned": canned.pk}).content.decode()
    assert (f"Hello Ada Lovelace, migration {ticket.migration.migration_id} on "
            f"{ticket.plan.name}: we answer by 2025-11-20 11:00 Kyiv time. {{unknown}} "
            "{0.__class__}") in html


# --- staff open tickets from every channel (SUP-1, SUP-2) -----------------------------


@pytest.mark.parametrize("channel", ["chat", "email", "web", "phone", "im"])
def test_staff_open_a_data_line_ticket_from_any_channel(client, engineer, customer, channel):
    """SUP-1 staff open a ticket on the customer's behalf; intake (SUP-2) marks what is
    missing; the response target runs as for any request."""
    set_plan(customer, "standard")
    client.force_login(engineer)
    response = client.post(reverse("admin:support_ticket_add"), {
        "customer_email": "CLIENT@example.com", "line": "data", "channel": channel,
        "subject": "Chat: export stuck", "description": LONG, "contact_phone": "",
    })
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response.url == change_url(ticket)
    assert ticket.channel == channel and ticket.customer == customer
    assert ticket.intake_missing == ["phone"] and ticket.next_due_at is not None
    assert ticket.messages.filter(kind=MessageKind.INTERNAL_NOTE, author=engineer).exists()


def test_a_forum_question_ranks_below_and_carries_no_target(client, engineer, customer):
    """SUP-1 forum questions rank below the rest and carry no response guarantee."""
    set_plan(customer, "signature")
    client.force_login(engineer)
    client.post(reverse("admin:support_ticket_add"), {
        "customer_email": customer.user.email, "line": "data", "channel": "forum",
        "subject": "How do filters work?", "description": LONG,
        "contact_phone": "+380441234567",
    })
    ticket = Ticket.objects.get()
    assert ticket.priority_rank == 0 and ticket.next_due_at is None
    assert "may take a few business days" in ticket.messages.get(kind="auto_ack").body


@pytest.mark.parametrize("channel", ["phone", "im"])
def test_the_cms_line_refuses_phone_and_im(client, engineer, customer, channel):
    """SUP-1 phone and IM are not support channels on the CMS line: a clear message,
    nothing created."""
    client.force_login(engineer)
    page = client.post(reverse("admin:support_ticket_add"), {
        "customer_email": customer.user.email, "line": "cms", "channel": channel,
        "subject": "Call me", "description": LONG,
    })
    assert page.status_code == 200
    assert "is not a support channel on the CMS line" in page.content.decode()
    assert not Ticket.objects.exists()


def test_a_stopped_customer_is_refused_from_the_admin_too(client, engineer, manager, customer):
    """SUP-4 by any channel: a chat request for a stopped customer is refused with the
    message, kept as a refused attempt, and no ticket is opened."""
    from support.models import RefusedRequest
    from support.services import support_stop

    support_stop(customer=customer, actor=manager, reason="Abusive chat")
    client.force_login(engineer)
    page = client.post(reverse("admin:support_ticket_add"), {
        "customer_email": customer.user.email, "line": "data", "channel": "chat",
        "subject": "Let me in", "description": LONG, "contact_phone": "+380441234567",
    })
    assert "Support for this account has been stopped" in page.content.decode()
    assert not Ticket.objects.exists()
    assert RefusedRequest.objects.get().channel == "chat"


def test_an_unknown_customer_is_a_form_error(client, engineer):
    client.force_login(engineer)
    page = client.post(reverse("admin:support_ticket_add"), {
        "customer_email": "nobody@nowhere.test", "line": "data", "channel": "chat",
        "subject": "x", "description": LONG,
    })
    assert "No customer signs in with nobody@nowhere.test" in page.content.decode()
    assert not Ticket.objects.exists()


def test_finance_cannot_open_tickets(client):
    client.force_login(StaffFactory(role="Finance"))
    assert client.get(reverse("admin:support_ticket_add")).status_code == 403


# --- hours (SUP-13) -------------------------------------------------------------------


def test_hours_logged_on_the_ticket_page_show_used_left_and_overage(
    client, engineer, manager, customer, open_ticket
):
    """SUP-13 time logged on the ticket shows used and left hours; logging past the
    included hours warns and records overage; past the approved extra it is refused."""
    from support.services import package_extra_hours_approve

    ticket = open_ticket("cms")
    package = SupportServicePackageFactory(migration=ticket.migration,
                                           hours_included=Decimal("2"))
    package_extra_hours_approve(package=package, hours=1, actor=manager)
    client.force_login(engineer)
    page = client.post(change_url(ticket), act("hours", hours="2.5", note="Fixed redirects"),
                       follow=True)
    html = page.content.decode()
    assert "0.50 h of this entry are beyond the hours the package includes" in html
    assert "2.50 h (2.50 h on this ticket)" in html and "<strong>0.50 h</strong>" in html
    assert "0.50 h beyond the included hours" in html
    refused = client.post(change_url(ticket), act("hours", hours="1", note=""))
    assert "would exceed the package allowance" in refused.content.decode()
    assert PackageHoursEntry.objects.get().overage_hours == Decimal("0.5")


# --- SUP-7: a new cycle gets new warnings ----------------------------------------------


def test_a_reopened_ticket_gets_new_warnings_for_its_new_cycle(open_ticket, engineer, manager):
    """SUP-7/SUP-14 warnings are once per target cycle: the reopened cycle's first
    response is warned again at 70%, to the assignee and the account manager."""
    ticket = open_ticket("standard", now=kyiv(2025, 11, 17, 9))
    ticket_assign(ticket=ticket, actor=manager, assignee=engineer)
    assert sla_sweep(now=kyiv(2025, 11, 18, 16, 48))["warnings"] == 1
    ticket_reply(ticket=ticket, actor=engineer, body="Done", now=kyiv(2025, 11, 18, 17))
    ticket_close(ticket=ticket, actor=engineer, now=kyiv(2025, 11, 18, 17, 5))
    ticket_reopen(ticket=ticket, actor=engineer, now=kyiv(2025, 11, 24, 9))
    assert sla_sweep(now=kyiv(2025, 11, 25, 16, 48))["warnings"] == 1
    warnings = list(SlaWarning.objects.filter(ticket=ticket).order_by("sent_at"))
    assert [(w.metric, w.percent) for w in warnings] == [(Metric.FIRST_RESPONSE, 70)] * 2
    assert warnings[0].due_at != warnings[1].due_at
    assert warnings[1].recipients == "engineer@vendor.test, manager@vendor.test"


def test_customer_message_on_a_solved_ticket_reopens_a_new_cycle(open_ticket, engineer):
    """SUP-14 the customer writing on a finished ticket starts cycle 2."""
    ticket = open_ticket("standard", now=kyiv(2025, 11, 17, 9))
    ticket_close(ticket=ticket, actor=engineer, now=kyiv(2025, 11, 17, 10))
    ticket_customer_message(ticket=ticket, body="Broken again", now=kyiv(2025, 11, 18, 9))
    ticket.refresh_from_db()
    assert ticket.cycle == 2 and ticket.status == TicketStatus.REOPENED
    assert ticket.first_response_due_at == kyiv(2025, 11, 20, 15)


# --- pinned queries -------------------------------------------------------------------


@pytest.mark.parametrize("replies", [1, 20])
def test_the_ticket_page_runs_the_same_queries_however_long_the_conversation(
    client, engineer, open_ticket, django_assert_num_queries, replies
):
    """The ticket page's queries do not grow with its messages."""
    ticket = open_ticket("standard", now=kyiv(2025, 11, 17, 9))
    for i in range(replies):
        ticket_reply(ticket=ticket, actor=engineer, body=f"Update {i}",
                     now=kyiv(2025, 11, 17, 10, i))
        ticket_customer_message(ticket=ticket, body=f"Thanks {i}",
                                now=kyiv(2025, 11, 17, 10, 30 + i))
    client.force_login(engineer)
    client.get(change_url(ticket))  # warm the calendar engines
    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(change_url(ticket))
    assert response.status_code == 200
    assert response.content.decode().count('class="msg msg-') == 2 + 2 * replies


# Session, user, ticket (one join, once), settings, calendars, messages, roles,
# permissions (2), canned replies, clarifications, breaches, warnings, history, the
# assignee list, …: 16, whatever the conversation's length.
PAGE_QUERIES = 16
