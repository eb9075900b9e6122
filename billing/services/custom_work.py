"""ORD-10/BIL-1/BIL-14: custom work is paid in advance, through the same checkout as an
order, at its quoted price — no discount applies; tax by the billing country (BIL-6).
It is not refundable (BIL-11)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from orders.models import CustomWorkRequest

from .. import orders_api
from ..choices import PaymentPurpose
from ..models import Payment
from ..money import ZERO, cents
from .payments import BASE_CURRENCY, _build_payment


@transaction.atomic
def custom_work_payment_start(
    *, work: CustomWorkRequest, method: str, actor, currency: str = BASE_CURRENCY,
    country: str = "", now: dt.datetime | None = None,
) -> Payment:
    """The customer accepts the quote and pays it; the work moves to "paid" when the
    funds arrive (``payment_complete``). The caller checks that the work is the
    customer's own (ACC-3)."""
    now = now or timezone.now()
    work = CustomWorkRequest.objects.select_for_update().get(pk=work.pk)
    orders_api.custom_work_payable(work)
    if work.price is None or str(work.price.currency) != BASE_CURRENCY:
        raise ValidationError(f"Custom work #{work.pk} is not priced in USD (BIL-3).")
    if Payment.objects.filter(custom_work=work, purpose=PaymentPurpose.CUSTOM_WORK
                              ).live().exists():
        raise ValidationError("This custom work already has a live payment.")
    return _build_payment(
        migration=None, custom_work=work, purpose=PaymentPurpose.CUSTOM_WORK, method=method,
        net_usd=cents(work.price.amount), discount_usd=ZERO, currency=currency,
        country=country, actor=actor, now=now,
    )
