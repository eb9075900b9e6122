"""Seed a PostgreSQL database with production volumes for the scale benchmark.

At scale 1.0: 50,000 customers, 200,000 migrations, 200,000 payments, 20,000 refund
requests, 1,000,000 tickets (5.5 % open or waiting, 9 % with a breach record) with one
message each, and one heavy customer with 2,000 tickets and 300 payments; plus a
backlog for every beat job (``--backlog`` rows each, 50,000 by default at scale 1.0).

Rows go in with COPY (psycopg 3), in the order foreign keys need; the database must be
migrated and empty. Run it through ``make bench-scale`` or::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/slaportal_bench \\
        .venv/bin/python benchmarks/scale_seed.py --scale 0.1
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "slaportal.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, models  # noqa: E402
from django.utils import timezone  # noqa: E402

from billing.models import Payment, RefundRequest  # noqa: E402
from orders.models import Migration  # noqa: E402
from orders.models.core import MIGRATION_ID_ALPHABET, MIGRATION_ID_LENGTH  # noqa: E402
from slaportal.accounts.models import Customer, User  # noqa: E402
from slaportal.plans.models import SupportPlan  # noqa: E402
from support.models import Breach, SlaTarget, SlaWarning, Ticket, TicketMessage  # noqa: E402

HEAVY_EMAIL = "heavy@scale.example"
TYPICAL_EMAIL = "customer00042@scale.example"
SUBJECTS = [
    "Migration stuck at {n}%", "Missing attachments after migration", "Wrong author on {n} "
    "posts", "Cannot log in to the target", "Custom fields not mapped", "Delta migration "
    "question", "Invoice for order {n}", "Redirects after the move", "Duplicate contacts",
    "Images not loading on page {n}", "SEO URLs changed", "Comments are missing",
]
OPEN_STATUSES = ["new", "open", "waiting_on_customer", "reopened"]


class Copier:
    """COPY rows into a model's table; columns not given get the field's default."""

    def __init__(self, model: type[models.Model], columns: list[str]):
        self.model = model
        self.columns = columns
        fields = {f.attname: f for f in model._meta.concrete_fields}
        self.fill = {}
        for name, field in fields.items():
            if name in columns or field.primary_key:
                continue
            if field.null:
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                self.fill[name] = NOW
            elif field.has_default():
                value = field.get_default()
                if isinstance(field, models.JSONField):
                    value = json.dumps(value)
                self.fill[name] = value
            elif isinstance(field, (models.CharField, models.TextField)):
                self.fill[name] = ""
            else:
                raise ValueError(f"{model.__name__}.{name} needs a value")
        self.all_columns = columns + list(self.fill)
        self.tail = tuple(self.fill.values())

    def copy(self, rows) -> int:
        table = self.model._meta.db_table
        cols = ", ".join(f'"{c}"' for c in self.all_columns)
        n = 0
        with connection.cursor() as cursor, cursor.cursor.copy(
            f'COPY "{table}" ({cols}) FROM STDIN'
        ) as copy:
            for row in rows:
                copy.write_row(tuple(row) + self.tail)
                n += 1
        return n


def next_ids(model: type[models.Model], count: int) -> range:
    """Reserve ``count`` primary keys from the table's sequence."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
            "COALESCE((SELECT MAX(id) FROM " + f'"{table}"' + "), 0) + %s)",
            [table, count],
        )
        last = cursor.fetchone()[0]
    return range(last - count + 1, last + 1)


NOW = timezone.now().replace(microsecond=0)


def seed(scale: float, backlog: int | None, seed_value: int) -> dict[str, int]:
    rnd = random.Random(seed_value)
    counts: dict[str, int] = {}
    n_customers = max(200, int(50_000 * scale))
    n_migrations = max(1_000, int(200_000 * scale))
    n_tickets = max(5_000, int(1_000_000 * scale))
    n_refunds = max(100, int(20_000 * scale))
    backlog = backlog if backlog is not None else max(500, int(50_000 * scale))
    plans = {p.code: p for p in SupportPlan.objects.all()}
    cms_plan, data_plans = plans["cms"], [plans["standard"], plans["premium"], plans["signature"]]
    staff = list(User.objects.filter(is_staff=True).values_list("pk", flat=True))
    if not staff:
        staff = [User.objects.create_superuser("bench-admin@scale.example", "bench-pass").pk]
    password = make_password("scale-customer")

    # ---- users and customers (customer 1 is the heavy one)
    user_ids = next_ids(User, n_customers)
    emails = [HEAVY_EMAIL] + [f"customer{i:05d}@scale.example" for i in range(1, n_customers)]
    counts["users"] = Copier(User, ["id", "email", "full_name", "password", "date_joined"]).copy(
        (uid, email, f"Customer {i}", password, NOW - dt.timedelta(days=rnd.randint(1, 1500)))
        for i, (uid, email) in enumerate(zip(user_ids, emails, strict=True))
    )
    customer_ids = next_ids(Customer, n_customers)
    counts["customers"] = Copier(
        Customer, ["id", "user_id", "organisation", "uses_cms_line", "uses_data_line",
                   "account_manager_id"],
    ).copy(
        (cid, uid, f"Organisation {i}", i % 3 != 1, i % 3 != 0, staff[i % len(staff)])
        for i, (cid, uid) in enumerate(zip(customer_ids, user_ids, strict=True))
    )
    heavy = customer_ids[0]

    # ---- migrations: the heavy customer has 300 paid ones, the rest spread out
    mig_ids = next_ids(Migration, n_migrations)
    seen: set[str] = set()

    def migration_id() -> str:
        while True:
            value = "".join(rnd.choice(MIGRATION_ID_ALPHABET) for _ in range(MIGRATION_ID_LENGTH))
            if value not in seen:
                seen.add(value)
                return value

    kinds = ["full"] * 60 + ["demo"] * 25 + ["remigration"] * 8 + ["delta"] * 7
    statuses = (["archived"] * 60 + ["validated"] * 15 + ["completed"] * 5 + ["running"] * 2
                + ["paid"] * 5 + ["quoted"] * 8 + ["stopped"] * 3 + ["failed"] * 2)
    migrations = []  # (id, customer, line, kind, status, created, paid, started)
    for i, mid in enumerate(mig_ids):
        customer = heavy if i < 300 else customer_ids[rnd.randrange(1, n_customers)]
        line = "data" if rnd.random() < 0.5 else "cms"
        kind = "full" if i < 300 else rnd.choice(kinds)
        status = "validated" if i < 300 else rnd.choice(statuses)
        if kind == "demo" and status not in ("archived", "quoted"):
            status = "completed"
        created = NOW - dt.timedelta(minutes=rnd.randint(60, 3 * 365 * 1440))
        paid = None if status == "quoted" or kind == "demo" else created + dt.timedelta(hours=2)
        started = paid + dt.timedelta(days=1) if paid and status not in ("paid",) else None
        if started and started > NOW:
            started = None
        migrations.append((mid, customer, line, kind, status, created, paid, started))
    # BIL-4 backlog: paid more than 30 days ago, never started (cancelled by the job).
    for j in range(backlog):
        m = list(migrations[-1 - j])
        m[3], m[4] = "full", "paid"
        m[6] = NOW - dt.timedelta(days=31 + j % 300)
        m[5] = m[6] - dt.timedelta(hours=2)
        m[7] = None
        migrations[-1 - j] = tuple(m)
    plan_of = {"cms": cms_plan.pk}
    counts["migrations"] = Copier(
        Migration, ["id", "migration_id", "customer_id", "line", "kind", "status",
                    "created_at", "paid_at", "started_at", "completed_at", "archived_at",
                    "support_plan_id", "record_count"],
    ).copy(
        (mid, migration_id(), cust, line, kind, status, created, paid, started,
         started + dt.timedelta(days=2) if started and status in (
             "completed", "validated", "archived") else None,
         started + dt.timedelta(days=40) if started and status == "archived" else None,
         plan_of.get(line, rnd.choice(data_plans).pk), rnd.randint(100, 200_000))
        for mid, cust, line, kind, status, created, paid, started in migrations
    )

    # ---- payments: one per paid migration, then older expired ones up to the volume
    pay_ids_needed = [m for m in migrations if m[6] is not None]
    n_payments = max(len(pay_ids_needed), int(200_000 * scale))
    payment_ids = next_ids(Payment, n_payments)
    currencies = [("USD", Decimal("1")), ("EUR", Decimal("1.08")), ("GBP", Decimal("1.27"))]
    payment_rows = []
    for k, pid in enumerate(payment_ids):
        if k < len(pay_ids_needed):
            mid, cust, line, kind, status, created, paid, started = pay_ids_needed[k]
            pstatus = "refunded" if status == "stopped" else "completed"
        else:
            mid, cust, line, kind, status, created, paid, started = rnd.choice(pay_ids_needed)
            pstatus = rnd.choice(["expired", "failed", "expired"])
        currency, rate = rnd.choice(currencies)
        net = Decimal(rnd.randint(39, 3000))
        payment_rows.append((
            pid, mid, "order", rnd.choice(["card", "card", "paypal", "wire"]), pstatus,
            net, (net / rate).quantize(Decimal("0.01")), currency, rate, paid or created,
            paid or created, f"PP{pid:09d}",
        ))
    counts["payments"] = Copier(
        Payment, ["id", "migration_id", "purpose", "method", "status", "net_usd", "amount",
                  "amount_currency", "exchange_rate", "transaction_at", "created_at",
                  "provider_order_id"],
    ).copy(payment_rows)

    # ---- refund requests on paid migrations
    refund_ids = next_ids(RefundRequest, n_refunds)
    paid_migs = [m for m in migrations if m[7] is not None]
    counts["refund_requests"] = Copier(
        RefundRequest, ["id", "migration_id", "customer_id", "reason", "description",
                        "submitted_at", "problem_first_reported_at", "status"],
    ).copy(
        (rid, m[0], m[1], rnd.choice(["data_corruption", "not_used"]), "Records were lost.",
         m[7] + dt.timedelta(days=3), m[7] + dt.timedelta(days=2),
         "submitted" if k % 10 == 0 else rnd.choice(["approved", "denied", "paid_out"]))
        for k, (rid, m) in enumerate(zip(refund_ids, rnd.sample(paid_migs, n_refunds),
                                         strict=True))
    )

    # ---- tickets, one message each, 9 % with a breach
    ticket_ids = next_ids(Ticket, n_tickets)
    mig_of_customer: dict[int, int] = {}
    for m in migrations:
        mig_of_customer.setdefault(m[1], m[0])
    ticket_rows, message_rows, breach_rows = [], [], []
    target_rows, warning_rows = [], []
    open_share = 0.055
    for k, tid in enumerate(ticket_ids):
        customer = heavy if k < 2000 else customer_ids[rnd.randrange(1, n_customers)]
        line = "data" if k % 2 else "cms"
        plan = cms_plan if line == "cms" else data_plans[k % 3]
        is_open = rnd.random() < open_share
        if is_open:
            received = NOW - dt.timedelta(minutes=rnd.randint(5, 20 * 1440))
            status = rnd.choice(OPEN_STATUSES)
            due = received + dt.timedelta(hours=rnd.randint(2, 96))
            closed = None
            first = None if status == "new" else received + dt.timedelta(hours=1)
        else:
            received = NOW - dt.timedelta(minutes=rnd.randint(30 * 1440, 3 * 365 * 1440))
            status = "closed" if rnd.random() < 0.7 else "solved"
            due = None
            closed = received + dt.timedelta(days=rnd.randint(1, 10))
            first = received + dt.timedelta(hours=rnd.randint(1, 30))
        paused = received + dt.timedelta(hours=3) if status == "waiting_on_customer" else None
        subject = rnd.choice(SUBJECTS).format(n=rnd.randint(1, 99))
        ticket_rows.append((
            tid, customer, line, rnd.choice(["web", "web", "email", "chat", "forum"]), plan.pk,
            plan.priority_rank, mig_of_customer.get(customer), subject,
            "The customer describes the problem in detail.", status,
            staff[k % len(staff)] if first else None, received, received, first, closed,
            "first_response" if is_open and status != "waiting_on_customer" else "",
            received if is_open else None, paused,
            due if is_open and paused is None else None,
            due if is_open and paused is None else None,
            received + (due - received) * 0.7 if due and paused is None else None,
            received + (due - received) * 0.9 if due and paused is None else None,
            received,
        ))
        message_rows.append((tid, "customer", "Please help with " + subject, received))
        assignee = staff[k % len(staff)] if first else None
        if rnd.random() < 0.09:
            due_at = received + dt.timedelta(hours=rnd.randint(1, 48))
            met = first if first and first > due_at else None
            breach_rows.append((
                tid, customer, line, "first_response", due_at, due_at + dt.timedelta(minutes=5),
                met,
            ))
            target_rows.append((tid, customer, line, plan.pk, assignee, "first_response", 1,
                                due_at, met, True, False, due_at + dt.timedelta(minutes=5)))
        elif first is not None:
            # The first response met in time (the ledger of every target, SUP-5).
            target_rows.append((tid, customer, line, plan.pk, assignee, "first_response", 1,
                                first + dt.timedelta(hours=rnd.randint(1, 20)), first, False,
                                False, first))
        if is_open and paused is None and received + (due - received) * 0.7 < NOW < due:
            warning_rows.append((tid, "first_response", due, 70, NOW, ""))
    counts["tickets"] = Copier(
        Ticket, ["id", "customer_id", "line", "channel", "plan_id", "priority_rank",
                 "migration_id", "subject", "description", "status", "assignee_id",
                 "received_at", "cycle_started_at", "first_responded_at", "closed_at",
                 "clock_metric", "clock_started_at", "paused_at", "first_response_due_at",
                 "next_due_at", "warn_first_at", "warn_second_at", "created_at"],
    ).copy(ticket_rows)
    del ticket_rows
    counts["messages"] = Copier(
        TicketMessage, ["ticket_id", "kind", "body", "created_at"]
    ).copy(message_rows)
    del message_rows
    counts["breaches"] = Copier(
        Breach, ["ticket_id", "customer_id", "line", "metric", "due_at", "recorded_at",
                 "met_at"],
    ).copy(breach_rows)
    del breach_rows
    counts["targets"] = Copier(
        SlaTarget, ["ticket_id", "customer_id", "line", "plan_id", "assignee_id", "metric",
                    "cycle", "due_at", "met_at", "missed", "excluded", "recorded_at"],
    ).copy(target_rows)
    del target_rows
    counts["warnings"] = Copier(
        SlaWarning, ["ticket_id", "metric", "due_at", "percent", "sent_at", "recipients"],
    ).copy(warning_rows)
    with connection.cursor() as cursor:
        # As autovacuum would leave a production database: statistics current and the
        # visibility map set (index-only scans read no heap).
        cursor.execute("VACUUM ANALYZE")
    return counts


def recreate() -> None:
    """A fresh, migrated database under the name DATABASE_URL gives."""
    import psycopg
    from django.core.management import call_command

    name = connection.settings_dict["NAME"]
    connection.close()
    params = {k: v for k, v in {
        "host": connection.settings_dict.get("HOST"), "port": connection.settings_dict.get("PORT"),
        "user": connection.settings_dict.get("USER"),
        "password": connection.settings_dict.get("PASSWORD"),
    }.items() if v}
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    call_command("migrate", verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--backlog", type=int, default=None,
                        help="rows due for each beat job (default 50,000 × scale)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--recreate", action="store_true",
                        help="drop and create the database of DATABASE_URL, then migrate")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("The scale benchmark needs PostgreSQL: set DATABASE_URL.")
    if args.recreate:
        recreate()
    if Ticket.objects.exists():
        sys.exit("The database already holds tickets: seed an empty, migrated database.")
    started = time.perf_counter()
    counts = seed(args.scale, args.backlog, args.seed)
    took = time.perf_counter() - started
    for name, n in counts.items():
        print(f"{name:>16}: {n:>10,}")
    print(f"seeded in {took:.1f} s")


if __name__ == "__main__":
    main()
