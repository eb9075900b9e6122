"""SUP-11: on-demand weekend support, Signature only, >= 3 hours, paid in advance."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from djmoney.money import Money

from slaportal.accounts.choices import ProductLine

from ..choices import BookingStatus
from ..models import WeekendBooking
from ..selectors import customer_plan, support_settings
from ..transitions import check_booking_move
from .common import now_or
from .tickets import refuse_if_stopped

CENT = Decimal("0.01")


@transaction.atomic
def weekend_booking_create(
    *, customer, day: dt.date, hours, actor, now=None
) -> WeekendBooking:
    now = now_or(now)
    refuse_if_stopped(customer)
    hours = Decimal(str(hours))
    plan = customer_plan(customer=customer, line=ProductLine.DATA)
    if not plan.weekend_support:
        raise ValidationError(
            f"On-demand weekend support is for SIGNATURE customers only (SUP-11); "
            f"your plan is {plan.name}."
        )
    settings = support_settings()
    if hours < settings.weekend_min_hours:
        raise ValidationError(
            {"hours": f"Book at least {settings.weekend_min_hours} hours of weekend support "
                      "(SUP-11)."}
        )
    if day.weekday() < 5:
        raise ValidationError({"day": "Choose a Saturday or a Sunday."})
    if day <= timezone.localtime(now).date():
        raise ValidationError({"day": "Weekend support is booked in advance."})
    rate = settings.weekend_hourly_rate
    # Rounding stated once: the price is hours x rate, to the cent, half up.
    price = Money((rate.amount * hours).quantize(CENT, ROUND_HALF_UP), rate.currency)
    return WeekendBooking.objects.create(
        customer=customer, day=day, hours=hours, hourly_rate=rate, price=price,
        booked_by=actor, created_at=now,
    )


def _move(booking: WeekendBooking, new: str, now, stamp: str) -> WeekendBooking:
    booking = WeekendBooking.objects.select_for_update().get(pk=booking.pk)
    if booking.status == new:
        return booking  # idempotent: billing may call twice
    check_booking_move(current=booking.status, new=new)
    booking.status = new
    setattr(booking, stamp, now)
    booking.save(update_fields=["status", stamp])
    return booking


@transaction.atomic
def weekend_booking_mark_paid(
    *, booking: WeekendBooking | int, actor=None, now=None
) -> WeekendBooking:
    """Called by billing when the advance payment arrived (SUP-11, BIL-1). Takes the
    booking or its id; calling it again for a paid booking changes nothing."""
    if isinstance(booking, int):
        booking = WeekendBooking(pk=booking)
    return _move(booking, BookingStatus.PAID, now_or(now), "paid_at")


@transaction.atomic
def weekend_booking_deliver(*, booking: WeekendBooking, actor, now=None) -> WeekendBooking:
    return _move(booking, BookingStatus.DELIVERED, now_or(now), "delivered_at")


@transaction.atomic
def weekend_booking_cancel(*, booking: WeekendBooking, actor, now=None) -> WeekendBooking:
    return _move(booking, BookingStatus.CANCELLED, now_or(now), "cancelled_at")
