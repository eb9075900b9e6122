"""Beat jobs and hooks: registered, idempotent, safe concurrently (SUP-3, SUP-8, CAL-8)."""

import threading

import pytest
from django.db import connection

from slaportal.calendars.deadlines import deadline_owners
from slaportal.celery import app as celery_app
from slaportal.schedules import registered_jobs
from support.models import Breach, SupportSettings
from support.services import sla_sweep

from .conftest import kyiv


def test_support_beat_jobs_are_registered_with_existing_tasks():
    """SUP-3/SUP-8 the sweep and the clarification expiry run on beat."""
    jobs = {job.task: job for job in registered_jobs() if job.task.startswith("support.")}
    assert set(jobs) == {"support.sla_sweep", "support.expire_clarifications",
                         "support.sla_monthly_refresh"}
    assert jobs["support.sla_sweep"].every_seconds == 300
    celery_app.loader.import_default_modules()
    assert set(jobs) <= set(celery_app.tasks)


def test_ticket_deadlines_are_a_registered_calendar_owner():
    """CAL-8 support recomputes its deadlines when a calendar changes."""
    assert "support.tickets" in deadline_owners()


@pytest.mark.django_db
def test_support_settings_are_one_row_with_the_seeded_values():
    """SUP-3/SUP-7/SUP-11 the numbers are settings: 3 days, 70%/90%, hourly rate."""
    settings = SupportSettings.load()
    assert (settings.waiting_period_days, settings.warn_first_percent,
            settings.warn_second_percent) == (3, 70, 90)
    assert SupportSettings.load().pk == settings.pk == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_write_one_breach_each(open_ticket):
    """SUP-8 two sweeps at once still write one breach per missed target."""
    for _ in range(20):
        open_ticket("standard", now=kyiv(2025, 11, 17, 9))
    errors = []
    barrier = threading.Barrier(4)

    def run():
        try:
            barrier.wait()
            sla_sweep(now=kyiv(2025, 11, 20, 9), batch=7)
            sla_sweep(now=kyiv(2025, 11, 20, 9))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Breach.objects.count() == 20
