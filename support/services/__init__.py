"""Every write of the support app (one module per area)."""

from slaportal.plans.services import customer_plan_set, plan_period_open, plan_periods_close

from .bookings import (
    weekend_booking_cancel,
    weekend_booking_create,
    weekend_booking_deliver,
    weekend_booking_mark_paid,
)
from .clarifications import clarifications_expire_due, ticket_clarify
from .clocks import recompute_ticket_deadlines, ticket_recompute_clocks
from .customers import (
    access_grant,
    access_revoke,
    support_resume,
    support_stop,
)
from .inbound import inbound_email_process
from .packages import package_extra_hours_approve, package_hours_log
from .sla import (
    breach_exclude,
    sla_monthly_refresh,
    sla_sweep,
    target_record,
    termination_evaluate,
)
from .tickets import (
    SupportStopped,
    stopped_message,
    support_refusal_record,
    ticket_add_note,
    ticket_assign,
    ticket_close,
    ticket_create,
    ticket_customer_message,
    ticket_reopen,
    ticket_reply,
    ticket_set_status,
)

__all__ = [
    "plan_period_open",
    "plan_periods_close",
    "SupportStopped",
    "access_grant",
    "access_revoke",
    "breach_exclude",
    "clarifications_expire_due",
    "customer_plan_set",
    "inbound_email_process",
    "package_extra_hours_approve",
    "package_hours_log",
    "recompute_ticket_deadlines",
    "sla_monthly_refresh",
    "sla_sweep",
    "target_record",
    "stopped_message",
    "support_refusal_record",
    "support_resume",
    "support_stop",
    "termination_evaluate",
    "ticket_add_note",
    "ticket_assign",
    "ticket_clarify",
    "ticket_close",
    "ticket_create",
    "ticket_customer_message",
    "ticket_reopen",
    "ticket_recompute_clocks",
    "ticket_reply",
    "ticket_set_status",
    "weekend_booking_cancel",
    "weekend_booking_create",
    "weekend_booking_deliver",
    "weekend_booking_mark_paid",
]
