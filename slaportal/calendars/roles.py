from slaportal.accounts.roles import Role, crud

# Account managers answer "when is it due?" and announce closures (CAL-4); support
# engineers and finance read the calendars their deadlines run on.
ROLE_PERMISSIONS = {
    Role.ACCOUNT_MANAGERS: [
        *crud("calendars.businesscalendar", "view"),
        *crud("calendars.closure", "view", "add", "change"),
    ],
    Role.SUPPORT_ENGINEERS: [
        *crud("calendars.businesscalendar", "view"),
        *crud("calendars.closure", "view"),
    ],
    Role.FINANCE: [*crud("calendars.businesscalendar", "view")],
}
