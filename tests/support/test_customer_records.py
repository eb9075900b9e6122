"""SUP-11 weekend bookings, SUP-12 support access, SUP-13 package hours."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from djmoney.money import Money

from orders.models import ServicePackage
from support.choices import BookingStatus
from support.models import PackageHoursEntry, SupportSettings, WeekendBooking
from support.selectors import (
    NO_ACCESS_NOTE,
    active_support_access,
    package_hours,
    package_hours_remaining,
    ticket_access_note,
)
from support.services import (
    access_grant,
    access_revoke,
    package_extra_hours_approve,
    package_hours_log,
    weekend_booking_cancel,
    weekend_booking_create,
    weekend_booking_deliver,
    weekend_booking_mark_paid,
)
from tests.factories import SupportMigrationFactory, SupportServicePackageFactory

from .conftest import kyiv, set_plan

pytestmark = pytest.mark.django_db

NOW = kyiv(2025, 11, 17, 10)
SATURDAY = dt.date(2025, 11, 22)


def test_signature_customer_books_weekend_support_priced_per_hour(customer):
    """SUP-11 Signature only, at least 3 hours, hours x rate, pending payment."""
    set_plan(customer, "signature")
    booking = weekend_booking_create(customer=customer, day=SATURDAY, hours=4,
                                     actor=customer.user, now=NOW)
    assert booking.status == BookingStatus.PENDING_PAYMENT
    assert booking.price == Money("240.00", "USD")  # 4 h x 60 USD
    SupportSettings.objects.filter(pk=1).update(weekend_hourly_rate=Decimal("75.50"))
    other = weekend_booking_create(customer=customer, day=SATURDAY, hours="3.5",
                                   actor=customer.user, now=NOW)
    assert other.price == Money("264.25", "USD")


@pytest.mark.parametrize(
    ("plan", "day", "hours", "message"),
    [
        ("premium", SATURDAY, 4, "SIGNATURE customers only"),
        ("standard", SATURDAY, 4, "SIGNATURE customers only"),
        ("signature", SATURDAY, 2, "at least 3 hours"),
        ("signature", dt.date(2025, 11, 19), 4, "Saturday or a Sunday"),
        ("signature", dt.date(2025, 11, 16), 4, "in advance"),
    ],
)
def test_weekend_booking_refused_with_a_clear_message(customer, plan, day, hours, message):
    """SUP-11 otherwise the booking is refused and nothing is written."""
    set_plan(customer, plan)
    with pytest.raises(ValidationError, match=message):
        weekend_booking_create(customer=customer, day=day, hours=hours, actor=customer.user,
                               now=NOW)
    assert not WeekendBooking.objects.exists()


def test_weekend_booking_paid_by_billing_then_delivered(customer, manager):
    """SUP-11 paid in advance: pending payment -> paid (billing) -> delivered."""
    set_plan(customer, "signature")
    booking = weekend_booking_create(customer=customer, day=SATURDAY, hours=3,
                                     actor=customer.user, now=NOW)
    with pytest.raises(ValidationError, match="cannot become delivered"):
        weekend_booking_deliver(booking=booking, actor=manager)
    booking = weekend_booking_mark_paid(booking=booking, now=NOW)
    assert booking.status == BookingStatus.PAID and booking.paid_at == NOW
    assert weekend_booking_mark_paid(booking=booking).paid_at == NOW  # idempotent
    booking = weekend_booking_deliver(booking=booking, actor=manager)
    assert booking.status == BookingStatus.DELIVERED
    with pytest.raises(ValidationError):
        weekend_booking_cancel(booking=booking, actor=manager)


def test_support_access_lasts_until_the_migration_completes(open_ticket, customer):
    """SUP-12 a grant lasts until the migration completes; tickets show when none."""
    ticket = open_ticket("cms")
    assert ticket_access_note(ticket=ticket) == NO_ACCESS_NOTE
    grant = access_grant(migration=ticket.migration, actor=customer.user, now=NOW)
    assert active_support_access(migration=ticket.migration) == grant
    assert ticket_access_note(ticket=ticket) == "Support access granted."
    ticket.migration.completed_at = NOW
    ticket.migration.save(update_fields=["completed_at"])
    assert active_support_access(migration=ticket.migration) is None
    with pytest.raises(ValidationError, match="has completed"):
        access_grant(migration=ticket.migration, actor=customer.user)


def test_customer_revokes_support_access(customer):
    """SUP-12 the customer may revoke the grant; only the owner can grant."""
    migration = SupportMigrationFactory(customer=customer)
    grant = access_grant(migration=migration, actor=customer.user, now=NOW)
    access_revoke(grant=grant, actor=customer.user, now=NOW)
    assert active_support_access(migration=migration) is None
    from tests.factories import UserFactory

    with pytest.raises(PermissionDenied):
        access_grant(migration=migration, actor=UserFactory())


def test_package_hours_logged_and_refused_past_allowance(engineer, manager):
    """SUP-13 remaining hours shown; logging past the allowance is refused unless a
    manager approves extra paid hours."""
    package = SupportServicePackageFactory(hours_included=Decimal("6"))
    package_hours_log(package=package, hours="4.5", actor=engineer, now=NOW)
    assert package_hours_remaining(package=package) == Decimal("1.5")
    with pytest.raises(ValidationError, match="1.50 h remaining"):
        package_hours_log(package=package, hours=2, actor=engineer, now=NOW)
    assert PackageHoursEntry.objects.count() == 1
    with pytest.raises(PermissionDenied):
        package_extra_hours_approve(package=package, hours=2, actor=engineer)
    package_extra_hours_approve(package=package, hours=2, actor=manager, note="paid")
    package.refresh_from_db()
    assert package.extra_hours_approved == Decimal("2")
    entry = package_hours_log(package=package, hours=2, actor=engineer, now=NOW)
    assert package_hours_remaining(package=ServicePackage.objects.get()) == Decimal("1.5")
    # SUP-13: 1.5 h were left of the included 6; the other 0.5 h is recorded as overage.
    assert entry.overage_hours == Decimal("0.5")
    package_hours_log(package=package, hours="1.5", actor=engineer, now=NOW)
    summary = package_hours(package=ServicePackage.objects.get())
    assert (summary.included, summary.extra, summary.used, summary.left, summary.overage,
            summary.included_left) == (6, 2, 8, 0, 2, 0)
