"""Which beat jobs are late: each job's last good run against its schedule."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from celery.schedules import crontab
from django.db.models import Max
from django.utils import timezone

from slaportal.schedules import PeriodicJob, registered_jobs

from .models import JobOutcome, JobRun

GRACE = dt.timedelta(minutes=10)  # a worker busy with another job is not late yet


@dataclass(frozen=True)
class JobStatus:
    job: PeriodicJob
    last_success: dt.datetime | None
    due_by: dt.datetime | None  # when the next run should have finished starting
    late: bool

    @property
    def schedule(self) -> str:
        if self.job.every_seconds:
            return f"every {self.job.every_seconds // 60} min"
        return f"cron {self.job.crontab}"


def _next_due(job: PeriodicJob, last: dt.datetime) -> dt.datetime:
    if job.every_seconds:
        return last + dt.timedelta(seconds=job.every_seconds)
    from slaportal.celery import app

    minute, hour, day, month, weekday = job.crontab.split()
    cron = crontab(minute=minute, hour=hour, day_of_month=day, month_of_year=month,
                   day_of_week=weekday, app=app)  # in beat's time zone (Kyiv)
    start, delta, _ = cron.remaining_delta(last)
    return start + delta


def job_statuses(now: dt.datetime | None = None) -> list[JobStatus]:
    """Every registered job with its last successful run and whether it is late; one
    query for all of them."""
    now = now or timezone.now()
    last = dict(JobRun.objects.filter(outcome=JobOutcome.SUCCESS).values("task")
                .annotate(last=Max("started_at")).values_list("task", "last"))
    statuses = []
    for job in registered_jobs():
        when = last.get(job.task)
        due = _next_due(job, when) if when else None
        statuses.append(JobStatus(job=job, last_success=when, due_by=due,
                                  late=when is None or now > due + GRACE))
    return statuses
