"""Support engineers' queue: what is due first, time left on the plan's calendar."""

from __future__ import annotations

import datetime as dt

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from slaportal.calendars.selectors import business_calendars
from support import services
from support.choices import OPEN_TICKET_STATUSES, TicketStatus
from support.models import Breach, Clarification, Ticket, TicketMessage
from support.selectors import ticket_access_note, ticket_intake_report

from .base import HistoryAdmin, ReadOnlyAdmin, kyiv, request_engines, set_request_engines
from .forms import ClarifyForm, CloseForm, ConfirmForm, NoteForm, ReplyForm

BADGE = {
    TicketStatus.NEW: "#0b7285",
    TicketStatus.OPEN: "#2b8a3e",
    TicketStatus.WAITING_ON_CUSTOMER: "#e67700",
    TicketStatus.REOPENED: "#862e9c",
    TicketStatus.SOLVED: "#495057",
    TicketStatus.CLOSED: "#495057",
}
DUE_SOON = dt.timedelta(hours=4)


class StatusFilter(admin.SimpleListFilter):
    """The queue opens on open work; solved and closed tickets are one click away."""

    title = "status"
    parameter_name = "status"
    ALL = "all"
    OPEN = "open_work"

    def lookups(self, request, model_admin):
        return [(self.ALL, "All"), *TicketStatus.choices]

    def choices(self, changelist):
        value = self.value()
        yield {"selected": value is None, "display": "Open work",
               "query_string": changelist.get_query_string(remove=[self.parameter_name])}
        for lookup, title in self.lookup_choices:
            yield {"selected": value == str(lookup), "display": title,
                   "query_string": changelist.get_query_string({self.parameter_name: lookup})}

    def queryset(self, request, queryset):
        value = self.value()
        if value is None or value == self.OPEN:
            return queryset.filter(status__in=OPEN_TICKET_STATUSES)
        if value == self.ALL:
            return queryset
        if value in TicketStatus.values:
            return queryset.filter(status=value)
        return queryset.none()


class DueFilter(admin.SimpleListFilter):
    title = "due"
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("soon", "Due within 4 hours"),
                ("breached", "Breached (overdue now, or a missed target not met)"),
                ("none", "No due time")]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "soon":
            return queryset.filter(next_due_at__gt=now, next_due_at__lte=now + DUE_SOON)
        if self.value() == "breached":
            return queryset.filter(
                Q(next_due_at__lte=now)
                | Q(pk__in=Breach.objects.filter(met_at__isnull=True, excluded=False)
                    .values("ticket_id"))
            )
        if self.value() == "none":
            return queryset.filter(next_due_at__isnull=True)
        return queryset


class WaitingFilter(admin.SimpleListFilter):
    title = "waiting on customer"
    parameter_name = "waiting"

    def lookups(self, request, model_admin):
        return [("yes", "Waiting on customer"), ("no", "With us")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(status=TicketStatus.WAITING_ON_CUSTOMER)
        if self.value() == "no":
            return queryset.exclude(status=TicketStatus.WAITING_ON_CUSTOMER)
        return queryset


def format_left(minutes: float) -> str:
    sign = "" if minutes >= 0 else "overdue "
    minutes = abs(int(minutes))
    hours, mins = divmod(minutes, 60)
    return f"{sign}{hours} h {mins:02d} min"


@admin.register(Ticket)
class TicketAdmin(HistoryAdmin):
    list_display = [
        "reference", "subject", "customer_email", "line", "plan", "priority_rank",
        "status_badge", "due", "time_left", "assignee", "intake",
    ]
    list_display_links = ["reference", "subject"]
    list_select_related = ["customer__user", "plan__calendar", "assignee"]
    list_filter = [StatusFilter, DueFilter, WaitingFilter, "line", "plan", "channel",
                   "intake_complete"]
    search_fields = ["customer__user__email", "migration__migration_id", "subject"]
    list_per_page = 100
    fields = [
        "status_badge", "customer", "line", "channel", "plan", "priority_rank", "migration",
        "access_note", "subject", "description", "contact_email", "contact_phone", "intake_report",
        "assignee", "sla_panel", "timeline",
    ]
    readonly_fields = [f for f in fields if f != "assignee"]
    change_form_template = "admin/support/ticket/change_form.html"
    actions = ["close_tickets", "reopen_tickets"]

    def lookup_allowed(self, lookup, value, request=None):
        # The customer's page links to their tickets.
        return lookup == "customer__id__exact" or super().lookup_allowed(lookup, value, request)

    def has_add_permission(self, request) -> bool:
        return False  # tickets come from customers, e-mail and chat via ticket_create

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assignee":
            from slaportal.accounts.models import User

            kwargs["queryset"] = User.objects.filter(is_staff=True, is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def changelist_view(self, request, extra_context=None):
        # One query for every plan calendar, so "time left" costs no query per row.
        set_request_engines(business_calendars())
        try:
            return super().changelist_view(request, extra_context)
        finally:
            set_request_engines({})

    # ---- columns

    @admin.display(description="ticket", ordering="pk")
    def reference(self, obj: Ticket) -> str:
        return obj.reference

    # Sorting groups the tickets by customer (their id, along an index): sorting by the
    # e-mail would join and sort every open ticket.
    @admin.display(description="customer", ordering="customer_id")
    def customer_email(self, obj: Ticket) -> str:
        return obj.customer.user.email

    @admin.display(description="status", ordering="status")
    def status_badge(self, obj: Ticket):
        return format_html(
            '<span style="background:{};color:#fff;padding:1px 6px;border-radius:8px">{}</span>',
            BADGE.get(obj.status, "#495057"), obj.get_status_display(),
        )

    @admin.display(description="due (Kyiv)", ordering="next_due_at")
    def due(self, obj: Ticket) -> str:
        if obj.next_due_at is None:
            return "—"
        return f"{kyiv(obj.next_due_at)} · {obj.get_clock_metric_display()}"

    @admin.display(description="time left (business time)")
    def time_left(self, obj: Ticket) -> str:
        if obj.next_due_at is None:
            return "paused" if obj.status == TicketStatus.WAITING_ON_CUSTOMER else "—"
        engine = request_engines().get(obj.plan.calendar.slug)
        if engine is None:
            return "—"
        return format_left(engine.business_minutes_between(timezone.now(), obj.next_due_at))

    @admin.display(description="intake", boolean=False)
    def intake(self, obj: Ticket) -> str:
        if obj.intake_complete:
            return "complete"
        return "incomplete intake: " + ", ".join(obj.intake_missing)

    @admin.display(description="intake (SUP-2)")
    def intake_report(self, obj: Ticket):
        return format_html(
            "<ul>{}</ul>",
            format_html_join("", "<li>{} {}: {}</li>", (
                ("✓" if c.ok else "✗", c.label, c.message)
                for c in ticket_intake_report(ticket=obj)
            )),
        )

    @admin.display(description="support access")
    def access_note(self, obj: Ticket) -> str:
        return ticket_access_note(ticket=obj)

    @admin.display(description="SLA clock")
    def sla_panel(self, obj: Ticket):
        rows = [
            ("Received", kyiv(obj.received_at)),
            ("Response cycle", f"{obj.cycle} (since {kyiv(obj.cycle_started_at)})"),
            ("First response due", kyiv(obj.first_response_due_at)),
            ("Reply due", kyiv(obj.reply_due_at)),
            ("Progress update due", kyiv(obj.update_due_at)),
            ("Paused since", kyiv(obj.paused_at) if obj.status ==
             TicketStatus.WAITING_ON_CUSTOMER else "—"),
        ]
        return format_html(
            "<table>{}</table>", format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", rows)
        )

    @admin.display(description="timeline")
    def timeline(self, obj: Ticket):
        """Messages, clarifications, breaches and status history, oldest first."""
        events = []
        for m in TicketMessage.objects.filter(ticket=obj).select_related("author"):
            who = m.author.email if m.author else "system"
            events.append((m.created_at, m.get_kind_display(), f"{who}: {m.body[:300]}"))
        for c in Clarification.objects.filter(ticket=obj):
            state = ("answered " + kyiv(c.answered_at)) if c.answered_at else (
                "expired " + kyiv(c.expired_at) if c.expired_at else
                f"waiting until {kyiv(c.expires_at)}")
            events.append((c.requested_at, f"Clarification {c.number}", state))
        for b in Breach.objects.filter(ticket=obj):
            text = f"{b.get_metric_display()} due {kyiv(b.due_at)} missed"
            if b.excluded:
                text += f" — excluded ({b.get_exclusion_reason_display()})"
            events.append((b.due_at, "Breach", text))
        previous = None
        for h in obj.history.order_by("history_date", "history_id").select_related(
            "history_user"
        ):
            if h.status == previous:  # clock recomputations leave the status alone
                continue
            previous = h.status
            who = h.history_user.email if h.history_user else "system"
            events.append((h.history_date, "History",
                           f"{who}: status {h.get_status_display()}"))
        events.sort(key=lambda e: e[0])
        return format_html(
            "<table><tr><th>When (Kyiv)</th><th>What</th><th></th></tr>{}</table>",
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                             ((kyiv(w), k, t) for w, k, t in events)),
        )

    # ---- writes through services

    def save_model(self, request, obj, form, change):
        if change and "assignee" in form.changed_data:
            services.ticket_assign(ticket=obj, actor=request.user,
                                   assignee=form.cleaned_data["assignee"])

    @admin.action(description="Close / solve selected tickets", permissions=["change"])
    def close_tickets(self, request, queryset):
        self._bulk(request, queryset, lambda t: services.ticket_close(ticket=t,
                                                                     actor=request.user))

    @admin.action(description="Reopen selected tickets (new response cycle)",
                  permissions=["change"])
    def reopen_tickets(self, request, queryset):
        self._bulk(request, queryset, lambda t: services.ticket_reopen(ticket=t,
                                                                      actor=request.user))

    def _bulk(self, request, queryset, call):
        done = 0
        for ticket in queryset:
            try:
                call(ticket)
                done += 1
            except ValidationError as exc:
                self.message_user(request, f"{ticket.reference}: {' '.join(exc.messages)}",
                                  messages.ERROR)
        if done:
            self.message_user(request, f"{done} ticket(s) updated.", messages.SUCCESS)

    ACTIONS = {
        "reply": ("Reply", ReplyForm,
                  lambda t, u, d: services.ticket_reply(
                      ticket=t, actor=u, body=d["body"],
                      wait_for_customer=d["wait_for_customer"])),
        "note": ("Internal note", NoteForm,
                 lambda t, u, d: services.ticket_add_note(ticket=t, actor=u, body=d["body"])),
        "clarify": ("Ask for a missing item", ClarifyForm,
                    lambda t, u, d: services.ticket_clarify(
                        ticket=t, actor=u, question=d["question"], item=d["item"])),
        "close": ("Close / solve", CloseForm,
                  lambda t, u, d: services.ticket_close(ticket=t, actor=u, note=d["note"])),
        "reopen": ("Reopen", ConfirmForm,
                   lambda t, u, d: services.ticket_reopen(ticket=t, actor=u)),
    }

    def get_urls(self):
        return [
            path("<int:object_id>/do/<slug:action>/", self.admin_site.admin_view(self.act_view),
                 name="support_ticket_act"),
            *super().get_urls(),
        ]

    def act_view(self, request, object_id: int, action: str):
        if action not in self.ACTIONS:
            raise PermissionDenied("Unknown action.")
        ticket = get_object_or_404(Ticket.objects.select_related("customer__user"), pk=object_id)
        if not self.has_change_permission(request, ticket):
            raise PermissionDenied
        title, form_class, call = self.ACTIONS[action]
        form = form_class(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                call(ticket, request.user, form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                self.message_user(request, f"{title}: done on {ticket.reference}.",
                                  messages.SUCCESS)
                return redirect(reverse("admin:support_ticket_change", args=[ticket.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": ticket,
            "title": f"{title} — {ticket}",
            "form": form,
        }
        return TemplateResponse(request, "admin/support/ticket/action_form.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        extra_context["ticket_actions"] = [
            (key, label) for key, (label, _, _) in self.ACTIONS.items()
        ] if self.has_change_permission(request) else []
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(TicketMessage)
class TicketMessageAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "kind", "author", "created_at"]
    list_select_related = ["ticket", "author"]
    list_filter = ["kind"]
    search_fields = ["ticket__customer__user__email", "body"]
    raw_id_fields = ["ticket"]


@admin.register(Clarification)
class ClarificationAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "number", "item", "requested_at", "expires_at", "answered_at",
                    "expired_at"]
    list_select_related = ["ticket"]
    list_filter = ["number"]
    search_fields = ["ticket__customer__user__email"]

