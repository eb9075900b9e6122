"""BIL-7/BIL-1: a discount code worth the whole order settles it at the Confirm step —
no checkout, no provider, a recorded zero payment — through the customer pages."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from billing.choices import PaymentMethod, PaymentStatus
from billing.models import Payment
from orders.choices import MigrationStatus
from tests.factories.billing import DiscountCodeFactory, priced_migration

pytestmark = pytest.mark.django_db


def test_a_full_discount_confirms_and_pays_the_order_without_a_checkout(client):
    """BIL-7: a 100% code on an order of only the migration leaves 0 to pay; Confirm
    records a completed zero payment with the discount, the order is paid (ORD-5) and
    the customer lands on their migration, told there is nothing to pay."""
    m = priced_migration({"migration": "1000.00"})
    DiscountCodeFactory(code="ONUS", percent=Decimal("100"), usage_limit=1)
    client.force_login(m.customer.user)
    response = client.post(reverse("billing:confirm", args=[m.migration_id]),
                           {"discount_code": " onus "}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("orders:detail", args=[m.migration_id])
    assert "nothing to pay" in response.content.decode()
    m.refresh_from_db()
    assert m.status == MigrationStatus.PAID and m.paid_at is not None
    payment = Payment.objects.get(migration=m)
    assert payment.method == PaymentMethod.NO_CHARGE and payment.status == PaymentStatus.COMPLETED
    assert payment.amount.amount == 0 and payment.discount_usd == Decimal("1000.00")
    assert payment.transaction_at is not None  # BIL-4's 30 days run from here
    # The payments page lists it; the pay page has nothing to offer.
    payments_page = client.get(reverse("billing:payment_list")).content.decode()
    assert "Nothing to pay (discount)" in payments_page


def test_a_partial_discount_still_goes_to_the_checkout(client):
    """BIL-7: with something left to pay the customer chooses how to pay, as before."""
    m = priced_migration({"migration": "1000.00"})
    DiscountCodeFactory(code="HALF", percent=Decimal("50"), usage_limit=1)
    client.force_login(m.customer.user)
    response = client.post(reverse("billing:confirm", args=[m.migration_id]),
                           {"discount_code": "HALF"})
    assert response["Location"] == reverse("billing:pay", args=[m.migration_id])
    m.refresh_from_db()
    assert m.status == MigrationStatus.CONFIRMED and not Payment.objects.exists()


def test_the_zero_method_cannot_be_chosen_at_the_checkout():
    """Nobody starts a 'no charge' payment by hand: only a full discount records one."""
    from django.core.exceptions import ValidationError

    from billing import services

    m = priced_migration({"migration": "1000.00"})
    services.order_confirm(migration=m, actor=m.customer.user)
    with pytest.raises(ValidationError):
        services.payment_start(migration=m, method=PaymentMethod.NO_CHARGE,
                               actor=m.customer.user)
