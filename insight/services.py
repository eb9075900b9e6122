"""The monthly statement e-mail (issue 15): on the first business day of a month, every
customer with something to report for the month before gets its statement, with the
PDF attached; once per customer and month, in batches, resumable."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from slaportal import mail
from slaportal.accounts.models import Customer
from slaportal.calendars.selectors import business_calendar
from slaportal.jobs import Step, drain
from support.models import Breach, PackageHoursEntry, SlaTarget
from support.selectors import month_bounds

from .models import StatementDelivery
from .statements import render_pdf, statement

# Ukrainian business days as the vendor's office keeps them.
OFFICE_CALENDAR = "cms-tech"


def first_business_day(month: dt.date) -> dt.date:
    engine = business_calendar(OFFICE_CALENDAR)
    day = month
    while not engine.is_business_day(day):
        day += dt.timedelta(days=1)
    return day


def previous_month(today: dt.date) -> dt.date:
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def customers_to_report(month: dt.date):
    """Customers with a target, a breach or package hours in ``month``."""
    start, end = month_bounds(month)
    ids = set(SlaTarget.objects.filter(due_at__gte=start, due_at__lt=end)
              .values_list("customer_id", flat=True).distinct())
    ids |= set(Breach.objects.filter(due_at__gte=start, due_at__lt=end)
               .values_list("customer_id", flat=True).distinct())
    ids |= set(PackageHoursEntry.objects.filter(logged_at__gte=start, logged_at__lt=end)
               .values_list("package__migration__customer_id", flat=True).distinct())
    return sorted(ids)


def statements_send_due(*, now=None, batch: int = 50, budget_seconds: float | None = 240
                        ) -> int:
    """Send last month's statements when today (Kyiv) is on or after this month's first
    business day; customers already sent to are skipped, so a second run sends none."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if today < first_business_day(today.replace(day=1)):
        return 0
    month = previous_month(today)
    sent_already = set(StatementDelivery.objects.filter(month=month)
                       .values_list("customer_id", flat=True))
    pending = [pk for pk in customers_to_report(month) if pk not in sent_already]
    sent = 0

    def step(size: int) -> Step:
        nonlocal sent
        chunk, pending[:] = pending[:size], pending[size:]
        done = sum(_send_one(pk, month, now) for pk in chunk)
        sent += done
        return Step(len(chunk), done)

    drain(step, batch=batch, budget_seconds=budget_seconds)
    return sent


def _send_one(customer_id: int, month: dt.date, now) -> int:
    customer = Customer.objects.select_related("user").get(pk=customer_id)
    s = statement(customer=customer, month=month)
    context = {"s": s, "prepared": now}
    pdf = render_pdf(render_to_string("insight/statement_pdf.html", context))
    link = settings.SITE_URL.rstrip("/") + reverse("insight:statement", args=[f"{month:%Y-%m}"])
    try:
        with transaction.atomic():
            StatementDelivery.objects.create(customer=customer, month=month,
                                             sent_to=customer.user.email, sent_at=now)
            mail.send_notice(
                subject=f"Your SLA statement for {month:%B %Y}",
                body=(f"Your SLA statement for {month:%B %Y} is attached and online.\n\n"
                      + (f"Targets met: {s.met} of {s.counted} ({s.percent}%).\n"
                         if s.counted else "No response or update target came due.\n")
                      + f"Breaches: {len(s.breaches)}."),
                to=[customer.user.email], link=link, link_label="Open the statement",
                attachments=[(f"sla-statement-{month:%Y-%m}.pdf", pdf, "application/pdf")],
            )
    except IntegrityError:  # sent meanwhile by another run
        return 0
    return 1
