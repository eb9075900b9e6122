"""The customers' support pages (issue 7). Views parse input and call services.

ACC-3: every lookup is filtered by ``request.customer``; another customer's ticket or
Migration ID is a 404.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from djmoney.money import Money

from orders.models import Migration
from slaportal.accounts.choices import ProductLine
from slaportal.accounts.decorators import customer_required
from slaportal.calendars.selectors import business_calendar, upcoming_closures
from slaportal.forms import add_service_errors
from slaportal.paging import customer_page

from . import services
from .choices import Channel, MessageKind, TicketStatus
from .forms import MessageForm, TicketForm, WeekendBookingForm, customer_lines
from .models import WeekendBooking
from .selectors import (
    NO_ACCESS_NOTE,
    active_support_access,
    active_support_stop,
    customer_plan,
    support_settings,
    termination_rights_for,
    tickets_for_customer,
)
from .services.bookings import CENT
from .services.clocks import target_explained, waiting_explained

STATUS_BADGE = {
    TicketStatus.NEW: "warn",
    TicketStatus.OPEN: "",
    TicketStatus.WAITING_ON_CUSTOMER: "bad",
    TicketStatus.REOPENED: "warn",
    TicketStatus.SOLVED: "ok",
    TicketStatus.CLOSED: "ok",
}
# SUP-5: the customer sees the public conversation only, never internal notes.
PUBLIC_KINDS = [k for k in MessageKind.values if k != MessageKind.INTERNAL_NOTE]


def _plan_calendars(customer, tickets) -> dict:
    lines = set(customer_lines(customer)) | {t.line for t in tickets}
    calendars = (customer_plan(customer=customer, line=line).calendar for line in lines)
    return {c.slug: c for c in calendars}


def _closures(calendars: dict):
    """CAL-4: announced closures of the calendars of the customer's plans."""
    return list(upcoming_closures(today=timezone.localdate(), calendar_slugs=sorted(calendars)))


@customer_required
@require_http_methods(["GET"])
def ticket_list(request):
    customer = request.customer
    page_obj = customer_page(
        request, tickets_for_customer(customer=customer).order_by("-received_at", "-pk")
    )
    tickets = list(page_obj)
    for ticket in tickets:
        ticket.badge = STATUS_BADGE.get(ticket.status, "")
        ticket.waiting_on_you = ticket.status == TicketStatus.WAITING_ON_CUSTOMER
    migrations = list(
        Migration.objects.filter(customer=customer, completed_at__isnull=True)
        .order_by("-created_at")
    )
    calendars = _plan_calendars(customer, tickets)
    return render(request, "support/ticket_list.html", {
        "tickets": tickets,
        "page_obj": page_obj,
        "closures": _closures(calendars),
        "calendar_feeds": [(c.name, reverse("insight:calendar_ics", args=[slug]))
                           for slug, c in sorted(calendars.items())],
        "termination_rights": list(termination_rights_for(customer=customer)),
        "stop": active_support_stop(customer=customer),
        "migrations": migrations,
    })


@customer_required
@require_http_methods(["GET", "POST"])
def ticket_new(request):
    customer = request.customer
    stop = active_support_stop(customer=customer)
    if stop is not None:
        # SUP-4: a clear refusal; the attempt is kept for staff, the request is not.
        status = 200
        if request.method == "POST":
            status = 403
            services.support_refusal_record(
                customer=customer, channel=Channel.WEB,
                subject=str(request.POST.get("subject", ""))[:300])
        return render(request, "support/ticket_new.html", {
            "stop": stop, "stopped_message": services.stopped_message(customer),
        }, status=status)
    form = TicketForm(request.POST or None, customer=customer)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = services.ticket_create(
                customer=customer,
                line=data["line"],
                channel=Channel.WEB,
                subject=data["subject"],
                description=data["description"],
                actor=request.user,
                migration_id=form.migration.migration_id if form.migration else "",
                contact_email=customer.user.email,
                contact_phone=data["phone"] if data["line"] == ProductLine.DATA else "",
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Your request {ticket.reference} was received.")
            return redirect("support:detail", pk=ticket.pk)
    return render(request, "support/ticket_new.html", {
        "form": form, "min_length": form.min_length,
    })


@customer_required
@require_http_methods(["GET", "POST"])
def ticket_detail(request, pk: int):
    customer = request.customer
    ticket = get_object_or_404(tickets_for_customer(customer=customer), pk=pk)
    clarification = ticket.clarifications.filter(
        answered_at__isnull=True, expired_at__isnull=True
    ).order_by("-number").first()
    form = MessageForm(
        request.POST or None,
        label="Your answer" if clarification else "Your message",
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.ticket_customer_message(
                ticket=ticket, body=form.cleaned_data["body"], actor=request.user
            )
        except services.SupportStopped as exc:
            services.support_refusal_record(customer=customer, channel=Channel.WEB,
                                            subject=ticket.subject, ticket=ticket)
            add_service_errors(form, exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                "Thank you: your answer was sent." if clarification
                else "Your message was sent.",
            )
            return redirect("support:detail", pk=ticket.pk)
    conversation = ticket.messages.filter(kind__in=PUBLIC_KINDS).select_related("author")
    grant = active_support_access(migration=ticket.migration)
    engine = business_calendar(ticket.plan.calendar.slug)
    explained = target_explained(ticket, engine)
    waiting = waiting_explained(clarification, engine) if clarification is not None else None
    return render(request, "support/ticket_detail.html", {
        "ticket": ticket,
        "badge": STATUS_BADGE.get(ticket.status, ""),
        "conversation": conversation,
        "clarification": clarification,
        "form": form,
        "access_note": NO_ACCESS_NOTE if grant is None else "",
        "grant": grant,
        "stop": active_support_stop(customer=customer),
        "max_clarifications": support_settings().max_clarifications,
        "explained": explained,
        "waiting_explained": waiting,
    })


@customer_required
@require_http_methods(["GET", "POST"])
def access(request, migration_id: str):
    """SUP-12: grant or revoke support access to one of the customer's migrations."""
    migration = get_object_or_404(
        Migration.objects.select_related("customer"),
        migration_id=migration_id, customer=request.customer,
    )
    grant = active_support_access(migration=migration)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "grant":
                services.access_grant(migration=migration, actor=request.user)
                messages.success(request, "Support access granted.")
            elif action == "revoke" and grant is not None:
                services.access_revoke(grant=grant, actor=request.user)
                messages.success(request, "Support access revoked.")
            else:
                messages.error(request, "Nothing to do: choose grant or revoke.")
        except ValidationError as exc:
            for msg in exc.messages:
                messages.error(request, msg)
        return redirect("support:access", migration_id=migration.migration_id)
    return render(request, "support/access.html", {"migration": migration, "grant": grant})


def _pay_url(booking: WeekendBooking) -> str | None:
    """Billing's payment page for a booking, if billing offers one."""
    try:
        return reverse("billing:pay_booking", args=[booking.pk])
    except NoReverseMatch:
        return None


@customer_required
@require_http_methods(["GET", "POST"])
def weekend(request):
    """SUP-11: Signature customers book >= 3 hours of weekend support, paid in advance."""
    customer = request.customer
    plan = customer_plan(customer=customer, line=ProductLine.DATA)
    settings = support_settings()
    context = {
        "plan": plan, "rate": settings.weekend_hourly_rate,
        "min_hours": settings.weekend_min_hours,
        "stop": active_support_stop(customer=customer),
    }
    if not plan.weekend_support:
        status = 403 if request.method == "POST" else 200
        return render(request, "support/weekend.html", context, status=status)
    form = WeekendBookingForm(request.POST or None, min_hours=settings.weekend_min_hours)
    price = None
    if request.method == "POST" and form.is_valid():
        hours = form.cleaned_data["hours"]
        rate = settings.weekend_hourly_rate
        # The same rounding as the service: hours x rate, to the cent, half up.
        price = Money((rate.amount * hours).quantize(CENT, ROUND_HALF_UP), rate.currency)
        if request.POST.get("action") == "book":
            try:
                booking = services.weekend_booking_create(
                    customer=customer, day=form.cleaned_data["day"], hours=hours,
                    actor=request.user,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
                price = None
            else:
                messages.success(
                    request,
                    f"Weekend support booked for {booking.day:%a %d %b %Y}: {booking.hours} h, "
                    f"{booking.price}. It is confirmed once paid in advance.",
                )
                return redirect("support:weekend")
    bookings = list(WeekendBooking.objects.filter(customer=customer).order_by("-day"))
    for booking in bookings:
        booking.pay_url = _pay_url(booking)
    context.update(form=form, price=price, bookings=bookings)
    return render(request, "support/weekend.html", context)
