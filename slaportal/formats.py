"""How the customer reads money and messages. Money: django-money's formatting
(currency symbol where there is one, else the code), two decimals."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from djmoney.money import Money


def money_text(value, currency: str | None = None) -> str:
    """``Money`` as it is, or an amount in ``currency`` (USD by default), e.g.
    "US$971.85", "€100.00", "UAH1,234.50"; empty input is "—"."""
    if value is None or value == "":
        return "—"
    if isinstance(value, Money):
        return str(value)  # django-money's own format: the currency's decimals
    try:
        return str(Money(Decimal(str(value)), currency or "USD"))
    except InvalidOperation:
        return str(value)


_ID = r"(?:CAL|SUP|ORD|BIL|ACC)-\d+"
_IDS = rf"{_ID}(?:\s*[/,&]\s*{_ID}|\s+and\s+{_ID})*"
_PLAIN = [
    (re.compile(rf"\s*\((?:see\s+)?{_IDS}\)"), ""),      # "… (BIL-4)."      -> "…."
    (re.compile(rf"\({_IDS}\s*[,;:]\s*"), "("),           # "(BIL-9, up to …)" -> "(up to …)"
    (re.compile(rf"\s*[,;]\s*{_IDS}\s*\)"), ")"),          # "(no code, BIL-14)" -> "(no code)"
    (re.compile(rf"\b{_IDS}\s*:\s*"), ""),                 # "SUP-3: …"         -> "…"
    (re.compile(rf"\s*\b{_IDS}\b"), ""),                   # any left
]


def plain_words(text) -> str:
    """A message for a customer's eyes: the agreement's rule IDs taken out (staff pages
    keep them). "Paid in advance (BIL-1)." -> "Paid in advance."."""
    text = str(text)
    for pattern, replacement in _PLAIN:
        text = pattern.sub(replacement, text)
    return text
