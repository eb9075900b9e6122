import datetime as dt
from decimal import Decimal

import pytest

from orders import services
from orders.choices import MigrationStatus as S
from orders.choices import RemigrationReason
from orders.errors import OrderError
from orders.models import InsurancePlan, Migration

from .conftest import kyiv, verify_access

pytestmark = pytest.mark.django_db
DONE = kyiv(2026, 3, 2, 12)  # Monday; "within N days" runs to 23:59:59 of day N


def _remigrate(parent, manager, now, confirmed=True):
    return services.remigration_create(
        parent=parent, reason=RemigrationReason.SANDBOX_TO_LIVE,
        target_removal_confirmed=confirmed, actor=manager, now=now,
    )


@pytest.mark.parametrize("plan_code, last_free_day", [("signature", 12), ("premium", 7)])
def test_free_remigration_window_edges(completed, manager, plan_code, last_free_day):
    """ORD-7/SUP-10: Signature 1 free within 10 days, Premium within 5 — day N at 23:59
    is free, day N+1 is paid at the automated migration price."""
    parent = completed(plan_code=plan_code, completed_at=DONE)
    edge = _remigrate(parent, manager, kyiv(2026, 3, last_free_day, 23, 59))
    assert edge.free_entitlement and edge.status == S.PAID
    assert edge.quote_lines.get(kind="migration").amount.amount == 0
    other = completed(plan_code=plan_code, completed_at=DONE)
    late = _remigrate(other, manager, kyiv(2026, 3, last_free_day + 1, 0, 0))
    assert not late.free_entitlement and late.status == S.QUOTED
    assert late.quote_lines.get(kind="migration").amount.amount == Decimal("400.00")


def test_only_one_free_remigration(completed, manager):
    """ORD-7: one free, then paid."""
    parent = completed(plan_code="signature", completed_at=DONE)
    assert _remigrate(parent, manager, kyiv(2026, 3, 3, 10)).free_entitlement
    assert not _remigrate(parent, manager, kyiv(2026, 3, 4, 10)).free_entitlement


def test_standard_remigration_is_paid(completed, manager):
    """ORD-7: Standard pays the automated migration price."""
    parent = completed(plan_code="standard", completed_at=DONE)
    child = _remigrate(parent, manager, kyiv(2026, 3, 3, 10))
    assert not child.free_entitlement
    assert child.quote_lines.get(kind="migration").amount.amount == Decimal("400.00")


def test_remigration_needs_the_explicit_confirmation(completed, manager):
    """ORD-7: refused without the customer's confirmation that target data is removed."""
    parent = completed(plan_code="signature", completed_at=DONE)
    with pytest.raises(OrderError, match="will be removed"):
        _remigrate(parent, manager, kyiv(2026, 3, 3, 10), confirmed=False)
    assert not parent.follow_ups.exists()


def test_remigration_reason_must_be_listed(completed, manager):
    """ORD-7: one of the five reasons."""
    parent = completed(plan_code="signature", completed_at=DONE)
    with pytest.raises(OrderError, match="reasons"):
        services.remigration_create(parent=parent, reason="boredom",
                                    target_removal_confirmed=True, actor=manager)
    child = _remigrate(parent, manager, kyiv(2026, 3, 3, 10))
    assert child.remigration_reason == "sandbox_to_live" and child.target_removal_confirmed_at


def test_delta_is_signature_only(completed, manager):
    """ORD-8: delta migrations are a Signature entitlement."""
    parent = completed(plan_code="premium", completed_at=DONE)
    with pytest.raises(OrderError, match="Signature"):
        services.delta_create(parent=parent, actor=manager, now=kyiv(2026, 3, 3, 10))


def test_one_delta_within_ten_days_edges(completed, manager):
    """ORD-8: one delta within 10 days — day 10 at 23:59 yes, day 11 no, a second no."""
    late_parent = completed(plan_code="signature", completed_at=DONE)
    with pytest.raises(OrderError, match="No delta migration left"):
        services.delta_create(parent=late_parent, actor=manager, now=kyiv(2026, 3, 13, 0, 0))
    parent = completed(plan_code="signature", completed_at=DONE)
    delta = services.delta_create(parent=parent, actor=manager, now=kyiv(2026, 3, 12, 23, 59))
    assert delta.kind == "delta" and delta.status == S.PAID
    with pytest.raises(OrderError, match="No delta migration left"):
        services.delta_create(parent=parent, actor=manager, now=kyiv(2026, 3, 12, 23, 59))


def test_delta_starts_inside_the_window_or_by_arrangement(completed, manager):
    """ORD-8: Mon–Fri 09:00–21:00 Kyiv (data-delta-window); otherwise a manager's
    arrangement is needed."""
    parent = completed(plan_code="signature", completed_at=DONE)
    delta = services.delta_create(parent=parent, actor=manager, now=kyiv(2026, 3, 3, 10))
    verify_access(delta, manager, kyiv(2026, 3, 3, 10))
    with pytest.raises(OrderError, match="09:00–21:00"):
        services.migration_start(migration=delta, actor=manager, now=kyiv(2026, 3, 3, 21, 0))
    assert Migration.objects.get(pk=delta.pk).status == S.ACCESS_VERIFIED
    services.delta_arrange(migration=delta, actor=manager, note="Customer asked for 22:00",
                           agreed_start=kyiv(2026, 3, 3, 22, 0), now=kyiv(2026, 3, 3, 20))
    # Only the agreed start (up to 2 hours later) is allowed outside the window.
    with pytest.raises(OrderError, match="2026-03-03 22:00 Kyiv"):
        services.migration_start(migration=delta, actor=manager, now=kyiv(2026, 3, 3, 21, 30))
    with pytest.raises(OrderError, match="2026-03-03 22:00 Kyiv"):
        services.migration_start(migration=delta, actor=manager, now=kyiv(2026, 3, 4, 3, 0))
    services.migration_start(migration=delta, actor=manager, now=kyiv(2026, 3, 3, 22, 10))
    delta.refresh_from_db()
    assert delta.status == S.RUNNING and delta.delta_arranged_by == manager
    assert delta.events.filter(note__contains="arranged outside the delta window for "
                               "2026-03-03 22:00 Kyiv").exists()


def test_a_delta_arrangement_needs_a_note_and_a_start_to_come(completed, manager):
    """ORD-8: the arrangement records what was agreed and a start still to come."""
    parent = completed(plan_code="signature", completed_at=DONE)
    delta = services.delta_create(parent=parent, actor=manager, now=kyiv(2026, 3, 3, 10))
    with pytest.raises(OrderError, match="Record what was arranged"):
        services.delta_arrange(migration=delta, actor=manager, note="  ",
                               agreed_start=kyiv(2026, 3, 3, 22), now=kyiv(2026, 3, 3, 10))
    with pytest.raises(OrderError, match="still to come"):
        services.delta_arrange(migration=delta, actor=manager, note="Late evening",
                               agreed_start=kyiv(2026, 3, 2, 22), now=kyiv(2026, 3, 3, 10))
    assert Migration.objects.get(pk=delta.pk).delta_start_agreed_at is None


def test_delta_starts_in_window_without_arrangement(completed, manager):
    """ORD-8: inside the window no arrangement is needed."""
    parent = completed(plan_code="signature", completed_at=DONE)
    delta = services.delta_create(parent=parent, actor=manager, now=kyiv(2026, 3, 3, 10))
    verify_access(delta, manager, kyiv(2026, 3, 3, 10))
    services.migration_start(migration=delta, actor=manager, now=kyiv(2026, 3, 3, 20, 59))
    assert Migration.objects.get(pk=delta.pk).status == S.RUNNING


@pytest.fixture
def running(order, manager):
    def build(plan_code):
        m = order(plan_code=plan_code)
        now = kyiv(2026, 3, 2, 10)
        services.migration_confirm(migration=m, actor=manager, now=now)
        services.migration_mark_paid(migration=m, actor=manager, now=now)
        verify_access(m, manager, now)
        services.migration_start(migration=m, actor=manager, now=now)
        return m

    return build


def test_interval_migration_allows_five_pauses(running, customer):
    """ORD-9: Signature may pause and resume up to 5 times."""
    m = running("signature")
    for i in range(5):
        services.migration_pause(migration=m, actor=customer.user, now=kyiv(2026, 3, 3 + i, 10))
        services.migration_resume(migration=m, actor=customer.user,
                                  now=kyiv(2026, 3, 3 + i, 11))
    with pytest.raises(OrderError, match="All pauses"):
        services.migration_pause(migration=m, actor=customer.user, now=kyiv(2026, 3, 9, 10))
    assert Migration.objects.get(pk=m.pk).pauses_used == 5


def test_interval_migration_is_signature_only(running, customer):
    """ORD-9: Standard may not pause."""
    m = running("standard")
    with pytest.raises(OrderError, match="Signature"):
        services.migration_pause(migration=m, actor=customer.user)
    assert Migration.objects.get(pk=m.pk).status == S.RUNNING


def test_pause_resumes_by_itself_after_five_days(running, customer):
    """ORD-9: a pause that reaches 5 days resumes by itself (beat job)."""
    m = running("signature")
    paused = kyiv(2026, 3, 3, 10)
    services.migration_pause(migration=m, actor=customer.user, now=paused)
    assert services.pauses_auto_resume(now=paused + dt.timedelta(days=5, seconds=-1)) == 0
    assert services.pauses_auto_resume(now=paused + dt.timedelta(days=5)) == 1
    m.refresh_from_db()
    assert m.status == S.RUNNING and m.events.last().source == "system"


@pytest.fixture
def insured(completed):
    def build(restarts):
        return completed(line="cms", plan_code="cms", records=500, completed_at=DONE,
                         insurance=InsurancePlan.objects.get(restarts=restarts))

    return build


def test_insurance_restart_window_in_business_days(insured, manager):
    """ORD-13: 1 restart within 7 business days of the initial completion — Wed 11 March
    12:00 is the last moment (cms-tech business days)."""
    late = insured(1)
    with pytest.raises(OrderError, match="window ended"):
        services.insurance_restart(migration=late, actor=manager, now=kyiv(2026, 3, 11, 12, 1))
    assert Migration.objects.get(pk=late.pk).status == S.COMPLETED
    m = insured(1)
    services.insurance_restart(migration=m, actor=manager, now=kyiv(2026, 3, 11, 12, 0))
    assert Migration.objects.get(pk=m.pk).status == S.RUNNING


def test_insurance_restarts_are_counted(insured, manager):
    """ORD-13: 2 restarts for the 12% tier, not a third; window from the initial
    completion."""
    m = insured(2)
    for day in (3, 4):
        services.insurance_restart(migration=m, actor=manager, now=kyiv(2026, 3, day, 12))
        services.migration_complete(migration=m, actor=manager, now=kyiv(2026, 3, day, 14))
    with pytest.raises(OrderError, match="All 2 insured restarts"):
        services.insurance_restart(migration=m, actor=manager, now=kyiv(2026, 3, 5, 12))
    m.refresh_from_db()
    assert m.insurance_restarts_used == 2 and m.completed_at == DONE


def test_no_insurance_no_restart(completed, manager):
    """ORD-13: only insured migrations are restarted."""
    m = completed(line="cms", plan_code="cms", records=500, completed_at=DONE)
    with pytest.raises(OrderError, match="no Migration Insurance"):
        services.insurance_restart(migration=m, actor=manager, now=kyiv(2026, 3, 3, 12))


def test_entitlements_left(completed):
    """SUP-10: the entitlements left, as the admin shows them."""
    m = completed(plan_code="signature", completed_at=DONE)
    left = services.entitlements_left(m, now=kyiv(2026, 3, 5, 12))
    assert (left.remigrations_free, left.deltas, left.insurance_restarts, left.pauses) == (
        1, 1, 0, 5)
    later = services.entitlements_left(m, now=kyiv(2026, 3, 13, 0))
    assert (later.remigrations_free, later.deltas) == (0, 0)


def test_insured_restart_after_validation_within_the_window(insured, manager):
    """ORD-13 with ORD-6: the 30-business-day window outlives the 14-day validation; a
    validated migration can still be restarted."""
    m = insured(3)
    services.migrations_validate_due(now=kyiv(2026, 3, 16, 12))
    assert Migration.objects.get(pk=m.pk).status == S.VALIDATED
    services.insurance_restart(migration=m, actor=manager, now=kyiv(2026, 3, 20, 12))
    assert Migration.objects.get(pk=m.pk).status == S.RUNNING


def test_retention_waits_for_the_insurance_window(insured):
    """ORD-15 with ORD-13: information is kept while insured restarts remain possible."""
    m = insured(1)
    assert m.insurance_until == kyiv(2026, 3, 11, 12)
    services.migrations_validate_due(now=kyiv(2026, 3, 16, 12))
    assert services.migrations_archive_due(now=kyiv(2026, 3, 21, 12)) == 1  # 5 days later
    m2 = insured(3)  # 30 business days: until Mon 13 April 12:00
    services.migrations_validate_due(now=kyiv(2026, 3, 16, 12))
    assert services.migrations_archive_due(now=kyiv(2026, 4, 13, 11)) == 0
    assert services.migrations_archive_due(now=kyiv(2026, 4, 13, 12)) == 1
    assert Migration.objects.get(pk=m2.pk).status == S.ARCHIVED


def test_free_remigration_on_day_ten_after_signature_archiving(completed, manager):
    """ORD-7/ORD-15: Signature archives 10 days after completion (12:00 on day 10) while
    the free re-migration runs to 23:59 of day 10 — archiving does not take it away."""
    parent = completed(plan_code="signature", completed_at=DONE)
    assert services.migrations_archive_due(now=kyiv(2026, 3, 12, 12)) == 1
    child = _remigrate(Migration.objects.get(pk=parent.pk), manager, kyiv(2026, 3, 12, 23, 59))
    assert child.free_entitlement


def test_manager_arranges_a_delta_start_in_the_admin(completed, manager, client):
    """ORD-8: from the delta migration's admin page a manager records the agreed start
    and a note; a blank note is refused inline and records nothing."""
    from django.urls import reverse
    from django.utils import timezone

    parent = completed(plan_code="signature", completed_at=timezone.now() - dt.timedelta(days=1))
    delta = services.delta_create(parent=parent, actor=manager)
    client.force_login(manager)
    url = reverse("admin:orders_migration_arrange_delta", args=[delta.pk])
    assert url in client.get(reverse("admin:orders_migration_change",
                                     args=[delta.pk])).content.decode()
    start = timezone.localtime(timezone.now() + dt.timedelta(days=2)).replace(
        hour=23, minute=0, second=0, microsecond=0)
    data = {"agreed_start_0": start.strftime("%Y-%m-%d"), "agreed_start_1": "23:00:00"}
    blank = client.post(url, {**data, "note": ""})
    assert "Record what was arranged." in blank.content.decode()
    assert Migration.objects.get(pk=delta.pk).delta_start_agreed_at is None
    done = client.post(url, {**data, "note": "Customer's maintenance window, by phone"})
    assert done.status_code == 302
    delta.refresh_from_db()
    assert delta.delta_start_agreed_at == start and delta.delta_arranged_by == manager
