"""Amounts the apps above orders take off or add to an order's quote total (a discount
code, BIL-7), told without orders importing them: the migration page's total is then
the one the customer pays before tax."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from djmoney.money import Money

# (migration) -> [(label, signed amount in USD)]
Adjustment = Callable[[object], list[tuple[str, Decimal]]]
_ADJUSTMENTS: dict[str, Adjustment] = {}


def register_adjustment(name: str, fn: Adjustment) -> None:
    _ADJUSTMENTS[name] = fn


def adjustments(migration) -> list[tuple[str, Money]]:
    lines = []
    for _, fn in sorted(_ADJUSTMENTS.items()):
        lines += [(label, Money(amount, "USD")) for label, amount in fn(migration)]
    return lines
