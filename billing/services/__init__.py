"""Every write of billing, by topic (keyword-only functions taking ``actor``)."""

from .custom_work import custom_work_payment_start
from .discounts import (
    discount_code_save,
    discount_code_withdraw,
    discount_redeem,
    discount_refusal_record,
    order_confirm,
)
from .ipn import ipn_receive, notification_process, notification_store
from .numbering import number_take
from .payments import (
    booking_payment_start,
    invoice_record_funds,
    payment_cancel,
    payment_complete,
    payment_expire,
    payment_start,
    payments_expire_due,
    payments_lapse_due,
)
from .refunds import (
    credit_note_issue,
    data_deletion_confirm,
    refund_approve,
    refund_deny,
    refund_record_payout,
    refund_request_assess,
    refund_request_submit,
)
from .surcharges import surcharge_payment_start, surcharge_raise

__all__ = [
    "booking_payment_start",
    "credit_note_issue",
    "custom_work_payment_start",
    "data_deletion_confirm",
    "discount_code_save",
    "discount_code_withdraw",
    "discount_redeem",
    "discount_refusal_record",
    "invoice_record_funds",
    "ipn_receive",
    "notification_process",
    "notification_store",
    "number_take",
    "order_confirm",
    "payment_cancel",
    "payment_complete",
    "payment_expire",
    "payment_start",
    "payments_expire_due",
    "payments_lapse_due",
    "refund_approve",
    "refund_deny",
    "refund_record_payout",
    "refund_request_assess",
    "refund_request_submit",
    "surcharge_payment_start",
    "surcharge_raise",
]
