"""Writes on calendars. Every change bumps the calendar's version and enqueues one
recompute of the deadlines that depend on it (CAL-8)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import BusinessCalendar, Closure


def _calendars_touched(closure: Closure) -> list[BusinessCalendar]:
    if closure.calendar_id:
        return [closure.calendar]
    return list(BusinessCalendar.objects.all())


def calendar_changed(*, calendars: list[BusinessCalendar], actor=None) -> None:
    """Record that the calendars changed: bump versions, recompute deadlines once."""
    from .tasks import recompute_deadlines

    ids = [c.pk for c in calendars]
    BusinessCalendar.objects.filter(pk__in=ids).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    slugs = sorted(c.slug for c in calendars)
    transaction.on_commit(lambda: recompute_deadlines.delay(slugs))


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
    calendar_changed(calendars=list(touched.values()), actor=actor)
    return closure


@transaction.atomic
def closure_delete(*, closure: Closure, actor=None) -> None:
    touched = _calendars_touched(closure)
    closure.delete()
    calendar_changed(calendars=touched, actor=actor)
