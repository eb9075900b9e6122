"""Money arithmetic of billing, in ``Decimal`` only (never float).

Rounding is stated once: amounts are quantized to the cent with ROUND_HALF_UP.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal("100")
ZERO = Decimal("0.00")


def cents(value: Decimal) -> Decimal:
    """The one rounding rule of billing."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def percent_of(amount: Decimal, percent: Decimal) -> Decimal:
    return cents(amount * percent / HUNDRED)


def usd_to_currency(amount_usd: Decimal, rate_to_usd: Decimal) -> Decimal:
    """USD converted into a currency whose unit buys ``rate_to_usd`` dollars."""
    return cents(amount_usd / rate_to_usd)


def currency_to_usd(amount: Decimal, rate_to_usd: Decimal) -> Decimal:
    return cents(amount * rate_to_usd)
