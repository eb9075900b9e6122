"""How a beat job works through its backlog.

A job is a ``step``: one batch in its own transaction, the due rows selected through an
index and locked with ``skip_locked`` (two workers never take the same row, and a run
killed halfway keeps the batches it committed), returning how many rows it selected and
how many it processed. ``drain`` repeats the step until a batch comes back short, a
batch processed nothing, or the run's time budget is spent; the next run goes on from
there. The e-mails of a batch leave together, over one connection, after its commit.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

from slaportal import mail


@dataclass(frozen=True)
class Step:
    selected: int
    done: int


def drain(step: Callable[[int], Step], *, batch: int = 500,
          budget_seconds: float | None = None) -> int:
    """Run ``step(batch)`` until the backlog is done or the budget is spent; returns the
    number of rows processed."""
    if batch < 1:
        raise ValueError("batch must be at least 1")
    budget = settings.JOB_TIME_BUDGET_SECONDS if budget_seconds is None else budget_seconds
    deadline = time.monotonic() + budget
    total = 0
    while True:
        with mail.batch():
            result = step(batch)
        total += result.done
        if result.selected < batch or result.done == 0 or time.monotonic() >= deadline:
            return total
