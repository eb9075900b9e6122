"""A checkout never completed never blocks the order: the customer cancels it, or it
lapses by itself (card and PayPal after 24 hours, wire transfers after 14 days); funds
that arrive afterwards still pay the order when nothing else is live."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from billing import services
from billing.choices import PaymentMethod, PaymentStatus
from billing.models import Payment
from orders.choices import MigrationStatus
from tests.factories.billing import priced_migration

pytestmark = pytest.mark.django_db


def _confirmed():
    m = priced_migration({"migration": "1000.00"})
    services.order_confirm(migration=m, actor=m.customer.user)
    return m


def test_the_customer_cancels_a_checkout_and_pays_again(client):
    """BIL-1: a pending checkout can be cancelled from the pay page; a new payment can
    then be started; a second cancel says there is nothing to cancel."""
    m = _confirmed()
    client.force_login(m.customer.user)
    first = services.payment_start(migration=m, method=PaymentMethod.CARD, actor=m.customer.user)
    page = client.get(reverse("billing:pay", args=[m.migration_id])).content.decode()
    assert "Cancel this payment" in page
    response = client.post(reverse("billing:pay_cancel", args=[m.migration_id]), follow=True)
    assert "The payment is cancelled" in response.content.decode()
    first.refresh_from_db()
    assert first.status == PaymentStatus.CANCELLED and first.closed_at is not None
    second = services.payment_start(migration=m, method=PaymentMethod.PAYPAL,
                                    actor=m.customer.user)
    assert second.pk != first.pk and second.status == PaymentStatus.PENDING
    services.payment_cancel(payment=second, actor=m.customer.user)
    again = client.post(reverse("billing:pay_cancel", args=[m.migration_id]), follow=True)
    assert "no payment waiting to be cancelled" in again.content.decode()
    assert client.get(reverse("billing:pay_cancel", args=[m.migration_id])).status_code == 405


def test_checkouts_lapse_after_a_day_and_wire_transfers_after_two_weeks():
    """An unfinished card checkout lapses after 24 hours, a wire transfer after 14 days;
    a completed payment is never touched; running the job twice changes nothing more."""
    now = timezone.now()
    card = services.payment_start(migration=_confirmed(), method=PaymentMethod.CARD, actor=None)
    wire = services.payment_start(migration=_confirmed(), method=PaymentMethod.WIRE, actor=None)
    Payment.objects.filter(pk__in=[card.pk, wire.pk]).update(
        created_at=now - dt.timedelta(hours=25))
    assert services.payments_lapse_due(now=now) == 1
    card.refresh_from_db()
    wire.refresh_from_db()
    assert card.status == PaymentStatus.LAPSED and wire.status == PaymentStatus.PENDING
    assert services.payments_lapse_due(now=now + dt.timedelta(days=14)) == 1
    wire.refresh_from_db()
    assert wire.status == PaymentStatus.LAPSED
    assert services.payments_lapse_due(now=now + dt.timedelta(days=30)) == 0
    assert card.history.filter(status=PaymentStatus.LAPSED).count() == 1


def test_funds_after_a_lapse_pay_the_order_unless_another_payment_is_live():
    """Nothing is lost: money that arrives for a lapsed checkout completes it when the
    order is still unpaid; when the customer already started another payment, it is
    refused (the notification stays for finance to refund)."""
    m = _confirmed()
    late = services.payment_start(migration=m, method=PaymentMethod.CARD, actor=None)
    Payment.objects.filter(pk=late.pk).update(status=PaymentStatus.LAPSED)
    services.payment_complete(payment=late, actor=None)
    m.refresh_from_db()
    assert m.status == MigrationStatus.PAID

    other = _confirmed()
    lapsed = services.payment_start(migration=other, method=PaymentMethod.CARD, actor=None)
    services.payment_cancel(payment=lapsed, actor=None)
    services.payment_start(migration=other, method=PaymentMethod.PAYPAL, actor=None)
    with pytest.raises(ValidationError, match="another live payment"):
        services.payment_complete(payment=lapsed, actor=None)
    lapsed.refresh_from_db()
    assert lapsed.status == PaymentStatus.CANCELLED
