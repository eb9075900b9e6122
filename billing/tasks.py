from celery import shared_task

from . import services


@shared_task(name="billing.expire_payments")
def expire_payments(batch: int = 500) -> int:
    """BIL-4: idempotent; each payment is re-checked under its row lock."""
    return services.payments_expire_due(batch=batch)


@shared_task(name="billing.remind_expiring_payments")
def remind_expiring_payments(batch: int = 500) -> int:
    """BIL-4: once per payment, five days before its 30 days end."""
    from .services.payments import payments_remind_expiring

    return payments_remind_expiring(batch=batch)


@shared_task(name="billing.lapse_checkouts")
def lapse_checkouts(batch: int = 500) -> int:
    """Checkouts never completed lapse, so the order can be paid again."""
    return services.payments_lapse_due(batch=batch)


@shared_task(name="billing.refresh_refund_eligibility")
def refresh_refund_eligibility(batch: int = 500) -> int:
    """BIL-8: keep the refund queue's eligibility column current as time passes."""
    from .services.refunds import refund_requests_reevaluate

    return refund_requests_reevaluate(batch=batch)


@shared_task(name="billing.process_notification")
def process_notification(notification_id: int) -> str:
    """Re-process a stored notification left 'received' (a crash) or 'failed' (e.g. the
    payment was created later); exactly-once still holds through the dedupe key."""
    from .choices import NotificationVerdict
    from .models import ProviderNotification

    n = ProviderNotification.objects.filter(
        pk=notification_id,
        verdict__in=[NotificationVerdict.RECEIVED, NotificationVerdict.FAILED],
    ).first()
    if n is None:
        return "nothing to do"
    return services.notification_process(notification=n).verdict
