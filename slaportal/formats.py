"""One way to write money everywhere the customer reads it: django-money's formatting
(currency symbol where there is one, else the code), two decimals."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from djmoney.money import Money


def money_text(value, currency: str | None = None) -> str:
    """``Money`` as it is, or an amount in ``currency`` (USD by default), e.g.
    "US$971.85", "€100.00", "UAH1,234.50"; empty input is "—"."""
    if value is None or value == "":
        return "—"
    if isinstance(value, Money):
        amount, currency = value.amount, str(value.currency)
    else:
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            return str(value)
    amount = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return str(Money(amount, currency or "USD"))
