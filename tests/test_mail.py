"""E-mail leaves after the commit, and a job's e-mails share one connection."""

from __future__ import annotations

import pytest
from django.core import mail as outbox
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction

from slaportal import mail

pytestmark = pytest.mark.django_db(transaction=True)


class CountingBackend(EmailBackend):
    opened = 0

    def open(self):
        CountingBackend.opened += 1
        return super().open()


@pytest.fixture
def counting(settings):
    settings.EMAIL_BACKEND = "tests.test_mail.CountingBackend"
    CountingBackend.opened = 0
    return CountingBackend


def test_nothing_is_sent_when_the_transaction_rolls_back():
    """A write that fails sends no e-mail about it."""
    with pytest.raises(RuntimeError), transaction.atomic():
        mail.send(subject="Refund approved", body="…", to=["a@example.org"])
        raise RuntimeError("the write failed")
    assert outbox.outbox == []


def test_sent_once_the_transaction_commits():
    with transaction.atomic():
        assert mail.send(subject="Paid", body="Thanks", to=["b@example.org", "", "b@example.org"])
        assert outbox.outbox == []  # not before the commit
    assert [m.to for m in outbox.outbox] == [["b@example.org"]]
    assert mail.send(subject="Nobody", body="", to=["", ""]) == 0


def test_a_batch_sends_every_committed_row_over_one_connection(counting):
    """A job's rows commit one by one; their e-mails leave together at the end, and a
    row that rolled back sends nothing."""
    with mail.batch():
        for n in range(5):
            try:
                with transaction.atomic():
                    mail.send(subject=f"Reminder {n}", body="…", to=[f"c{n}@example.org"])
                    if n == 3:
                        raise ValueError("this row failed")
            except ValueError:
                pass
        assert outbox.outbox == []
    assert sorted(m.subject for m in outbox.outbox) == [
        "Reminder 0", "Reminder 1", "Reminder 2", "Reminder 4"]
    assert counting.opened == 1


def test_a_batch_inside_a_transaction_waits_for_its_commit(counting):
    with transaction.atomic(), mail.batch():
        mail.send(subject="One", body="", to=["d@example.org"])
        mail.send(subject="Two", body="", to=["e@example.org"])
    assert len(outbox.outbox) == 2 and counting.opened == 1


class FlakyBackend(EmailBackend):
    """Refuses the first ``failures`` sends as a mail server outage would."""

    failures = 0

    def send_messages(self, messages):
        if FlakyBackend.failures:
            FlakyBackend.failures -= 1
            raise ConnectionRefusedError("mail server down")
        return super().send_messages(messages)


def test_committed_mail_goes_to_the_mail_task_which_retries_a_refusal(settings):
    """Issue 14: after the commit the message goes to the slaportal.send_mail task on the
    mail queue; a refused connection makes the task retry (with backoff) instead of
    dropping the message; once the server answers, it is sent."""
    from celery.exceptions import Retry

    from slaportal.celery import app

    assert app.amqp.router.route({}, "slaportal.send_mail")["queue"].name == "mail"
    settings.EMAIL_BACKEND = "tests.test_mail.FlakyBackend"
    FlakyBackend.failures = 1
    with pytest.raises(Retry), transaction.atomic():
        mail.send(subject="Receipt", body="Paid", to=["c@example.org"])
    assert outbox.outbox == [] and FlakyBackend.failures == 0
    with transaction.atomic():
        mail.send(subject="Receipt", body="Paid", to=["c@example.org"])
    assert [m.subject for m in outbox.outbox] == ["Receipt"]


def test_mail_is_sent_directly_when_the_broker_is_down(monkeypatch):
    """Committed e-mails are never lost to a broker outage."""
    from kombu.exceptions import OperationalError

    def down(*args, **kwargs):
        raise OperationalError("broker down")

    monkeypatch.setattr(mail.send_mail_task, "delay", down)
    with transaction.atomic():
        mail.send(subject="Receipt", body="Paid", to=["d@example.org"])
    assert [m.to for m in outbox.outbox] == [["d@example.org"]]


def test_an_email_service_provider_by_settings_alone(settings):
    """Issue 14: django-anymail's backends plug in through EMAIL_BACKEND (its test
    backend here records what the provider would have been sent)."""
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    settings.ANYMAIL = {"TEST_SEND_DEFAULTS": {}}
    with transaction.atomic():
        mail.send(subject="Welcome", body="Hello", to=["e@example.org"])
    sent = outbox.outbox[-1]
    assert sent.subject == "Welcome" and sent.anymail_status.status == {"sent"}
