from slaportal.schedules import PeriodicJob

PERIODIC_TASKS = [
    PeriodicJob(
        name="insight: monthly SLA statements",
        task="insight.send_statements",
        crontab="20 8-17 1-7 * *",
        description="Issue 15: on the first business day of the month (and the days after, "
        "until done) e-mail each customer last month's SLA statement with its PDF; once "
        "per customer and month.",
    ),
]
