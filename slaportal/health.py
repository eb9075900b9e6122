"""Liveness and readiness for the proxy, the orchestrator and the on-call engineer
(django-health-check): ``/health/live/`` answers while the process serves requests;
``/health/ready/`` checks the database, the cache and the Celery broker;
``/health/jobs/`` checks that a worker answers and that beat ran its jobs lately.
JSON with ``?format=json`` or ``Accept: application/json``; 500 when a check fails.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.http import HttpResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.cache import never_cache
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView

# Beat's most frequent job (support.sla_sweep) runs every 5 minutes; three missed runs
# mean beat is down.
BEAT_LATE_AFTER = dt.timedelta(minutes=15)


@dataclasses.dataclass
class Broker(HealthCheck):
    """The Celery broker accepts a connection (Redis in production)."""

    def run(self) -> None:
        from slaportal.celery import app

        try:
            with app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=1, timeout=2)
        except Exception as exc:  # kombu raises the transport's own errors
            raise ServiceUnavailable(f"Broker unreachable: {type(exc).__name__}") from exc


@dataclasses.dataclass
class BeatRan(HealthCheck):
    """Beat ran an enabled job within the last 15 minutes."""

    def run(self) -> None:
        from django_celery_beat.models import PeriodicTask

        last = (PeriodicTask.objects.filter(enabled=True, last_run_at__isnull=False)
                .order_by("-last_run_at").values_list("last_run_at", flat=True).first())
        if last is None or timezone.now() - last > BEAT_LATE_AFTER:
            raise ServiceUnavailable(f"Beat's last run: {last or 'never'}")


@never_cache
def live(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("live/", live, name="health-live"),
    path("ready/", HealthCheckView.as_view(checks=[
        "health_check.checks.Database", "health_check.checks.Cache", Broker,
    ]), name="health-ready"),
    path("jobs/", HealthCheckView.as_view(checks=[
        ("health_check.contrib.celery.Ping", {"timeout": dt.timedelta(seconds=2)}), BeatRan,
    ]), name="health-jobs"),
]
