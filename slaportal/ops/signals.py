"""Celery's task signals record the runs of the beat jobs (slaportal.schedules), on the
worker that runs them. A failure to record never fails the job itself."""

from __future__ import annotations

import logging
from functools import cache

from celery.signals import task_failure, task_postrun, task_prerun, task_retry
from django.utils import timezone

log = logging.getLogger(__name__)


@cache
def job_tasks() -> frozenset[str]:
    from slaportal.schedules import registered_jobs

    return frozenset(job.task for job in registered_jobs())


def _recorded(task) -> bool:
    return getattr(task, "name", None) in job_tasks()


@task_prerun.connect(dispatch_uid="ops.job_started")
def job_started(sender=None, task_id=None, task=None, **kwargs) -> None:
    if not _recorded(task):
        return
    from .models import JobRun

    try:
        JobRun.objects.update_or_create(task_id=task_id, defaults={
            "task": task.name, "started_at": timezone.now(), "finished_at": None,
            "outcome": "running", "error": ""})
    except Exception:  # noqa: BLE001 — the job runs even if its record cannot be written
        log.exception("could not record the start of %s", task.name)


def _finish(task_id: str, **fields) -> None:
    from .models import JobRun

    try:
        JobRun.objects.filter(task_id=task_id).update(finished_at=timezone.now(), **fields)
    except Exception:  # noqa: BLE001
        log.exception("could not record the end of job run %s", task_id)


@task_postrun.connect(dispatch_uid="ops.job_finished")
def job_finished(sender=None, task_id=None, task=None, retval=None, state=None, **kwargs):
    if not _recorded(task) or state != "SUCCESS":
        return
    rows = retval if isinstance(retval, int) and not isinstance(retval, bool) else None
    _finish(task_id, outcome="success", rows=rows)


@task_failure.connect(dispatch_uid="ops.job_failed")
def job_failed(sender=None, task_id=None, exception=None, **kwargs) -> None:
    if _recorded(sender):
        _finish(task_id, outcome="failure", error=repr(exception)[:2000])


@task_retry.connect(dispatch_uid="ops.job_retried")
def job_retried(sender=None, request=None, reason=None, **kwargs) -> None:
    if _recorded(sender) and request is not None:
        _finish(request.id, outcome="retry", error=str(reason)[:2000])
