"""The functions billing calls (billing/orders_api.py), exercised through billing's own
wrapper so that a change of names or arguments fails here."""

import pytest

from billing import orders_api
from orders.choices import MigrationStatus as S
from orders.errors import MigrationStopped
from orders.models import Migration

from .conftest import kyiv

pytestmark = pytest.mark.django_db
NOW = kyiv(2026, 3, 2, 10)


def test_contract_confirm_pay_cancel_stop(order, manager):
    """ORD-4/ORD-5/BIL-4/ORD-17 through billing's calls."""
    m = order()
    orders_api.confirm(migration=m, actor=manager)
    orders_api.mark_paid(migration=m, actor=manager, now=NOW)
    assert Migration.objects.get(pk=m.pk).paid_at == NOW
    assert orders_api.started(m) is False
    orders_api.payment_cancelled(migration=m, actor=manager, now=NOW)
    m.refresh_from_db()
    assert (m.status, m.paid_at) == (S.CONFIRMED, None)
    orders_api.stop(migration=m, actor=None, reason="Refund issued", now=NOW)
    orders_api.stop(migration=m, actor=None, reason="Charge-back", now=NOW)  # stays stopped
    with pytest.raises(MigrationStopped):
        orders_api.mark_paid(migration=m, actor=manager, now=NOW)
    assert Migration.objects.get(pk=m.pk).status == S.STOPPED


def test_contract_started_after_running(completed):
    """BIL-4/BIL-10: started once started_at is set."""
    assert orders_api.started(completed(completed_at=NOW)) is True
