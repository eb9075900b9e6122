"""SUP-7 warnings, SUP-8 breaches, SUP-9 right of termination."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from slaportal.plans.models import SupportPlan
from support.choices import ExclusionReason, Metric
from support.models import Breach, SlaWarning, TerminationRight
from support.selectors import termination_rights_for
from support.services import breach_exclude, sla_sweep, ticket_assign, ticket_reply
from support.tasks import sla_sweep as sla_sweep_task

from .conftest import kyiv

pytestmark = pytest.mark.django_db


def test_sweep_twice_writes_one_breach(open_ticket):
    """SUP-8 a missed target writes one breach record, however often the sweep runs."""
    ticket = open_ticket("standard", now=kyiv(2025, 11, 17, 9))  # due Wed 19th 15:00
    assert sla_sweep(now=kyiv(2025, 11, 19, 14, 59))["breaches"] == 0
    assert sla_sweep(now=kyiv(2025, 11, 19, 15))["breaches"] == 1
    assert sla_sweep(now=kyiv(2025, 11, 19, 15, 5))["breaches"] == 0
    ticket.overdue_recorded = False  # even if the marker is lost, the constraint holds
    ticket.save(update_fields=["overdue_recorded"])
    sla_sweep(now=kyiv(2025, 11, 19, 15, 10))
    breach = Breach.objects.get()
    assert (breach.ticket, breach.metric, breach.due_at) == (
        ticket, Metric.FIRST_RESPONSE, kyiv(2025, 11, 19, 15))
    assert breach.met_at is None


def test_late_response_sets_met_at(open_ticket, engineer):
    """SUP-8 the breach records when the target was finally met."""
    ticket = open_ticket("standard", now=kyiv(2025, 11, 17, 9))
    sla_sweep(now=kyiv(2025, 11, 19, 16))
    ticket_reply(ticket=ticket, actor=engineer, body="Sorry", now=kyiv(2025, 11, 19, 17))
    assert Breach.objects.get().met_at == kyiv(2025, 11, 19, 17)


def test_missed_progress_update_is_a_breach(open_ticket, engineer):
    """SUP-6 a missed progress update is a breach like a missed response."""
    ticket = open_ticket("standard", now=kyiv(2025, 11, 17, 9))
    ticket_reply(ticket=ticket, actor=engineer, body="Working", now=kyiv(2025, 11, 17, 10))
    sla_sweep(now=kyiv(2025, 11, 18, 10, 1))
    assert Breach.objects.get(ticket=ticket).metric == Metric.UPDATE


def test_forum_ticket_never_breaches(open_ticket):
    """SUP-1 forum questions carry no response guarantee."""
    open_ticket("premium", channel="forum", now=kyiv(2025, 11, 17, 9))
    sla_sweep(now=kyiv(2026, 1, 1, 12))
    assert not Breach.objects.exists()


def test_warnings_at_70_and_90_percent_once_each(
    open_ticket, engineer, manager, django_capture_on_commit_callbacks
):
    """SUP-7 warnings at 70% and 90% to the assignee and the account manager, once."""
    ticket = open_ticket("standard", now=kyiv(2025, 11, 17, 9))  # due Wed 15:00, 24 bh
    ticket_assign(ticket=ticket, actor=manager, assignee=engineer)
    mail.outbox.clear()
    assert sla_sweep(now=kyiv(2025, 11, 18, 16, 47))["warnings"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert sla_sweep(now=kyiv(2025, 11, 18, 16, 48))["warnings"] == 1  # 16.8 bh
    assert sorted(mail.outbox[0].to) == ["engineer@vendor.test", "manager@vendor.test"]
    assert "70%" in mail.outbox[0].subject
    assert sla_sweep(now=kyiv(2025, 11, 18, 16, 55))["warnings"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert sla_sweep(now=kyiv(2025, 11, 19, 12, 36))["warnings"] == 1  # 21.6 bh
    assert "90%" in mail.outbox[1].subject
    assert sla_sweep(now=kyiv(2025, 11, 19, 12, 40))["warnings"] == 0
    assert SlaWarning.objects.filter(ticket=ticket).count() == 2


def test_warning_outside_hours_waits_for_the_next_sweep_inside_hours(open_ticket, engineer):
    """SUP-7 warnings are sent only inside the calendar's hours."""
    ticket = open_ticket("standard", now=kyiv(2025, 11, 17, 9))
    ticket_assign(ticket=ticket, actor=engineer, assignee=engineer)
    assert sla_sweep(now=kyiv(2025, 11, 18, 18, 30))["warnings"] == 0  # closed at 18:00
    assert not SlaWarning.objects.exists()
    assert sla_sweep(now=kyiv(2025, 11, 19, 9, 1))["warnings"] == 1
    assert SlaWarning.objects.get().percent == 70


def _breaches(open_ticket, count, received):
    tickets = [open_ticket("standard", now=received) for _ in range(count)]
    return tickets


@pytest.fixture
def one_hour_plan():
    SupportPlan.objects.filter(code="standard").update(response_amount=1,
                                                       response_unit="calendar_hours")


def test_sixth_breach_in_a_month_flags_the_right_of_termination(
    open_ticket, customer, one_hour_plan, django_capture_on_commit_callbacks
):
    """SUP-9 more than 5 non-excluded breaches in one Kyiv month flag the right, tell the
    account manager once, and show it to the customer."""
    for _ in range(5):
        open_ticket("standard", now=kyiv(2025, 11, 10, 9))
    sla_sweep(now=kyiv(2025, 11, 10, 11))
    assert not termination_rights_for(customer=customer).exists()
    mail.outbox.clear()
    open_ticket("standard", now=kyiv(2025, 11, 12, 9))
    with django_capture_on_commit_callbacks(execute=True):
        sla_sweep_task.delay()  # the beat task (now: the real clock, after November 2025)
    right = termination_rights_for(customer=customer).get()
    assert right.month.isoformat() == "2025-11-01" and right.breach_count == 6
    notices = [m for m in mail.outbox if "Right of termination" in m.subject]
    assert [m.to for m in notices] == [["manager@vendor.test"]]
    with django_capture_on_commit_callbacks(execute=True):
        sla_sweep(now=kyiv(2025, 11, 13, 9))
    assert len([m for m in mail.outbox if "Right of termination" in m.subject]) == 1


def test_excluded_breach_does_not_count_and_withdraws_the_flag(
    open_ticket, customer, engineer, one_hour_plan
):
    """SUP-8/SUP-9 an excluded breach does not count; excluding re-evaluates the flag."""
    for _ in range(6):
        open_ticket("standard", now=kyiv(2025, 11, 10, 9))
    sla_sweep(now=kyiv(2025, 11, 10, 11))
    assert termination_rights_for(customer=customer).count() == 1
    breach = Breach.objects.first()
    with pytest.raises(ValidationError, match="one of the SLA's exclusions"):
        breach_exclude(breach=breach, actor=engineer, reason="rain")
    breach_exclude(breach=breach, actor=engineer, reason=ExclusionReason.CONFIG_CHANGED)
    assert not termination_rights_for(customer=customer).exists()
    right = TerminationRight.objects.get()
    assert right.is_active is False and right.breach_count == 5
    assert Breach.objects.count() == 6  # nothing deleted


def test_breaches_in_two_kyiv_months_do_not_add_up(open_ticket, customer, one_hour_plan):
    """SUP-9 the month is the Europe/Kyiv calendar month of the due time."""
    for _ in range(5):  # due 2025-10-31 23:30 Kyiv (21:30 UTC): October
        open_ticket("standard", now=kyiv(2025, 10, 31, 22, 30))
    open_ticket("standard", now=kyiv(2025, 10, 31, 23, 30))  # due 00:30 Kyiv on 1 November
    sla_sweep(now=kyiv(2025, 11, 1, 2))
    assert Breach.objects.count() == 6
    assert not TerminationRight.objects.exists()
    open_ticket("standard", now=kyiv(2025, 10, 31, 22, 0))  # a sixth in October
    sla_sweep(now=kyiv(2025, 11, 1, 3))
    assert termination_rights_for(customer=customer).get().month.isoformat() == "2025-10-01"


def test_cms_breaches_do_not_give_the_right(open_ticket, customer):
    """SUP-9 the right of termination belongs to the data line."""
    SupportPlan.objects.filter(code="cms").update(response_amount=1,
                                                  response_unit="calendar_hours")
    for _ in range(6):
        open_ticket("cms", now=kyiv(2025, 11, 10, 9))
    sla_sweep(now=kyiv(2025, 11, 10, 11))
    assert Breach.objects.count() == 6
    assert not TerminationRight.objects.exists()


def test_a_late_first_response_before_the_sweep_is_recorded_at_reply_time(open_ticket, engineer):
    """SUP-8: a reply after the due time, before any sweep, writes the breach then,
    met at the reply; the sweep afterwards writes no second record."""
    ticket = open_ticket("standard", now=kyiv(2025, 11, 17, 9))  # due Wed 19th 15:00
    ticket_reply(ticket=ticket, actor=engineer, body="Sorry", now=kyiv(2025, 11, 19, 15, 2))
    breach = Breach.objects.get()
    assert (breach.metric, breach.due_at, breach.met_at, breach.recorded_at) == (
        Metric.FIRST_RESPONSE, kyiv(2025, 11, 19, 15), kyiv(2025, 11, 19, 15, 2),
        kyiv(2025, 11, 19, 15, 2))
    sla_sweep(now=kyiv(2025, 11, 19, 15, 5))
    assert Breach.objects.count() == 1


def test_a_reply_in_time_writes_nothing(open_ticket, engineer):
    """SUP-8: the target met before its due time is no breach."""
    ticket = open_ticket("standard", now=kyiv(2025, 11, 17, 9))
    ticket_reply(ticket=ticket, actor=engineer, body="On it", now=kyiv(2025, 11, 19, 14, 59))
    assert not Breach.objects.exists()


def test_a_late_update_before_the_sweep_is_recorded_at_reply_time(open_ticket, engineer):
    """SUP-6/SUP-8: the progress update owed after a reply, sent late, is recorded then."""
    ticket = open_ticket("standard", now=kyiv(2025, 11, 17, 9))
    ticket_reply(ticket=ticket, actor=engineer, body="Working", now=kyiv(2025, 11, 17, 10))
    ticket.refresh_from_db()
    due = ticket.update_due_at
    ticket_reply(ticket=ticket, actor=engineer, body="Update", now=due + (kyiv(2025, 1, 1, 0, 1)
                                                                       - kyiv(2025, 1, 1)))
    breach = Breach.objects.get()
    assert breach.metric == Metric.UPDATE and breach.due_at == due and breach.met_at > due


def test_a_late_reply_to_the_customer_before_the_sweep_is_recorded(open_ticket, engineer):
    """SUP-5/SUP-8: the next-reply target after a customer's message, missed and then
    answered before a sweep, is recorded at the answer."""
    from support.services import ticket_customer_message

    ticket = open_ticket("standard", now=kyiv(2025, 11, 17, 9))
    ticket.plan.update_amount = 5  # the reply target comes before the next update (SUP-6)
    ticket.plan.save()
    ticket_reply(ticket=ticket, actor=engineer, body="Hi", now=kyiv(2025, 11, 17, 10))
    ticket_customer_message(ticket=ticket, body="Still broken", now=kyiv(2025, 11, 17, 11))
    ticket.refresh_from_db()
    due = ticket.reply_due_at
    assert ticket.clock_metric == Metric.REPLY and due is not None
    late = due + (kyiv(2025, 1, 1, 1) - kyiv(2025, 1, 1))
    ticket_reply(ticket=ticket, actor=engineer, body="Fixed", now=late)
    breach = Breach.objects.get()
    assert (breach.metric, breach.due_at, breach.met_at) == (Metric.REPLY, due, late)


def test_closing_a_ticket_past_its_due_time_records_the_missed_target(open_ticket, engineer):
    """SUP-8: closing stops the clock but does not meet a target already missed."""
    from support.services import ticket_close

    ticket = open_ticket("standard", now=kyiv(2025, 11, 17, 9))
    ticket_close(ticket=ticket, actor=engineer, now=kyiv(2025, 11, 19, 16))
    breach = Breach.objects.get()
    assert breach.metric == Metric.FIRST_RESPONSE and breach.met_at is None
    sla_sweep(now=kyiv(2025, 11, 20, 12))
    assert Breach.objects.count() == 1


def test_a_warning_sent_before_a_pause_is_not_sent_again_on_resuming(
    open_ticket, engineer, manager
):
    """SUP-7 (with SUP-3): 70% warned, the ticket waits on the customer, the customer
    answers: the 70% warning is not sent again; the 90% one still comes, once."""
    from support.services import ticket_clarify, ticket_customer_message

    ticket = open_ticket("standard", now=kyiv(2025, 11, 17, 9))  # due Wed 15:00, 24 bh
    ticket_assign(ticket=ticket, actor=manager, assignee=engineer)
    assert sla_sweep(now=kyiv(2025, 11, 18, 16, 48))["warnings"] == 1  # 70%
    ticket_clarify(ticket=ticket, actor=engineer, question="Which export file?",
                   now=kyiv(2025, 11, 18, 17))
    ticket_customer_message(ticket=ticket, body="The CSV one", now=kyiv(2025, 11, 19, 10))
    ticket.refresh_from_db()
    assert ticket.warn_first_at is None and ticket.warn_second_at is not None
    assert sla_sweep(now=kyiv(2025, 11, 19, 10, 5))["warnings"] == 0
    assert sla_sweep(now=ticket.warn_second_at)["warnings"] == 1
    assert sorted(SlaWarning.objects.filter(ticket=ticket).values_list("percent", flat=True)) == [
        70, 90]
