"""BIL-5: surcharges for records created on a live source after the payment."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from djmoney.money import Money

from orders.choices import QuoteLineKind
from orders.models import Migration, QuoteLine

from ..choices import PaymentPurpose
from ..models import Payment
from ..money import ZERO, cents
from .payments import BASE_CURRENCY, _build_payment, order_discount_usd, order_lines_usd


@transaction.atomic
def surcharge_create(
    *, migration: Migration, ordered_records: int, new_records: int, method: str, actor,
    currency: str = BASE_CURRENCY, country: str = "", now: dt.datetime | None = None,
) -> Payment:
    """BIL-5: charge the records created between the payment and the start, at the
    order's per-record price (the migration line after discount ÷ the records ordered).

    A surcharge order: a ``surcharge`` quote line and its own payment.
    """
    now = now or timezone.now()
    migration = Migration.objects.select_for_update().get(pk=migration.pk)
    if migration.paid_at is None:
        raise ValidationError("A surcharge applies to a paid order only.")
    if migration.started_at is not None:
        raise ValidationError("The migration has started; records created later are not "
                              "charged as a surcharge.")
    if ordered_records <= 0 or new_records <= 0:
        raise ValidationError("Give the records ordered and the new records (both > 0).")
    price = order_lines_usd(migration).get(QuoteLineKind.MIGRATION, ZERO)
    price -= order_discount_usd(migration)
    total = cents(price * new_records / ordered_records)
    if total <= 0:
        raise ValidationError("The surcharge comes to nothing.")
    position = migration.quote_lines.count() + 1
    QuoteLine.objects.create(
        migration=migration, kind=QuoteLineKind.SURCHARGE, position=position,
        description=f"Surcharge: {new_records} new records at {cents(price / ordered_records)}"
        " USD each",
        amount=Money(total, BASE_CURRENCY),
    )
    return _build_payment(
        migration=migration, purpose=PaymentPurpose.SURCHARGE, method=method,
        net_usd=total, discount_usd=ZERO, currency=currency, country=country, actor=actor,
        now=now,
    )
