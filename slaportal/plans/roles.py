"""ACC-2: who may see and set the plan a customer holds. The catalogue itself is an
administrator's setting."""

from slaportal.accounts.roles import Role, crud

ROLE_PERMISSIONS = {
    Role.SUPPORT_ENGINEERS: [*crud("plans.customerplan", "view")],
    Role.ACCOUNT_MANAGERS: [*crud("plans.customerplan", "view", "add", "change")],
}
