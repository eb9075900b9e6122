from slaportal.accounts.roles import Role

EXPECTED_ADMIN_MODELS = {
    Role.ACCOUNT_MANAGERS: {
        "accounts.customer": {"view", "add", "change"},
        "accounts.user": {"view"},
    },
    Role.SUPPORT_ENGINEERS: {"accounts.customer": {"view"}},
    Role.FINANCE: {"accounts.customer": {"view"}},
}
