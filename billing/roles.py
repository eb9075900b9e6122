"""ACC-2: what each staff role may do with billing records. No role deletes a money
record or its history."""

from slaportal.accounts.roles import Role, crud

ROLE_PERMISSIONS = {
    Role.FINANCE: [
        *crud("billing.payment", "view", "change"),
        *crud("billing.invoice", "view", "change"),
        *crud("billing.providernotification", "view"),
        *crud("billing.exchangerate", "view", "add", "change"),
        *crud("billing.taxrule", "view", "add", "change"),
        *crud("billing.discountcode", "view", "add", "change"),
        *crud("billing.discountredemption", "view"),
        *crud("billing.refundrequest", "view", "change"),
        *crud("billing.refund", "view", "change"),
        *crud("billing.creditnote", "view"),
        *crud("billing.datadeletionconfirmation", "view"),
        *crud("billing.surcharge", "view", "change"),  # change: sees every customer
    ],
    Role.ACCOUNT_MANAGERS: [
        *crud("billing.payment", "view"),
        *crud("billing.surcharge", "view"),
        *crud("billing.refundrequest", "view"),
    ],
    Role.SUPPORT_ENGINEERS: [],
}
