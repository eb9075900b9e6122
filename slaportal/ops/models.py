"""Every run of a beat job: when it started and ended, the rows it did, how it ended."""

from __future__ import annotations

from django.db import models


class JobOutcome(models.TextChoices):
    RUNNING = "running", "Running (or killed)"
    SUCCESS = "success", "Done"
    FAILURE = "failure", "Failed"
    RETRY = "retry", "Failed, to be retried"


class JobRun(models.Model):
    task = models.CharField(max_length=100)
    task_id = models.CharField(max_length=64, unique=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=8, choices=JobOutcome.choices,
                               default=JobOutcome.RUNNING)
    rows = models.BigIntegerField(null=True, blank=True,
                                  help_text="What the job reported it did (rows changed).")
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["task", "-started_at"], name="ops_jobrun_task_recent"),
                   models.Index(fields=["-started_at"], name="ops_jobrun_recent")]

    def __str__(self) -> str:
        return f"{self.task} at {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()
