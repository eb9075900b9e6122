from slaportal.accounts.roles import Role

EXPECTED_ADMIN_MODELS = {
    Role.SUPPORT_ENGINEERS: {
        "support.ticket": {"view", "add", "change"},
        "support.cannedreply": {"view", "add", "change"},
        "support.refusedrequest": {"view"},
        "support.slatarget": {"view"},
        "support.ticketmessage": {"view"},
        "support.clarification": {"view"},
        "support.breach": {"view", "change"},
        "support.packagehoursentry": {"view", "add"},
        "support.supportaccessgrant": {"view"},
        "support.inboundemail": {"view"},
    },
    Role.ACCOUNT_MANAGERS: {
        "support.ticket": {"view", "add"},
        "support.cannedreply": {"view"},
        "support.refusedrequest": {"view"},
        "support.slatarget": {"view"},
        "support.breach": {"view"},
        "support.terminationright": {"view"},
        "support.supportstop": {"view", "add", "change"},
        "support.weekendbooking": {"view", "change"},
        "support.extrahoursapproval": {"view", "add"},
        "support.packagehoursentry": {"view"},
        "support.supportaccessgrant": {"view"},
    },
    Role.FINANCE: {
        "support.weekendbooking": {"view"},
    },
}
