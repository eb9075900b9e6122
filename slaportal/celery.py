"""The Celery application.

Configuration comes from Django settings under the ``CELERY_`` namespace; tasks are
discovered in every installed app's ``tasks`` module. Beat reads its schedule from the
database (django-celery-beat's DatabaseScheduler), filled by ``setup_periodic_tasks``.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "slaportal.settings")

app = Celery("slaportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.conf.imports = ("slaportal.mail",)  # slaportal.send_mail (the "mail" queue)


@app.task(name="slaportal.ping")
def ping(payload: str = "pong") -> str:
    """A no-op task used to check that a worker is reachable."""
    return payload
