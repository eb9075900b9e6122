"""Issue 14: liveness and readiness endpoints (django-health-check)."""

import datetime as dt

import pytest
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from slaportal.celery import app as celery_app

pytestmark = pytest.mark.django_db(transaction=True)


def test_live_answers_without_touching_anything(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/health/live/")
    assert response.status_code == 200 and response.content == b"ok"
    assert "no-cache" in response["Cache-Control"]


def test_ready_checks_database_cache_and_broker(client):
    response = client.get("/health/ready/?format=json")
    assert response.status_code == 200, response.content
    assert set(response.json().values()) == {"OK"} and len(response.json()) == 3


def test_ready_fails_when_the_broker_is_down(client, monkeypatch):
    from kombu import Connection

    monkeypatch.setattr(celery_app, "connection_for_write",
                        lambda: Connection("redis://127.0.0.1:1/0"))
    response = client.get("/health/ready/?format=json")
    assert response.status_code == 500
    failed = {name: value for name, value in response.json().items() if value != "OK"}
    assert list(failed) == ["Broker()"] and "Broker unreachable" in failed["Broker()"]


def test_jobs_fail_when_beat_has_not_run_lately(client):
    every = IntervalSchedule.objects.create(every=5, period=IntervalSchedule.MINUTES)
    task = PeriodicTask.objects.create(name="sweep", task="support.sla_sweep", interval=every,
                                       last_run_at=timezone.now() - dt.timedelta(minutes=16))
    body = client.get("/health/jobs/?format=json").json()
    assert "Beat's last run" in body["BeatRan()"]
    task.last_run_at = timezone.now()
    task.save()
    assert client.get("/health/jobs/?format=json").json()["BeatRan()"] == "OK"
