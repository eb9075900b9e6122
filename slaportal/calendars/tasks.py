from celery import shared_task

from .deadlines import recompute_all


@shared_task(name="calendars.recompute_deadlines", acks_late=True)
def recompute_deadlines(calendar_slugs: list[str]) -> dict[str, int]:
    """CAL-8: recompute every open deadline that depends on the given calendars.

    Idempotent: recomputing twice gives the same deadlines.
    """
    return recompute_all(frozenset(calendar_slugs))
