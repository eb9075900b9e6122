"""ORD-3 quotes: each priced part of an order is its own QuoteLine (BIL-7, BIL-14).

Rounding, stated once: every line is rounded to whole cents, ROUND_HALF_UP, after its
own arithmetic in Decimal (``cents``). Tiers are graduated (PriceTable's docstring).
ORD-16: the non-profit discount (OrdersSettings.nonprofit_discount_percent, seeded 15%)
is folded into the migration line itself, on orders created after the approval only, so
billing's discount (BIL-7) still reaches the migration price alone; the line says so.
Insurance (ORD-13) is a share of the undiscounted migration price.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from djmoney.money import Money

from slaportal.accounts.choices import ProductLine

from ..choices import ApplicationStatus, MigrationKind, MigrationStatus, QuoteLineKind
from ..errors import OrderError
from ..models import (
    AssistedOffer,
    InsurancePlan,
    Migration,
    NonProfitApplication,
    OrdersSettings,
    PackageOffer,
    Platform,
    PriceTable,
    QuoteLine,
)

CENT = Decimal("0.01")
CURRENCY = "USD"


def cents(amount: Decimal) -> Decimal:
    """The one rounding rule of quotes: to the cent, half up."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class PreviewLine:
    kind: str
    description: str
    amount: Money


def price_table_for(source: Platform, target: Platform) -> PriceTable:
    try:
        return PriceTable.objects.prefetch_related("tiers").get(
            source=source, target=target, is_active=True
        )
    except PriceTable.DoesNotExist:
        raise OrderError(f"No price for a migration from {source} to {target}.") from None


def migration_price(table: PriceTable, count: int) -> Decimal:
    """ORD-3: graduated tiers — each record/page at its band's rate; never below the
    table's minimum."""
    total, lower = Decimal("0"), 0
    for tier in sorted(table.tiers.all(), key=lambda t: (t.up_to is None, t.up_to or 0)):
        upper = count if tier.up_to is None else min(count, tier.up_to)
        if upper > lower:
            total += (upper - lower) * tier.unit_price.amount
            lower = upper
        if lower >= count:
            break
    return cents(max(total, table.minimum_price.amount))


def nonprofit_discount_applies(customer, created_at: dt.datetime) -> bool:
    """ORD-16: only orders placed after the approval get the discount."""
    return NonProfitApplication.objects.filter(
        customer=customer, status=ApplicationStatus.APPROVED, reviewed_at__lt=created_at
    ).exists()


# The order forms' own limit: a count beyond it is refused, whatever path it comes by.
MAX_RECORD_COUNT = 100_000_000


def quote_preview(
    *,
    line: str,
    source: Platform,
    target: Platform,
    record_count: int,
    options=(),
    support_plan=None,
    insurance: InsurancePlan | None = None,
    package_tier: str | None = None,
    assisted_tier: str | None = None,
    nonprofit: bool = False,
) -> list[PreviewLine]:
    """The priced lines of an order, without saving anything (the wizard calls it)."""
    if record_count <= 0:
        raise OrderError("Give the number of records (or pages) to migrate.")
    if record_count > MAX_RECORD_COUNT:
        raise OrderError(f"An order migrates at most {MAX_RECORD_COUNT:,} records (or "
                         "pages); contact us for a larger migration.")
    if source.line != line or target.line != line:
        raise OrderError("Both platforms must belong to the order's product line.")
    unit = "pages" if line == ProductLine.CMS else "records"
    base = migration_price(price_table_for(source, target), record_count)
    amount, description = base, f"Migration {source} → {target}, {record_count:,} {unit}"
    if nonprofit:
        percent = OrdersSettings.load().nonprofit_discount_percent
        amount = cents(base * (100 - percent) / 100)
        description += f" (non-profit −{percent.normalize()}%, ORD-16)"
    lines = [PreviewLine(QuoteLineKind.MIGRATION, description, Money(amount, CURRENCY))]
    for option in options:
        if option.line != line:
            raise OrderError(f"Option {option.name} is not offered on this product line.")
        lines.append(PreviewLine(QuoteLineKind.OPTION, option.name, option.price))
    if support_plan is not None:
        if support_plan.line != line:
            raise OrderError(f"{support_plan} is not a plan of this product line.")
        lines.append(
            PreviewLine(QuoteLineKind.SUPPORT_PLAN, f"Support plan {support_plan.name}",
                        support_plan.price)
        )
    if insurance is not None:
        if line != ProductLine.CMS:
            raise OrderError("Migration Insurance is sold on the CMS line (ORD-13).")
        premium = cents(base * insurance.percent / 100)
        lines.append(
            PreviewLine(QuoteLineKind.INSURANCE,
                        f"{insurance.name} ({insurance.percent.normalize()}% of the migration)",
                        Money(premium, CURRENCY))
        )
    if package_tier:
        if line != ProductLine.CMS:
            raise OrderError("Support Service Packages are sold on the CMS line (ORD-12).")
        offer = PackageOffer.objects.get(tier=package_tier)
        if offer.page_limit is not None and record_count > offer.page_limit:
            raise OrderError(
                f"The {offer} package covers up to {offer.page_limit:,} pages (ORD-12)."
            )
        lines.append(
            PreviewLine(QuoteLineKind.PACKAGE, f"{offer} Support Service Package", offer.price)
        )
    if assisted_tier:
        if line != ProductLine.CMS:
            raise OrderError("Assisted Migration is sold on the CMS line (ORD-11).")
        offer = AssistedOffer.objects.get(tier=assisted_tier)
        lines.append(PreviewLine(QuoteLineKind.ASSISTED, f"{offer} Assisted Migration",
                                 offer.price))
    return lines


def quote_total(lines) -> Money:
    return Money(sum((ln.amount.amount for ln in lines), Decimal("0")), CURRENCY)


@transaction.atomic
def quote_price(*, migration: Migration, actor=None) -> list[QuoteLine]:
    """(Re)write the quote lines of a migration still being quoted."""
    if migration.status != MigrationStatus.QUOTED:
        raise OrderError(
            f"Migration {migration.migration_id} is {migration.get_status_display()}; "
            "only a quoted order can be re-priced."
        )
    if migration.kind == MigrationKind.DEMO:
        raise OrderError("A demo migration is free (ORD-2): it has no quote.")
    package = getattr(migration, "service_package", None)
    assisted = getattr(migration, "assisted", None)
    # ORD-7/8/9: a follow-up (re-, delta migration) prices the migration work only; the
    # support plan, insurance and services were bought with the original order.
    follow_up = migration.parent_id is not None
    preview = quote_preview(
        line=migration.line,
        source=migration.source_platform,
        target=migration.target_platform,
        record_count=migration.record_count,
        options=list(migration.options.all()),
        support_plan=None if follow_up else migration.support_plan,
        insurance=None if follow_up else migration.insurance,
        package_tier=package.tier if package and not follow_up else None,
        assisted_tier=assisted.tier if assisted and not follow_up else None,
        nonprofit=nonprofit_discount_applies(migration.customer, migration.created_at),
    )
    if migration.free_entitlement:
        # ORD-7/ORD-8: the plan's free re-/delta migration costs nothing at all.
        preview = [PreviewLine(QuoteLineKind.MIGRATION,
                               preview[0].description + " — free under the support plan",
                               Money(0, CURRENCY))]
    QuoteLine.objects.filter(migration=migration).delete()
    return QuoteLine.objects.bulk_create(
        QuoteLine(migration=migration, kind=ln.kind, description=ln.description[:200],
                  amount=ln.amount, position=i)
        for i, ln in enumerate(preview)
    )


@transaction.atomic
def quote_build(
    *,
    customer,
    line: str,
    source: Platform,
    target: Platform,
    record_count: int,
    actor,
    options=(),
    support_plan=None,
    insurance: InsurancePlan | None = None,
    package_tier: str | None = None,
    assisted_tier: str | None = None,
    from_demo: Migration | None = None,
) -> Migration:
    """ORD-1/ORD-3: a new full migration order with its priced lines (status quoted)."""
    from .packages import assisted_create, package_create

    if from_demo is not None and from_demo.customer_id != customer.pk:
        raise OrderError("That demo belongs to another customer.")
    migration = Migration.objects.create(
        customer=customer, line=line, kind=MigrationKind.FULL, support_plan=support_plan,
        source_platform=source, target_platform=target, record_count=record_count,
        insurance=insurance, from_demo=from_demo, created_by=actor if actor else None,
    )
    migration.options.set(options)
    if package_tier:
        package_create(migration=migration, tier=package_tier, actor=actor)
    if assisted_tier:
        assisted_create(migration=migration, tier=assisted_tier, actor=actor)
    quote_price(migration=migration, actor=actor)
    return migration
