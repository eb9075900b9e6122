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
