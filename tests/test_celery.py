"""A real Celery worker on the Redis broker runs a task enqueued from Django."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from celery.backends.redis import RedisBackend
from celery.result import AsyncResult

from slaportal.celery import app as celery_app
from slaportal.celery import ping

ROOT = Path(__file__).resolve().parent.parent
BROKER = os.environ.get("CELERY_BROKER_URL", "")

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(
        not BROKER.startswith("redis://"),
        reason="needs a Redis broker: set CELERY_BROKER_URL=redis://127.0.0.1:6379/0",
    ),
]


@pytest.fixture
def worker():
    """Start a real worker on a queue of its own, with Redis as broker and result store."""
    queue = f"test-{uuid.uuid4().hex[:12]}"
    env = {**os.environ, "CELERY_RESULT_BACKEND": BROKER}
    process = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "slaportal", "worker",
            "--pool=solo", "--queues", queue, "--loglevel=WARNING", "--without-heartbeat",
            "--without-gossip", "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield queue
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def test_worker_runs_task_enqueued_from_django(worker):
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        token = uuid.uuid4().hex
        sent = ping.apply_async(kwargs={"payload": token}, queue=worker)
        # The worker stores the result in Redis; read it from there.
        backend = RedisBackend(app=celery_app, url=BROKER)
        result = AsyncResult(sent.id, app=celery_app, backend=backend)
        assert result.get(timeout=60) == token
        assert result.successful()
    finally:
        celery_app.conf.task_always_eager = previous


@pytest.mark.django_db
def test_the_jobs_health_check_sees_a_real_worker_answer(worker, client):
    """Issue 14: /health/jobs/ pings the workers over the real Redis broker and finds
    one consuming each queue (here the test worker's own)."""
    import time

    default_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = worker
    try:
        deadline = time.monotonic() + 30
        while True:
            body = client.get("/health/jobs/?format=json").json()
            ping_result = next(v for k, v in body.items() if k.startswith("Ping("))
            if ping_result == "OK" or time.monotonic() > deadline:
                break
            time.sleep(1)
    finally:
        celery_app.conf.task_default_queue = default_queue
    assert ping_result == "OK"


def test_a_real_worker_sends_committed_mail_from_the_mail_queue(tmp_path):
    """Issue 14: slaportal.send_mail runs on a worker consuming the mail queue over the
    real Redis broker; the worker's mail backend (here files) receives the message."""
    import time

    from django.core.mail import EmailMessage

    from slaportal import mail

    outbox = tmp_path / "mail"
    env = {**os.environ, "EMAIL_URL": f"filemail:///{outbox}"}  # path after "///"
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "slaportal", "worker", "--pool=solo",
         "--queues", "mail", "--loglevel=WARNING", "--without-heartbeat",
         "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    token = uuid.uuid4().hex
    try:
        mail.dispatch([EmailMessage(subject=f"Receipt {token}", body="Paid",
                                    to=["worker@example.org"])])
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            files = list(outbox.glob("*.log")) if outbox.exists() else []
            if any(token in f.read_text() for f in files):
                break
            time.sleep(0.5)
        else:
            process.terminate()
            pytest.fail("the worker did not send the e-mail: " + process.communicate()[0][-2000:])
    finally:
        celery_app.conf.task_always_eager = previous
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def test_queues_limits_and_visibility_are_configured():
    """Issue 14: sweeps and recomputes have queues of their own, every task a time
    limit, worker processes a task budget, Redis a visibility timeout above the limits;
    the worker of the Procfile consumes every queue a task is routed to."""
    router = celery_app.amqp.router
    assert router.route({}, "support.sla_sweep")["queue"].name == "sweeps"
    assert router.route({}, "calendars.recompute_deadlines")["queue"].name == "recompute"
    assert router.route({}, "billing.expire_payments")["queue"].name == "celery"
    conf = celery_app.conf
    assert conf.task_soft_time_limit < conf.task_time_limit
    assert conf.worker_max_tasks_per_child > 0
    assert conf.broker_transport_options["visibility_timeout"] > conf.task_time_limit
    worker = next(line for line in (ROOT / "Procfile").read_text().splitlines()
                  if line.startswith("worker:"))
    consumed = set(worker.split("--queues=")[1].split()[0].split(","))
    routed = {route["queue"] for route in conf.task_routes.values()} | {"celery"}
    assert routed <= consumed


def test_a_task_enqueued_in_a_request_logs_that_requests_id_on_the_worker():
    """Issue 14: the request ID bound while a request runs travels with the tasks it
    enqueues (a message header); the worker's JSON log lines of that task carry it."""
    import json

    import structlog

    queue = f"test-{uuid.uuid4().hex[:12]}"
    env = {**os.environ, "CELERY_RESULT_BACKEND": BROKER, "LOG_FORMAT": "json"}
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "slaportal", "worker", "--pool=solo",
         "--queues", queue, "--loglevel=INFO", "--without-heartbeat", "--without-gossip",
         "--without-mingle"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    request_id = str(uuid.uuid4())
    try:
        with structlog.contextvars.bound_contextvars(request_id=request_id):
            sent = ping.apply_async(kwargs={"payload": "logged"}, queue=queue)
        backend = RedisBackend(app=celery_app, url=BROKER)
        assert AsyncResult(sent.id, app=celery_app, backend=backend).get(timeout=60) == "logged"
    finally:
        celery_app.conf.task_always_eager = previous
        process.terminate()
        try:
            output = process.communicate(timeout=20)[0]
        except subprocess.TimeoutExpired:
            process.kill()
            output = process.communicate()[0]
    lines = []
    for text in output.splitlines():
        try:
            lines.append(json.loads(text))
        except ValueError:
            continue
    of_task = [line for line in lines if line.get("task_id") == sent.id]
    assert {"task_started", "task_succeeded"} <= {line["event"] for line in of_task}, output[-3000:]
    assert all(line["request_id"] == request_id for line in of_task)
