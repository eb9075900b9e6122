from slaportal.accounts.roles import Role

_VIEW = {"view"}
_CATALOGUE = {
    f"orders.{name}": _VIEW
    for name in ("platform", "pricetable", "migrationoption", "insuranceplan", "packageoffer",
                 "assistedoffer", "orderssettings")
}

EXPECTED_ADMIN_MODELS = {
    Role.ACCOUNT_MANAGERS: {
        "orders.migration": {"view", "change"},
        "orders.servicepackage": {"view", "change"},
        "orders.assistedmigration": {"view", "change"},
        "orders.customworkrequest": {"view", "add", "change"},
        "orders.nonprofitapplication": {"view", "change"},
        **_CATALOGUE,
    },
    Role.SUPPORT_ENGINEERS: {
        "orders.migration": _VIEW,
        "orders.servicepackage": _VIEW,
    },
    Role.FINANCE: {
        "orders.migration": _VIEW,
        "orders.customworkrequest": _VIEW,
    },
}
