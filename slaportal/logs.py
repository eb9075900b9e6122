"""Structured logs: one JSON object per line, with the request's ID on every line.

django-structlog's ``RequestMiddleware`` gives each request an ID (or keeps the
proxy's ``X-Request-ID`` when ``LOG_TRUST_REQUEST_ID`` is on), binds it with the user's
ID and the client's address for every log line written while the request runs, and
passes it on to each Celery task the request enqueues, whose lines then carry the same
``request_id`` (and a ``task_id``). The response returns the ID in ``X-Request-ID`` and
the error page shows it, so a customer's report can be found in the logs.

``LOG_FORMAT=json`` (the default in production) writes JSON; ``console`` (the default
in development) writes readable lines. The standard library's loggers (Django, Celery,
django-axes) go through the same formatter, so their lines carry the context too.
"""

from __future__ import annotations

import structlog
from django.dispatch import receiver
from django_structlog import signals

from slaportal.net import client_ip

REQUEST_ID_HEADER = "X-Request-ID"

# Applied to every line, whether written through structlog or the standard library.
SHARED_PROCESSORS = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    structlog.stdlib.ExtraAdder(),
]


def configure_structlog() -> None:
    """structlog hands its events to the standard library, which formats them."""
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *SHARED_PROCESSORS,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.processors.UnicodeDecoder(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def formatters() -> dict:
    """The two formatters of ``LOGGING``; the handler picks one by ``LOG_FORMAT``."""
    def formatter(renderer):
        return {
            "()": structlog.stdlib.ProcessorFormatter,
            "processors": [
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                renderer,
            ],
            "foreign_pre_chain": SHARED_PROCESSORS,
        }

    return {
        "json": formatter(structlog.processors.JSONRenderer()),
        "console": formatter(structlog.dev.ConsoleRenderer(colors=False)),
    }


def current_request_id() -> str | None:
    return structlog.contextvars.get_contextvars().get("request_id")


@receiver(signals.bind_extra_request_metadata)
def _bind_client_address(request, logger, **kwargs) -> None:
    # The client behind the trusted proxies, as the IPN allowlist and the login
    # throttle see it (django-structlog's own guess would be the proxy's address).
    structlog.contextvars.bind_contextvars(ip=client_ip(request))


@receiver(signals.bind_extra_request_finished_metadata)
@receiver(signals.update_failure_response)
def _return_request_id(request, logger, response=None, **kwargs) -> None:
    request_id = current_request_id()
    if response is not None and request_id:
        response.headers[REQUEST_ID_HEADER] = request_id
