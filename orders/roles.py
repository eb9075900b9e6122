"""ACC-2: what each staff role may do with orders. Catalogue and price tables are
administered by superusers; account managers view them. Money records (quote lines)
and history (events) are never deletable."""

from slaportal.accounts.roles import Role, crud

CATALOGUE = ["platform", "pricetable", "pricetier", "migrationoption", "insuranceplan",
             "packageoffer", "assistedoffer", "orderssettings"]

ROLE_PERMISSIONS = {
    Role.ACCOUNT_MANAGERS: [
        *crud("orders.migration", "view", "change"),
        *crud("orders.quoteline", "view"),
        *crud("orders.servicepackage", "view", "change"),
        *crud("orders.packagechecklistitem", "view", "change"),  # ORD-12: tick the list
        *crud("orders.migrationevent", "view"),
        *crud("orders.accessdetail", "view"),
        *crud("orders.assistedmigration", "view", "change"),
        *crud("orders.customworkrequest", "view", "add", "change"),
        *crud("orders.nonprofitapplication", "view", "change"),
        *[p for name in CATALOGUE for p in crud(f"orders.{name}", "view")],
    ],
    Role.SUPPORT_ENGINEERS: [
        *crud("orders.migration", "view"),
        *crud("orders.servicepackage", "view"),
        *crud("orders.migrationevent", "view"),
    ],
    Role.FINANCE: [
        *crud("orders.migration", "view"),
        *crud("orders.quoteline", "view"),
        *crud("orders.customworkrequest", "view"),
    ],
}
