"""The orders services billing calls (billing knows orders, never the reverse).

One place for the contract with ``orders.services``; imported lazily so that billing
loads while orders is being built.
"""

from __future__ import annotations

import datetime as dt


def _services():
    from orders import services

    return services


def confirm(*, migration, actor) -> None:
    """ORD-4: quoted → confirmed."""
    _services().migration_confirm(migration=migration, actor=actor)


def mark_paid(*, migration, actor, now: dt.datetime | None = None) -> None:
    """ORD-5: confirmed → paid (sets paid_at)."""
    _services().migration_mark_paid(migration=migration, actor=actor, now=now)


def payment_cancelled(*, migration, actor, now: dt.datetime | None = None) -> None:
    """BIL-4: paid → confirmed, payable again."""
    _services().migration_payment_cancelled(migration=migration, actor=actor, now=now)


def payments_cancelled(*, migration_ids: list[int], now: dt.datetime) -> set[int]:
    """BIL-4, the batch form: those of the migrations that are paid and not started
    become payable again; returns their ids."""
    moved = _services().migrations_payment_cancelled_bulk(migration_ids=migration_ids, now=now)
    return {m.pk for m in moved}


def unstarted_paid(prefix: str = "migration"):
    """BIL-4: the condition (on a relation to a migration) that its payment can still be
    cancelled: paid, not started, not stopped — the same as ``payments_cancelled``."""
    from django.db.models import Q

    from orders.choices import MigrationStatus

    return Q(**{f"{prefix}__started_at__isnull": True,
                f"{prefix}__status__in": [MigrationStatus.PAID,
                                          MigrationStatus.ACCESS_VERIFIED]})


def stop(*, migration, actor, reason: str, now: dt.datetime | None = None) -> None:
    """ORD-17: a refunded (or charged-back) migration stops; one already stopped stays so
    (a second partial refund or a charge-back after a refund)."""
    from orders.choices import MigrationStatus

    migration.refresh_from_db(fields=["status"])
    if migration.status == MigrationStatus.STOPPED:
        return
    _services().migration_stop(migration=migration, actor=actor, reason=reason, now=now)


def custom_work_paid(*, work_id: int, actor, now: dt.datetime) -> None:
    """ORD-10/BIL-1: the custom work's payment completed — quoted → paid."""
    from orders.models import CustomWorkRequest

    work = CustomWorkRequest.objects.get(pk=work_id)
    _services().custom_work_mark_paid(work=work, actor=actor, now=now)


def custom_work_payable(work) -> None:
    """ORD-10: refuses (OrderError) a custom work that is not quoted, or whose migration
    stopped (ORD-17)."""
    _services().custom_work_check_payable(work=work)


def started(migration) -> bool:
    """BIL-4/BIL-10: has the full migration started?"""
    return bool(_services().migration_started(migration))
