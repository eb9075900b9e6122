"""The registry of periodic jobs that beat runs.

Each app lists its jobs in a ``schedules`` module as ``PERIODIC_TASKS``; the command
``setup_periodic_tasks`` upserts them by name into django-celery-beat's tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps


@dataclass(frozen=True)
class PeriodicJob:
    """One beat entry. Give either ``every_seconds`` or ``crontab`` (five fields)."""

    name: str
    task: str
    every_seconds: int | None = None
    crontab: str | None = None  # "minute hour day_of_month month_of_year day_of_week"
    description: str = ""
    kwargs: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if (self.every_seconds is None) == (self.crontab is None):
            raise ValueError(f"{self.name}: give exactly one of every_seconds or crontab")
        if self.crontab is not None and len(self.crontab.split()) != 5:
            raise ValueError(f"{self.name}: a crontab has five fields, got {self.crontab!r}")


def registered_jobs() -> list[PeriodicJob]:
    """Every job declared by an installed app, in app order."""
    jobs: list[PeriodicJob] = []
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.schedules")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.schedules":
                raise
            continue
        jobs.extend(getattr(module, "PERIODIC_TASKS", []))
    names = [job.name for job in jobs]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise ValueError(f"Periodic job names must be unique: {sorted(duplicates)}")
    return jobs
