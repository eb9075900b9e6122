"""Every write of the orders app. Billing calls the contract functions re-exported here:
migration_confirm, migration_mark_paid, migration_payment_cancelled, migration_stop and
migration_started."""

from .access import (
    access_detail_set,
    access_fail,
    access_reminders_send,
    access_verify,
)
from .base import migration_transition, migrations_transition_bulk
from .custom_work import (
    custom_work_accept,
    custom_work_acceptance_ends,
    custom_work_auto_accept,
    custom_work_check_payable,
    custom_work_deliver,
    custom_work_estimate,
    custom_work_mark_paid,
    custom_work_quote,
    custom_work_report_issue,
    custom_work_request,
    custom_work_requirements,
)
from .demo import demo_create, full_from_demo
from .engine import (
    engine_client_create,
    engine_event_receive,
    records_check_done,
    records_report,
)
from .entitlements import (
    delta_arrange,
    delta_create,
    entitlements_left,
    insurance_restart,
    migration_pause,
    migration_resume,
    pauses_auto_resume,
    remigration_create,
)
from .lifecycle import (
    migration_complete,
    migration_confirm,
    migration_fail,
    migration_mark_paid,
    migration_payment_cancelled,
    migration_problem_clear,
    migration_problem_set,
    migration_progress,
    migration_restart,
    migration_start,
    migration_started,
    migration_stop,
    migration_validate,
    migrations_payment_cancelled_bulk,
)
from .nonprofit import nonprofit_apply, nonprofit_review, nonprofit_weekly_digest
from .packages import (
    assisted_done,
    package_item_done,
    package_set_due,
    package_validate,
    packages_auto_accept,
)
from .quotes import quote_build, quote_preview, quote_price
from .retention import (
    demos_remove_due,
    migrations_archive_due,
    migrations_remind_review_due,
    migrations_validate_due,
)

__all__ = [
    "migrations_payment_cancelled_bulk",
    "migrations_transition_bulk",
    "access_detail_set", "access_fail", "access_reminders_send", "access_verify",
    "assisted_done", "custom_work_accept", "custom_work_acceptance_ends",
    "custom_work_auto_accept", "custom_work_check_payable", "custom_work_deliver",
    "custom_work_estimate", "custom_work_mark_paid", "custom_work_quote",
    "custom_work_report_issue", "custom_work_request", "custom_work_requirements",
    "delta_arrange", "delta_create", "demo_create", "demos_remove_due",
    "engine_client_create", "engine_event_receive", "entitlements_left", "full_from_demo",
    "insurance_restart", "migration_complete", "migration_confirm", "migration_fail",
    "migration_mark_paid", "migration_pause", "migration_payment_cancelled",
    "migration_problem_clear", "migration_problem_set", "migration_progress",
    "migration_restart", "migration_resume", "migration_start", "migration_started",
    "migration_stop", "migration_transition", "migration_validate", "migrations_archive_due",
    "migrations_remind_review_due", "migrations_validate_due", "nonprofit_apply",
    "nonprofit_review",
    "nonprofit_weekly_digest", "package_item_done",
    "package_set_due", "package_validate", "packages_auto_accept", "pauses_auto_resume",
    "quote_build", "quote_preview", "quote_price", "records_check_done", "records_report",
    "remigration_create",
]
