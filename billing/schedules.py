from slaportal.schedules import PeriodicJob

PERIODIC_TASKS = [
    PeriodicJob(
        name="billing: cancel payments past their 30 days",
        task="billing.expire_payments",
        crontab="5 * * * *",
        description="BIL-4: cancel payments whose 30 days passed without a full migration "
        "start, tell the customer, leave the order payable again (batches of 500 until "
        "done).",
    ),
    PeriodicJob(
        name="billing: remind of payments expiring soon",
        task="billing.remind_expiring_payments",
        crontab="15 * * * *",
        description="BIL-4: once per payment, tell the customer five days before the 30 "
        "days of their payment end while the full migration has not started.",
    ),
    PeriodicJob(
        name="billing: lapse checkouts never completed",
        task="billing.lapse_checkouts",
        every_seconds=900,
        description="Card and PayPal checkouts not completed within 24 hours (wire "
        "transfers within 14 days) lapse, so the order is free for a new payment.",
    ),
    PeriodicJob(
        name="billing: refresh refund eligibility",
        task="billing.refresh_refund_eligibility",
        crontab="35 * * * *",
        description="BIL-8: re-evaluate undecided refund requests so the queue shows "
        "current pass/fail per rule (72 business hours, payment validity).",
    ),
]
