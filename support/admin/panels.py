"""What support records about a customer, on the customer's admin page: plans, the stop
and every refused attempt (SUP-4), package hours (SUP-13)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import format_html, format_html_join

from slaportal.accounts.panels import register_customer_panel
from slaportal.plans.selectors import customer_plan
from support.choices import OPEN_TICKET_STATUSES
from support.models import RefusedRequest
from support.selectors import active_support_stop, customer_package_hours

from .base import kyiv

SHOWN = 10


def hours_table(rows) -> str:
    return format_html(
        '<table><tr><th>package</th><th>included</th><th>extra approved</th><th>used</th>'
        "<th>left</th><th>overage</th></tr>{}</table>",
        format_html_join("", "<tr><td>{}</td><td>{} h</td><td>{} h</td><td>{} h</td>"
                             "<td><strong>{} h</strong></td><td>{}</td></tr>", (
            (f"{h.package.get_tier_display()} · {h.package.migration.migration_id}",
             h.included, h.extra, h.used, h.left,
             f"{h.overage} h" if h.overage else "—") for h in rows)),
    )


@register_customer_panel("support", "Support")
def support_panel(customer):
    lines = [line for line, used in (("cms", customer.uses_cms_line),
                                     ("data", customer.uses_data_line)) if used] or ["cms"]
    plans = format_html_join(", ", "{}", ((str(customer_plan(customer=customer, line=line)),)
                                           for line in lines))
    tickets = reverse("admin:support_ticket_changelist")
    open_count = customer.tickets.filter(status__in=OPEN_TICKET_STATUSES).count()
    parts = [format_html(
        '<p>Plans: {} · <a href="{}?customer__id__exact={}">{} open ticket(s)</a></p>',
        plans, tickets, customer.pk, open_count)]
    stop = active_support_stop(customer=customer)
    if stop is None:
        parts.append(format_html("<p>{}</p>", "Support is not stopped."))
    else:
        parts.append(format_html(
            '<p class="warn-text"><strong>Support stopped</strong> since {} by {}: {}</p>',
            kyiv(stop.stopped_at), stop.stopped_by.email, stop.reason))
    refusals = RefusedRequest.objects.filter(customer=customer).select_related("ticket")
    shown = list(refusals[:SHOWN])
    if shown:
        total = refusals.count() if len(shown) == SHOWN else len(shown)
        parts.append(format_html(
            "<p>Refused while stopped (SUP-4): {} attempt(s){}</p>"
            "<table><tr><th>when (Kyiv)</th><th>channel</th><th>subject</th><th>ticket</th>"
            "<th>refusal e-mailed to</th></tr>{}</table>",
            total, f", the latest {SHOWN}" if total > SHOWN else "",
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                                 "</tr>", (
                (kyiv(r.attempted_at), r.get_channel_display(), r.subject or "—",
                 r.ticket.reference if r.ticket else "new request", r.replied_to or "—")
                for r in shown)),
        ))
    hours = customer_package_hours(customer=customer)
    if hours:
        parts.append(format_html("<p>Support Service Package hours (SUP-13)</p>{}",
                                 hours_table(hours)))
    return format_html_join("", "{}", ((p,) for p in parts))
