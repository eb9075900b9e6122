import io
import re

import pytest
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from slaportal.accounts.models import Customer, User
from slaportal.schedules import PeriodicJob, registered_jobs

pytestmark = pytest.mark.django_db


def _rows():
    return sorted(
        PeriodicTask.objects.values_list(
            "name", "task", "enabled", "interval_id", "crontab_id", "kwargs"
        )
    )


def test_setup_periodic_tasks_twice_leaves_the_same_rows():
    call_command("setup_periodic_tasks", stdout=io.StringIO())
    first = _rows()
    call_command("setup_periodic_tasks", stdout=io.StringIO())
    assert _rows() == first
    assert {row[0] for row in first} == {job.name for job in registered_jobs()}


def test_setup_periodic_tasks_keeps_a_task_that_an_admin_disabled():
    call_command("setup_periodic_tasks", stdout=io.StringIO())
    name = registered_jobs()[0].name
    PeriodicTask.objects.filter(name=name).update(enabled=False)
    call_command("setup_periodic_tasks", stdout=io.StringIO())
    assert PeriodicTask.objects.get(name=name).enabled is False


def test_setup_periodic_tasks_updates_a_changed_schedule():
    call_command("setup_periodic_tasks", stdout=io.StringIO())
    name = registered_jobs()[0].name
    PeriodicTask.objects.filter(name=name).update(task="something.else", description="old")
    out = io.StringIO()
    call_command("setup_periodic_tasks", stdout=out)
    assert "1 updated" in out.getvalue()
    assert PeriodicTask.objects.get(name=name).task == registered_jobs()[0].task


def test_periodic_job_needs_exactly_one_schedule():
    with pytest.raises(ValueError, match="exactly one"):
        PeriodicJob(name="x", task="t")
    with pytest.raises(ValueError, match="five fields"):
        PeriodicJob(name="x", task="t", crontab="* *")


def test_seed_demo_in_development_uses_the_readme_passwords(settings):
    """Issue 16: in development each role signs in with the README's fixed password,
    also after someone changed it; the README's table lists every demo account."""
    from pathlib import Path

    from slaportal.accounts.management.commands.seed_demo import CUSTOMERS, DEMO_PASSWORDS, STAFF

    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    manager = User.objects.get(email=STAFF[1][0])
    manager.set_password("changed-by-someone-else")
    manager.save()
    call_command("seed_demo", stdout=io.StringIO())
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for email, role, _ in STAFF:
        assert User.objects.get(email=email).check_password(DEMO_PASSWORDS[role])
        assert email in readme and DEMO_PASSWORDS[role] in readme
    for email, *_ in CUSTOMERS:
        assert User.objects.get(email=email).check_password(DEMO_PASSWORDS["customer"])
        assert email in readme
    assert DEMO_PASSWORDS["customer"] in readme


def test_seed_demo_prints_random_passwords_once_and_is_idempotent():
    from slaportal.accounts.management.commands.seed_demo import CUSTOMERS, STAFF

    first, second = io.StringIO(), io.StringIO()
    call_command("seed_demo", stdout=first)
    call_command("seed_demo", stdout=second)
    lines = [line.split() for line in first.getvalue().splitlines() if "@" in line]
    passwords = [parts[-1] for parts in lines]
    # The named accounts; the crowd of demo customers cannot sign in outside development.
    assert len(passwords) == len(STAFF) + len(CUSTOMERS) == 9
    assert len(set(passwords)) == len(passwords)  # never one fixed password
    for parts in lines:
        email, password = parts[-2], parts[-1]
        assert User.objects.get(email=email).check_password(password)
    assert "no account created" in second.getvalue()
    assert not re.search(r"\S+@\S+\s+\S{12,}", second.getvalue())
    assert Customer.objects.filter(account_manager__isnull=False).count() == 50
    assert User.objects.filter(is_staff=True, groups__isnull=False).count() == 5
    assert not User.objects.get(email="c50@demo-customers.example").has_usable_password()


def test_seed_demo_shows_each_order_and_billing_path_once():
    """The demo (issue 11 paths): a customer on a bought Signature plan with a surcharge
    to pay (SUP-10, BIL-5), custom work at every ORD-10 stage, a lapsed checkout, and a
    provider-side full refund awaiting the deletion confirmation (BIL-13); a second run
    makes nothing more."""
    from billing.models import DataDeletionConfirmation, Payment, Surcharge
    from orders.models import CustomWorkRequest
    from slaportal.plans.models import PlanPeriod

    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=io.StringIO())
    assert PlanPeriod.objects.filter(customer__user__email="alice@acme.example",
                                     plan__code="signature", ends_at=None).count() == 1
    assert Surcharge.objects.get().status == "due"
    assert sorted(CustomWorkRequest.objects.values_list("status", flat=True)) == sorted(
        ["requested", "requirements", "estimated", "quoted", "paid", "delivered", "accepted"])
    assert Payment.objects.filter(status="lapsed",
                                  migration__customer__user__email="bob@blogworks.example"
                                  ).count() == 1
    pending = DataDeletionConfirmation.objects.get(
        confirmed_at=None, migration__customer__user__email="carol@greenleaf.example")
    assert pending.refund.payment.status == "refunded"
    assert pending.migration.status == "stopped"
    assert "surcharge" in out.getvalue()


def _table_counts() -> dict[str, int]:
    from django.apps import apps

    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_seed_demo_fills_every_screen_and_a_second_run_creates_nothing(settings):
    """The demo has rows in every state each list filters by: tickets in every status,
    at risk (SUP-7), breached and excluded (SUP-8), near and past the termination right
    (SUP-9); migrations in every status (ORD-1, ORD-2); payments in every state and
    currency (BIL-2..4), a wire invoice waiting for funds; refund requests at every step
    (BIL-8); discount codes redeemed and used up (BIL-7). A second run makes nothing."""
    from django.conf import settings as django_settings

    from billing.choices import PaymentStatus, RefundRequestStatus
    from billing.models import (
        DiscountCode,
        DiscountRedemption,
        ExchangeRate,
        Invoice,
        Payment,
        RefundRequest,
    )
    from orders.choices import MigrationKind, MigrationStatus
    from orders.models import Migration
    from slaportal.calendars.selectors import business_calendar
    from slaportal.plans.models import SupportPlan
    from support.choices import TicketStatus
    from support.models import (
        Breach,
        SlaWarning,
        SupportSettings,
        TerminationRight,
        Ticket,
        TicketMessage,
    )
    from support.selectors import kyiv_month_bounds
    from support.services.clocks import clock_position

    settings.PAYPRO_ALLOW_TEST_MODE = True  # the demo's provider notifications apply
    call_command("seed_demo", stdout=io.StringIO())

    def by(qs, field):
        return {value: qs.filter(**{field: value}).count() for value in
                qs.values_list(field, flat=True).distinct()}

    assert Customer.objects.count() == 50
    assert {c.organisation for c in Customer.objects.filter(
        user__email__endswith="@demo-customers.example")} >= {
        "Demo Customer 04 Northwind Traders", "Demo Customer 50 Acorn Charities"}
    assert Customer.objects.filter(uses_cms_line=True).exists()
    assert Customer.objects.filter(uses_data_line=True).exists()
    assert Customer.objects.values("account_manager").distinct().count() == 3
    plans = set(Ticket.objects.values_list("plan__code", flat=True))
    assert plans == set(SupportPlan.objects.values_list("code", flat=True))

    tickets = by(Ticket.objects, "status")
    assert set(tickets) == set(TicketStatus.values), tickets
    messages = by(TicketMessage.objects, "kind")
    assert messages.get("customer") and messages.get("public_reply")
    assert messages.get("clarification") and messages.get("internal_note")
    shares = []
    for ticket in Ticket.objects.filter(status__in=["new", "open", "reopened"]).select_related(
            "plan__calendar"):
        position = clock_position(ticket, business_calendar(ticket.plan.calendar.slug),
                                  _now())
        if position:
            shares.append(position[1])
    assert any(0.7 <= s < 0.9 for s in shares) and any(0.9 <= s < 1 for s in shares)
    assert SlaWarning.objects.filter(percent=70).exists()
    assert SlaWarning.objects.filter(percent=90).exists()
    assert Breach.objects.filter(excluded=False).exists()
    assert Breach.objects.filter(excluded=True).exists()
    assert Ticket.objects.filter(status="open", breaches__isnull=False).exists()

    limit = SupportSettings.load().termination_breach_limit
    for number, count in (("47", limit - 1), ("49", limit), ("50", limit + 1)):
        breaches = Breach.objects.filter(customer__user__email=f"c{number}@demo-customers.example",
                                         excluded=False, line="data")
        month, start, end = kyiv_month_bounds(breaches.first().due_at)
        assert breaches.filter(due_at__gte=start, due_at__lt=end).count() == count
    assert list(TerminationRight.objects.values_list("customer__user__email", flat=True)) == [
        "c50@demo-customers.example"]

    migrations = by(Migration.objects, "status")
    assert set(migrations) == set(MigrationStatus.values), migrations
    demos = by(Migration.objects.filter(kind=MigrationKind.DEMO), "status")
    assert set(demos) == {"quoted", "running", "completed", "failed", "archived"}

    payments = by(Payment.objects, "status")
    assert set(payments) == set(PaymentStatus.values), payments
    currencies = by(Payment.objects, "amount_currency")
    rates = set(ExchangeRate.objects.values_list("currency", flat=True))
    assert set(currencies) == rates | {"USD"} == set(django_settings.CURRENCIES), currencies
    assert Invoice.objects.filter(funds_received_at__isnull=True,
                                  payment__status="pending").exists()
    assert Invoice.objects.filter(funds_received_at__isnull=False).exists()
    assert Payment.objects.filter(method="no_charge").exists()

    requests = by(RefundRequest.objects, "status")
    assert set(requests) == set(RefundRequestStatus.values), requests
    assert DiscountRedemption.objects.filter(code__code="WELCOME10").count() == 2
    assert DiscountCode.objects.get(code="ONCE15").used_count == 1
    assert DiscountCode.objects.filter(withdrawn_at__isnull=False).exists()

    before = _table_counts()
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "nothing created" in out.getvalue()
    assert _table_counts() == before


def _now():
    from django.utils import timezone

    return timezone.now()
