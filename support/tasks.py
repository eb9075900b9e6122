from celery import shared_task

from . import services


@shared_task(name="support.sla_sweep")
def sla_sweep(batch: int = 500) -> dict:
    """SUP-7/SUP-8/SUP-9: idempotent; unique constraints make a second run a no-op."""
    return services.sla_sweep(batch=batch)


@shared_task(name="support.expire_clarifications")
def expire_clarifications(batch: int = 500) -> int:
    """SUP-3: close/solve tickets whose third clarification went unanswered."""
    return services.clarifications_expire_due(batch=batch)


@shared_task(name="support.sla_monthly_refresh")
def sla_monthly_refresh() -> int:
    """The dashboard's compliance rollup for this month and the last."""
    return services.sla_monthly_refresh()
