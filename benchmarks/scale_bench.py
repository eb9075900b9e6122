"""Measure the portal on a database seeded by ``scale_seed.py``.

Every admin list (default view, the filters and searches staff use, a far page), the
change pages, the heavy and a typical customer's pages, every beat job over its backlog
(each run inside a transaction that is rolled back, so the backlog stays) and a calendar
recompute (CAL-8). Each page is fetched ``--repeat`` times after one warm-up; the table
gives p50/p95 in ms and the queries of one request. ``--write`` puts the table into
``docs/performance.md`` under the heading for ``--label``.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/slaportal_bench \\
        .venv/bin/python benchmarks/scale_bench.py --label "1M tickets" --write
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "slaportal.settings")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "scale-benchmark-only-" + "x" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
# The request log lines (INFO) would be written to this terminal; the figures are the
# portal's, not the terminal's.
os.environ.setdefault("LOG_LEVEL", "WARNING")
if "ACCESS_DETAILS_KEYS" not in os.environ:
    from cryptography.fernet import Fernet

    os.environ["ACCESS_DETAILS_KEYS"] = Fernet.generate_key().decode()

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib import admin  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from billing.models import Payment  # noqa: E402
from orders.models import Migration  # noqa: E402
from slaportal.accounts.models import Customer, User  # noqa: E402
from support.models import Ticket  # noqa: E402

HEAVY_EMAIL = "heavy@scale.example"
TYPICAL_EMAIL = "customer00042@scale.example"
TARGET_MS = 150
MARK = "<!-- scale-benchmark:{} -->"


class Rollback(Exception):
    pass


class QueryLog:
    """Counts (and times) the queries run inside it, requests included."""

    def __init__(self):
        self.queries: list[tuple[float, str]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append(((time.perf_counter() - started) * 1000, sql))

    def __enter__(self):
        self._cm = connection.execute_wrapper(self)
        self._cm.__enter__()
        return self

    def __exit__(self, *exc):
        self._cm.__exit__(*exc)


def measure_once(fn) -> tuple[float, float, int, str]:
    """A job or a recompute over its whole backlog: one run, timed and counted."""
    with QueryLog() as log:
        started = time.perf_counter()
        note = fn()
        ms = (time.perf_counter() - started) * 1000
    return ms, ms, len(log.queries), note or ""


def measure(fn, repeat: int, explain: bool = False) -> tuple[float, float, int, str]:
    """(p50 ms, p95 ms, queries of one call, note) of ``fn``."""
    note = fn()  # warm-up: caches, compiled calendars
    with QueryLog() as log:
        fn()
    if explain:
        for ms, sql in sorted(log.queries, reverse=True)[:5]:
            print(f"    {ms:8.1f} ms  {sql[:1500]}")
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return statistics.median(times), p95, len(log.queries), note or ""


def page(client: Client, url: str):
    def fetch():
        response = client.get(url, secure=True)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        return ""
    return fetch


def admin_pages() -> list[tuple[str, str]]:
    """Every registered changelist, plus the filters, searches and far pages of the
    lists staff use all day."""
    pages = []
    for model in admin.site._registry:
        meta = model._meta
        pages.append((f"list {meta.app_label}.{meta.model_name}",
                      reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")))
    t = reverse("admin:support_ticket_changelist")
    m = reverse("admin:orders_migration_changelist")
    p = reverse("admin:billing_payment_changelist")
    r = reverse("admin:billing_refundrequest_changelist")
    c = reverse("admin:accounts_customer_changelist")
    mig = Migration.objects.filter(customer__user__email=HEAVY_EMAIL).first()

    def far(model) -> int:  # page 50, or the last page on a small database
        return max(1, min(50, model.objects.count() // 100 - 1))
    pages += [
        ("tickets: breached", f"{t}?due=breached"),
        ("tickets: due soon", f"{t}?due=soon"),
        ("tickets: waiting on customer", f"{t}?waiting=yes"),
        ("tickets: closed", f"{t}?status=closed"),
        ("tickets: all statuses", f"{t}?status=all"),
        ("tickets: search e-mail", f"{t}?q={TYPICAL_EMAIL}"),
        ("tickets: search Migration ID", f"{t}?q={mig.migration_id}"),
        ("tickets: search subject", f"{t}?q=attachments"),
        ("tickets: sort by customer", f"{t}?o=3"),
        ("tickets: open queue, far page", f"{t}?p={far(Ticket) // 10}"),
        ("tickets: far page, all statuses", f"{t}?p={far(Ticket)}&status=all"),
        ("migrations: search e-mail", f"{m}?q={TYPICAL_EMAIL}"),
        ("migrations: search Migration ID", f"{m}?q={mig.migration_id}"),
        ("migrations: status paid", f"{m}?status__exact=paid"),
        ("migrations: far page", f"{m}?p={far(Migration)}"),
        ("payments: search e-mail", f"{p}?q={TYPICAL_EMAIL}"),
        ("payments: search Migration ID", f"{p}?q={mig.migration_id}"),
        ("payments: completed", f"{p}?status__exact=completed"),
        ("payments: far page", f"{p}?p={far(Payment)}"),
        ("refunds: submitted", f"{r}?status__exact=submitted"),
        ("customers: search e-mail", f"{c}?q={TYPICAL_EMAIL}"),
        ("customers: search organisation", f"{c}?q=Organisation 4242"),
    ]
    month = f"{timezone.localdate():%Y-%m}"
    pages += [
        ("dashboard (admin front page)", reverse("admin:index")),
        ("tickets: at risk (warned)", f"{t}?risk=warned"),
        ("targets: this month", f"{reverse('admin:support_slatarget_changelist')}?month={month}"),
    ]
    heavy_ticket = Ticket.objects.filter(customer__user__email=HEAVY_EMAIL).order_by("-pk")[0]
    pages += [
        ("change ticket", reverse("admin:support_ticket_change", args=[heavy_ticket.pk])),
        ("change migration", reverse("admin:orders_migration_change", args=[mig.pk])),
        ("change payment", reverse("admin:billing_payment_change",
                                   args=[Payment.objects.filter(migration=mig)[0].pk])),
        ("change customer", reverse("admin:accounts_customer_change",
                                    args=[Customer.objects.get(user__email=HEAVY_EMAIL).pk])),
    ]
    return pages


def customer_pages(email: str) -> list[tuple[str, str]]:
    who = "heavy" if email == HEAVY_EMAIL else "typical"
    customer = Customer.objects.get(user__email=email)
    pages = [
        (f"{who}: home", "/"),
        (f"{who}: tickets", reverse("support:list")),
        (f"{who}: migrations", reverse("orders:list")),
        (f"{who}: payments", reverse("billing:payment_list")),
        (f"{who}: refunds", reverse("billing:refund_list")),
    ]
    mig = customer.migrations.order_by("-pk").first()
    if mig is not None:
        pages.append((f"{who}: migration page", reverse("orders:detail",
                                                       args=[mig.migration_id])))
    ticket = Ticket.objects.filter(customer=customer).order_by("-pk").first()
    if ticket is not None:
        pages.append((f"{who}: ticket page", reverse("support:detail", args=[ticket.pk])))
    return pages


def job_runs() -> list[tuple[str, object]]:
    from slaportal.celery import app as celery_app
    from slaportal.schedules import registered_jobs

    celery_app.loader.import_default_modules()
    current_app = celery_app

    runs = []
    for job in registered_jobs():
        task = current_app.tasks[job.task]

        def run(task=task, job=job):
            result = None
            try:
                with transaction.atomic():
                    result = task.run(**job.kwargs)
                    raise Rollback
            except Rollback:
                pass
            return f"rows: {result}"
        runs.append((f"job {job.task}", run))
    return runs


def recompute_run():
    """CAL-8 as staff meet it: the deadlines are current, then a closure is announced
    for every calendar three days ahead; time the recompute that follows (rolled back).
    The second figure in the note is the open deadlines that actually moved."""
    import datetime as dt

    from django.utils import timezone

    from slaportal.calendars.deadlines import deadline_owners, recompute_all
    from slaportal.calendars.models import BusinessCalendar, Closure
    from slaportal.calendars.services import closure_save

    slugs = frozenset(BusinessCalendar.objects.values_list("slug", flat=True))

    def run():
        try:
            with transaction.atomic():
                recompute_all(slugs)  # bring every deadline up to date first
                day = timezone.localdate() + dt.timedelta(days=3)
                closure_save(closure=Closure(starts_on=day, ends_on=day,
                                             public_note="Benchmark closure"))
                before = Ticket.history.count()
                run.parts = []
                for name, owner in sorted(deadline_owners().items()):
                    started = time.perf_counter()
                    n = owner(slugs)
                    run.parts.append(f"{name} {n:,} in {time.perf_counter() - started:.1f} s")
                run.moved = Ticket.history.count() - before
                raise Rollback
        except Rollback:
            pass
        return "; ".join(run.parts) + f"; ticket deadlines moved: {run.moved:,}"
    return run


RESULTS = ROOT / "var" / "bench"


def machine() -> str:
    with connection.cursor() as cursor:
        version = cursor.connection.info.server_version
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    return (f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}, PostgreSQL {version // 10000}."
            f"{version % 100}, load {load:.2f} when it started")


def volumes() -> str:
    counts = {
        "tickets": Ticket.objects.count(), "migrations": Migration.objects.count(),
        "payments": Payment.objects.count(), "customers": Customer.objects.count(),
    }
    return ", ".join(f"{n:,} {k}" for k, n in counts.items())


def save(rows, label: str, started: str) -> Path:
    import json

    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"scale-{label}.json"
    path.write_text(json.dumps({"label": label, "machine": started, "volumes": volumes(),
                                "rows": rows}, indent=1))
    return path


def render() -> str:
    """The table of every saved run (small and large side by side)."""
    import json

    runs = [json.loads(p.read_text()) for p in sorted(RESULTS.glob("scale-*.json"))]
    runs.sort(key=lambda r: {"small": 0, "large": 1}.get(r["label"], 2))
    lines = [MARK.format("table"), ""]
    for run in runs:
        lines.append(f"- **{run['label']}**: {run['volumes']}; {run['machine']}.")
    lines += ["", "| what | " + " | ".join(
        f"{r['label']} p50 ms | {r['label']} p95 ms | {r['label']} queries" for r in runs)
        + " | note (last run) |",
        "|---|" + "---:|---:|---:|" * len(runs) + "---|"]
    names = list(dict.fromkeys(row[0] for run in runs for row in run["rows"]))
    for name in names:
        cells, note = [], ""
        for run in runs:
            row = next((r for r in run["rows"] if r[0] == name), None)
            if row is None:
                cells += ["", "", ""]
                continue
            flag = " ⚠" if row[1] > TARGET_MS and not name.startswith(("job", "recompute")) \
                else ""
            cells += [f"{row[1]:.0f}{flag}", f"{row[2]:.0f}", str(row[3])]
            note = row[4] or note
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {note} |")
    lines.append("")
    lines.append(MARK.format("table:end"))
    return "\n".join(lines) + "\n"


def write(section: str) -> None:
    path = ROOT / "docs" / "performance.md"
    text = path.read_text()
    start, end = MARK.format("table"), MARK.format("table:end")
    if start in text and end in text:
        before, rest = text.split(start, 1)
        _, after = rest.split(end, 1)
        text = before + section.rstrip("\n") + after
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--label", default="large", help="small or large (the table's "
                        "columns); results are kept in var/bench/")
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--only", default="", help="measure only names containing this")
    parser.add_argument("--explain", action="store_true", help="print the slowest queries")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("The scale benchmark needs PostgreSQL: set DATABASE_URL.")
    started = machine()
    settings.STAFF_REQUIRE_SECOND_FACTOR = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Pages are measured without collectstatic: plain static URLs.
    override_settings(STORAGES={
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }).enable()
    staff = Client()
    admin = User.objects.filter(is_superuser=True).first()
    staff.force_login(admin)
    # A session that passed its second factor, as production requires of staff (the
    # device lookup on each request is then part of what is measured).
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(user=admin, name="Benchmark",
                                                 defaults={"confirmed": True})
    session = staff.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    # The dashboard reads the compliance rollup: fill its 12 months as a deploy would
    # (manage.py support_rollup --months 12), then beat keeps it current.
    from support.selectors import months_back
    from support.services import sla_monthly_refresh

    sla_monthly_refresh(months=months_back(timezone.localdate().replace(day=1), 12))
    work = [(name, page(staff, url)) for name, url in admin_pages()]
    for email in (HEAVY_EMAIL, TYPICAL_EMAIL):
        client = Client()
        client.force_login(User.objects.get(email=email))
        work += [(name, page(client, url)) for name, url in customer_pages(email)]
    work += job_runs()
    work.append(("recompute CAL-8 (a closure on every calendar)", recompute_run()))
    rows = []
    for name, fn in work:
        if args.only and args.only not in name:
            continue
        if name.startswith(("job", "recompute")):
            p50, p95, queries, note = measure_once(fn)
        else:
            p50, p95, queries, note = measure(fn, args.repeat, args.explain)
        rows.append((name, round(p50, 1), round(p95, 1), queries, note))
        print(f"{name:<42} p50 {p50:8.1f} ms  p95 {p95:8.1f} ms  {queries:4d} queries  {note}",
              flush=True)
    slow = [r[0] for r in rows if r[1] > TARGET_MS and not r[0].startswith(("job", "recomp"))]
    print(f"\n{len(rows) - len(slow)} of {len(rows)} within {TARGET_MS} ms p50; slow: "
          + (", ".join(slow) or "none"))
    if not args.only:
        print(f"saved {save(rows, args.label, started)}")
    if args.write:
        write(render())


if __name__ == "__main__":
    main()
