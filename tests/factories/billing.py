"""Factories for billing's models; migrations come from the orders factory."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from djmoney.money import Money

from billing.choices import PaymentMethod, PaymentPurpose, PaymentStatus, RefundReason
from billing.models import DiscountCode, ExchangeRate, Payment, RefundRequest
from orders.choices import MigrationStatus, QuoteLineKind
from orders.models import Migration, QuoteLine

from .orders import MigrationFactory

UTC = dt.UTC

__all__ = [
    "BillingMigrationFactory",
    "BillingQuoteLineFactory",
    "DiscountCodeFactory",
    "ExchangeRateFactory",
    "PaymentFactory",
    "RefundRequestFactory",
    "priced_migration",
]


BillingMigrationFactory = MigrationFactory


class BillingQuoteLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuoteLine

    migration = factory.SubFactory(BillingMigrationFactory)
    kind = QuoteLineKind.MIGRATION
    description = factory.LazyAttribute(lambda o: f"{o.kind} line")
    amount = Money(Decimal("1000.00"), "USD")


def priced_migration(lines: dict[str, str] | None = None, **fields) -> Migration:
    """A migration with quote lines by kind, e.g. {"migration": "1000", "insurance": "70"}."""
    migration = BillingMigrationFactory(**fields)
    for position, (kind, amount) in enumerate((lines or {"migration": "1000.00"}).items()):
        BillingQuoteLineFactory(migration=migration, kind=kind, position=position,
                                amount=Money(Decimal(amount), "USD"))
    return migration


class PaymentFactory(factory.django.DjangoModelFactory):
    """A completed order payment (its funds arrived at ``transaction_at``)."""

    class Meta:
        model = Payment

    migration = factory.SubFactory(BillingMigrationFactory, status=MigrationStatus.PAID)
    purpose = PaymentPurpose.ORDER
    method = PaymentMethod.CARD
    status = PaymentStatus.COMPLETED
    net_usd = Decimal("1000.00")
    amount = factory.LazyAttribute(lambda o: Money(o.net_usd, "USD"))
    transaction_at = dt.datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


class ExchangeRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExchangeRate

    currency = "EUR"
    rate_to_usd = Decimal("1.100000")
    valid_from = dt.datetime(2026, 1, 1, tzinfo=UTC)


class DiscountCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DiscountCode

    code = factory.Sequence(lambda n: f"SAVE{n}")
    percent = Decimal("10.00")


class RefundRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RefundRequest

    migration = factory.SubFactory(BillingMigrationFactory, status=MigrationStatus.PAID)
    customer = factory.LazyAttribute(lambda o: o.migration.customer)
    reason = RefundReason.DATA_CORRUPTION
    description = "Tickets lost their attachments."
    problem_first_reported_at = dt.datetime(2026, 3, 10, 10, 0, tzinfo=UTC)
    submitted_at = dt.datetime(2026, 3, 20, 10, 0, tzinfo=UTC)
