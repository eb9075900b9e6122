"""ACC-2: what each staff role may do with support records. Nothing here is deletable:
tickets, messages, breaches and bookings are history (and bookings are money)."""

from slaportal.accounts.roles import Role, crud

ROLE_PERMISSIONS = {
    Role.SUPPORT_ENGINEERS: [
        *crud("support.ticket", "view", "add", "change"),
        *crud("support.cannedreply", "view", "add", "change"),
        *crud("support.refusedrequest", "view"),
        *crud("support.slatarget", "view"),
        *crud("support.ticketmessage", "view"),
        *crud("support.clarification", "view"),
        *crud("support.breach", "view", "change"),
        *crud("support.packagehoursentry", "view", "add"),
        *crud("support.supportaccessgrant", "view"),
        *crud("support.inboundemail", "view"),
    ],
    Role.ACCOUNT_MANAGERS: [
        *crud("support.ticket", "view", "add"),
        *crud("support.cannedreply", "view"),
        *crud("support.refusedrequest", "view"),
        *crud("support.slatarget", "view"),
        *crud("support.breach", "view"),
        *crud("support.terminationright", "view"),
        *crud("support.supportstop", "view", "add", "change"),
        *crud("support.weekendbooking", "view", "change"),
        *crud("support.extrahoursapproval", "view", "add"),
        *crud("support.packagehoursentry", "view"),
        *crud("support.supportaccessgrant", "view"),
    ],
    Role.FINANCE: [
        *crud("support.weekendbooking", "view"),
    ],
}
