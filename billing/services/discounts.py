"""Discount codes (BIL-7, BIL-14) and the Confirm Migration step (ORD-4)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from orders.choices import MigrationStatus, QuoteLineKind
from orders.models import Migration
from slaportal.accounts.choices import ProductLine

from .. import emails, orders_api
from ..models import DiscountCode, DiscountRedemption
from ..money import ZERO, percent_of
from .payments import order_lines_usd


def discount_base_usd(migration: Migration):
    """BIL-7/BIL-14: a code takes a percentage off the migration price line only —
    never options, insurance, support plans, packages, weekend support or custom work."""
    return order_lines_usd(migration).get(QuoteLineKind.MIGRATION, ZERO)


def _refused(message: str, code: str) -> ValidationError:
    """The customer's message on the code field, with the reason staff see (BIL-7)."""
    return ValidationError({"discount_code": ValidationError(message, code=code)})


def _check_code(code: DiscountCode, migration: Migration, now: dt.datetime) -> None:
    if code.withdrawn_at is not None and code.withdrawn_at <= now:
        raise _refused("This discount code has been withdrawn.", "withdrawn")
    if code.valid_from and now < code.valid_from:
        raise _refused("This discount code is not valid yet.", "not_yet_valid")
    if code.valid_until and now >= code.valid_until:
        raise _refused("This discount code has expired.", "expired")
    line_ok = (migration.line == ProductLine.CMS and code.applies_to_cms) or (
        migration.line == ProductLine.DATA and code.applies_to_data
    )
    if not line_ok or (code.kinds and migration.kind not in code.kinds):
        raise _refused("This discount code does not apply to this order.", "out_of_scope")


REFUSAL_REASONS = {
    "unknown": "No such code", "withdrawn": "Withdrawn", "not_yet_valid": "Not valid yet",
    "expired": "Expired", "out_of_scope": "Out of scope (line or kind)",
    "one_per_order": "One code per order", "nothing_to_discount": "No migration price",
    "used_up": "Used up", "customer_limit": "Customer's limit reached",
}


def discount_refusal_record(*, migration: Migration, code: str, error: ValidationError,
                            actor, now: dt.datetime | None = None):
    """BIL-7: keep a refused code (outside the refused transaction) so staff see why an
    order did not get it; the customer saw the message itself."""
    from ..models import DiscountRefusal

    errors = getattr(error, "error_dict", {}).get("discount_code") or []
    if not errors:
        return None
    return DiscountRefusal.objects.create(
        migration=migration, customer_id=migration.customer_id,
        code_typed=(code or "").strip()[:40].replace("\x00", ""),
        reason=errors[0].code or "", message=errors[0].messages[0][:200],
        refused_at=now or timezone.now(), refused_by=actor if getattr(actor, "pk", None)
        else None,
    )


@transaction.atomic
def discount_redeem(
    *, migration: Migration, code: str, actor, now: dt.datetime | None = None
) -> DiscountRedemption:
    """BIL-7: use a code on one order; its usage limits hold under concurrent checkouts.

    The use is counted with one conditional UPDATE (``used = used + 1 WHERE used <
    limit``): the database serialises concurrent updates of the row, so exactly
    ``limit`` orders get the code. The per-customer limit is checked after that
    update, when concurrent uses by the same customer have committed or rolled back.
    """
    now = now or timezone.now()
    normalised = (code or "").strip().upper()
    found = DiscountCode.objects.filter(code=normalised).first()
    if found is None:
        raise _refused("No such discount code.", "unknown")
    _check_code(found, migration, now)
    if DiscountRedemption.objects.filter(migration=migration).exists():
        raise _refused("This order already has a discount code.", "one_per_order")
    base = discount_base_usd(migration)
    if base <= 0:
        raise _refused("This order has no migration price to discount.", "nothing_to_discount")
    counted = (
        DiscountCode.objects.filter(pk=found.pk, withdrawn_at__isnull=True)
        .filter(Q(usage_limit__isnull=True) | Q(used_count__lt=F("usage_limit")))
        .update(used_count=F("used_count") + 1)
    )
    if counted != 1:
        raise _refused("This discount code has been used up.", "used_up")
    if found.per_customer_limit is not None:
        used_by_customer = DiscountRedemption.objects.filter(
            code=found, customer_id=migration.customer_id
        ).count()
        if used_by_customer >= found.per_customer_limit:
            raise _refused(
                "You have used this discount code as many times as allowed.", "customer_limit"
            )
    try:
        with transaction.atomic():
            return DiscountRedemption.objects.create(
                code=found, migration=migration, customer_id=migration.customer_id,
                percent=found.percent, amount_usd=percent_of(base, found.percent),
                redeemed_at=now, redeemed_by=actor,
            )
    except IntegrityError as exc:  # a concurrent confirm of the same order won
        raise _refused("This order already has a discount code.", "one_per_order") from exc


@transaction.atomic
def order_confirm(
    *, migration: Migration, actor, discount_code: str | None = None,
    now: dt.datetime | None = None,
) -> Migration:
    """ORD-4/BIL-7: the Confirm Migration step — the one place a code is taken.

    Validates and redeems the code, then confirms the order, in one transaction: a
    failure anywhere leaves neither the redemption nor the confirmation.
    """
    now = now or timezone.now()
    migration = Migration.objects.select_for_update().get(pk=migration.pk)
    if migration.status != MigrationStatus.QUOTED:
        raise ValidationError(
            "A discount code is entered at the Confirm Migration step only; this order is "
            f"already {migration.get_status_display().lower()}."
        )
    if discount_code and discount_code.strip():
        discount_redeem(migration=migration, code=discount_code, actor=actor, now=now)
    orders_api.confirm(migration=migration, actor=actor)
    # BIL-7: a code worth the whole order leaves nothing to pay: settled here.
    from .payments import order_settle_without_charge

    order_settle_without_charge(migration=migration, actor=actor, now=now)
    migration.refresh_from_db()
    from .payments import order_discount_usd, order_total_usd

    emails.order_confirmed(migration, order_total_usd(migration), order_discount_usd(migration))
    return migration


@transaction.atomic
def discount_code_withdraw(
    *, code: DiscountCode, actor, now: dt.datetime | None = None
) -> DiscountCode:
    """BIL-7: the vendor withdraws a code; it stops new use at once."""
    now = now or timezone.now()
    DiscountCode.objects.filter(pk=code.pk, withdrawn_at__isnull=True).update(withdrawn_at=now)
    code.refresh_from_db()
    return code


@transaction.atomic
def discount_code_save(*, code: DiscountCode, actor) -> DiscountCode:
    """Create or change a code (the vendor may change a code at any time)."""
    code.code = (code.code or "").strip().upper()
    if code.pk is None:
        code.created_by = actor
    code.full_clean()
    code.save()
    return code
