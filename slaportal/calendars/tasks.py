from celery import shared_task


@shared_task(name="calendars.recompute_deadlines", acks_late=True)
def recompute_deadlines(calendar_slugs: list[str], run_id: int | None = None) -> dict[str, int]:
    """CAL-8: recompute every open deadline that depends on the given calendars, with
    progress and result on the RecomputeRun ``run_id``.

    Idempotent: recomputing twice gives the same deadlines.
    """
    from .services import recompute_run

    return recompute_run(calendar_slugs=calendar_slugs, run_id=run_id)
