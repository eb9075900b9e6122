from celery import shared_task

from . import services


@shared_task(name="insight.send_statements")
def send_statements() -> int:
    """Last month's SLA statements, on and after the first business day of the month."""
    return services.statements_send_due()
