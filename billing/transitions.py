"""Allowed moves between payment and refund-request statuses (data, one dict each)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from .choices import PaymentStatus as P
from .choices import RefundRequestStatus as R

PAYMENT_TRANSITIONS: dict[str, set[str]] = {
    P.PENDING: {P.COMPLETED, P.FAILED, P.CANCELLED, P.LAPSED},
    # Funds that arrive after the checkout was given up still complete it, when the order
    # has no other live payment (payment_complete; else the notification waits for staff).
    P.CANCELLED: {P.COMPLETED},
    P.LAPSED: {P.COMPLETED},
    P.COMPLETED: {P.EXPIRED, P.REFUNDED, P.CHARGED_BACK},
    P.EXPIRED: set(),
    P.REFUNDED: {P.CHARGED_BACK},
    P.CHARGED_BACK: set(),
    P.FAILED: set(),
}

REFUND_REQUEST_TRANSITIONS: dict[str, set[str]] = {
    R.SUBMITTED: {R.APPROVED, R.DENIED},
    R.APPROVED: {R.PAID_OUT},
    R.DENIED: set(),
    R.PAID_OUT: set(),
}


def check_payment_move(current: str, new: str) -> None:
    if new not in PAYMENT_TRANSITIONS.get(current, set()):
        raise ValidationError(
            f"A payment that is {P(current).label.lower()} cannot become "
            f"{P(new).label.lower()}."
        )


def check_refund_request_move(current: str, new: str) -> None:
    if new not in REFUND_REQUEST_TRANSITIONS.get(current, set()):
        raise ValidationError(
            f"A refund request that is {R(current).label.lower()} cannot become "
            f"{R(new).label.lower()}."
        )
