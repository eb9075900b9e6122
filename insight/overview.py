"""The customer's home page at a glance: what waits for them, their migrations, their
open requests with the next promised time, and this month's SLA so far — a fixed
number of queries whatever the customer's history (each list is capped)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse

from billing.choices import PaymentPurpose, PaymentStatus, SurchargeStatus
from billing.models import DataDeletionConfirmation, Payment, Surcharge
from orders.choices import CustomWorkStatus, MigrationStatus
from orders.models import CustomWorkRequest, Migration
from support.choices import OPEN_TICKET_STATUSES, TicketStatus
from support.models import SlaTarget, Ticket
from support.selectors import month_bounds

SHOWN = 5


@dataclass
class Overview:
    todo: list[tuple[str, str]] = field(default_factory=list)  # (what, link)
    migrations: list = field(default_factory=list)
    tickets: list = field(default_factory=list)
    open_tickets: int = 0
    targets_counted: int = 0
    targets_met: int = 0

    @property
    def percent(self) -> int | None:
        if not self.targets_counted:
            return None
        return round(100 * self.targets_met / self.targets_counted)


def customer_overview(customer, now: dt.datetime) -> Overview:
    o = Overview()
    # A confirmed order: its payment waiting for the funds, or still to pay (one line).
    pending = Payment.objects.filter(migration=OuterRef("pk"), purpose=PaymentPurpose.ORDER,
                                     status=PaymentStatus.PENDING)
    for migration in (Migration.objects.filter(customer=customer,
                                               status=MigrationStatus.CONFIRMED)
                      .annotate(waiting=Exists(pending)).order_by("-pk")[:SHOWN]):
        o.todo.append((f"Payment of {migration.migration_id} waiting for the funds"
                       if migration.waiting else f"Pay order {migration.migration_id}",
                       reverse("billing:pay", args=[migration.migration_id])))
    for surcharge in (Surcharge.objects.filter(migration__customer=customer,
                                               status=SurchargeStatus.DUE)
                      .select_related("migration")[:SHOWN]):
        o.todo.append((f"Pay the surcharge of {surcharge.migration.migration_id}",
                       reverse("billing:pay_surcharge", args=[surcharge.pk])))
    for work in CustomWorkRequest.objects.filter(customer=customer,
                                                 status=CustomWorkStatus.QUOTED)[:SHOWN]:
        o.todo.append((f"Custom work #{work.pk} is quoted: accept and pay it",
                       reverse("orders:custom-work-detail", args=[work.pk])))
    for confirmation in (DataDeletionConfirmation.objects
                         .filter(migration__customer=customer, confirmed_at__isnull=True)
                         .select_related("migration")[:SHOWN]):
        o.todo.append((f"Confirm the deletion of the data of "
                       f"{confirmation.migration.migration_id}", reverse("billing:refund_list")))
    open_q = Ticket.objects.filter(customer=customer, status__in=OPEN_TICKET_STATUSES)
    for ticket in open_q.filter(status=TicketStatus.WAITING_ON_CUSTOMER).order_by("-pk")[:SHOWN]:
        o.todo.append((f"Answer our question on {ticket.reference}: {ticket.subject}",
                       reverse("support:detail", args=[ticket.pk])))
    o.migrations = list(Migration.objects.filter(customer=customer)
                        .select_related("source_platform", "target_platform")
                        .order_by("-created_at", "-pk")[:SHOWN])
    o.tickets = list(open_q.order_by("next_due_at", "-pk")[:SHOWN])
    o.open_tickets = open_q.count()
    start, end = month_bounds(now.date().replace(day=1))
    # As the monthly statement counts: targets due this month, an excluded breach not
    # counted (SUP-8).
    counts = (SlaTarget.objects.filter(customer=customer, due_at__gte=start, due_at__lt=end,
                                       excluded=False)
              .aggregate(counted=Count("pk"), met=Count("pk", filter=Q(missed=False))))
    o.targets_counted, o.targets_met = counts["counted"], counts["met"]
    return o
