"""Beat jobs of the orders app: each calls one batched, idempotent service."""

from celery import shared_task

from . import services


@shared_task(name="orders.archive_due_migrations")
def archive_due_migrations() -> int:
    return services.migrations_archive_due()


@shared_task(name="orders.remove_due_demos")
def remove_due_demos() -> int:
    return services.demos_remove_due()


@shared_task(name="orders.validate_due_migrations")
def validate_due_migrations() -> int:
    return services.migrations_validate_due()


@shared_task(name="orders.remind_review_ending")
def remind_review_ending() -> int:
    return services.migrations_remind_review_due()


@shared_task(name="orders.send_access_reminders")
def send_access_reminders() -> int:
    return services.access_reminders_send()


@shared_task(name="orders.auto_accept_packages")
def auto_accept_packages() -> int:
    return services.packages_auto_accept()


@shared_task(name="orders.auto_accept_custom_work")
def auto_accept_custom_work() -> int:
    return services.custom_work_auto_accept()


@shared_task(name="orders.auto_resume_pauses")
def auto_resume_pauses() -> int:
    return services.pauses_auto_resume()


@shared_task(name="orders.nonprofit_weekly_digest")
def nonprofit_weekly_digest() -> int:
    return services.nonprofit_weekly_digest()
