from slaportal.accounts.roles import Role

EXPECTED_ADMIN_MODELS = {
    Role.ACCOUNT_MANAGERS: {
        "calendars.businesscalendar": {"view"},
        "calendars.closure": {"view", "add", "change"},
    },
    Role.SUPPORT_ENGINEERS: {
        "calendars.businesscalendar": {"view"},
        "calendars.closure": {"view"},
    },
    Role.FINANCE: {"calendars.businesscalendar": {"view"}},
}
