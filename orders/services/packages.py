"""ORD-12 Support Service Packages and ORD-11 Assisted Migration.

Calendars, chosen and stated once: package due dates count business days on
``cms-tech`` (the CMS technical team's calendar) from the access verification, moved by
the business time (on the same calendar) during which the access details were failing.
Assisted Migration: Basic/Standard 3 business days on ``cms-tech``; Premium 24 business
hours on ``cms-desk`` (Mon–Fri round the clock) — on ``cms-tech`` 24 hours would be 3
days, the same as Basic.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from slaportal.accounts.choices import ProductLine
from slaportal.calendars.selectors import business_calendar
from slaportal.jobs import Step, drain

from ..choices import EventSource, PackageItem
from ..errors import OrderError
from ..models import (
    AccessFailure,
    AssistedMigration,
    AssistedOffer,
    Migration,
    OrdersSettings,
    PackageChecklistItem,
    PackageOffer,
    PackageTier,
    ServicePackage,
)
from .base import migration_note

PACKAGE_CALENDAR = "cms-tech"
ASSISTED_DAYS_CALENDAR = "cms-tech"
ASSISTED_HOURS_CALENDAR = "cms-desk"


@transaction.atomic
def package_create(*, migration: Migration, tier: str, actor) -> ServicePackage:
    if migration.line != ProductLine.CMS:
        raise OrderError("Support Service Packages are sold on the CMS line (ORD-12).")
    offer = PackageOffer.objects.get(tier=tier)
    package = ServicePackage.objects.create(
        migration=migration, tier=tier, hours_included=offer.hours
    )
    PackageChecklistItem.objects.bulk_create(
        PackageChecklistItem(package=package, item=item) for item in PackageItem.values
    )
    return package


def time_lost(migration: Migration, since: dt.datetime, now: dt.datetime, calendar) -> dt.timedelta:
    """Business time during which access was failing after ``since`` (ORD-12)."""
    lost = dt.timedelta(0)
    for failure in AccessFailure.objects.filter(migration=migration).order_by("started_at"):
        start = max(failure.started_at, since)
        end = failure.ended_at or now
        if end > start:
            lost += calendar.business_time_between(start, end)
    return lost


def package_due(package: ServicePackage, *, now: dt.datetime, calendar=None) -> dt.datetime | None:
    migration = package.migration
    start = migration.access_verified_at
    if start is None or package.due_set_manually:
        return package.due_at
    offer = PackageOffer.objects.get(tier=package.tier)
    if offer.business_days is None:  # Ultimate: the manager sets the date
        return package.due_at
    calendar = calendar or business_calendar(PACKAGE_CALENDAR)
    due = calendar.add_days(start, offer.business_days)
    lost = time_lost(migration, start, now, calendar)
    return calendar.add(due, lost) if lost else due


def package_recompute_due(*, migration: Migration, now: dt.datetime | None = None) -> None:
    package = ServicePackage.objects.filter(migration=migration).first()
    if package is None or package.performed_at:
        return
    package.migration = Migration.objects.get(pk=migration.pk)
    due = package_due(package, now=now or timezone.now())
    if due != package.due_at:
        package.due_at = due
        package.save(update_fields=["due_at"])


@transaction.atomic
def package_set_due(
    *, package: ServicePackage, due_at: dt.datetime, actor, now: dt.datetime | None = None
) -> ServicePackage:
    """ORD-12: Ultimate's date (more than 21 business days) is set by the manager."""
    if package.tier != PackageTier.ULTIMATE:
        raise OrderError("Only the Ultimate package's date is set by hand (ORD-12).")
    package.due_at, package.due_set_manually = due_at, True
    package._history_user = actor
    package.save(update_fields=["due_at", "due_set_manually"])
    migration_note(migration=package.migration, actor=actor, now=now,
                   note=f"Package due date set to {due_at:%Y-%m-%d %H:%M}")
    return package


@transaction.atomic
def package_item_done(
    *, package: ServicePackage, item: str, actor, now: dt.datetime | None = None
) -> PackageChecklistItem:
    row = PackageChecklistItem.objects.get(package=package, item=item)
    if row.done_at is None:
        row.done_at, row.done_by = now or timezone.now(), actor
        row.save(update_fields=["done_at", "done_by"])
    return row


@transaction.atomic
def package_validate(
    *, package: ServicePackage, actor, now: dt.datetime | None = None
) -> ServicePackage:
    """ORD-12: the engineers validated the result; 30 days later it counts as performed."""
    now = now or timezone.now()
    package.validated_at = now
    package.modification_requested = False
    package._history_user = actor
    package.save(update_fields=["validated_at", "modification_requested"])
    package_item_done(package=package, item=PackageItem.RESULT_VALIDATION, actor=actor, now=now)
    migration_note(migration=package.migration, actor=actor, now=now,
                   note="Package result validated by the engineers")
    return package


def package_modification_requested(*, package: ServicePackage, actor) -> ServicePackage:
    package.modification_requested = True
    package.save(update_fields=["modification_requested"])
    return package


def packages_auto_accept(*, now: dt.datetime | None = None, batch: int = 500,
                         budget_seconds: float | None = None) -> int:
    """Beat job (ORD-12): 30 days after validation with no modification requested; one
    UPDATE per batch of due packages (a second run finds none)."""
    now = now or timezone.now()
    days = OrdersSettings.load().package_acceptance_days
    due = ServicePackage.objects.filter(
        performed_at__isnull=True, modification_requested=False,
        validated_at__lte=now - dt.timedelta(days=days),
    )

    def step(size: int) -> Step:
        with transaction.atomic():
            ids = list(due.select_for_update(skip_locked=True).order_by("validated_at", "pk")
                       .values_list("pk", flat=True)[:size])
            done = ServicePackage.objects.filter(pk__in=ids).update(performed_at=now)
            return Step(len(ids), done)

    return drain(step, batch=batch, budget_seconds=budget_seconds)


def packages_recompute_for_calendars(calendar_slugs: frozenset[str], *, cause: str = "") -> int:
    """CAL-8: a change to cms-tech (or cms-desk) moves the due dates of open packages and
    assisted migrations."""
    count = 0
    if calendar_slugs & {ASSISTED_DAYS_CALENDAR, ASSISTED_HOURS_CALENDAR}:
        for assisted in AssistedMigration.objects.filter(
            done_at__isnull=True, migration__access_verified_at__isnull=False,
            migration__paid_at__isnull=False,
        ).select_related("migration"):
            due = assisted_due(assisted, assisted_clock_start(assisted.migration))
            if due != assisted.due_at:
                AssistedMigration.objects.filter(pk=assisted.pk).update(due_at=due)
                count += 1
    if PACKAGE_CALENDAR not in calendar_slugs:
        return count
    now = timezone.now()
    for package in ServicePackage.objects.filter(
        performed_at__isnull=True, due_set_manually=False,
        migration__access_verified_at__isnull=False,
    ).select_related("migration"):
        due = package_due(package, now=now)
        if due != package.due_at:
            ServicePackage.objects.filter(pk=package.pk).update(due_at=due)
            count += 1
    return count


# ----------------------------------------------------------- ORD-11 assisted migration


@transaction.atomic
def assisted_create(*, migration: Migration, tier: str, actor) -> AssistedMigration:
    if migration.line != ProductLine.CMS:
        raise OrderError("Assisted Migration is sold on the CMS line (ORD-11).")
    return AssistedMigration.objects.create(migration=migration, tier=tier)


def assisted_due(assisted: AssistedMigration, start: dt.datetime) -> dt.datetime:
    offer = AssistedOffer.objects.get(tier=assisted.tier)
    if offer.unit == "business_hours":
        return business_calendar(ASSISTED_HOURS_CALENDAR).add_hours(start, offer.amount)
    return business_calendar(ASSISTED_DAYS_CALENDAR).add_days(start, offer.amount)


def assisted_clock_start(migration: Migration) -> dt.datetime | None:
    """ORD-11: the assisted migration's clock starts once the order is paid and the
    access details are confirmed, whichever comes last; None before both."""
    if migration.paid_at is None or migration.access_verified_at is None:
        return None
    return max(migration.paid_at, migration.access_verified_at)


def assisted_recompute_due(*, migration: Migration) -> None:
    assisted = AssistedMigration.objects.filter(migration=migration).first()
    migration = Migration.objects.get(pk=migration.pk)
    start = assisted_clock_start(migration)
    if assisted is None or start is None or assisted.done_at:
        return
    assisted.due_at = assisted_due(assisted, start)
    assisted.save(update_fields=["due_at"])


def assisted_done(*, assisted: AssistedMigration, actor, now: dt.datetime | None = None):
    now = now or timezone.now()
    assisted.done_at = now
    assisted.save(update_fields=["done_at"])
    migration_note(migration=assisted.migration, actor=actor, now=now,
                   source=EventSource.ADMIN, note="Assisted migration setup done")
    return assisted
