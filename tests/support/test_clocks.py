"""SLA clocks: first-response due times on each seeded plan (SUP-5), pause/resume
(SUP-3), progress updates (SUP-6), reopening (SUP-14), calendar changes (CAL-8)."""

import datetime as dt

import pytest

from slaportal.calendars.models import BusinessCalendar, Closure
from support.choices import Metric, TicketStatus
from support.services import (
    recompute_ticket_deadlines,
    ticket_clarify,
    ticket_close,
    ticket_customer_message,
    ticket_reopen,
    ticket_reply,
)

from .conftest import kyiv

pytestmark = pytest.mark.django_db

UTC = dt.UTC


@pytest.mark.parametrize(
    ("code", "received", "due"),
    [
        # Friday evening, 2025-11-21 20:00 Kyiv (EET).
        ("cms", kyiv(2025, 11, 21, 20), kyiv(2025, 11, 27, 11)),  # Wed 20:00 is after hours
        ("standard", kyiv(2025, 11, 21, 20), kyiv(2025, 11, 26, 15)),  # 9 + 9 + 6 h
        ("premium", kyiv(2025, 11, 21, 20), kyiv(2025, 11, 24, 12)),  # 4 + 8 + 8 + 4 h
        ("signature", kyiv(2025, 11, 21, 20), kyiv(2025, 11, 24, 12)),
        # A holiday: Monday 2021-03-08 (statutory day off before martial law).
        ("cms", kyiv(2021, 3, 8, 10), kyiv(2021, 3, 12, 11)),  # counted from Tue 00:00
        ("standard", kyiv(2021, 3, 8, 10), kyiv(2021, 3, 11, 15)),
        ("premium", kyiv(2021, 3, 8, 10), kyiv(2021, 3, 10, 16)),  # 16 h Tue + 8 h Wed
        ("signature", kyiv(2021, 3, 8, 10), kyiv(2021, 3, 10, 16)),
        # Across the spring DST change (Sun 2025-03-30 03:00 EET -> 04:00 EEST).
        ("cms", kyiv(2025, 3, 29, 22), dt.datetime(2025, 4, 3, 8, tzinfo=UTC)),
        ("standard", kyiv(2025, 3, 29, 22), dt.datetime(2025, 4, 2, 12, tzinfo=UTC)),
        ("premium", kyiv(2025, 3, 29, 22), dt.datetime(2025, 3, 31, 21, tzinfo=UTC)),
        ("signature", kyiv(2025, 3, 29, 22), dt.datetime(2025, 3, 31, 21, tzinfo=UTC)),
        # Across the autumn DST change (Sun 2025-10-26 04:00 EEST -> 03:00 EET).
        ("cms", kyiv(2025, 10, 25, 22), dt.datetime(2025, 10, 30, 9, tzinfo=UTC)),
        ("standard", kyiv(2025, 10, 25, 22), dt.datetime(2025, 10, 29, 13, tzinfo=UTC)),
        ("premium", kyiv(2025, 10, 25, 22), dt.datetime(2025, 10, 27, 22, tzinfo=UTC)),
    ],
)
def test_first_response_due_on_each_seeded_plan(open_ticket, code, received, due):
    """SUP-5 first response counted on the plan's calendar from receipt (Friday evening,
    holiday, DST change)."""
    ticket = open_ticket(code, now=received)
    ticket.refresh_from_db()
    assert ticket.first_response_due_at == due
    assert ticket.next_due_at == due
    assert ticket.clock_metric == Metric.FIRST_RESPONSE


def test_holiday_under_traditional_policy_in_a_martial_law_year(open_ticket):
    """SUP-5/CAL-3: under the traditional policy a 2025 holiday closes the calendar."""
    BusinessCalendar.objects.filter(slug="data-standard").update(
        holiday_policy="traditional", version=99
    )
    # Wednesday 2025-01-01 is New Year's Day: closed under the traditional policy.
    ticket = open_ticket("standard", now=kyiv(2025, 1, 1, 10))
    assert ticket.first_response_due_at == kyiv(2025, 1, 6, 15)  # Thu 9 + Fri 9 + Mon 6


def test_calendar_hours_target_counts_real_time_across_dst(open_ticket):
    """SUP-5 a target in calendar hours counts elapsed time (23-hour DST Sunday)."""
    from slaportal.plans.models import SupportPlan

    SupportPlan.objects.filter(code="standard").update(response_unit="calendar_hours")
    ticket = open_ticket("standard", now=kyiv(2025, 3, 29, 12))  # 10:00 UTC
    assert ticket.first_response_due_at == dt.datetime(2025, 3, 30, 10, tzinfo=UTC)
    assert ticket.first_response_due_at == kyiv(2025, 3, 30, 13)  # EEST wall clock


def test_forum_ticket_has_no_due_and_ranks_lowest(open_ticket):
    """SUP-1 forum questions carry no response guarantee and rank below the rest."""
    forum = open_ticket("signature", channel="forum")
    web = open_ticket("standard", channel="web")
    assert forum.first_response_due_at is None and forum.next_due_at is None
    assert forum.priority_rank < web.priority_rank


def test_premium_and_signature_rank_above_standard(open_ticket):
    """SUP-5 Premium (high) and Signature (highest) rank above Standard."""
    ranks = [open_ticket(code).priority_rank for code in ("standard", "premium", "signature")]
    assert ranks[0] < ranks[1] < ranks[2]


def test_clock_pauses_while_waiting_and_resumes_with_the_remaining_time(
    open_ticket, engineer
):
    """SUP-3 the response clock pauses while waiting on the customer and resumes on reply."""
    ticket = open_ticket("standard", now=kyiv(2025, 11, 17, 9))  # Mon 09:00, due Wed 15:00
    assert ticket.first_response_due_at == kyiv(2025, 11, 19, 15)
    # Mon 13:00 (4 business hours used): ask for the phone number.
    ticket_clarify(
        ticket=ticket, actor=engineer, question="Your phone?", now=kyiv(2025, 11, 17, 13)
    )
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.WAITING_ON_CUSTOMER
    assert ticket.next_due_at is None and ticket.first_response_due_at is None
    assert ticket.paused_elapsed_minutes == 240
    assert ticket.clock_remaining_minutes == 20 * 60
    # The customer answers Tuesday 11:00: 20 business hours remain -> Thu 13:00.
    ticket_customer_message(ticket=ticket, body="+380441234567", now=kyiv(2025, 11, 18, 11))
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN
    assert ticket.first_response_due_at == kyiv(2025, 11, 20, 13)
    # SUP-7: warnings still fall at 70%/90% of the whole 24 h target (16.8 h / 21.6 h of
    # business time, 4 h of which ran before the pause).
    assert ticket.warn_first_at == kyiv(2025, 11, 19, 14, 48)
    assert ticket.warn_second_at == kyiv(2025, 11, 20, 10, 36)


def test_only_a_public_reply_is_a_response_then_updates_are_due(open_ticket, engineer):
    """SUP-5 an internal note is not a response; SUP-6 a reply starts the update clock."""
    from support.services import ticket_add_note

    ticket = open_ticket("standard", now=kyiv(2025, 11, 17, 9))
    ticket_add_note(ticket=ticket, actor=engineer, body="Looking", now=kyiv(2025, 11, 17, 10))
    ticket.refresh_from_db()
    assert ticket.first_responded_at is None
    assert ticket.first_response_due_at == kyiv(2025, 11, 19, 15)
    ticket_reply(ticket=ticket, actor=engineer, body="On it", now=kyiv(2025, 11, 17, 10))
    ticket.refresh_from_db()
    assert ticket.first_responded_at == kyiv(2025, 11, 17, 10)
    assert ticket.first_response_due_at is None
    # SUP-6: 1 business day after the reply.
    assert ticket.update_due_at == kyiv(2025, 11, 18, 10)
    assert ticket.assignee == engineer


def test_customer_messages_do_not_move_the_update_clock(open_ticket, engineer):
    """SUP-6 the update clock counts from the last staff update: a chatty customer does
    not postpone it; the missed update is a breach (SUP-8)."""
    from support.models import Breach
    from support.services import sla_sweep

    ticket = open_ticket("standard", now=kyiv(2025, 11, 17, 9))
    ticket_reply(ticket=ticket, actor=engineer, body="On it", now=kyiv(2025, 11, 17, 10))
    for when in (kyiv(2025, 11, 17, 12), kyiv(2025, 11, 17, 15), kyiv(2025, 11, 18, 9, 30)):
        ticket_customer_message(ticket=ticket, body="Any news?", now=when)
        ticket.refresh_from_db()
        assert ticket.clock_metric == Metric.UPDATE
        assert ticket.update_due_at == ticket.next_due_at == kyiv(2025, 11, 18, 10)
    sla_sweep(now=kyiv(2025, 11, 18, 10, 1))
    assert Breach.objects.get().metric == Metric.UPDATE


def test_the_reply_clock_takes_over_when_its_target_comes_first(open_ticket, engineer):
    """SUP-5/SUP-6 with an update interval longer than the response target, the reply
    owed to the customer's message is the nearer target and the clock measures it."""
    ticket = open_ticket("standard", now=kyiv(2025, 11, 17, 9))
    ticket.plan.update_amount = 5
    ticket.plan.save()
    ticket_reply(ticket=ticket, actor=engineer, body="On it", now=kyiv(2025, 11, 17, 10))
    ticket_customer_message(ticket=ticket, body="Any news?", now=kyiv(2025, 11, 17, 12))
    ticket.refresh_from_db()
    assert ticket.clock_metric == Metric.REPLY
    assert ticket.reply_due_at == kyiv(2025, 11, 19, 18)  # 6 + 9 + 9 business hours
    assert ticket.update_due_at is None


def test_update_clock_pauses_while_waiting_and_resumes_with_what_was_left(
    open_ticket, engineer
):
    """SUP-6/SUP-3 the update clock stops while the ticket waits on the customer and
    resumes with the business time that was left."""
    ticket = open_ticket("standard", now=kyiv(2025, 11, 17, 9))
    ticket_reply(ticket=ticket, actor=engineer, body="On it", now=kyiv(2025, 11, 17, 10))
    # Mon 14:00: 4 of the 9 business hours ran; the ticket waits on the customer.
    ticket_clarify(ticket=ticket, actor=engineer, question="Which file?",
                   now=kyiv(2025, 11, 17, 14))
    ticket.refresh_from_db()
    assert ticket.next_due_at is None and ticket.clock_remaining_minutes == 5 * 60
    ticket_customer_message(ticket=ticket, body="The CSV", now=kyiv(2025, 11, 19, 11))
    ticket.refresh_from_db()
    assert ticket.clock_metric == Metric.UPDATE
    assert ticket.update_due_at == kyiv(2025, 11, 19, 16)
    # A reply that waits on the customer: the whole interval is owed from the answer.
    ticket_reply(ticket=ticket, actor=engineer, body="Try this", wait_for_customer=True,
                 now=kyiv(2025, 11, 19, 12))
    ticket_customer_message(ticket=ticket, body="Done", now=kyiv(2025, 11, 20, 15))
    ticket.refresh_from_db()
    assert ticket.update_due_at == kyiv(2025, 11, 21, 15)


def test_waiting_on_customer_has_no_update_due(open_ticket, engineer):
    """SUP-6 updates are owed only while open and not waiting on the customer."""
    ticket = open_ticket("standard", now=kyiv(2025, 11, 17, 9))
    ticket_reply(ticket=ticket, actor=engineer, body="Try this", wait_for_customer=True,
                 now=kyiv(2025, 11, 17, 10))
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.WAITING_ON_CUSTOMER
    assert ticket.update_due_at is None and ticket.next_due_at is None


def test_reopening_starts_a_new_response_cycle(open_ticket, engineer):
    """SUP-14 a reopened ticket gets a new first-response due from the reopening."""
    ticket = open_ticket("standard", now=kyiv(2025, 11, 17, 9))
    ticket_reply(ticket=ticket, actor=engineer, body="Fixed", now=kyiv(2025, 11, 17, 10))
    ticket_close(ticket=ticket, actor=engineer, now=kyiv(2025, 11, 17, 11))
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.SOLVED and ticket.next_due_at is None
    ticket_reopen(ticket=ticket, actor=engineer, now=kyiv(2025, 11, 24, 9))
    ticket.refresh_from_db()
    assert ticket.cycle == 2
    assert ticket.status == TicketStatus.REOPENED
    assert ticket.first_responded_at is None
    assert ticket.first_response_due_at == kyiv(2025, 11, 26, 15)


def test_calendar_change_recomputes_open_ticket_deadlines(open_ticket):
    """CAL-8 a closure added to the plan's calendar moves the ticket's due time."""
    ticket = open_ticket("standard", now=kyiv(2025, 11, 17, 9))
    calendar = BusinessCalendar.objects.get(slug="data-standard")
    Closure.objects.create(calendar=calendar, starts_on=dt.date(2025, 11, 18),
                           ends_on=dt.date(2025, 11, 18), public_note="Office move")
    BusinessCalendar.objects.filter(pk=calendar.pk).update(version=calendar.version + 1)
    assert recompute_ticket_deadlines(frozenset({"data-standard"})) == 1
    ticket.refresh_from_db()
    assert ticket.first_response_due_at == kyiv(2025, 11, 20, 15)


def test_closure_saved_through_calendars_moves_the_due_time(
    open_ticket, django_capture_on_commit_callbacks
):
    """CAL-8/SUP-5 a closure announced on the plan's calendar recomputes open tickets."""
    from slaportal.calendars.services import closure_save

    ticket = open_ticket("premium", now=kyiv(2025, 11, 17, 9))  # data-extended
    assert ticket.first_response_due_at == kyiv(2025, 11, 18, 17)  # 15 h Mon + 9 h Tue
    calendar = BusinessCalendar.objects.get(slug="data-extended")
    with django_capture_on_commit_callbacks(execute=True):
        closure_save(closure=Closure(calendar=calendar, starts_on=dt.date(2025, 11, 18),
                                     ends_on=dt.date(2025, 11, 18), public_note="Move"))
    ticket.refresh_from_db()
    assert ticket.first_response_due_at == kyiv(2025, 11, 19, 17)


def test_every_target_unit_is_a_calendar_duration_unit():
    """SUP-5: targets are counted by the calendars' own duration arithmetic."""
    from slaportal.calendars.durations import UNITS
    from support.choices import TargetUnit

    assert set(TargetUnit.values) <= set(UNITS)
