"""Issue 14: structured logs with a request ID, returned to the client, on the error
page, carried into Celery tasks; errors e-mailed to ADMINS through the mail queue."""

from __future__ import annotations

import json
import logging
import logging.config

import pytest
import structlog
from django.core import mail as outbox
from django.test import Client, override_settings
from django.urls import path

from slaportal import logs
from slaportal.urls import urlpatterns as portal_urls


def _boom(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [*portal_urls, path("boom/", _boom)]
handler500 = "slaportal.errors.server_error"


class _Lines(logging.Handler):
    """Collects what the JSON formatter of LOGGING writes, one object per record."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.setFormatter(logging.config.dictConfigClass({"version": 1}).configure_custom(
            dict(logs.formatters()["json"])))
        self.lines: list[dict] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(self.format(record)))


@pytest.fixture
def log_lines():
    handler = _Lines()
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield handler.lines
    root.removeHandler(handler)
    root.setLevel(previous)
    structlog.contextvars.clear_contextvars()


@pytest.mark.django_db
def test_every_request_has_an_id_on_its_log_lines_and_in_the_response(client, log_lines):
    response = client.get("/accounts/login/", REMOTE_ADDR="198.51.100.7")
    request_id = response["X-Request-ID"]
    assert len(request_id) == 36  # a UUID
    events = {line["event"]: line for line in log_lines if line.get("request_id") == request_id}
    assert {"request_started", "request_finished"} <= set(events)
    finished = events["request_finished"]
    assert finished["code"] == 200 and finished["request"] == "GET /accounts/login/"
    assert finished["ip"] == "198.51.100.7" and finished["level"] == "info"
    assert "timestamp" in finished
    # The next request gets an ID of its own.
    assert client.get("/accounts/login/")["X-Request-ID"] != request_id


@pytest.mark.django_db
@override_settings(TRUSTED_PROXY_COUNT=1)
def test_the_logged_address_is_the_client_behind_the_proxy(client, log_lines):
    response = client.get("/accounts/login/", REMOTE_ADDR="10.0.0.2",
                          HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    line = next(line for line in log_lines
                if line.get("request_id") == response["X-Request-ID"])
    assert line["ip"] == "203.0.113.9"  # the address nginx saw, not the client's claim


@pytest.mark.django_db
def test_the_proxys_request_id_is_kept_only_when_trusted(client, settings):
    sent = "4f7a7c1e-0000-4000-8000-000000000001"
    assert client.get("/accounts/login/", HTTP_X_REQUEST_ID=sent)["X-Request-ID"] != sent
    settings.DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID = True
    assert client.get("/accounts/login/", HTTP_X_REQUEST_ID=sent)["X-Request-ID"] == sent


@pytest.mark.django_db
def test_a_signed_in_users_id_is_on_the_lines(client, log_lines):
    from tests.factories.accounts import CustomerFactory

    customer = CustomerFactory()
    client.force_login(customer.user)
    response = client.get("/")
    lines = [line for line in log_lines if line.get("request_id") == response["X-Request-ID"]]
    assert lines and all(line["user_id"] == customer.user.pk for line in lines)


@pytest.mark.django_db
@override_settings(DEBUG=False, ROOT_URLCONF=__name__,
                   ADMINS=[("Ops", "ops@vendor.example")])
def test_a_500_shows_its_reference_and_is_mailed_to_the_admins(log_lines):
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    assert request_id in response.content.decode()
    failed = next(line for line in log_lines if line["event"] == "request_failed")
    assert failed["request_id"] == request_id
    assert "RuntimeError: a bug in a view" in failed["exception"]
    [report] = [m for m in outbox.outbox if m.to == ["ops@vendor.example"]]
    assert report.subject.startswith("[SLA Portal] ERROR")
    assert "a bug in a view" in report.body


@override_settings(DEBUG=False, ADMINS=[("Ops", "ops@vendor.example")])
def test_a_failing_mail_task_is_not_reported_by_mail():
    """The error report goes through the mail queue: a mail outage must not loop."""
    logging.getLogger("celery.app.trace").error(
        "Task %s[%s] raised unexpected: %r", "slaportal.send_mail", "t1", OSError("refused"))
    assert outbox.outbox == []
    logging.getLogger("celery.app.trace").error(
        "Task %s[%s] raised unexpected: %r", "billing.expire_payments", "t2", KeyError("x"))
    [report] = outbox.outbox
    assert "billing.expire_payments" in report.subject
