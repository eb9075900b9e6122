"""Writes on calendars. Every change bumps the calendar's version and enqueues one
recompute of the deadlines that depend on it (CAL-8)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import BusinessCalendar, Closure, RecomputeRun


def _calendars_touched(closure: Closure) -> list[BusinessCalendar]:
    if closure.calendar_id:
        return [closure.calendar]
    return list(BusinessCalendar.objects.all())


def calendar_changed(*, calendars: list[BusinessCalendar], actor=None,
                     cause: str = "") -> RecomputeRun:
    """Record that the calendars changed: bump versions, and queue one recompute of the
    deadlines that depend on them (a RecomputeRun the admin shows) after the commit."""
    from .tasks import recompute_deadlines

    ids = [c.pk for c in calendars]
    now = timezone.now()
    BusinessCalendar.objects.filter(pk__in=ids).update(version=F("version") + 1, updated_at=now)
    slugs = sorted(c.slug for c in calendars)
    run = RecomputeRun.objects.create(
        calendar_slugs=slugs, queued_at=now, cause=(cause or "Calendar changed")[:200],
        requested_by=actor if getattr(actor, "pk", None) else None,
    )
    transaction.on_commit(lambda: recompute_deadlines.delay(slugs, run_id=run.pk))
    return run


def recompute_run(*, calendar_slugs: list[str], run_id: int | None = None) -> dict[str, int]:
    """CAL-8: ask every deadline owner to recompute, recording progress and the result
    on the run (a second delivery of the same run recomputes again: idempotent)."""
    from .deadlines import deadline_owners

    owners = sorted(deadline_owners().items())
    runs = RecomputeRun.objects.filter(pk=run_id) if run_id else RecomputeRun.objects.none()
    reason = ""
    run = runs.first()
    if run is not None:
        reason = f"CAL-8: {run.cause} ({', '.join(run.calendar_slugs)})"
    runs.update(status=RecomputeRun.Status.RUNNING, started_at=timezone.now(),
                owners_total=len(owners), owners_done=0, error="")
    result: dict[str, int] = {}
    try:
        for done, (name, owner) in enumerate(owners, start=1):
            result[name] = owner(frozenset(calendar_slugs), cause=reason)
            runs.update(owners_done=done, result=result)
    except Exception as exc:
        runs.update(status=RecomputeRun.Status.FAILED, finished_at=timezone.now(),
                    error=f"{type(exc).__name__}: {exc}"[:2000])
        raise
    runs.update(status=RecomputeRun.Status.DONE, finished_at=timezone.now(), result=result)
    return result


@transaction.atomic
def closure_save(*, closure: Closure, actor=None) -> Closure:
    """CAL-4: add or change an announced closure."""
    if closure.ends_on is None:
        closure.ends_on = closure.starts_on
    if closure.pk is None and actor is not None:
        closure.created_by = actor
    closure.full_clean()
    previous = None
    if closure.pk:
        previous = Closure.objects.filter(pk=closure.pk).select_related("calendar").first()
    closure.save()
    touched = {c.pk: c for c in _calendars_touched(closure)}
    if previous is not None:
        touched.update({c.pk: c for c in _calendars_touched(previous)})
    what = f"closure {closure.starts_on}–{closure.ends_on}" if closure.ends_on != \
        closure.starts_on else f"closure {closure.starts_on}"
    calendar_changed(calendars=list(touched.values()), actor=actor,
                     cause=f"{'Changed' if previous else 'New'} {what}")
    return closure


@transaction.atomic
def closure_delete(*, closure: Closure, actor=None) -> None:
    touched = _calendars_touched(closure)
    cause = f"Closure {closure.starts_on}–{closure.ends_on} removed"
    closure.delete()
    calendar_changed(calendars=touched, actor=actor, cause=cause)
