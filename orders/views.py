"""The engine's endpoint, the wizard's price preview (JSON), and the customers' order and
migration pages (issue 7): parse input, call a service, render."""

import datetime as dt
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from slaportal.accounts.choices import ProductLine
from slaportal.accounts.decorators import customer_required
from slaportal.calendars.selectors import business_calendar
from slaportal.formats import money_text
from slaportal.plans.models import SupportPlan

from .adjustments import adjustments
from .choices import AccessSide, CustomWorkStatus, EventSource, MigrationKind
from .choices import MigrationStatus as S
from .deadlines import migration_deadlines
from .errors import OrderError
from .forms import (
    AccessDetailForm,
    CustomWorkForm,
    CustomWorkRequestForm,
    DeltaForm,
    FullFromDemoForm,
    NonProfitForm,
    OrderForm,
    RemigrationForm,
)
from .models import (
    CustomWorkRequest,
    InsurancePlan,
    Migration,
    MigrationOption,
    NonProfitApplication,
    OrdersSettings,
    Platform,
)
from .selectors import customer_next_step, migration_due
from .selectors import time_left as business_time_left
from .services import (
    access_detail_set,
    custom_work_accept,
    custom_work_acceptance_ends,
    custom_work_report_issue,
    custom_work_request,
    delta_create,
    demo_create,
    entitlements_left,
    full_from_demo,
    migration_pause,
    migration_resume,
    nonprofit_apply,
    quote_build,
    remigration_create,
)
from .services.engine import EngineError, engine_event_receive
from .services.entitlements import DELTA_CALENDAR, FOLLOWS, window_end
from .services.quotes import nonprofit_discount_applies, quote_preview, quote_total


@csrf_exempt
@require_POST
def engine_events(request):
    try:
        result = engine_event_receive(
            key_id=request.headers.get("X-Engine-Key", ""),
            timestamp=request.headers.get("X-Engine-Timestamp", ""),
            signature=request.headers.get("X-Engine-Signature", ""),
            body=request.body,
        )
    except EngineError as exc:
        return JsonResponse({"ok": False, "error": exc.code, "message": exc.message},
                            status=exc.status)
    return JsonResponse(result)


@login_required
@require_GET
def quote_preview_view(request):
    """ORD-3: the order wizard's live price, as JSON; nothing is saved.

    GET source, target (platform slugs), records, options (option ids, repeatable),
    plan (support plan code), insurance (id), package, assisted (tiers).
    """
    try:
        source = Platform.objects.get(slug=request.GET.get("source", ""), is_active=True)
        target = Platform.objects.get(slug=request.GET.get("target", ""), is_active=True)
        records = int(request.GET.get("records", "0"))
        options = list(MigrationOption.objects.filter(
            pk__in=[int(v) for v in request.GET.getlist("options")], is_active=True))
        plan = request.GET.get("plan")
        insurance = request.GET.get("insurance")
        customer = getattr(request.user, "customer", None)
        lines = quote_preview(
            line=source.line, source=source, target=target, record_count=records,
            options=options,
            support_plan=SupportPlan.objects.get(code=plan, is_active=True) if plan else None,
            insurance=InsurancePlan.objects.get(pk=int(insurance)) if insurance else None,
            package_tier=request.GET.get("package") or None,
            assisted_tier=request.GET.get("assisted") or None,
            nonprofit=bool(customer and nonprofit_discount_applies(customer, timezone.now())),
        )
    except (ValueError, ObjectDoesNotExist):
        return JsonResponse({"ok": False, "message": "Choose platforms, a plan and a number "
                             "of records (or pages) from the catalogue."}, status=400)
    except OrderError as exc:
        return JsonResponse({"ok": False, "message": exc.message}, status=400)
    return JsonResponse({
        "ok": True,
        "lines": [{"kind": ln.kind, "description": ln.description,
                   "amount": str(ln.amount.amount), "amount_text": money_text(ln.amount)}
                  for ln in lines],
        "total": str(quote_total(lines).amount),
        "total_text": money_text(quote_total(lines)),
        "currency": "USD",
    })


# ------------------------------------------------------------------ customer pages
# ACC-3: every page is wrapped by customer_required and every lookup is filtered by
# request.customer, so another customer's Migration ID is a 404 that leaks nothing.


def _url_or_none(name: str, *args) -> str | None:
    """A link to another app's page, only when that page exists (billing, support)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _own_migration(request, migration_id: str) -> Migration:
    return get_object_or_404(
        Migration.objects.select_related(
            "support_plan", "source_platform", "target_platform", "insurance",
            "service_package", "assisted", "from_demo", "parent",
        ),
        migration_id=migration_id, customer=request.customer,
    )


def _quote_lines(form: OrderForm, customer) -> tuple[list | None, object]:
    """ORD-3: the priced lines of a valid wizard form (nothing saved), or an inline error."""
    kwargs = form.quote_kwargs()
    if not kwargs["record_count"]:
        form.add_error("records", "Give the number of records (or pages) to migrate.")
        return None, None
    try:
        lines = quote_preview(
            **kwargs,
            nonprofit=nonprofit_discount_applies(customer, timezone.now()),
        )
    except OrderError as exc:
        form.add_error(None, exc.message)
        return None, None
    return lines, quote_total(lines)


@customer_required
def order_new(request):
    """ORD-3 order wizard; ORD-2 free demo; "Continue to confirm" builds the quote."""
    customer = request.customer
    lines = total = None
    if request.method == "POST":
        form = OrderForm(request.POST, customer=customer)
        action = request.POST.get("action", "quote")
        if form.is_valid():
            if action == "demo":
                data = form.cleaned_data
                try:
                    demo = demo_create(
                        customer=customer, line=data["line"], source=data["source"],
                        target=data["target"], record_count=data.get("records") or 0,
                        actor=request.user,
                    )
                except OrderError as exc:
                    form.add_error(None, exc.message)
                else:
                    messages.success(
                        request, f"Your free demo {demo.migration_id} is requested: no "
                        "payment and no card needed (ORD-2).")
                    return redirect("orders:detail", migration_id=demo.migration_id)
            elif action == "continue":
                if form.cleaned_data["line"] == ProductLine.DATA and not form.cleaned_data.get(
                        "plan"):
                    form.add_error("plan", "Choose a support plan.")
                elif not form.cleaned_data.get("records"):
                    form.add_error("records", "Give the number of records (or pages) to "
                                   "migrate.")
                else:
                    try:
                        kwargs = form.quote_kwargs()
                        kwargs.pop("line")
                        migration = quote_build(
                            customer=customer, line=form.cleaned_data["line"],
                            actor=request.user, **kwargs)
                    except OrderError as exc:
                        form.add_error(None, exc.message)
                    else:
                        messages.success(
                            request, f"Migration {migration.migration_id} is quoted. Review "
                            "the quote and confirm it.")
                        confirm = _url_or_none("billing:confirm", migration.migration_id)
                        return redirect(confirm or reverse(
                            "orders:detail", args=[migration.migration_id]))
            if not form.errors:
                lines, total = _quote_lines(form, customer)
    else:
        form = OrderForm(customer=customer)
    return render(request, "orders/order_new.html", {
        "form": form, "lines": lines, "total": total, "customer": customer,
    })


@customer_required
def migration_list(request):
    """My migrations: status, what happens next and by when (orders.selectors)."""
    now = timezone.now()
    migrations = list(
        Migration.objects.filter(customer=request.customer)
        .select_related("source_platform", "target_platform", "service_package", "assisted")
        .prefetch_related("access_details")
    )
    orders_settings = OrdersSettings.load()
    rows = [
        {"migration": m,
         "next_step": customer_next_step(m, now=now, orders_settings=orders_settings),
         "due": migration_due(m)[0], "badge": STATUS_BADGE.get(m.status, "")}
        for m in migrations
    ]
    return render(request, "orders/migration_list.html", {"rows": rows})


ONE_MINUTE = dt.timedelta(minutes=1)
STATUS_BADGE = {
    S.COMPLETED: "ok", S.VALIDATED: "ok", S.ARCHIVED: "ok", S.ACCESS_VERIFIED: "ok",
    S.RUNNING: "ok", S.PAUSED: "warn", S.QUOTED: "warn", S.CONFIRMED: "warn", S.PAID: "warn",
    S.FAILED: "bad", S.STOPPED: "bad",
}


def _totals(migration: Migration) -> dict:
    """The quote's total, what apps above take off it (a discount code), and what is
    left to pay before tax."""
    total = quote_total(list(migration.quote_lines.all()))
    changes = adjustments(migration)
    after = total
    for _, amount in changes:
        after = after + amount
    return {"quote_total": total, "quote_adjustments": changes,
            "quote_after": after if changes else None}


def _detail_context(request, migration: Migration, **forms_in) -> dict:
    now = timezone.now()
    plan = migration.support_plan
    is_full = migration.kind == MigrationKind.FULL
    stopped = migration.status == S.STOPPED
    follows = migration.status in FOLLOWS
    delta_open = business_calendar(DELTA_CALENDAR).is_open(now)
    access = {d.side: d for d in migration.access_details.all()}
    reminder_due = migration.access_reminder_due_at
    due, due_calendar = migration_due(migration)
    entitled = entitlements_left(migration, now=now) if migration.kind != MigrationKind.DEMO \
        else None
    can = {
        "remigration": not stopped and is_full and follows
        and migration.line == ProductLine.DATA,
        "delta": not stopped and is_full and follows and bool(plan and plan.delta_migrations),
        "pause": not stopped and migration.status == S.RUNNING
        and bool(plan and plan.interval_migration),
        "resume": migration.status == S.PAUSED,
        "custom_work": not stopped and migration.kind != MigrationKind.DEMO,
        "access": migration.status not in (S.STOPPED, S.ARCHIVED),
        "full_from_demo": migration.kind == MigrationKind.DEMO and not stopped,
    }
    events = [e for e in migration.events.all()
              if e.to_status or e.source in (EventSource.CUSTOMER, EventSource.SYSTEM)]
    return {
        "migration": migration,
        "customer": request.customer,
        "badge": STATUS_BADGE.get(migration.status, ""),
        "next_step": customer_next_step(migration, now=now),
        "due": due, "due_calendar": due_calendar,
        "deadlines_explained": migration_deadlines(migration),
        "due_business_left": business_time_left(due, business_calendar(due_calendar), now)
        if due and due_calendar else "",
        "events": events,
        "quote_lines": list(migration.quote_lines.all()),
        **_totals(migration),
        "entitlements": entitled,
        "can": can,
        "access_source": access.get(AccessSide.SOURCE),
        "access_target": access.get(AccessSide.TARGET),
        "access_reminder": bool(reminder_due and reminder_due <= now),
        "delta_window_open": delta_open,
        # The windows' last minute (window_end is the first instant after them).
        "delta_window_end": window_end(migration.completed_at, plan.delta_window_days)
        - ONE_MINUTE if migration.completed_at and plan and plan.delta_migrations else None,
        "remigration_window_end": window_end(migration.completed_at,
                                             plan.remigration_window_days) - ONE_MINUTE
        if migration.completed_at and plan and plan.free_remigrations else None,
        "custom_work": list(migration.custom_work.all().order_by("-created_at")),
        # BIL-5: billing's surcharge on this order, if one was raised (reverse relation).
        "surcharge": getattr(migration, "surcharge", None),
        "full_migrations": list(migration.full_migrations.all()),
        "follow_ups": list(migration.follow_ups.all()),
        "confirm_url": _url_or_none("billing:confirm", migration.migration_id)
        if migration.status == S.QUOTED and migration.kind != MigrationKind.DEMO else None,
        "support_access_url": _url_or_none("support:access", migration.migration_id),
        "remigration_form": forms_in.get("remigration_form") or RemigrationForm(),
        "delta_form": DeltaForm(),
        "custom_work_form": forms_in.get("custom_work_form") or CustomWorkForm(),
        "access_form": forms_in.get("access_form") or AccessDetailForm(),
        "full_form": forms_in.get("full_form") or FullFromDemoForm(line=migration.line),
    }


@customer_required
def migration_detail(request, migration_id: str):
    migration = _own_migration(request, migration_id)
    return render(request, "orders/migration_detail.html", _detail_context(request, migration))


def _migration_action(view):
    """An action form of the detail page: the migration is looked up for the signed-in
    customer first (ACC-3: 404 for anyone else's, GET or POST); a GET goes back to the
    page; a refusal of a service is shown as a message and changes nothing."""

    @customer_required
    @wraps(view)
    def wrapper(request, migration_id: str):
        migration = _own_migration(request, migration_id)
        if request.method != "POST":
            return redirect("orders:detail", migration_id=migration.migration_id)
        return view(request, migration)

    return wrapper


def _rerender(request, migration, **forms_in):
    context = _detail_context(request, migration, **forms_in)
    return render(request, "orders/migration_detail.html", context, status=400)


def _back(migration):
    return redirect("orders:detail", migration_id=migration.migration_id)


@_migration_action
def migration_remigrate(request, migration):
    """ORD-7: refused inline without the explicit confirmation."""
    form = RemigrationForm(request.POST)
    if form.is_valid():
        try:
            child = remigration_create(
                parent=migration, reason=form.cleaned_data["reason"],
                target_removal_confirmed=form.cleaned_data["confirm_removal"],
                actor=request.user,
            )
        except OrderError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Re-migration {child.migration_id} is requested.")
            return redirect("orders:detail", migration_id=child.migration_id)
    return _rerender(request, migration, remigration_form=form)


@_migration_action
def migration_delta(request, migration):
    """ORD-8: Signature only, within its window."""
    try:
        child = delta_create(parent=migration, actor=request.user)
    except OrderError as exc:
        messages.error(request, exc.message)
        return _back(migration)
    note = "" if business_calendar(DELTA_CALENDAR).is_open(timezone.now()) else (
        " It starts Mon–Fri 09:00–21:00 Kyiv time; another start time needs a manager's "
        "arrangement (ORD-8).")
    messages.success(request, f"Delta migration {child.migration_id} is requested.{note}")
    return redirect("orders:detail", migration_id=child.migration_id)


@_migration_action
def migration_pause_view(request, migration):
    """ORD-9: pause (Signature's interval migration)."""
    try:
        migration_pause(migration=migration, actor=request.user)
    except OrderError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "The migration is paused; it resumes by itself after "
                         "5 days (ORD-9).")
    return _back(migration)


@_migration_action
def migration_resume_view(request, migration):
    """ORD-9: resume a paused migration."""
    try:
        migration_resume(migration=migration, actor=request.user, source=EventSource.CUSTOMER)
    except OrderError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "The migration is resumed.")
    return _back(migration)


@_migration_action
def migration_custom_work(request, migration):
    """ORD-10: a custom work request about this migration."""
    form = CustomWorkForm(request.POST)
    if form.is_valid():
        try:
            custom_work_request(customer=request.customer, migration=migration,
                                description=form.cleaned_data["description"],
                                actor=request.user)
        except OrderError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Custom work requested: we will gather the "
                             "requirements and send a quote with a timeframe (ORD-10).")
            return _back(migration)
    return _rerender(request, migration, custom_work_form=form)


@_migration_action
def migration_access(request, migration):
    """ORD-14: credentials entered once, stored encrypted, never shown back."""
    form = AccessDetailForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            access_detail_set(migration=migration, side=data["side"], url=data["url"],
                              secret=data["secret"], actor=request.user)
        except OrderError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"{AccessSide(data['side']).label} access details "
                             "saved; we will verify them.")
            return _back(migration)
    return _rerender(request, migration, access_form=form)


@_migration_action
def migration_full_from_demo(request, migration):
    """ORD-2: the full migration ordered from a demo."""
    form = FullFromDemoForm(request.POST, line=migration.line)
    if form.is_valid():
        try:
            full = full_from_demo(demo=migration, record_count=form.cleaned_data["records"],
                                  actor=request.user,
                                  support_plan=form.cleaned_data.get("plan"))
        except OrderError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Migration {full.migration_id} is quoted from "
                             f"demo {migration.migration_id}.")
            confirm = _url_or_none("billing:confirm", full.migration_id)
            return redirect(confirm or reverse("orders:detail", args=[full.migration_id]))
    return _rerender(request, migration, full_form=form)


@customer_required
def nonprofit_apply_view(request):
    """ORD-16: CMS customers apply; reviewed weekly; the discount reaches later orders."""
    applications = list(NonProfitApplication.objects.filter(customer=request.customer)
                        .order_by("-submitted_at"))
    cms = request.customer.uses_cms_line
    if request.method == "POST":
        form = NonProfitForm(request.POST)
        if not cms:
            form.add_error(None, "The non-profit programme is offered on the CMS line "
                           "(ORD-16).")
        elif form.is_valid():
            try:
                nonprofit_apply(customer=request.customer, actor=request.user,
                                organisation=form.cleaned_data["organisation"],
                                evidence=form.cleaned_data["evidence"])
            except OrderError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "Your application is received; applications are "
                                 "reviewed within a week (ORD-16).")
                return redirect("orders:nonprofit")
    else:
        form = NonProfitForm()
    return render(request, "orders/nonprofit.html", {
        "form": form, "applications": applications, "cms": cms,
    })


# ORD-10: custom work, its quote, payment, delivery and the 7 days to report issues.

@customer_required
def custom_work_list(request):
    """The customer's custom work, and a request about a migration or none."""
    form = CustomWorkRequestForm(request.POST or None, customer=request.customer)
    if request.method == "POST" and form.is_valid():
        try:
            work = custom_work_request(customer=request.customer,
                                       migration=form.cleaned_data["migration"],
                                       description=form.cleaned_data["description"],
                                       actor=request.user)
        except OrderError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Custom work #{work.pk} requested: we will gather the "
                             "requirements and send a quote with a timeframe.")
            return redirect("orders:custom-work-detail", pk=work.pk)
    works = list(CustomWorkRequest.objects.filter(customer=request.customer)
                 .select_related("migration").order_by("-created_at"))
    return render(request, "orders/custom_work_list.html", {"works": works, "form": form},
                  status=400 if form.errors else 200)


CUSTOM_WORK_NEXT = {
    "requested": "We are gathering the requirements with you.",
    "requirements": "Requirements agreed; we are estimating the work.",
    "estimated": "Estimated; the quote with its timeframe follows.",
    "quoted": "Accept the quote by paying it: the work starts when the payment arrives.",
    "paid": "Paid: we are working on it and deliver within the timeframe.",
    "delivered": "Delivered: check it and report any issue within 7 days, or accept it.",
    "accepted": "Accepted. Later changes are new custom work, quoted and paid again.",
}


def _own_work(request, pk: int) -> CustomWorkRequest:
    return get_object_or_404(CustomWorkRequest.objects.select_related("migration"), pk=pk,
                             customer=request.customer)


@customer_required
def custom_work_detail(request, pk: int):
    work = _own_work(request, pk)
    ends = custom_work_acceptance_ends(work)
    history = list(work.history.order_by("history_date").values_list("status", "history_date"))
    steps, seen = [], set()
    for status, at in history:
        if status not in seen:
            seen.add(status)
            steps.append((CustomWorkStatus(status).label, at))
    return render(request, "orders/custom_work_detail.html", {
        "work": work, "next_step": CUSTOM_WORK_NEXT.get(work.status, ""),
        "acceptance_ends": ends, "steps": steps,
        "pay_url": _url_or_none("billing:pay_custom_work", work.pk)
        if work.status == CustomWorkStatus.QUOTED else None,
    })


def _work_action(act, done: str):
    @customer_required
    @require_POST
    def view(request, pk: int):
        work = _own_work(request, pk)
        try:
            act(work=work, actor=request.user)
        except OrderError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, done)
        return redirect("orders:custom-work-detail", pk=work.pk)

    return view


custom_work_report_view = _work_action(
    custom_work_report_issue, "Issue reported: the work goes back to our team, and the 7 days "
    "start again at the next delivery.")
custom_work_accept_view = _work_action(
    custom_work_accept, "Thank you — the custom work is accepted.")
