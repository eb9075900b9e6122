from slaportal.accounts.roles import Role

EXPECTED_ADMIN_MODELS = {
    Role.SUPPORT_ENGINEERS: {"plans.customerplan": {"view"}},
    Role.ACCOUNT_MANAGERS: {"plans.customerplan": {"view", "add", "change"}},
    Role.FINANCE: {},
}
