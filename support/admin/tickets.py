"""Support engineers' queue: what is due first, time left on the plan's calendar."""

from __future__ import annotations

import datetime as dt
from email import message_from_string, policy

from django.contrib import admin, messages
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from slaportal.accounts.models import User
from slaportal.accounts.roles import Role
from slaportal.calendars.explain import ledger
from slaportal.calendars.selectors import business_calendar, business_calendars
from slaportal.forms import add_service_errors
from support import services
from support.canned import canned_replies_for, canned_reply_render
from support.choices import OPEN_TICKET_STATUSES, TicketStatus
from support.models import (
    Breach,
    Clarification,
    SlaWarning,
    SupportSettings,
    Ticket,
    TicketMessage,
)
from support.selectors import package_hours, ticket_access_note, ticket_intake_report
from support.services.clocks import clock_position, target_explained, waiting_explained
from support.transitions import FINAL_STATUS

from .base import (
    HistoryAdmin,
    ReadOnlyAdmin,
    kyiv,
    request_engines,
    request_settings,
    set_request_engines,
)
from .forms import (
    STAFF_STATUSES,
    ClarifyForm,
    CloseForm,
    ConfirmForm,
    HoursForm,
    NoteForm,
    ReplyForm,
    StaffTicketForm,
    TicketActionForm,
)

DUE_SOON = dt.timedelta(hours=4)
INTAKE_WORDS = {"account_email": "account e-mail", "migration_id": "Migration ID",
                "phone": "phone", "description": "description"}


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


class AssigneeFilter(admin.SimpleListFilter):
    """"My tickets" for the signed-in engineer, and the ones nobody has taken."""

    title = "assignee"
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return [("me", "My tickets"), ("none", "Unassigned")]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(assignee=request.user)
        if self.value() == "none":
            return queryset.filter(assignee__isnull=True)
        return queryset


class RiskFilter(admin.SimpleListFilter):
    """SUP-7/SUP-8: running targets past their warnings, or overdue (the dashboard's
    "at risk now" figures link here)."""

    title = "at risk"
    parameter_name = "risk"

    def lookups(self, request, model_admin):
        settings = request_settings() or SupportSettings.load()
        return [("warned", "Warned (past a warning)"),
                ("first", f"Past {settings.warn_first_percent}%"),
                ("second", f"Past {settings.warn_second_percent}%"),
                ("overdue", "Overdue now")]

    def queryset(self, request, queryset):
        value = self.value()
        now = timezone.now()
        running = queryset.filter(status__in=["new", "open", "reopened"])
        if value == "overdue":
            return running.filter(next_due_at__lte=now)
        if value in ("warned", "first", "second"):
            settings = SupportSettings.load()
            warnings = SlaWarning.objects.filter(due_at__gt=now, ticket_id=OuterRef("pk"),
                                                 due_at=OuterRef("next_due_at"))
            if value != "warned":
                percent = (settings.warn_first_percent if value == "first"
                           else settings.warn_second_percent)
                warnings = warnings.filter(percent=percent)
                if value == "first":  # past 70% and not yet past 90%
                    running = running.exclude(Exists(SlaWarning.objects.filter(
                        ticket_id=OuterRef("pk"), due_at=OuterRef("next_due_at"),
                        percent=settings.warn_second_percent)))
            return running.filter(next_due_at__gt=now).filter(Exists(warnings))
        return queryset


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


def status_badge_html(ticket: Ticket):
    return format_html('<span class="badge badge-{}">{}</span>', ticket.status,
                       ticket.get_status_display())


def time_left_badge(ticket: Ticket, engine, settings, now) -> str:
    """Business time left on the running clock: green, amber from the first warning
    (70%), red from the second (90%) and once overdue; "paused" while waiting on the
    customer (SUP-3, SUP-5, SUP-7)."""
    if ticket.status == TicketStatus.WAITING_ON_CUSTOMER:
        return format_html('<span class="left left-paused" title="{}">paused</span>',
                           "Waiting on the customer: the clock is paused.")
    position = clock_position(ticket, engine, now) if engine is not None else None
    if position is None:
        note = "no response target (forum)" if ticket.channel == "forum" else "no running clock"
        return format_html('<span class="left left-none" title="{}">—</span>', note)
    left, used = position
    level = ("red" if left < 0 or used * 100 >= settings.warn_second_percent
             else "amber" if used * 100 >= settings.warn_first_percent else "ok")
    return format_html(
        '<span class="left left-{}" title="{} due {} Kyiv · {}% of the target used">{}</span>',
        level, ticket.get_clock_metric_display(), kyiv(ticket.next_due_at),
        int(used * 100), format_left(left))


ROLE_WORDS = {Role.SUPPORT_ENGINEERS: "engineer", Role.ACCOUNT_MANAGERS: "account manager",
              Role.FINANCE: "finance"}


class Actors:
    """Who acted, in words: the customer, an engineer by name, or a job (no user)."""

    def __init__(self, ticket: Ticket, users):
        self.customer_user_id = ticket.customer.user_id
        ids = {u.pk for u in users if u is not None and u.is_staff}
        self.roles: dict[int, str] = {}
        for user_id, group in Group.user_set.through.objects.filter(
                user_id__in=ids).values_list("user_id", "group__name"):
            self.roles.setdefault(user_id, ROLE_WORDS.get(group, group))

    def label(self, user, job: str = "scheduled job") -> str:
        if user is None:
            return f"System ({job})"
        if user.pk == self.customer_user_id or not user.is_staff:
            return f"Customer ({user.email})"
        name = user.full_name.strip() or user.email
        role = "administrator" if user.is_superuser and user.pk not in self.roles else (
            self.roles.get(user.pk, "staff"))
        return f"{name} ({role})"


def attachments(message: TicketMessage) -> list[tuple[str, int]]:
    """The files an inbound e-mail carried (name, bytes): listed, kept in the raw mail."""
    if message.inbound_email_id is None:
        return []
    parsed = message_from_string(message.inbound_email.raw, policy=policy.default)
    found = []
    for part in parsed.iter_attachments():
        payload = part.get_payload(decode=True) or b""
        found.append((part.get_filename() or "(unnamed)", len(payload)))
    return found


@admin.register(Ticket)
class TicketAdmin(HistoryAdmin):
    list_display = [
        "reference", "subject_short", "customer_email", "plan", "status_badge", "time_left",
        "assignee", "intake",
    ]
    list_display_links = ["reference", "subject_short"]
    list_select_related = ["customer__user", "plan__calendar", "assignee"]
    list_filter = [StatusFilter, AssigneeFilter, RiskFilter, DueFilter, WaitingFilter, "line",
                   "plan", "channel", "intake_complete"]
    search_fields = ["customer__user__email", "migration__migration_id", "subject"]
    list_per_page = 100
    action_form = TicketActionForm
    fieldsets = [
        ("Details", {"fields": [
            "customer", "line", "channel", "plan", "priority_rank", "migration", "access_note",
            "contact_email", "contact_phone", "intake_report", "assignee",
        ]}),
    ]
    readonly_fields = ["customer", "line", "channel", "plan", "priority_rank", "migration",
                       "access_note", "contact_email", "contact_phone", "intake_report"]
    change_form_template = "admin/support/ticket/change_form.html"
    add_form_template = "admin/support/ticket/add_form.html"
    actions = ["assign_to_me", "assign_to_chosen", "set_status", "close_tickets",
               "reopen_tickets"]

    def lookup_allowed(self, lookup, value, request=None):
        # The customer's page links to their tickets.
        return lookup in ("customer__id__exact", "assignee__id__exact") or super().lookup_allowed(
            lookup, value, request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assignee":
            kwargs["queryset"] = User.objects.filter(is_staff=True, is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def changelist_view(self, request, extra_context=None):
        # One query for every plan calendar and one for the settings, so "time left"
        # costs no query per row.
        # The rows are drawn while the response renders: render it here, while the
        # engines are set (a lazy TemplateResponse would render after they are cleared).
        set_request_engines(business_calendars(), SupportSettings.load())
        # The queue and the ticket page use the whole width of a 1366 px screen.
        extra_context = {**(extra_context or {}), "is_nav_sidebar_enabled": False}
        try:
            response = super().changelist_view(request, extra_context)
            if hasattr(response, "render"):
                response.render()
            return response
        finally:
            set_request_engines({})

    # ---- columns

    @admin.display(description="ticket", ordering="pk")
    def reference(self, obj: Ticket) -> str:
        return obj.reference

    @admin.display(description="subject", ordering="subject")
    def subject_short(self, obj: Ticket) -> str:
        return obj.subject if len(obj.subject) <= 70 else obj.subject[:68] + "…"

    # Sorting groups the tickets by customer (their id, along an index): sorting by the
    # e-mail would join and sort every open ticket.
    @admin.display(description="customer", ordering="customer_id")
    def customer_email(self, obj: Ticket) -> str:
        return obj.customer.user.email

    @admin.display(description="status", ordering="status")
    def status_badge(self, obj: Ticket):
        return status_badge_html(obj)

    @admin.display(description="time left", ordering="next_due_at")
    def time_left(self, obj: Ticket) -> str:
        return time_left_badge(obj, request_engines().get(obj.plan.calendar.slug),
                               request_settings(), timezone.now())

    @admin.display(description="intake")
    def intake(self, obj: Ticket) -> str:
        if obj.intake_complete:
            return "complete"
        return format_html('<span class="warn-text">missing: {}</span>', ", ".join(
            INTAKE_WORDS.get(item, item) for item in obj.intake_missing))

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

    # ---- the workspace

    def sla_rows(self, obj: Ticket, settings) -> list[tuple[str, str]]:
        waiting = obj.status == TicketStatus.WAITING_ON_CUSTOMER
        return [
            ("Received", kyiv(obj.received_at)),
            ("Channel", obj.get_channel_display()),
            ("Response cycle", f"{obj.cycle} (since {kyiv(obj.cycle_started_at)})"),
            ("Running target", obj.get_clock_metric_display() if obj.next_due_at else "—"),
            ("First response due", kyiv(obj.first_response_due_at)),
            ("Reply due", kyiv(obj.reply_due_at)),
            ("Progress update due", kyiv(obj.update_due_at)),
            ("Warnings", f"{settings.warn_first_percent}% at {kyiv(obj.warn_first_at)}, "
                         f"{settings.warn_second_percent}% at {kyiv(obj.warn_second_at)}"
             if obj.next_due_at else "—"),
            ("Paused since", kyiv(obj.paused_at) if waiting else "—"),
        ]

    def timeline(self, obj: Ticket, messages_: list, clarifications: list, history: list,
                 actors: Actors):
        """Messages, clarifications, breaches, warnings and status changes, oldest first,
        each with who acted."""
        events = [(m.created_at, m.get_kind_display(), actors.label(m.author, "automatic"))
                  for m in messages_]
        for c in clarifications:
            state = ("answered " + kyiv(c.answered_at)) if c.answered_at else (
                "expired " + kyiv(c.expired_at) if c.expired_at else
                f"waiting until {kyiv(c.expires_at)}")
            events.append((c.requested_at, f"Clarification {c.number} ({state})",
                           actors.label(c.requested_by)))
        for b in obj.breaches.all():
            text = f"{b.get_metric_display()} due {kyiv(b.due_at)} missed"
            if b.met_at:
                text += f", met {kyiv(b.met_at)}"
            if b.excluded:
                text += f" — excluded ({b.get_exclusion_reason_display()})"
            events.append((b.due_at, f"Breach: {text}", "System (SLA clock)"))
        for w in obj.warnings.all():
            events.append((w.sent_at, f"{w.percent}% warning sent to {w.recipients or '—'}",
                           "System (SLA sweep)"))
        previous = None
        for h in history:
            if h.status == previous:  # clock recomputations leave the status alone
                continue
            previous = h.status
            events.append((h.history_date, f"Status: {h.get_status_display()}",
                           actors.label(h.history_user)))
        events.sort(key=lambda e: e[0])
        return events

    ACTIONS = {
        "reply": ("Reply", ReplyForm, lambda t, u, d: _reply(t, u, d)),
        "note": ("Internal note", NoteForm,
                 lambda t, u, d: services.ticket_add_note(ticket=t, actor=u, body=d["body"])),
        "clarify": ("Ask for clarification", ClarifyForm,
                    lambda t, u, d: services.ticket_clarify(
                        ticket=t, actor=u, question=d["question"], item=d["item"])),
        "close": ("Close / solve", CloseForm,
                  lambda t, u, d: services.ticket_close(ticket=t, actor=u, note=d["note"])),
        "reopen": ("Reopen", ConfirmForm,
                   lambda t, u, d: services.ticket_reopen(ticket=t, actor=u)),
        "hours": ("Log hours", HoursForm, lambda t, u, d: _log_hours(t, u, d)),
    }

    PAGE_RELATED = ("customer__user", "plan__calendar", "migration", "assignee")

    def get_object(self, request, object_id, from_field=None):
        # The page's read-only fields show the customer, plan and migration: one join,
        # once per request (the workspace and Django's change form share it).
        if not str(object_id).isdigit():
            return None
        cached = getattr(request, "_support_ticket", None)
        if cached is not None and str(cached.pk) == str(object_id):
            return cached
        ticket = self.get_queryset(request).select_related(*self.PAGE_RELATED).filter(
            pk=object_id).first()
        request._support_ticket = ticket
        return ticket

    def change_view(self, request, object_id, form_url="", extra_context=None):
        ticket = self.get_object(request, object_id)
        if ticket is None:
            return super().change_view(request, object_id, form_url, extra_context)
        bound = {}
        key = request.POST.get("_ws_action") if request.method == "POST" else None
        if key is not None:
            if key not in self.ACTIONS or not self.has_change_permission(request, ticket):
                raise PermissionDenied
            title, form_class, call = self.ACTIONS[key]
            form = form_class(request.POST, prefix=key)
            if form.is_valid():
                try:
                    outcome = call(ticket, request.user, form.cleaned_data)
                except ValidationError as exc:
                    form.add_error(None, exc.messages)
                else:
                    self.message_user(request, f"{title}: done on {ticket.reference}.",
                                      messages.SUCCESS)
                    if getattr(outcome, "overage_hours", 0):
                        self.message_user(request, (
                            f"{outcome.overage_hours} h of this entry are beyond the hours "
                            "the package includes: recorded as overage against the extra "
                            "paid hours (SUP-13)."), messages.WARNING)
                    return redirect(request.path)
            bound[key] = form
            # Show the page again with the form's errors; nothing was saved.
            request.method = "GET"
        extra_context = {**(extra_context or {}), "is_nav_sidebar_enabled": False,
                         **self.workspace(request, ticket, bound)}
        return super().change_view(request, object_id, form_url, extra_context)

    def workspace(self, request, ticket: Ticket, bound: dict) -> dict:
        settings = SupportSettings.load()
        engine = business_calendar(ticket.plan.calendar.slug)
        messages_ = list(ticket.messages.select_related("author", "inbound_email"))
        clarifications = list(ticket.clarifications.select_related("requested_by"))
        history = list(ticket.history.order_by("history_date", "history_id")
                       .select_related("history_user"))
        actors = Actors(ticket, [m.author for m in messages_]
                        + [c.requested_by for c in clarifications]
                        + [h.history_user for h in history])
        conversation = [{"message": m, "who": actors.label(m.author, "automatic"),
                         "files": attachments(m)} for m in messages_]
        can_change = self.has_change_permission(request, ticket)
        package = getattr(ticket.migration, "service_package", None) if ticket.migration \
            else None
        canned = list(canned_replies_for(ticket))
        chosen = next((c for c in canned if str(c.pk) == request.GET.get("canned")), None)
        reply_initial = ({"body": canned_reply_render(body=chosen.body, ticket=ticket,
                                                      actor=request.user)}
                         if chosen else {})
        forms_ = {}
        if can_change:
            keys = ["reopen"] if ticket.is_final else ["reply", "note", "clarify", "close"]
            if package is not None:
                keys.append("hours")
            for key in keys:
                title, form_class, _ = self.ACTIONS[key]
                forms_[key] = (title, bound.get(key) or form_class(
                    prefix=key, initial=reply_initial if key == "reply" else None))
        close_word = ("Mark considered solved" if ticket.line == "data" else "Close")
        return {
            "ws_ticket": ticket,
            "ws_status": status_badge_html(ticket),
            "ws_left": time_left_badge(ticket, engine, settings, timezone.now()),
            "ws_sla": self.sla_rows(ticket, settings),
            "ws_conversation": conversation,
            "ws_timeline": [(kyiv(w), what, who) for w, what, who in
                            self.timeline(ticket, messages_, clarifications, history,
                                          actors)],
            "ws_forms": forms_,
            "ws_open": next(iter(bound), "reply"),
            "ws_close_word": close_word,
            "ws_canned": canned,
            "ws_canned_chosen": chosen,
            "ws_hours": package_hours(package=package, ticket=ticket) if package else None,
            "ws_clarifications_used": len(clarifications),
            "ws_explained": deadlines_explained(ticket, engine, clarifications, history),
            "ws_clarifications_max": settings.max_clarifications,
        }

    # ---- staff open a ticket on the customer's behalf (SUP-1)

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = StaffTicketForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            try:
                ticket = services.ticket_create(
                    customer=form.customer, line=d["line"], channel=d["channel"],
                    subject=d["subject"], description=d["description"], actor=request.user,
                    migration_id=d["migration_id"],
                    contact_email=d["contact_email"] or None,
                    contact_phone=d["contact_phone"],
                )
            except services.SupportStopped as exc:
                services.support_refusal_record(customer=form.customer, channel=d["channel"],
                                                subject=d["subject"])
                add_service_errors(form, exc)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                self.message_user(request, (
                    f"Opened {ticket.reference} for {form.customer.user.email} "
                    f"({ticket.get_channel_display()})."), messages.SUCCESS)
                return redirect(reverse("admin:support_ticket_change", args=[ticket.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Open a ticket for a customer",
            "form": form,
        }
        return TemplateResponse(request, self.add_form_template, context)

    # ---- writes through services

    def save_model(self, request, obj, form, change):
        if change and "assignee" in form.changed_data:
            services.ticket_assign(ticket=obj, actor=request.user,
                                   assignee=form.cleaned_data["assignee"])

    @admin.action(description="Assign selected to me", permissions=["change"])
    def assign_to_me(self, request, queryset):
        self._bulk(request, queryset, lambda t: services.ticket_assign(
            ticket=t, actor=request.user, assignee=request.user))

    @admin.action(description="Assign selected to the engineer chosen",
                  permissions=["change"])
    def assign_to_chosen(self, request, queryset):
        chosen = request.POST.get("assignee", "")
        assignee = User.objects.filter(pk=int(chosen), is_staff=True, is_active=True).first() \
            if chosen.isdigit() and len(chosen) < 12 else None
        if assignee is None:
            self.message_user(request, "Choose the engineer to assign the tickets to.",
                              messages.ERROR)
            return
        self._bulk(request, queryset, lambda t: services.ticket_assign(
            ticket=t, actor=request.user, assignee=assignee))

    @admin.action(description="Set the status chosen on selected", permissions=["change"])
    def set_status(self, request, queryset):
        status = request.POST.get("new_status", "")
        if status not in {value for value, _ in STAFF_STATUSES if value}:
            self.message_user(request, "Choose the status to set.", messages.ERROR)
            return
        self._bulk(request, queryset, lambda t: services.ticket_set_status(
            ticket=t, actor=request.user,
            status=FINAL_STATUS[t.line] if status == "final" else status))

    @admin.action(description="Close / solve selected tickets", permissions=["change"])
    def close_tickets(self, request, queryset):
        self._bulk(request, queryset, lambda t: services.ticket_close(ticket=t,
                                                                     actor=request.user))

    @admin.action(description="Reopen selected tickets (new response cycle)",
                  permissions=["change"])
    def reopen_tickets(self, request, queryset):
        self._bulk(request, queryset, lambda t: services.ticket_reopen(ticket=t,
                                                                      actor=request.user))

    BULK_LIMIT = 500

    def _bulk(self, request, queryset, call):
        done = 0
        tickets = list(queryset.select_related(None).order_by("pk")[:self.BULK_LIMIT + 1])
        if len(tickets) > self.BULK_LIMIT:
            self.message_user(request, f"Select at most {self.BULK_LIMIT} tickets at a time.",
                              messages.ERROR)
            return
        for ticket in tickets:
            try:
                call(ticket)
                done += 1
            except ValidationError as exc:
                self.message_user(request, f"{ticket.reference}: {' '.join(exc.messages)}",
                                  messages.ERROR)
        if done:
            self.message_user(request, f"{done} ticket(s) updated.", messages.SUCCESS)


def deadlines_explained(ticket: Ticket, engine, clarifications: list, history: list) -> list:
    """The running target and a waiting clarification, each counted day by day, with the
    ledger of the target's changes (CAL-8 recomputes with their cause)."""
    found = []
    explained = target_explained(ticket, engine)
    if explained is not None:
        found.append({"title": ticket.get_clock_metric_display(), "explained": explained,
                      "changes": ledger(history, "next_due_at"), "open": False})
    waiting = [c for c in clarifications if c.answered_at is None and c.expired_at is None]
    if waiting:
        c = waiting[-1]
        found.append({
            "title": f"Clarification {c.number} waiting period (SUP-3)",
            "explained": waiting_explained(c, engine, ticket.plan.calendar.slug),
            "changes": [], "open": False})
    return found


def _log_hours(ticket: Ticket, actor, data: dict):
    """SUP-13: time on the package of the ticket's migration."""
    package = getattr(ticket.migration, "service_package", None) if ticket.migration_id \
        else None
    if package is None:
        raise ValidationError("This ticket's migration has no Support Service Package to "
                              "log hours against (SUP-13).")
    return services.package_hours_log(package=package, hours=data["hours"], ticket=ticket,
                                      note=data["note"], actor=actor)


@transaction.atomic
def _reply(ticket: Ticket, actor, data: dict):
    """A public reply, optionally resolving the ticket in the same step."""
    message = services.ticket_reply(ticket=ticket, actor=actor, body=data["body"],
                                    wait_for_customer=data["wait_for_customer"])
    if data.get("close_after"):
        services.ticket_close(ticket=ticket, actor=actor)
    return message


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

