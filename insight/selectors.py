"""The SLA dashboard's figures (issue 15). Every figure is a handful of indexed
aggregates or a read of the monthly rollup (support.SlaMonthlyFigure), so the page
answers at production size; each carries the admin link to the rows behind it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone

from slaportal.accounts.choices import ProductLine
from slaportal.accounts.models import User
from support.choices import OPEN_TICKET_STATUSES, Metric
from support.models import Breach, SlaMonthlyFigure, SlaWarning, SupportSettings, Ticket
from support.selectors import kyiv_month_bounds, months_back


@dataclass
class Figure:
    label: str
    value: float | int | None
    url: str = ""
    detail: str = ""


@dataclass
class Series:
    """One chart: labels, one or more datasets, and a link per label."""

    key: str
    title: str
    labels: list[str]
    datasets: list[dict]
    links: list[str]
    kind: str = "bar"
    unit: str = "%"
    rows: list[list] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"key": self.key, "title": self.title, "labels": self.labels,
                "datasets": self.datasets, "links": self.links, "kind": self.kind,
                "unit": self.unit}


def _url(name: str, **params) -> str:
    base = reverse(name)
    return f"{base}?{urlencode(params)}" if params else base


def percent(met: int, counted: int) -> float | None:
    return round(100 * met / counted, 1) if counted else None


def _targets_link(month: dt.date | None = None, **filters) -> str:
    params = {}
    if month is not None:
        params = {"month": f"{month:%Y-%m}"}
    params.update(filters)
    return _url("admin:support_slatarget_changelist", **params)


def compliance(now: dt.datetime | None = None, months: int = 12) -> dict:
    """% of targets met per month (the last ``months``), per metric, and for this month
    per plan, per line and per engineer; excluded breaches do not count (SUP-8)."""
    now = now or timezone.now()
    this_month, _, _ = kyiv_month_bounds(now)
    span = months_back(this_month, months)
    rows = list(SlaMonthlyFigure.objects.filter(month__gte=span[0])
                .values("month", "metric", "line", "plan_id", "plan__name", "assignee_id",
                        "assignee__email", "assignee__full_name")
                .annotate(targets=Sum("targets"), met=Sum("met"), excluded=Sum("excluded")))

    def rate(selected) -> tuple[float | None, int, int]:
        met = sum(r["met"] for r in selected)
        counted = sum(r["targets"] - r["excluded"] for r in selected)
        return percent(met, counted), met, counted

    labels = [m.strftime("%b %Y") for m in span]
    overall = [rate([r for r in rows if r["month"] == m])[0] for m in span]
    per_metric = [
        {"label": label, "data": [rate([r for r in rows if r["month"] == m
                                        and r["metric"] == metric])[0] for m in span]}
        for metric, label in Metric.choices
    ]
    monthly = Series(
        key="compliance-monthly", title="Targets met, per month", labels=labels,
        datasets=[{"label": "All targets", "data": overall}, *per_metric],
        links=[_targets_link(m) for m in span], kind="line",
        rows=[[labels[i], _targets_link(span[i]), overall[i],
               *[d["data"][i] for d in per_metric]] for i in range(len(span))],
    )
    current = [r for r in rows if r["month"] == this_month]

    def grouped(key: str, title: str, name_of, link_of) -> Series:
        groups: dict = {}
        for r in current:
            groups.setdefault(r[key], []).append(r)
        ordered = sorted(groups.items(), key=lambda kv: name_of(kv[1][0]))
        values = [rate(rs) for _, rs in ordered]
        return Series(
            key=f"compliance-{key}", title=title,
            labels=[name_of(rs[0]) for _, rs in ordered],
            datasets=[{"label": "Targets met", "data": [v[0] for v in values]}],
            links=[link_of(k) for k, _ in ordered],
            rows=[[name_of(rs[0]), link_of(k), v[0], v[1], v[2]]
                  for (k, rs), v in zip(ordered, values, strict=True)],
        )

    lines = dict(ProductLine.choices)
    return {
        "month": this_month,
        "monthly": monthly,
        "per_plan": grouped("plan_id", "This month, per plan", lambda r: r["plan__name"],
                            lambda k: _targets_link(this_month, plan__id__exact=k)),
        "per_line": grouped("line", "This month, per product line",
                            lambda r: lines.get(r["line"], r["line"]),
                            lambda k: _targets_link(this_month, line__exact=k)),
        "per_engineer": grouped(
            "assignee_id", "This month, per engineer",
            lambda r: (r["assignee__full_name"] or r["assignee__email"] or "Unassigned"),
            lambda k: _targets_link(this_month, **({"assignee__id__exact": k} if k else
                                                   {"assignee__isnull": "True"}))),
        "this_month": rate(current),
    }


def at_risk(now: dt.datetime | None = None) -> dict:
    """Open targets past their 70% and 90% warnings now, by assignee (SUP-7), and the
    ones overdue (SUP-8). Warnings of a target still running: indexed by due time."""
    now = now or timezone.now()
    settings = SupportSettings.load()
    # The warnings of targets still ahead (a short index range), then their tickets by
    # primary key: still on that target, still open. Waiting tickets have no due time,
    # so the open-work index serves the overdue count without a status filter.
    warnings = list(SlaWarning.objects.filter(due_at__gt=now)
                    .values_list("ticket_id", "due_at", "percent"))
    tickets = {pk: (due, assignee) for pk, due, assignee in Ticket.objects.filter(
        pk__in={w[0] for w in warnings}, status__in=OPEN_TICKET_STATUSES,
    ).values_list("pk", "next_due_at", "assignee_id")} if warnings else {}
    counts: dict = {}
    for ticket_id, due, pct_ in warnings:
        ticket = tickets.get(ticket_id)
        if ticket is not None and ticket[0] == due:
            counts.setdefault(ticket[1], {}).setdefault(pct_, set()).add(ticket_id)
    overdue = dict(Ticket.objects.filter(status__in=OPEN_TICKET_STATUSES,
                                         next_due_at__lte=now)
                   .values("assignee_id").annotate(n=Count("id")).values_list(
                       "assignee_id", "n").order_by())
    assignees = (set(counts) | set(overdue)) - {None}
    emails = {pk: name or email for pk, name, email in User.objects.filter(
        pk__in=assignees).values_list("pk", "full_name", "email")}
    by: dict = {}
    for key in set(counts) | set(overdue):
        per = counts.get(key, {})
        second = len(per.get(settings.warn_second_percent, set()))
        by[key] = {"who": emails.get(key, "Unassigned") if key else "Unassigned",
                   "first": len(per.get(settings.warn_first_percent, set())
                                - per.get(settings.warn_second_percent, set())),
                   "second": second, "overdue": overdue.get(key, 0)}
    rows = sorted(by.items(), key=lambda kv: kv[1]["who"])
    queue = "admin:support_ticket_changelist"

    def link(assignee_id, risk):
        params = {"risk": risk}
        if assignee_id:
            params["assignee__id__exact"] = assignee_id
        else:
            params["assigned"] = "none"
        return _url(queue, **params)

    series = Series(
        key="at-risk", title="At risk now, per assignee", unit="tickets",
        labels=[e["who"] for _, e in rows],
        datasets=[
            {"label": f"Past {settings.warn_first_percent}%",
             "data": [e["first"] for _, e in rows]},
            {"label": f"Past {settings.warn_second_percent}%",
             "data": [e["second"] for _, e in rows]},
            {"label": "Overdue", "data": [e.get("overdue", 0) for _, e in rows]},
        ],
        links=[link(k, "warned") for k, _ in rows],
        rows=[[e["who"], e["first"], e["second"], e.get("overdue", 0),
               link(k, "first"), link(k, "second"), link(k, "overdue")] for k, e in rows],
    )
    return {"series": series, "first": settings.warn_first_percent,
            "second": settings.warn_second_percent,
            "totals": [sum(e["first"] for _, e in rows), sum(e["second"] for _, e in rows),
                       sum(e.get("overdue", 0) for _, e in rows)]}


def breaches_this_month(now: dt.datetime | None = None, limit: int = 15) -> dict:
    """Non-excluded breaches this Kyiv month per customer, most first, and the SUP-9 watch:
    data-line customers at the limit - 1 and at the limit (one more gives the right)."""
    now = now or timezone.now()
    month, start, end = kyiv_month_bounds(now)
    limit_n = SupportSettings.load().termination_breach_limit
    month_q = Q(due_at__gte=start, due_at__lt=end, excluded=False)
    top = list(Breach.objects.filter(month_q).values("customer_id")
               .annotate(n=Count("id")).order_by("-n", "customer_id")[:limit])
    watch = list(Breach.objects.filter(month_q, line="data").values("customer_id")
                 .annotate(n=Count("id")).filter(n__gte=limit_n - 1)
                 .order_by("-n", "customer_id")[:50])
    emails = dict(User.objects.filter(customer__pk__in={r["customer_id"] for r in top + watch})
                  .values_list("customer__pk", "email"))
    for row in top + watch:
        row["customer__user__email"] = emails.get(row["customer_id"], "?")
    breaches = "admin:support_breach_changelist"
    month_params = {"due_at__year": month.year, "due_at__month": month.month,
                    "excluded__exact": 0}
    for row in top + watch:
        row["url"] = _url(breaches, customer__id__exact=row["customer_id"], **month_params)
    return {
        "month": month,
        "series": Series(key="breaches", title="Breaches this month, per customer",
                         unit="breaches", labels=[r["customer__user__email"] for r in top],
                         datasets=[{"label": "Breaches", "data": [r["n"] for r in top]}],
                         links=[r["url"] for r in top]),
        "top": top,
        "watch": [dict(r, state="has the right" if r["n"] > limit_n else (
            "at the limit: one more gives the right" if r["n"] == limit_n else
            "one below the limit")) for r in watch],
        "limit": limit_n,
        "total": Breach.objects.filter(month_q).count(),
        "all_url": _url(breaches, **month_params),
    }


def operations(user, now: dt.datetime | None = None) -> list[Figure]:
    """Counts for the account managers and finance, each linking to its filtered list;
    only the figures whose list the viewer may open are counted."""
    from billing.models import Payment, RefundRequest
    from billing.selectors import WAITING_AGES, refunds_waiting
    from orders.models import AssistedMigration, ServicePackage
    from orders.selectors import OPEN
    from slaportal.ops.selectors import job_statuses

    now = now or timezone.now()
    week = now + dt.timedelta(days=7)
    packages = ServicePackage.objects.filter(migration__status__in=OPEN, due_at__isnull=False)
    assisted = AssistedMigration.objects.filter(done_at__isnull=True, due_at__isnull=False)
    refunds = "admin:billing_refundrequest_changelist"
    wanted = [
        ("Packages due within 7 days", _url("admin:orders_migration_changelist", due="week"),
         lambda: packages.filter(due_at__gte=now, due_at__lt=week).count()),
        ("Packages overdue", _url("admin:orders_migration_changelist", due="overdue"),
         lambda: packages.filter(due_at__lt=now).count()),
        ("Assisted migrations due within 7 days",
         _url("admin:orders_assistedmigration_changelist", due="week"),
         lambda: assisted.filter(due_at__gte=now, due_at__lt=week).count()),
        ("Assisted migrations overdue",
         _url("admin:orders_assistedmigration_changelist", due="overdue"),
         lambda: assisted.filter(due_at__lt=now).count()),
        ("Payments expiring within 5 days (BIL-4)",
         _url("admin:billing_payment_changelist", validity="5days"),
         lambda: Payment.objects.validity_ending(now, dt.timedelta(days=5)).count()),
    ]
    figures = [Figure(label, count(), url) for label, url, count in wanted
               if _may_see(user, url)]
    ages = [(key, label, _url(refunds, status__exact="submitted", waiting=key))
            for key, (label, _, _) in WAITING_AGES.items()]
    if _may_see(user, ages[0][2]):
        counts = RefundRequest.objects.aggregate(**{
            key: Count("id", filter=refunds_waiting(key, now)) for key, _, _ in ages})
        figures += [Figure(f"Refund requests waiting {label[0].lower()}{label[1:]}",
                           counts[key], url) for key, label, url in ages]
    jobs = _url("admin:ops_jobrun_changelist")
    if _may_see(user, jobs):
        late_jobs = [s for s in job_statuses(now) if s.late]
        figures.append(Figure("Jobs late", len(late_jobs), jobs,
                              ", ".join(s.job.name for s in late_jobs[:5])))
    return figures


def dashboard(user, now: dt.datetime | None = None) -> dict:
    """The sections a staff member's roles may see."""
    now = now or timezone.now()
    sees_support = user.has_perm("support.view_ticket")
    context: dict = {"now": now}
    if sees_support:
        context["compliance"] = compliance(now)
        context["at_risk"] = at_risk(now)
    if user.has_perm("support.view_breach"):
        context["breaches"] = breaches_this_month(now)
    ops = operations(user, now)
    if ops:
        context["operations"] = ops
    charts = []
    if "compliance" in context:
        c = context["compliance"]
        charts += [c["monthly"], c["per_plan"], c["per_line"], c["per_engineer"]]
    if "at_risk" in context:
        charts.append(context["at_risk"]["series"])
    if "breaches" in context:
        charts.append(context["breaches"]["series"])
    context["charts"] = [s.as_json() for s in charts]
    return context


def _may_see(user, url: str) -> bool:
    """The figure's list is one the user may view: /admin/<app>/<model>/…"""
    parts = url.split("?")[0].strip("/").split("/")
    return len(parts) >= 3 and user.has_perm(f"{parts[1]}.view_{parts[2]}")
