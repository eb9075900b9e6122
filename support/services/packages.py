"""SUP-13: technical-support hours logged against a Support Service Package."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from orders.models import ServicePackage

from ..models import ExtraHoursApproval, PackageHoursEntry
from ..selectors import package_hours_logged, package_hours_remaining
from .common import now_or, require_perm

CENT = Decimal("0.01")


@transaction.atomic
def package_hours_log(
    *, package: ServicePackage, hours, actor, ticket=None, note: str = "", now=None
) -> PackageHoursEntry:
    """Refused past the allowance unless a manager approved extra paid hours."""
    now = now_or(now)
    hours = Decimal(str(hours))
    if not hours.is_finite() or hours <= 0:
        raise ValidationError({"hours": "Log a positive number of hours."})
    hours = hours.quantize(CENT)
    if ticket is not None and getattr(ticket.migration, "pk", None) != package.migration_id:
        raise ValidationError({"ticket": "This ticket is not about the package's migration."})
    package = ServicePackage.objects.select_for_update().get(pk=package.pk)
    remaining = package_hours_remaining(package=package)
    if hours > remaining:
        raise ValidationError(
            {"hours": f"Logging {hours} h would exceed the package allowance: {remaining} h "
                      "remaining. A manager must approve extra paid hours first (SUP-13)."}
        )
    # The part beyond the included hours is overage, paid from the approved extra hours.
    included_left = max(package.hours_included - package_hours_logged(package=package),
                        Decimal("0"))
    return PackageHoursEntry.objects.create(
        package=package, hours=hours, overage_hours=max(hours - included_left, Decimal("0")),
        ticket=ticket, note=note, logged_by=actor, logged_at=now,
    )


@transaction.atomic
def package_extra_hours_approve(
    *, package: ServicePackage, hours, actor, note: str = "", now=None
) -> ExtraHoursApproval:
    now = now_or(now)
    require_perm(actor, "support.add_extrahoursapproval", "approve extra package hours")
    hours = Decimal(str(hours))
    if hours <= 0:
        raise ValidationError({"hours": "Approve a positive number of hours."})
    ServicePackage.objects.select_for_update().filter(pk=package.pk).update(
        extra_hours_approved=F("extra_hours_approved") + hours
    )
    return ExtraHoursApproval.objects.create(
        package=package, hours=hours, note=note, approved_by=actor, approved_at=now
    )
