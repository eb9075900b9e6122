"""Beat jobs that drain: due rows only, nothing stalls the rest, each row once, and a
batch costs the same queries for 2 rows as for 20."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing import services as billing
from billing.choices import PaymentStatus
from billing.models import Payment
from orders import services as orders
from orders.choices import MigrationStatus
from orders.models import Migration, MigrationEvent
from slaportal.jobs import Step, drain
from slaportal.plans.models import SupportPlan
from support.choices import TicketStatus
from support.models import Breach, SlaWarning, Ticket
from support.services.sla import breaches_record_due, warnings_send_due
from tests.factories import PaymentFactory
from tests.factories.billing import priced_migration

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
KYIV_MON_20H = dt.datetime(2025, 11, 17, 20, 0, tzinfo=ZoneInfo("Europe/Kyiv"))
LATER = T0 + dt.timedelta(days=45)


def _paid(n: int, *, started: bool = False, at=T0) -> list[Payment]:
    out = []
    for _ in range(n):
        m = priced_migration(status=MigrationStatus.RUNNING if started else MigrationStatus.PAID,
                             started_at=at + dt.timedelta(days=1) if started else None)
        out.append(PaymentFactory(migration=m, transaction_at=at))
    return out


def test_validity_job_is_not_stalled_by_older_rows_it_must_leave():
    """BIL-4: hundreds of older completed payments whose migration started do not hide
    the due ones behind them: a run with a small batch still cancels every due payment."""
    _paid(6, started=True, at=T0 - dt.timedelta(days=60))  # older, valid for ever (started)
    due = _paid(5)
    assert billing.payments_expire_due(now=LATER, batch=2) == 5
    assert set(Payment.objects.filter(status=PaymentStatus.EXPIRED).values_list(
        "pk", flat=True)) == {p.pk for p in due}
    assert not Migration.objects.filter(pk__in=[p.migration_id for p in due]).exclude(
        status=MigrationStatus.CONFIRMED).exists()


# Rows per batch in these tests stay under SQLite's 999 query parameters, where one
# history INSERT of a wide table (about 50 columns) would be split; PostgreSQL's limit
# (65,535) holds a whole batch of 500.
SAME_BATCH = 15


def test_validity_job_batch_queries_do_not_grow_with_rows():
    """BIL-4: one batch of 2 due payments and one of 15 run the same queries."""
    def run(n: int) -> int:
        _paid(n)
        with CaptureQueriesContext(connection) as ctx:
            assert billing.payments_expire_due(now=LATER, batch=100) == n
        return len(ctx.captured_queries)

    assert run(2) == run(SAME_BATCH)


def test_validity_job_killed_halfway_then_run_again_cancels_each_once(monkeypatch):
    """BIL-4: a run killed in its second batch keeps the first; the next run does the
    rest; every payment has one cancellation and every migration one event."""
    payments = _paid(4)
    from billing import emails

    calls = {"n": 0}
    real = emails.payment_cancelled

    def dies_in_second_batch(payment):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt("worker killed")
        real(payment)

    monkeypatch.setattr(emails, "payment_cancelled", dies_in_second_batch)
    with pytest.raises(KeyboardInterrupt):
        billing.payments_expire_due(now=LATER, batch=2)
    assert Payment.objects.filter(status=PaymentStatus.EXPIRED).count() == 2
    monkeypatch.setattr(emails, "payment_cancelled", real)
    assert billing.payments_expire_due(now=LATER, batch=2) == 2
    assert billing.payments_expire_due(now=LATER) == 0
    for p in payments:
        assert MigrationEvent.objects.filter(migration_id=p.migration_id,
                                             to_status=MigrationStatus.CONFIRMED).count() == 1
        assert p.history.filter(status=PaymentStatus.EXPIRED).count() == 1


def test_validity_job_mails_a_batch_over_one_connection(
    settings, django_capture_on_commit_callbacks
):
    """BIL-4: the customers of a batch are told after the commit, over one connection."""
    from django.core import mail

    from tests.test_mail import CountingBackend

    settings.EMAIL_BACKEND = "tests.test_mail.CountingBackend"
    CountingBackend.opened = 0
    _paid(3)
    with django_capture_on_commit_callbacks(execute=True):
        assert billing.payments_expire_due(now=LATER) == 3
    assert len(mail.outbox) == 3 and CountingBackend.opened == 1


def test_retention_batches_run_the_same_queries_for_2_and_15(completed_factory):
    """ORD-15/ORD-6: archiving and validating cost the same queries per batch."""
    def run(job, n: int, now) -> int:
        completed_factory(n)
        with CaptureQueriesContext(connection) as ctx:
            assert job(now=now, batch=100) == n
        return len(ctx.captured_queries)

    done = T0 + dt.timedelta(days=30)
    assert run(orders.migrations_validate_due, 2, done) == run(
        orders.migrations_validate_due, SAME_BATCH, done)


def test_drain_stops_when_a_batch_is_short_or_does_nothing_or_time_is_up():
    """A job goes on while batches come back full, and not a batch more."""
    batches = iter([Step(3, 3), Step(3, 3), Step(1, 1), Step(3, 3)])
    assert drain(lambda size: next(batches), batch=3, budget_seconds=60) == 7
    stuck = iter([Step(3, 0), Step(3, 3)])
    assert drain(lambda size: next(stuck), batch=3, budget_seconds=60) == 0
    endless = iter([Step(3, 3)] * 10)
    assert drain(lambda size: next(endless), batch=3, budget_seconds=0) == 3
    with pytest.raises(ValueError):
        drain(lambda size: Step(0, 0), batch=0)


@pytest.fixture
def completed_factory():
    """CMS full migrations completed at T0 (validation due 14 days later)."""
    def make(n: int) -> list[Migration]:
        out = []
        for _ in range(n):
            m = priced_migration(line="cms", kind="full", status=MigrationStatus.COMPLETED,
                                 started_at=T0 - dt.timedelta(days=1), completed_at=T0)
            out.append(m)
        return out
    return make


def _open_ticket(customer, code: str, *, due, warn=None):
    plan = SupportPlan.objects.get(code=code)
    received = due - dt.timedelta(hours=30)
    return Ticket.objects.create(
        customer=customer, line=plan.line, channel="web", plan=plan,
        priority_rank=plan.priority_rank, subject="Import fails", status=TicketStatus.OPEN,
        received_at=received, cycle_started_at=received, clock_metric="first_response",
        clock_started_at=received, first_response_due_at=due, next_due_at=due,
        warn_first_at=warn,
    )


def test_warnings_are_not_held_back_by_tickets_whose_calendar_is_closed():
    """SUP-7: at Monday 20:00 Kyiv data-standard is closed and data-extended open; the
    earlier-due standard tickets wait for their hours without stopping the premium ones
    behind them, even with a batch of 2."""
    from tests.factories import CustomerFactory

    c = CustomerFactory()
    now = KYIV_MON_20H
    waiting = [_open_ticket(c, "standard", due=now + dt.timedelta(hours=h),
                            warn=now - dt.timedelta(hours=1)) for h in (1, 2, 3)]
    warned = [_open_ticket(c, "premium", due=now + dt.timedelta(hours=h),
                           warn=now - dt.timedelta(minutes=5)) for h in (5, 6, 7)]
    assert warnings_send_due(now=now, batch=2) == 3
    assert set(SlaWarning.objects.values_list("ticket_id", flat=True)) == {
        t.pk for t in warned}
    assert all(Ticket.objects.get(pk=t.pk).warn_first_at is not None for t in waiting)
    assert warnings_send_due(now=now, batch=2) == 0  # once


def test_breach_sweep_writes_each_missed_target_once_in_constant_queries():
    """SUP-8: a sweep over 2 and over 20 missed targets runs the same queries, writes one
    record each (with history), and a second sweep writes nothing."""
    from tests.factories import CustomerFactory

    now = KYIV_MON_20H

    def run(n: int) -> int:
        c = CustomerFactory()
        for _ in range(n):
            _open_ticket(c, "cms", due=now - dt.timedelta(hours=1))
        with CaptureQueriesContext(connection) as ctx:
            assert breaches_record_due(now=now, batch=100) == n
        return len(ctx.captured_queries)

    assert run(2) == run(20)  # breach rows are narrow: 20 fit SQLite's parameters
    assert Breach.objects.count() == 22 and Breach.history.count() == 22
    assert breaches_record_due(now=now) == 0
    assert not Ticket.objects.filter(overdue_recorded=False).exists()


def test_calendar_recompute_writes_moved_deadlines_in_bulk_with_their_cause(monkeypatch):
    """CAL-8: a closure moves the open tickets' deadlines; those that moved are written
    in one UPDATE per chunk with a history row naming the cause; one that did not move
    gets no history; closed tickets are left alone; chunks of 2 and of 20 tickets cost
    the same queries."""
    from slaportal.calendars.models import BusinessCalendar, Closure
    from support.services import clocks
    from tests.factories import CustomerFactory

    c = CustomerFactory()
    now = KYIV_MON_20H
    far = [_open_ticket(c, "standard", due=now + dt.timedelta(hours=30)) for _ in range(3)]
    for t in far:
        clocks.ticket_recompute_clocks(ticket=t)  # deadlines as the engine counts them
    closed = _open_ticket(c, "standard", due=now + dt.timedelta(hours=30))
    Ticket.objects.filter(pk=closed.pk).update(status=TicketStatus.CLOSED)
    calendar = BusinessCalendar.objects.get(slug="data-standard")
    Closure.objects.create(calendar=calendar, starts_on=dt.date(2025, 11, 18),
                           ends_on=dt.date(2025, 11, 20), public_note="Office move")
    BusinessCalendar.objects.filter(pk=calendar.pk).update(version=calendar.version + 1)
    before = {t.pk: Ticket.objects.get(pk=t.pk).next_due_at for t in far}
    history = Ticket.history.count()
    assert clocks.recompute_ticket_deadlines(frozenset({"data-standard"}),
                                             cause="Closure 18–20 Nov") == 3
    after = {t.pk: Ticket.objects.get(pk=t.pk).next_due_at for t in far}
    assert all(after[pk] > before[pk] for pk in before)
    assert Ticket.history.count() == history + 3
    assert set(Ticket.history.filter(history_change_reason="Closure 18–20 Nov")
               .values_list("id", flat=True)) == set(before)
    # Nothing moves on a second run: no writes, no history.
    assert clocks.recompute_ticket_deadlines(frozenset({"data-standard"})) == 3
    assert Ticket.history.count() == history + 3

    def queries(n: int) -> int:
        Ticket.objects.filter(pk__in=[t.pk for t in far]).update(status=TicketStatus.CLOSED)
        tickets = [_open_ticket(c, "standard", due=now) for _ in range(n)]
        monkeypatch.setattr(clocks, "RECOMPUTE_CHUNK", n)
        with CaptureQueriesContext(connection) as ctx:
            clocks.recompute_ticket_deadlines(frozenset({"data-standard"}))
        Ticket.objects.filter(pk__in=[t.pk for t in tickets]).update(
            status=TicketStatus.CLOSED)
        return len(ctx.captured_queries)

    assert queries(2) == queries(20)


def test_refund_queue_refresh_costs_the_same_queries_for_2_and_20_requests():
    """BIL-8: the refund queue's eligibility column is refreshed in batches whose queries
    do not grow with the requests, each request once per run."""
    from billing.models import RefundRequest
    from billing.services.refunds import refund_requests_reevaluate
    from tests.factories import RefundRequestFactory

    def run(n: int) -> int:
        for _ in range(n):
            r = RefundRequestFactory()
            PaymentFactory(migration=r.migration)
        RefundRequest.objects.update(evaluated_at=None)
        with CaptureQueriesContext(connection) as ctx:
            assert refund_requests_reevaluate(now=LATER, batch=100) == \
                RefundRequest.objects.count()
        return len(ctx.captured_queries)

    run(1)  # the calendars' engines are built once per process
    assert run(2) == run(18)
    assert not RefundRequest.objects.exclude(evaluated_at=LATER).exists()
    assert refund_requests_reevaluate(now=LATER) == 0  # each once per run
