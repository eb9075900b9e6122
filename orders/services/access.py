"""ORD-14/ACC-4: access details — encrypted, masked, verified or failing — and the
reminder to restrict or change them after the migration."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from slaportal import mail
from slaportal.accounts.choices import ProductLine
from slaportal.jobs import Step, drain

from .. import crypto
from ..choices import AccessSide, EventSource, MigrationKind, MigrationStatus
from ..errors import OrderError
from ..models import AccessDetail, AccessFailure, Migration, MigrationEvent, OrdersSettings
from .base import lock, migration_note, migration_transition


@transaction.atomic
def access_detail_set(
    *, migration: Migration, side: str, url: str, secret: str, actor,
    now: dt.datetime | None = None,
) -> AccessDetail:
    """Store (or replace) the credentials of one side, encrypted; only the last four
    characters are kept readable as a hint. New details need verifying again."""
    lock(migration)
    if migration.status in (MigrationStatus.ARCHIVED,):
        raise OrderError("The migration is archived: its access details were removed (ORD-15).")
    if not secret:
        raise OrderError("Give the credentials (password, API token or key).")
    detail, _ = AccessDetail.objects.update_or_create(
        migration=migration, side=side,
        defaults={"url": url, "secret_encrypted": crypto.encrypt(secret),
                  "hint": secret[-4:] if len(secret) >= 8 else "", "verified_at": None,
                  "removed_at": None},
    )
    migration_note(migration=migration, actor=actor,
                   note=f"{AccessSide(side).label} access details updated", now=now)
    return detail


def access_secret(detail: AccessDetail) -> str:
    """The decrypted credentials, for the engine hand-off only — never shown in pages."""
    return crypto.decrypt(detail.secret_encrypted)


@transaction.atomic
def access_verify(
    *, detail: AccessDetail, actor, now: dt.datetime | None = None,
    source: str = EventSource.ADMIN,
) -> AccessDetail:
    """The access works. When both sides work on a paid migration it moves to
    access_verified, which starts the ORD-11/ORD-12 clocks."""
    from .packages import assisted_recompute_due, package_recompute_due

    now = now or timezone.now()
    migration = lock(detail.migration)
    detail = AccessDetail.objects.select_for_update().get(pk=detail.pk)
    if not detail.secret_encrypted:
        raise OrderError("There are no access details to verify.")
    AccessFailure.objects.filter(access=detail, ended_at__isnull=True).update(ended_at=now)
    detail.verified_at, detail.failing_since, detail.failing_reason = now, None, ""
    detail.save(update_fields=["verified_at", "failing_since", "failing_reason"])
    migration_note(migration=migration, actor=actor, source=source, now=now,
                   note=f"{detail.get_side_display()} access verified")
    sides = set(
        AccessDetail.objects.filter(migration=migration, verified_at__isnull=False,
                                    failing_since__isnull=True).values_list("side", flat=True)
    )
    if sides == {AccessSide.SOURCE, AccessSide.TARGET}:
        if migration.status == MigrationStatus.PAID:
            migration_transition(
                migration=migration, to_status=MigrationStatus.ACCESS_VERIFIED, actor=actor,
                now=now, source=source, note="Access details verified",
                updates={"access_verified_at": migration.access_verified_at or now},
            )
        elif migration.access_verified_at is None:
            Migration.objects.filter(pk=migration.pk).update(access_verified_at=now)
    package_recompute_due(migration=migration, now=now)
    assisted_recompute_due(migration=migration)
    return detail


@transaction.atomic
def access_fail(
    *, detail: AccessDetail, actor, reason: str, now: dt.datetime | None = None,
    source: str = EventSource.ADMIN,
) -> AccessDetail:
    """ORD-12: the access details stopped working; the customer is told and the time
    lost moves the package due date."""
    from .packages import package_recompute_due

    if not reason.strip():
        raise OrderError("Say why the access fails, so the customer can fix it.")
    now = now or timezone.now()
    migration = lock(detail.migration)
    detail = AccessDetail.objects.select_for_update().get(pk=detail.pk)
    if detail.failing_since is None:
        detail.failing_since = now
        AccessFailure.objects.create(access=detail, migration=migration, started_at=now,
                                     reason=reason[:300])
    detail.failing_reason = reason[:300]
    detail.save(update_fields=["failing_since", "failing_reason"])
    migration_note(migration=migration, actor=actor, source=source, now=now,
                   note=f"{detail.get_side_display()} access failing: {reason}")
    email = migration.customer.user.email
    mail.send_notice(
        subject=f"Migration {migration.migration_id}: we cannot access your {detail.side} "
        "platform",
        body=render_to_string("orders/email/access_failing.txt",
                              {"migration": migration, "detail": detail, "reason": reason}),
        to=[email], link=reverse("orders:detail", args=[migration.migration_id]),
        link_label="Check your access details",
    )
    package_recompute_due(migration=migration, now=now)
    return detail


def access_reminder_due(*, migration: Migration) -> dt.datetime | None:
    """ORD-14: CMS 15 days after an automated migration, 21 after a package; data line
    5 days after the full migration. Calendar days from the completion."""
    if migration.kind == MigrationKind.DEMO or migration.completed_at is None:
        return None
    cfg = OrdersSettings.load()
    if migration.line == ProductLine.CMS:
        has_package = hasattr(migration, "service_package")
        days = cfg.reminder_cms_package_days if has_package else cfg.reminder_cms_automated_days
    else:
        days = cfg.reminder_data_days
    return migration.completed_at + dt.timedelta(days=days)


def access_reminders_send(*, now: dt.datetime | None = None, batch: int = 500,
                          budget_seconds: float | None = None) -> int:
    """Beat job (ORD-14/ACC-4): each reminder is sent once. A batch of due migrations is
    locked and marked sent in one UPDATE, their timeline notes written in bulk, and the
    e-mails leave together after the commit."""
    now = now or timezone.now()
    note = "Access reminder sent (ORD-14)"

    def step(size: int) -> Step:
        with transaction.atomic():
            due = list(
                Migration.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(access_reminder_due_at__lte=now, access_reminder_sent_at__isnull=True)
                .select_related("customer__user")
                .order_by("access_reminder_due_at", "pk")[:size]
            )
            if not due:
                return Step(0, 0)
            Migration.objects.filter(pk__in=[m.pk for m in due]).update(
                access_reminder_sent_at=now)
            MigrationEvent.objects.bulk_create([
                MigrationEvent(migration=m, source=EventSource.SYSTEM, at=now, note=note)
                for m in due
            ])
            for migration in due:
                mail.send_notice(
                    subject=f"Migration {migration.migration_id}: please restrict or change "
                    "the access you granted",
                    body=render_to_string("orders/email/access_reminder.txt",
                                          {"migration": migration}),
                    to=[migration.customer.user.email],
                    link=reverse("orders:detail", args=[migration.migration_id]),
                    link_label=f"Open {migration.migration_id}",
                )
            return Step(len(due), len(due))

    return drain(step, batch=batch, budget_seconds=budget_seconds)
