import json

from django.core.management.base import BaseCommand
from django.db import transaction
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from slaportal.schedules import registered_jobs


class Command(BaseCommand):
    help = (
        "Create or update every periodic job by name. Idempotent; keeps the enabled "
        "flag that an administrator set in the admin."
    )

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        created = updated = 0
        jobs = registered_jobs()
        for job in jobs:
            schedule: dict = {"interval": None, "crontab": None}
            if job.every_seconds is not None:
                schedule["interval"], _ = IntervalSchedule.objects.get_or_create(
                    every=job.every_seconds, period=IntervalSchedule.SECONDS
                )
            else:
                minute, hour, dom, month, dow = job.crontab.split()
                schedule["crontab"], _ = CrontabSchedule.objects.get_or_create(
                    minute=minute,
                    hour=hour,
                    day_of_month=dom,
                    month_of_year=month,
                    day_of_week=dow,
                    timezone="Europe/Kyiv",
                )
            defaults = {
                "task": job.task,
                "kwargs": json.dumps(job.kwargs, sort_keys=True),
                "description": job.description,
                **schedule,
            }
            task, was_created = PeriodicTask.objects.select_for_update().get_or_create(
                name=job.name, defaults={**defaults, "enabled": True}
            )
            if was_created:
                created += 1
                continue
            changed = [key for key, value in defaults.items() if getattr(task, key) != value]
            if changed:
                for key in changed:
                    setattr(task, key, defaults[key])
                task.save(update_fields=changed)  # `enabled` stays as the admin left it
                updated += 1
        self.stdout.write(
            f"Periodic tasks: {created} created, {updated} updated, "
            f"{len(jobs)} registered."
        )
