"""The whole money path offline, through the orders services billing calls."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from djmoney.money import Money

from billing import services
from billing.choices import PaymentMethod, PaymentStatus, RefundReason
from billing.forms import RefundRequestForm
from billing.models import DataDeletionConfirmation
from billing.selectors import checkout_url, customer_pending_data_deletions
from orders.choices import MigrationStatus
from tests.factories import StaffFactory
from tests.factories.billing import DiscountCodeFactory, priced_migration

pytestmark = pytest.mark.django_db


def test_confirm_pay_in_sandbox_then_full_refund_and_deletion(client, settings,
                                                             orders_contract):
    """BIL-1/BIL-2/BIL-7/BIL-10/BIL-13/ORD-17: quote → Confirm with a code → pay in the
    sandbox → refund of an unused service → work stops → the customer confirms deletion."""
    settings.PAYPRO_SANDBOX = True
    settings.PAYPRO_ALLOW_TEST_MODE = True
    settings.PAYPRO_IPN_VALIDATION_KEY = ""
    m = priced_migration({"migration": "1000.00", "insurance": "70.00"})
    customer = m.customer
    DiscountCodeFactory(code="WELCOME", percent=Decimal("10"), usage_limit=1)

    services.order_confirm(migration=m, actor=customer.user, discount_code="welcome")
    payment = services.payment_start(migration=m, method=PaymentMethod.PAYPAL,
                                     actor=customer.user)
    assert payment.amount == Money(Decimal("970.00"), "USD")  # 1070 − 10% of 1000

    client.force_login(customer.user)
    client.post(checkout_url(payment))
    payment.refresh_from_db()
    m.refresh_from_db()
    assert payment.status == PaymentStatus.COMPLETED and m.status == MigrationStatus.PAID

    form = RefundRequestForm(customer=customer, data={
        "migration": m.migration_id, "reason": RefundReason.NOT_USED,
        "description": "We changed our plans."})
    assert form.is_valid(), form.errors
    request = services.refund_request_submit(customer=customer, actor=customer.user,
                                             **form.cleaned_data)
    finance = StaffFactory()
    refund = services.refund_approve(request=request, actor=finance)
    assert refund.amount_usd == Decimal("921.50")  # 970 − 5% (48.50)
    m.refresh_from_db()
    assert m.status == MigrationStatus.STOPPED

    pending = customer_pending_data_deletions(customer)
    assert [d.migration_id for d in pending] == [m.pk]
    services.data_deletion_confirm(confirmation=pending.get(), actor=customer.user)
    assert DataDeletionConfirmation.objects.get().confirmed_at <= timezone.now()
    assert not customer_pending_data_deletions(customer).exists()
    assert reverse("billing:paypro_ipn") == "/billing/paypro/ipn/"
