import pytest

from orders import services
from orders.choices import MigrationStatus as S
from orders.errors import MigrationStopped, TransitionNotAllowed
from orders.models import Migration, MigrationEvent
from orders.transitions import ALLOWED, TERMINAL

from .conftest import kyiv, verify_access

pytestmark = pytest.mark.django_db


def test_full_path_records_every_transition_with_actor(order, manager):
    """ORD-1: quoted → confirmed → paid → access verified → running → completed →
    validated, each recorded with actor and time (and in the history)."""
    m = order()
    now = kyiv(2026, 3, 2, 10)
    services.migration_confirm(migration=m, actor=manager, now=now)
    services.migration_mark_paid(migration=m, actor=manager, now=now)
    verify_access(m, manager, now)
    services.migration_start(migration=m, actor=manager, now=now)
    services.migration_complete(migration=m, actor=manager, migrated=5, now=now)
    services.migration_validate(migration=m, actor=manager, now=now)
    events = list(MigrationEvent.objects.filter(migration=m).exclude(to_status="")
                  .values_list("from_status", "to_status"))
    assert events == [(S.QUOTED, S.CONFIRMED), (S.CONFIRMED, S.PAID),
                      (S.PAID, S.ACCESS_VERIFIED), (S.ACCESS_VERIFIED, S.RUNNING),
                      (S.RUNNING, S.COMPLETED), (S.COMPLETED, S.VALIDATED)]
    m.refresh_from_db()
    assert m.status == S.VALIDATED and m.paid_at == now and m.started_at == now
    assert m.history.count() >= 6


def test_impossible_transition_is_refused_and_changes_nothing(order, manager):
    """ORD-1: transitions are data; a move not listed is refused with a clear error."""
    m = order()
    with pytest.raises(TransitionNotAllowed, match="cannot go from Quoted to Completed"):
        services.migration_transition(migration=m, to_status=S.COMPLETED, actor=manager)
    m.refresh_from_db()
    assert m.status == S.QUOTED and not MigrationEvent.objects.filter(migration=m).exists()


def test_full_migration_does_not_run_unless_paid(order, manager):
    """ORD-5: the full migration starts only after the payment is received."""
    m = order()
    services.migration_confirm(migration=m, actor=manager)
    with pytest.raises(TransitionNotAllowed):
        services.migration_start(migration=m, actor=manager)
    # even if a status was forced past payment, ORD-5 still checks paid_at
    Migration.objects.filter(pk=m.pk).update(status=S.ACCESS_VERIFIED)
    with pytest.raises(TransitionNotAllowed, match="ORD-5"):
        services.migration_start(migration=m, actor=manager)
    assert not services.migration_started(Migration.objects.get(pk=m.pk))


def test_payment_cancelled_makes_the_order_payable_again(order, manager):
    """BIL-4: paid → confirmed with paid_at cleared; paid again later."""
    m = order()
    services.migration_confirm(migration=m, actor=manager)
    services.migration_mark_paid(migration=m, actor=manager, now=kyiv(2026, 1, 5, 10))
    services.migration_payment_cancelled(migration=m, actor=manager)
    m.refresh_from_db()
    assert m.status == S.CONFIRMED and m.paid_at is None
    services.migration_mark_paid(migration=m, actor=manager, now=kyiv(2026, 2, 5, 10))
    assert Migration.objects.get(pk=m.pk).status == S.PAID


def test_payment_cancelled_refused_once_running(completed, manager):
    """BIL-4: a started migration's payment is not cancelled."""
    m = completed(completed_at=kyiv(2026, 3, 2, 12))
    with pytest.raises(TransitionNotAllowed, match="has not started"):
        services.migration_payment_cancelled(migration=m, actor=manager)
    assert services.migration_started(m)


def test_stopped_migration_refuses_every_action(order, manager):
    """ORD-17: after a refund the migration stops; no further action on it."""
    m = order()
    services.migration_confirm(migration=m, actor=manager)
    services.migration_stop(migration=m, actor=manager, reason="Refund issued",
                            now=kyiv(2026, 3, 2, 12))
    m.refresh_from_db()
    assert m.status == S.STOPPED and m.stopped_at == kyiv(2026, 3, 2, 12)
    with pytest.raises(MigrationStopped, match="ORD-17"):
        services.migration_mark_paid(migration=m, actor=manager)
    with pytest.raises(MigrationStopped):
        services.migration_problem_set(migration=m, actor=manager, reason="x")
    assert Migration.objects.get(pk=m.pk).status == S.STOPPED


def test_every_non_terminal_state_may_stop():
    """ORD-17: stopped is reachable from every non-terminal state of every kind."""
    for _kind, table in ALLOWED.items():
        for status, nexts in table.items():
            assert (S.STOPPED in nexts) == (status not in TERMINAL)


def test_failed_migration_restarts(completed, order, manager):
    """ORD-1: running → failed → running again on restart."""
    m = order()
    now = kyiv(2026, 3, 2, 10)
    services.migration_confirm(migration=m, actor=manager)
    services.migration_mark_paid(migration=m, actor=manager, now=now)
    verify_access(m, manager, now)
    services.migration_start(migration=m, actor=manager, now=now)
    services.migration_fail(migration=m, actor=manager, reason="API limit", now=now)
    assert Migration.objects.get(pk=m.pk).failure_reason == "API limit"
    services.migration_restart(migration=m, actor=manager, now=now)
    assert Migration.objects.get(pk=m.pk).status == S.RUNNING


def test_demo_needs_no_payment_and_has_a_limit(customer, platform, manager):
    """ORD-2: a free demo — no payment, no card — with a limited sample."""
    demo = services.demo_create(customer=customer, line="data", source=platform("Zendesk"),
                                target=platform("Freshdesk"), actor=customer.user,
                                record_count=5_000)
    assert demo.record_count == 20 and not demo.quote_lines.exists()
    services.migration_start(migration=demo, actor=None, now=kyiv(2026, 3, 2, 10))
    services.migration_complete(migration=demo, actor=None, now=kyiv(2026, 3, 2, 11))
    assert Migration.objects.get(pk=demo.pk).status == S.COMPLETED


def test_cms_demo_limit_is_pages(customer, platform):
    """ORD-2: the CMS demo is limited in pages (a setting, 300)."""
    demo = services.demo_create(customer=customer, line="cms",
                                source=platform("WordPress", "cms"),
                                target=platform("Drupal", "cms"), actor=customer.user)
    assert demo.record_count == 300


def test_full_migration_from_a_demo_copies_it(customer, platform, manager):
    """ORD-2: the full order after the preview copies the platforms and links the demo."""
    demo = services.demo_create(customer=customer, line="data", source=platform("Kayako"),
                                target=platform("Zendesk"), actor=customer.user)
    full = services.full_from_demo(demo=demo, record_count=8_000, actor=customer.user)
    assert (full.kind, full.from_demo, full.source_platform, full.target_platform) == (
        "full", demo, platform("Kayako"), platform("Zendesk"))
    assert full.quote_lines.filter(kind="migration").exists()


def test_validation_period_accepts_cms_result_after_14_days(completed):
    """ORD-6: 14 days after completion the CMS result counts as accepted."""
    m = completed(line="cms", plan_code="cms", records=500,
                  completed_at=kyiv(2026, 3, 2, 12))
    assert services.migrations_validate_due(now=kyiv(2026, 3, 16, 11, 59)) == 0
    assert services.migrations_validate_due(now=kyiv(2026, 3, 16, 12)) == 1
    assert services.migrations_validate_due(now=kyiv(2026, 3, 16, 13)) == 0
    m.refresh_from_db()
    assert m.status == S.VALIDATED and m.events.last().source == "system"
