"""Allowed status moves as data (SUP-3, SUP-11, SUP-14); services enforce them."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from slaportal.accounts.choices import ProductLine

from .choices import BookingStatus, TicketStatus

S = TicketStatus
TICKET_TRANSITIONS: dict[str, set[str]] = {
    S.NEW: {S.OPEN, S.WAITING_ON_CUSTOMER, S.SOLVED, S.CLOSED},
    S.OPEN: {S.WAITING_ON_CUSTOMER, S.SOLVED, S.CLOSED},
    S.WAITING_ON_CUSTOMER: {S.OPEN, S.SOLVED, S.CLOSED},
    S.REOPENED: {S.OPEN, S.WAITING_ON_CUSTOMER, S.SOLVED, S.CLOSED},
    S.SOLVED: {S.REOPENED},
    S.CLOSED: {S.REOPENED},
}

# SUP-3: the CMS line closes a ticket as "closed", the data line as "considered solved".
FINAL_STATUS: dict[str, str] = {ProductLine.CMS: S.CLOSED, ProductLine.DATA: S.SOLVED}

B = BookingStatus
BOOKING_TRANSITIONS: dict[str, set[str]] = {
    B.PENDING_PAYMENT: {B.PAID, B.CANCELLED},
    B.PAID: {B.DELIVERED, B.CANCELLED},
    B.DELIVERED: set(),
    B.CANCELLED: set(),
}


def check_ticket_move(*, line: str, current: str, new: str) -> None:
    if new not in TICKET_TRANSITIONS.get(current, set()):
        raise ValidationError(
            f"A ticket that is {S(current).label.lower()} cannot become {S(new).label.lower()}."
        )
    if new in FINAL_STATUS.values() and new != FINAL_STATUS[line]:
        raise ValidationError(
            f"On the {ProductLine(line).label} a ticket ends as "
            f"{S(FINAL_STATUS[line]).label.lower()} (SUP-3)."
        )


def check_booking_move(*, current: str, new: str) -> None:
    if new not in BOOKING_TRANSITIONS.get(current, set()):
        raise ValidationError(
            f"A weekend booking that is {B(current).label.lower()} cannot become "
            f"{B(new).label.lower()}."
        )
