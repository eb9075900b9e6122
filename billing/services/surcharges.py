"""BIL-5: the surcharge order for records created on a live source between the
payment and the start of the full migration.

One service raises it, whoever counted the records: the migration engine, which reports
the count at the start of the full migration (``orders.signals.records_counted``), or an
account manager in the admin. The customer pays it through the same checkout as the
order (``surcharge_payment_start``); a full refund returns it (BIL-12).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from orders.choices import MigrationKind, MigrationStatus, QuoteLineKind
from orders.models import Migration
from orders.services.quotes import MAX_RECORD_COUNT

from .. import emails
from ..choices import PaymentPurpose, SurchargeSource, SurchargeStatus
from ..models import Payment, Surcharge
from ..money import ZERO, cents
from .payments import BASE_CURRENCY, _build_payment, order_discount_usd, order_lines_usd

UNIT_PLACES = Decimal("0.000001")
CLOSED = (MigrationStatus.STOPPED, MigrationStatus.ARCHIVED)


def surcharge_unit_price(migration: Migration) -> Decimal:
    """The order's price per record: the migration line after the discount ÷ the
    records ordered (options, insurance and support plans are not per record)."""
    if migration.record_count <= 0:
        raise ValidationError("The order names no record count, so it has no price per "
                              "record.")
    price = order_lines_usd(migration).get(QuoteLineKind.MIGRATION, ZERO)
    price -= order_discount_usd(migration)
    return (price / migration.record_count).quantize(UNIT_PLACES)


def _records(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError({"records_at_start": "Give the records counted as a whole "
                                                   "number."})
    if not 0 < value <= MAX_RECORD_COUNT:
        raise ValidationError({"records_at_start": f"Give a count between 1 and "
                                                   f"{MAX_RECORD_COUNT:,}."})
    return value


def surcharge_applies(migration: Migration, records_at_start: int) -> bool:
    """Whether a count at the start would raise a surcharge: a paid full migration,
    more records than ordered, none raised yet, something to charge (a free order
    charges nothing per record)."""
    return (migration.kind == MigrationKind.FULL and migration.paid_at is not None
            and records_at_start > migration.record_count > 0
            and migration.status not in CLOSED
            and not Surcharge.objects.filter(migration_id=migration.pk).exists()
            and cents(surcharge_unit_price(migration)
                      * (records_at_start - migration.record_count)) > 0)


@transaction.atomic
def surcharge_raise(
    *, migration: Migration, records_at_start: int, actor,
    source: str = SurchargeSource.ADMIN, note: str = "", now: dt.datetime | None = None,
) -> Surcharge:
    """BIL-5: the records above those ordered become a surcharge order at the order's
    per-record price. Refused (nothing changes) for a migration that is not a paid full
    migration, that is stopped or archived, with no more records than ordered, or that
    has a surcharge already. The customer is e-mailed after the commit."""
    now = now or timezone.now()
    records_at_start = _records(records_at_start)
    migration = Migration.objects.select_for_update().select_related(
        "customer__user").get(pk=migration.pk)
    if migration.kind != MigrationKind.FULL:
        raise ValidationError("Surcharges apply to full migrations only (BIL-5).")
    if migration.paid_at is None:
        raise ValidationError("A surcharge applies to a paid order only (BIL-5).")
    if migration.status in CLOSED:
        raise ValidationError(f"Migration {migration.migration_id} is "
                              f"{migration.get_status_display().lower()}: no surcharge.")
    if Surcharge.objects.filter(migration=migration).exists():
        raise ValidationError(f"Migration {migration.migration_id} has a surcharge already.")
    if records_at_start <= migration.record_count:
        raise ValidationError({"records_at_start": f"{records_at_start:,} records is not more "
                               f"than the {migration.record_count:,} ordered: nothing to "
                               "charge."})
    unit = surcharge_unit_price(migration)
    amount = cents(unit * (records_at_start - migration.record_count))
    if amount <= 0:
        raise ValidationError("The surcharge comes to nothing at this order's price per "
                              "record.")
    surcharge = Surcharge(
        migration=migration, records_ordered=migration.record_count,
        records_at_start=records_at_start, unit_price_usd=unit, amount_usd=amount,
        source=source, note=note[:300], created_at=now, created_by=actor,
    )
    surcharge._history_user = actor
    surcharge.save()
    transaction.on_commit(lambda: emails.surcharge_raised(surcharge))
    return surcharge




@transaction.atomic
def surcharge_payment_start(
    *, surcharge: Surcharge, method: str, actor, currency: str = BASE_CURRENCY,
    country: str = "", now: dt.datetime | None = None,
) -> Payment:
    """BIL-5/BIL-2: the customer pays the surcharge like the order — its own payment,
    tax by the billing country (BIL-6), no discount (it is already in the per-record
    price)."""
    now = now or timezone.now()
    surcharge = Surcharge.objects.select_for_update().select_related("migration").get(
        pk=surcharge.pk)
    if surcharge.status != SurchargeStatus.DUE:
        raise ValidationError(f"This surcharge is {surcharge.get_status_display().lower()}: "
                              "nothing to pay.")
    if surcharge.migration.status in CLOSED:
        raise ValidationError("The migration is closed; the surcharge cannot be paid now.")
    if Payment.objects.filter(surcharge=surcharge, purpose=PaymentPurpose.SURCHARGE
                              ).live().exists():
        raise ValidationError("This surcharge already has a live payment.")
    return _build_payment(
        migration=surcharge.migration, surcharge=surcharge, purpose=PaymentPurpose.SURCHARGE,
        method=method, net_usd=surcharge.amount_usd, discount_usd=ZERO, currency=currency,
        country=country, actor=actor, now=now,
    )
