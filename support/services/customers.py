"""Customer-level support records: plans, stop support (SUP-4), access grants (SUP-12)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from ..models import SupportAccessGrant, SupportStop
from .common import notify, now_or, require_perm


@transaction.atomic
@transaction.atomic
def support_stop(*, customer, actor, reason: str, now=None) -> SupportStop:
    """SUP-4: a manager stops support for a customer; nothing is deleted."""
    now = now_or(now)
    require_perm(actor, "support.add_supportstop", "stop support")
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for stopping support."})
    try:
        with transaction.atomic():
            stop = SupportStop.objects.create(
                customer=customer, reason=reason.strip(), stopped_by=actor, stopped_at=now
            )
    except IntegrityError:
        raise ValidationError("Support is already stopped for this customer.") from None
    notify(
        to=[customer.user.email],
        subject="Support for your account has been stopped",
        body="Support for your account has been stopped. Please contact your account manager.",
    )
    return stop


@transaction.atomic
def support_resume(*, stop: SupportStop, actor, now=None) -> SupportStop:
    now = now_or(now)
    require_perm(actor, "support.change_supportstop", "resume support")
    if stop.lifted_at is not None:
        raise ValidationError("Support was already resumed.")
    stop.lifted_at = now
    stop.lifted_by = actor
    stop.save(update_fields=["lifted_at", "lifted_by"])
    return stop


@transaction.atomic
def access_grant(*, migration, actor, now=None) -> SupportAccessGrant:
    """SUP-12: the customer lets support into a migration until it completes."""
    now = now_or(now)
    if migration.customer.user_id != actor.pk:
        raise PermissionDenied("Only the migration's customer can grant support access.")
    if migration.completed_at is not None:
        raise ValidationError("The migration has completed; support access ends then (SUP-12).")
    grant = SupportAccessGrant.objects.filter(migration=migration, revoked_at__isnull=True).first()
    if grant is not None:
        return grant
    return SupportAccessGrant.objects.create(migration=migration, granted_by=actor, granted_at=now)


@transaction.atomic
def access_revoke(*, grant: SupportAccessGrant, actor, now=None) -> SupportAccessGrant:
    now = now_or(now)
    if grant.migration.customer.user_id != actor.pk:
        raise PermissionDenied("Only the migration's customer can revoke support access.")
    if grant.revoked_at is None:
        grant.revoked_at = now
        grant.save(update_fields=["revoked_at"])
    return grant
