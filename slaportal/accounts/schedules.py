from slaportal.schedules import PeriodicJob

PERIODIC_TASKS = [
    PeriodicJob(
        name="accounts: clear expired sessions",
        task="accounts.clear_expired_sessions",
        crontab="17 3 * * *",
        description="Delete expired sign-in sessions every night.",
    ),
]
