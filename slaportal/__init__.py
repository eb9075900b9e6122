"""SLA Portal: the back office of a data-migration vendor."""

from .celery import app as celery_app

__all__ = ("celery_app",)
