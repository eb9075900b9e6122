import datetime as dt

import pytest
from django.db import connection

from orders import services
from orders.choices import MigrationStatus as S
from orders.models import DataSample, Migration, MigrationEvent, MigrationLog, QuoteLine
from orders.services import retention

from .conftest import kyiv

pytestmark = pytest.mark.django_db
DONE = kyiv(2026, 3, 2, 12)


def _with_information(m):
    MigrationLog.objects.create(migration=m, at=DONE, message="migrated 10 tickets")
    DataSample.objects.create(migration=m, entity="ticket", content='{"subject": "Hi"}')
    return m


def test_archive_after_retention_removes_information_keeps_order(completed):
    """ORD-15: 5 days after completion with no problem: archived — credentials, logs and
    samples removed, order and money records kept; no credential survives in the table."""
    m = _with_information(completed(plan_code="standard", completed_at=DONE))
    tokens = list(m.access_details.values_list("secret_encrypted", flat=True))
    lines_before = QuoteLine.objects.filter(migration=m).count()
    assert services.migrations_archive_due(now=DONE + dt.timedelta(days=5, seconds=-1)) == 0
    assert services.migrations_archive_due(now=DONE + dt.timedelta(days=5)) == 1
    m.refresh_from_db()
    assert m.status == S.ARCHIVED and m.data_removed_at
    assert not MigrationLog.objects.filter(migration=m).exists()
    assert not DataSample.objects.filter(migration=m).exists()
    assert QuoteLine.objects.filter(migration=m).count() == lines_before
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret_encrypted, hint, url FROM orders_accessdetail "
                       "WHERE migration_id = %s", [m.pk])
        rows = cursor.fetchall()
    assert rows and all(row == ("", "", "") for row in rows)
    # nowhere else either: not in clear (conftest's secrets) nor encrypted, in any table
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            dump = str(cursor.fetchall())
            assert "password-1234" not in dump, table
            assert all(token not in dump for token in tokens), table


def test_signature_keeps_information_ten_days(completed):
    """ORD-15: 10 days on Signature."""
    m = completed(plan_code="signature", completed_at=DONE)
    assert services.migrations_archive_due(now=DONE + dt.timedelta(days=9)) == 0
    assert services.migrations_archive_due(now=DONE + dt.timedelta(days=10)) == 1
    assert Migration.objects.get(pk=m.pk).status == S.ARCHIVED


def test_open_problem_keeps_the_migration(completed, manager):
    """ORD-15: a problem reported by then keeps it (and its information)."""
    m = completed(plan_code="standard", completed_at=DONE)
    services.migration_problem_set(migration=m, actor=manager, reason="Missing comments")
    assert services.migrations_archive_due(now=DONE + dt.timedelta(days=30)) == 0
    services.migration_problem_clear(migration=m, actor=manager)
    assert services.migrations_archive_due(now=DONE + dt.timedelta(days=30)) == 1


def test_cms_retention_counts_from_validation(completed):
    """ORD-15 with ORD-6: a CMS migration is archived 5 days after its validation."""
    m = completed(line="cms", plan_code="cms", records=500, completed_at=DONE)
    assert services.migrations_archive_due(now=DONE + dt.timedelta(days=13)) == 0
    services.migrations_validate_due(now=DONE + dt.timedelta(days=14))
    assert services.migrations_archive_due(now=DONE + dt.timedelta(days=18)) == 0
    assert services.migrations_archive_due(now=DONE + dt.timedelta(days=19)) == 1
    assert Migration.objects.get(pk=m.pk).status == S.ARCHIVED


def test_killed_run_run_again_archives_each_exactly_once(completed, monkeypatch):
    """ORD-15: a run killed halfway (in its second batch), run again, archives every
    migration exactly once: the first batch stays committed, the second rolls back."""
    migrations = [completed(plan_code="standard", completed_at=DONE) for _ in range(4)]
    real = retention._remove_information
    calls = {"n": 0}

    def dies_in_second_batch(migration_ids, now):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt("worker killed")
        real(migration_ids, now)

    monkeypatch.setattr(retention, "_remove_information", dies_in_second_batch)
    with pytest.raises(KeyboardInterrupt):
        services.migrations_archive_due(now=DONE + dt.timedelta(days=6), batch=2)
    assert Migration.objects.filter(status=S.ARCHIVED).count() == 2
    monkeypatch.setattr(retention, "_remove_information", real)
    assert services.migrations_archive_due(now=DONE + dt.timedelta(days=6), batch=2) == 2
    assert services.migrations_archive_due(now=DONE + dt.timedelta(days=7)) == 0
    for m in migrations:
        assert MigrationEvent.objects.filter(migration=m, to_status=S.ARCHIVED).count() == 1
        assert m.history.filter(status=S.ARCHIVED).count() == 1


def _demo(customer, platform, at):
    demo = services.demo_create(customer=customer, line="data", source=platform("Zendesk"),
                                target=platform("Freshdesk"), actor=customer.user)
    services.migration_start(migration=demo, actor=None, now=at)
    services.migration_complete(migration=demo, actor=None, now=at)
    return _with_information(demo)


def test_demo_removed_after_7_days_without_a_full_migration(customer, platform):
    """ORD-15: demo data removed after 7 days when no full migration started from it."""
    demo = _demo(customer, platform, DONE)
    assert services.demos_remove_due(now=DONE + dt.timedelta(days=7, seconds=-1)) == 0
    assert services.demos_remove_due(now=DONE + dt.timedelta(days=7)) == 1
    demo.refresh_from_db()
    assert demo.status == S.ARCHIVED and not demo.samples.exists()


def test_demo_kept_while_its_full_migration_started_but_30_days_at_most(
    customer, platform, manager
):
    """ORD-15: a demo whose full migration started is kept — at most 30 days."""
    demo = _demo(customer, platform, DONE)
    full = services.full_from_demo(demo=demo, record_count=5_000, actor=manager)
    Migration.objects.filter(pk=full.pk).update(started_at=DONE + dt.timedelta(days=1))
    assert services.demos_remove_due(now=DONE + dt.timedelta(days=8)) == 0
    assert services.demos_remove_due(now=DONE + dt.timedelta(days=30)) == 1


def test_scheduled_jobs_are_registered():
    """ORD-15/ORD-6/ORD-9/ORD-10/ORD-12/ORD-14: the beat jobs exist with their tasks."""
    from orders.schedules import PERIODIC_TASKS
    from slaportal.celery import app

    app.loader.import_default_modules()
    names = {job.task for job in PERIODIC_TASKS}
    assert names <= set(app.tasks)
    assert "orders.archive_due_migrations" in names


def test_an_open_ticket_about_the_migration_holds_its_archive(completed, admin_client):
    """ORD-15: while the customer's ticket about a migration is open, its information is
    kept past the retention; staff see why on the migration; once the ticket is
    solved, the next run archives it."""
    from django.urls import reverse

    from slaportal.plans.models import SupportPlan
    from support.models import Ticket

    m = completed(plan_code="standard", completed_at=DONE)
    plan = SupportPlan.objects.get(code="standard")
    ticket = Ticket.objects.create(
        customer=m.customer, line="data", channel="web", plan=plan,
        priority_rank=plan.priority_rank, subject="Contacts lost their phone numbers",
        migration=m, status="open", received_at=DONE, cycle_started_at=DONE)
    assert services.migrations_archive_due(now=DONE + dt.timedelta(days=6)) == 0
    page = admin_client.get(reverse("admin:orders_migration_change", args=[m.pk]))
    assert f"Open ticket {ticket.reference}: Contacts lost their phone numbers" in \
        page.content.decode()
    Ticket.objects.filter(pk=ticket.pk).update(status="solved")
    assert services.migrations_archive_due(now=DONE + dt.timedelta(days=7)) == 1
    assert Migration.objects.get(pk=m.pk).status == S.ARCHIVED


def _queries(job, now) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        job(now=now, batch=100)
    return len(ctx.captured_queries)


def test_archive_and_reminder_batches_cost_the_same_queries_for_1_and_5(completed):
    """ORD-15/ORD-14: a batch of the archive job and of the access reminders runs the
    same queries for 1 due migration as for 5 (no query per row)."""
    from django.core import mail

    def run(n: int, done) -> tuple[int, int]:
        for _ in range(n):
            completed(plan_code="standard", completed_at=done)
        reminders = _queries(services.access_reminders_send, done + dt.timedelta(days=5))
        archive = _queries(services.migrations_archive_due, done + dt.timedelta(days=6))
        return reminders, archive

    assert run(1, DONE) == run(5, DONE + dt.timedelta(days=30))
    assert Migration.objects.filter(status=S.ARCHIVED).count() == 6
    assert len(mail.outbox) == 0  # no reminder leaves before its batch commits


def test_pause_resume_batches_cost_the_same_queries_for_1_and_4(completed, manager):
    """ORD-9: a batch of automatic resumptions runs the same queries for 1 and 4."""
    from orders.choices import MigrationStatus

    def run(n: int) -> int:
        ids = []
        for _ in range(n):
            m = completed(plan_code="signature", completed_at=DONE)
            Migration.objects.filter(pk=m.pk).update(status=MigrationStatus.PAUSED,
                                                     paused_at=DONE)
            ids.append(m.pk)
        count = _queries(services.pauses_auto_resume, DONE + dt.timedelta(days=6))
        assert Migration.objects.filter(pk__in=ids, status=MigrationStatus.RUNNING).count() == n
        return count

    assert run(1) == run(4)
