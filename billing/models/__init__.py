"""Billing records: payments, invoices, notifications, rates, taxes, discount codes,
refund requests, refunds and credit notes (SPEC BIL-1..14)."""

from .discounts import DiscountCode, DiscountRedemption, DiscountRefusal
from .payments import (
    ExchangeRate,
    Invoice,
    NumberSequence,
    Payment,
    ProviderNotification,
    TaxRule,
)
from .refunds import (
    CreditNote,
    DataDeletionConfirmation,
    ImmutableRecordError,
    Refund,
    RefundRequest,
)
from .surcharges import Surcharge

__all__ = [
    "CreditNote",
    "DataDeletionConfirmation",
    "DiscountCode",
    "DiscountRedemption",
    "DiscountRefusal",
    "ExchangeRate",
    "ImmutableRecordError",
    "Invoice",
    "NumberSequence",
    "Payment",
    "ProviderNotification",
    "Refund",
    "RefundRequest",
    "Surcharge",
    "TaxRule",
]
