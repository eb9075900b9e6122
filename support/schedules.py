from slaportal.schedules import PeriodicJob

PERIODIC_TASKS = [
    PeriodicJob(
        name="support: breach and warning sweep",
        task="support.sla_sweep",
        every_seconds=300,
        description="SUP-7/8/9: record missed targets once, send 70%/90% warnings inside "
        "calendar hours, flag the right of termination (batches of 500 until done).",
    ),
    PeriodicJob(
        name="support: clarification expiry",
        task="support.expire_clarifications",
        every_seconds=900,
        description="SUP-3: close (CMS) / solve (data line) tickets with no reply within the "
        "waiting period after the third clarification request.",
    ),
    PeriodicJob(
        name="support: compliance rollup",
        task="support.sla_monthly_refresh",
        every_seconds=600,
        description="SUP-5/6/8: recount targets met and missed per month, line, plan, "
        "metric and engineer (this month and the last) for the SLA dashboard.",
    ),
]
