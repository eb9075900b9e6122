"""BIL-7: the customer sees a plain reason a code is refused; staff see every refused
attempt on an order, with the reason, in the admin."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from billing.models import DiscountRedemption, DiscountRefusal
from tests.factories.billing import DiscountCodeFactory, priced_migration

pytestmark = pytest.mark.django_db


def test_refused_codes_are_told_to_the_customer_and_kept_for_staff(client, admin_client):
    m = priced_migration({"migration": "1000.00"})
    DiscountCodeFactory(code="OLD", percent=Decimal("10"),
                        valid_until=timezone.now() - dt.timedelta(days=1))
    DiscountCodeFactory(code="CMSONLY", percent=Decimal("10"), applies_to_data=False,
                        applies_to_cms=True)
    client.force_login(m.customer.user)
    url = reverse("billing:confirm", args=[m.migration_id])
    cases = [("old", "This discount code has expired.", "expired"),
             ("cmsonly", "This discount code does not apply to this order.", "out_of_scope"),
             ("NOPE", "No such discount code.", "unknown")]
    for typed, message, _ in cases:
        page = client.post(url, {"discount_code": typed, "apply": "1"}).content.decode()
        assert message in page  # the preview says why, nothing is redeemed
    page = client.post(url, {"discount_code": " old "}).content.decode()  # Confirm
    assert "This discount code has expired." in page
    assert not DiscountRedemption.objects.exists()
    refusals = list(DiscountRefusal.objects.order_by("pk").values_list("code_typed", "reason"))
    assert refusals == [("old", "expired"), ("cmsonly", "out_of_scope"), ("NOPE", "unknown"),
                        ("old", "expired")]
    listing = admin_client.get(reverse("admin:billing_discountrefusal_changelist"),
                               {"q": m.migration_id}).content.decode()
    assert "Expired" in listing and "Out of scope" in listing and "No such code" in listing
