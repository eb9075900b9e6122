"""Every e-mail the portal sends leaves after its transaction commits, from a worker.

``send`` queues a message with ``transaction.on_commit``: a write that rolls back sends
nothing, and a slow mail server is never inside a row lock nor inside a request. Once
committed, the messages go to the Celery task ``slaportal.send_mail`` on the ``mail``
queue, which sends them over one connection and retries with backoff while the mail
server refuses (if the broker itself is down, they are sent from this process rather
than lost). A beat job wraps its run in ``batch()``: the messages of every row that
committed then leave as one task when the run ends.

Which server sends them is settings alone: ``EMAIL_URL`` (SMTP), or ``EMAIL_BACKEND``
with ``ANYMAIL`` for an e-mail service provider through django-anymail.
"""

from __future__ import annotations

import base64
import logging
import smtplib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.log import AdminEmailHandler
from kombu.exceptions import OperationalError

log = logging.getLogger(__name__)


class _Batch:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.open = True


_current: ContextVar[_Batch | None] = ContextVar("slaportal_mail_batch", default=None)


# Documents attached when the e-mail leaves (an invoice's PDF, say): rendered by the
# mail worker from the record's id, not inside the request that sent the e-mail.
DOCUMENTS: dict[str, Callable[[int], tuple[str, bytes, str]]] = {}


def document(name: str, render: Callable[[int], tuple[str, bytes, str]]) -> None:
    """Register a document renderer: ``render(pk)`` -> (filename, content, mimetype)."""
    DOCUMENTS[name] = render


def _attach_documents(message: EmailMessage) -> None:
    for name, pk in getattr(message, "documents", ()):
        try:
            message.attach(*DOCUMENTS[name](pk))
        except Exception:  # the e-mail links to the document: send it without the file
            log.exception("could not attach %s %s to %r", name, pk, message.subject)
    message.documents = []


def deliver(messages: list[EmailMessage]) -> int:
    """Send ``messages`` over one connection; returns how many the backend accepted."""
    if not messages:
        return 0
    for message in messages:
        _attach_documents(message)
    with get_connection() as connection:
        return connection.send_messages(messages) or 0


def _as_data(message: EmailMessage) -> dict:
    # Attachments travel base64-encoded (the task's arguments are JSON).
    return {"subject": message.subject, "body": message.body,
            "from_email": message.from_email, "to": list(message.to),
            "reply_to": list(message.reply_to),
            "alternatives": [[content, mimetype] for content, mimetype
                             in getattr(message, "alternatives", [])],
            "documents": [list(ref) for ref in getattr(message, "documents", ())],
            "attachments": [(name, base64.b64encode(content).decode("ascii"), mimetype)
                            for name, content, mimetype in message.attachments]}


def _from_data(data: dict) -> EmailMessage:
    data = dict(data)
    attachments = [(name, base64.b64decode(content), mimetype)
                   for name, content, mimetype in data.pop("attachments", [])]
    alternatives = [tuple(pair) for pair in data.pop("alternatives", [])]
    documents = [tuple(ref) for ref in data.pop("documents", [])]
    message = EmailMultiAlternatives(attachments=attachments or None,
                                     alternatives=alternatives or None, **data)
    message.documents = documents
    return message


@shared_task(name="slaportal.send_mail", bind=True, acks_late=True,
             autoretry_for=(smtplib.SMTPException, OSError), retry_backoff=30,
             retry_backoff_max=1800, retry_jitter=True, max_retries=8)
def send_mail_task(self, messages: list[dict]) -> int:
    """Send the committed messages (the ``mail`` queue); retried with backoff, for about
    three hours in all, while the mail server is unreachable or refuses."""
    return deliver([_from_data(data) for data in messages])


def dispatch(messages: list[EmailMessage]) -> None:
    """Hand committed messages to the mail worker; if the broker cannot take them, send
    them from here rather than lose them."""
    if not messages:
        return
    try:
        send_mail_task.delay([_as_data(m) for m in messages])
    except OperationalError:
        log.warning("broker unavailable: sending %d e-mail(s) directly", len(messages))
        deliver(messages)


def send(*, subject: str, body: str, to: Iterable[str], from_email: str | None = None,
         reply_to: Iterable[str] = (), attachments: Iterable[tuple[str, bytes, str]] = (),
         html: str = "", documents: Iterable[tuple[str, int]] = ()) -> int:
    """Queue one e-mail to the addresses in ``to`` (blanks and repeats dropped) for when
    the current transaction commits; ``html`` is its HTML part beside the text ``body``;
    ``documents`` are (registered document, pk) attached as the e-mail leaves.
    Returns 1 when a message was queued, else 0."""
    recipients = sorted({address for address in to if address})
    if not recipients:
        return 0
    message = EmailMultiAlternatives(
        subject=subject, body=body, from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        to=recipients, reply_to=list(reply_to) or None, attachments=list(attachments) or None,
        alternatives=[(html, "text/html")] if html else None,
    )
    message.documents = [(name, pk) for name, pk in documents]
    batch = _current.get()

    def committed() -> None:
        if batch is not None and batch.open:
            batch.messages.append(message)
        else:
            dispatch([message])

    transaction.on_commit(committed)
    return 1


# --- the e-mails customers get: one registered kind each, HTML and text ---------------

@dataclass(frozen=True)
class Kind:
    """One e-mail the portal sends: ``templates/email/<name>.txt`` and ``.html`` (both
    extend the portal's e-mail layout), its subject from the context, and demo context
    for the preview page in the admin (Admin › E-mails)."""

    name: str
    title: str
    subject: Callable[[dict], str]
    demo: Callable[[], dict]
    audience: str = "customer"


KINDS: dict[str, Kind] = {}


def kind(name: str, *, title: str, subject: Callable[[dict], str],
         demo: Callable[[], dict], audience: str = "customer") -> Kind:
    """Register an e-mail kind (apps do so in their ``emails`` module)."""
    KINDS[name] = Kind(name, title, subject, demo, audience)
    return KINDS[name]


def absolute(path: str) -> str:
    """A link for an e-mail: on SITE_URL, never on the Host a request happened to name."""
    if path.startswith(("http://", "https://")) or not path:
        return path
    return settings.SITE_URL.rstrip("/") + path


def render(name: str, context: dict) -> tuple[str, str, str]:
    """(subject, text, html) of kind ``name`` for ``context``; ``link`` (a path or URL)
    becomes an absolute link on SITE_URL."""
    spec = KINDS[name]
    context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL.rstrip("/"),
               "link_label": "Open it in the portal", **context}
    context["link"] = absolute(context.get("link", ""))
    subject = " ".join(spec.subject(context).split())
    context["subject"] = subject
    text = render_to_string(f"email/{name}.txt", context).strip() + "\n"
    html = render_to_string(f"email/{name}.html", context)
    return subject, text, html


def send_kind(name: str, *, to: Iterable[str], context: dict,
              attachments: Iterable[tuple[str, bytes, str]] = (),
              reply_to: Iterable[str] = (), documents: Iterable[tuple[str, int]] = ()) -> int:
    """Queue e-mail ``name`` (HTML and text, from DEFAULT_FROM_EMAIL) for after commit."""
    subject, text, html = render(name, context)
    return send(subject=subject, body=text, html=html, to=to, attachments=attachments,
                reply_to=reply_to, documents=documents)


def send_notice(*, to: Iterable[str], subject: str, body: str, link: str = "",
                link_label: str = "", reply_to: Iterable[str] = (),
                attachments: Iterable[tuple[str, bytes, str]] = ()) -> int:
    """A message in the portal's layout whose words the caller writes (a ticket's
    acknowledgement, a status change): paragraphs of ``body`` and a link."""
    context = {"notice_subject": subject, "body": body, "link": link}
    if link_label:
        context["link_label"] = link_label
    return send_kind("notice", to=to, context=context, reply_to=reply_to,
                     attachments=attachments)


kind("notice", title="A notice (ticket acknowledgement, status change, …)",
     subject=lambda c: c["notice_subject"],
     demo=lambda: {"notice_subject": "[#T-2026-000123] Export of ticket attachments",
                   "body": "We received your request T-2026-000123: Export of ticket "
                           "attachments.\n\nAn engineer answers within the plan's first "
                           "response time.", "link": "/support/"})


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
                dispatch(current.messages)
            except Exception:  # the rows are committed: a mail outage must not undo them
                log.exception("could not send %d queued e-mail(s)", len(current.messages))
                raise

        transaction.on_commit(flush)


class AdminErrorMailHandler(AdminEmailHandler):
    """Django's error report to ADMINS (a 500, a failed job), handed to the mail worker
    like every other e-mail. It is dispatched at once, not on commit: the transaction
    of a failing request is usually the one rolling back. A failure of the mail task
    itself is not reported by mail (the mail server is what failed)."""

    def emit(self, record: logging.LogRecord) -> None:
        if "slaportal.send_mail" in record.getMessage():
            return
        super().emit(record)

    def send_mail(self, subject, message, *args, **kwargs) -> None:
        if not settings.ADMINS:
            return
        dispatch([EmailMessage(
            subject=f"{settings.EMAIL_SUBJECT_PREFIX}{subject}", body=message,
            from_email=settings.SERVER_EMAIL, to=[address for _, address in settings.ADMINS],
        )])
