"""Canned replies filled in for one ticket. Placeholders are plain names in braces;
anything else in braces is left as written (no attribute access, no format spec)."""

from __future__ import annotations

import re

from django.db.models import Q
from django.utils import timezone

from .models import CannedReply, Ticket

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def placeholders(ticket: Ticket, actor=None) -> dict[str, str]:
    customer = ticket.customer
    due = ticket.next_due_at
    return {
        "customer_name": customer.user.full_name.strip() or customer.organisation
        or customer.user.email,
        "customer_email": customer.user.email,
        "migration_id": ticket.migration.migration_id if ticket.migration_id else "",
        "plan": ticket.plan.name,
        "due": (timezone.localtime(due).strftime("%Y-%m-%d %H:%M") + " Kyiv time"
                if due else "no due time"),
        "ticket": ticket.reference,
        "subject": ticket.subject,
        "engineer": (actor.full_name.strip() or actor.email) if actor else "",
    }


def canned_reply_render(*, body: str, ticket: Ticket, actor=None) -> str:
    values = placeholders(ticket, actor)
    return PLACEHOLDER.sub(lambda m: values.get(m[1], m[0]), body)


def canned_replies_for(ticket: Ticket):
    return CannedReply.objects.filter(Q(line="") | Q(line=ticket.line), is_active=True)
