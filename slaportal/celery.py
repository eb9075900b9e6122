"""The Celery application.

Configuration comes from Django settings under the ``CELERY_`` namespace; tasks are
discovered in every installed app's ``tasks`` module. Beat reads its schedule from the
database (django-celery-beat's DatabaseScheduler), filled by ``setup_periodic_tasks``.
"""

import logging.config
import os

from celery import Celery
from celery.signals import setup_logging
from django_structlog.celery.steps import DjangoStructLogInitStep

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "slaportal.settings")

app = Celery("slaportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.conf.imports = ("slaportal.mail",)  # slaportal.send_mail (the "mail" queue)
# Each task's log lines carry its task ID and the request ID of whoever enqueued it.
app.steps["worker"].add(DjangoStructLogInitStep)


@setup_logging.connect
def _logging_from_settings(**kwargs) -> None:
    """Workers and beat log as the web processes do (settings.LOGGING, JSON in
    production) instead of Celery's own format."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


@app.task(name="slaportal.ping")
def ping(payload: str = "pong") -> str:
    """A no-op task used to check that a worker is reachable."""
    return payload
