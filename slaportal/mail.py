"""Every e-mail the portal sends leaves after its transaction commits.

``send`` queues a message with ``transaction.on_commit``: a write that rolls back sends
nothing, and a slow mail server is never inside a row lock. A beat job wraps its run in
``batch()``: the messages of every row that committed then go over one connection when
the run ends, instead of one connection per e-mail.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction

log = logging.getLogger(__name__)


class _Batch:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.open = True


_current: ContextVar[_Batch | None] = ContextVar("slaportal_mail_batch", default=None)


def deliver(messages: list[EmailMessage]) -> int:
    """Send ``messages`` over one connection; returns how many the backend accepted."""
    if not messages:
        return 0
    with get_connection() as connection:
        return connection.send_messages(messages) or 0


def send(*, subject: str, body: str, to: Iterable[str], from_email: str | None = None,
         reply_to: Iterable[str] = ()) -> int:
    """Queue one e-mail to the addresses in ``to`` (blanks and repeats dropped) for when
    the current transaction commits. Returns 1 when a message was queued, else 0."""
    recipients = sorted({address for address in to if address})
    if not recipients:
        return 0
    message = EmailMessage(
        subject=subject, body=body, from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        to=recipients, reply_to=list(reply_to) or None,
    )
    batch = _current.get()

    def committed() -> None:
        if batch is not None and batch.open:
            batch.messages.append(message)
        else:
            deliver([message])

    transaction.on_commit(committed)
    return 1


@contextmanager
def batch() -> Iterator[_Batch]:
    """Collect the e-mails of a job run; they leave together, over one connection,
    once the run (and any transaction around it) has committed."""
    current = _Batch()
    token = _current.set(current)
    try:
        yield current
    finally:
        _current.reset(token)

        def flush() -> None:
            current.open = False
            try:
                deliver(current.messages)
            except Exception:  # the rows are committed: a mail outage must not undo them
                log.exception("could not send %d queued e-mail(s)", len(current.messages))
                raise

        transaction.on_commit(flush)
