"""Issue 14: every beat job run is recorded (start, end, rows, outcome) and the admin
shows the jobs that are late."""

import datetime as dt

import pytest
from django.utils import timezone

from billing.tasks import expire_payments, lapse_checkouts
from slaportal.celery import ping
from slaportal.ops.models import JobRun
from slaportal.ops.selectors import job_statuses

pytestmark = pytest.mark.django_db


def test_a_beat_job_run_is_recorded_with_its_rows():
    assert lapse_checkouts.delay().get() == 0
    run = JobRun.objects.get()
    assert (run.task, run.outcome, run.rows) == ("billing.lapse_checkouts", "success", 0)
    assert run.finished_at >= run.started_at


def test_a_failing_job_is_recorded_with_its_error(monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database went away")

    from slaportal.celery import app

    monkeypatch.setattr("billing.services.payments_expire_due", broken)
    app.conf.task_eager_propagates = False  # as on a worker (conftest restores it)
    assert expire_payments.delay().failed()
    run = JobRun.objects.get()
    assert run.outcome == "failure" and "database went away" in run.error


def test_tasks_that_are_not_beat_jobs_are_not_recorded():
    ping.delay()
    assert not JobRun.objects.exists()


def _run(task, at):
    return JobRun.objects.create(task=task, task_id=f"{task}-{at.timestamp()}",
                                 started_at=at, finished_at=at, outcome="success", rows=1)


def test_late_jobs_against_their_schedules():
    """Every 15 min: a run 20 min ago is on time (10 min grace), 30 min ago is late. Cron
    "5 * * * *": late once the next :05 passed by more than the grace. Never run: late."""
    now = timezone.make_aware(dt.datetime(2026, 12, 7, 12, 30))
    _run("billing.lapse_checkouts", now - dt.timedelta(minutes=20))
    _run("billing.expire_payments", now - dt.timedelta(minutes=80))  # 11:10 → due 12:05
    by_task = {s.job.task: s for s in job_statuses(now)}
    assert not by_task["billing.lapse_checkouts"].late
    assert by_task["billing.expire_payments"].late
    assert by_task["billing.refresh_refund_eligibility"].late  # never ran
    _run("billing.lapse_checkouts", now - dt.timedelta(minutes=30))
    JobRun.objects.filter(started_at=now - dt.timedelta(minutes=20)).delete()
    assert {s.job.task: s for s in job_statuses(now)}["billing.lapse_checkouts"].late
    _run("billing.expire_payments", now - dt.timedelta(minutes=20))  # 12:10 → due 13:05
    assert not {s.job.task: s for s in job_statuses(now)}["billing.expire_payments"].late


def test_the_admin_lists_runs_and_late_jobs(admin_client, django_assert_max_num_queries):
    _run("billing.lapse_checkouts", timezone.now())
    with django_assert_max_num_queries(12):
        response = admin_client.get("/admin/ops/jobrun/")
    page = response.content.decode()
    assert response.status_code == 200 and 'id="job-statuses"' in page
    assert "billing: lapse checkouts never completed" in page and "late" in page
