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
    first, second = io.StringIO(), io.StringIO()
    call_command("seed_demo", stdout=first)
    call_command("seed_demo", stdout=second)
    lines = [line.split() for line in first.getvalue().splitlines() if "@" in line]
    passwords = [parts[-1] for parts in lines]
    assert len(passwords) == User.objects.count() >= 7
    assert len(set(passwords)) == len(passwords)  # never one fixed password
    for parts in lines:
        email, password = parts[-2], parts[-1]
        assert User.objects.get(email=email).check_password(password)
    assert "no account created" in second.getvalue()
    assert not re.search(r"\S+@\S+\s+\S{12,}", second.getvalue())
    assert Customer.objects.filter(account_manager__isnull=False).count() == 3
    assert User.objects.filter(is_staff=True, groups__isnull=False).count() == 3


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
    assert Payment.objects.filter(status="lapsed").count() == 1
    pending = DataDeletionConfirmation.objects.get(confirmed_at=None)
    assert pending.refund.payment.status == "refunded"
    assert pending.migration.status == "stopped"
    assert "surcharge" in out.getvalue()
