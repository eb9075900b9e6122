from slaportal.accounts.roles import Role

# What each role finds on the admin index for billing (ACC-2). Money records are never
# deletable; records written only by services cannot be added by hand.
EXPECTED_ADMIN_MODELS = {
    Role.FINANCE: {
        "billing.payment": {"view", "change"},
        "billing.invoice": {"view", "change"},
        "billing.providernotification": {"view"},
        "billing.exchangerate": {"view", "add", "change"},
        "billing.taxrule": {"view", "add", "change"},
        "billing.discountcode": {"view", "add", "change"},
        "billing.discountredemption": {"view"},
        "billing.refundrequest": {"view", "change"},
        "billing.refund": {"view", "change"},
        "billing.creditnote": {"view"},
        "billing.datadeletionconfirmation": {"view"},
        "billing.surcharge": {"view"},  # raised by the engine or an account manager
    },
    Role.ACCOUNT_MANAGERS: {
        "billing.payment": {"view"},
        "billing.surcharge": {"view"},
        "billing.refundrequest": {"view"},
    },
    Role.SUPPORT_ENGINEERS: {},
}
