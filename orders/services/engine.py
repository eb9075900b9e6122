"""The vendor's migration engine reports to the portal (ORD-1, SUP-10).

Protocol, stated once: each engine has a key id and a secret (EngineClient; the secret is
stored encrypted with the access-details keys). A request is a JSON POST with headers
``X-Engine-Key`` (key id), ``X-Engine-Timestamp`` (Unix seconds) and
``X-Engine-Signature`` = hex HMAC-SHA256(secret, timestamp + "." + raw body). Requests
older (or newer) than OrdersSettings.engine_max_age_seconds (300) are refused; each
``event_id`` is accepted once per engine (a unique constraint), in the same transaction
as its effect, so a refused event changes nothing and may be sent again.

Body: {"event_id": "...", "migration_id": "...", "type": <started|progress|completed|
failed|records_report>, ...} with ``done``/``total`` (progress), ``migrated``/
``skipped``/``failed`` (completed), ``reason`` (failed), ``count`` (records_report);
``started`` may carry ``records``, the source's record count at the start (BIL-5: above
the records ordered, a surcharge is raised).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import crypto
from ..choices import EventSource, MigrationStatus
from ..errors import OrderError
from ..models import EngineClient, EngineEvent, Migration, OrdersSettings
from ..signals import records_counted
from .lifecycle import (
    lock,
    migration_complete,
    migration_fail,
    migration_note,
    migration_progress,
    migration_restart,
    migration_start,
)
from .quotes import MAX_RECORD_COUNT

EVENT_TYPES = ("started", "progress", "completed", "failed", "records_report")


@dataclass
class EngineError(Exception):
    status: int
    code: str
    message: str


def sign(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


@transaction.atomic
def engine_client_create(*, name: str, actor) -> tuple[EngineClient, str]:
    """A new engine and its secret — shown once, stored encrypted."""
    secret = secrets.token_urlsafe(32)
    client = EngineClient.objects.create(
        name=name, key_id=f"eng_{secrets.token_hex(8)}", secret_encrypted=crypto.encrypt(secret)
    )
    return client, secret


def _authenticate(key_id: str, timestamp: str, signature: str, body: bytes,
                  now: dt.datetime) -> EngineClient:
    if not key_id or "\x00" in key_id or len(key_id) > 40:
        raise EngineError(401, "unknown_engine", "Unknown or disabled engine key.")
    client = EngineClient.objects.filter(key_id=key_id, is_active=True).first()
    if client is None:
        raise EngineError(401, "unknown_engine", "Unknown or disabled engine key.")
    try:
        if not (timestamp or "").isdigit() or len(timestamp) > 12:
            raise ValueError(timestamp)
        sent_at = int(timestamp)
    except (TypeError, ValueError):
        raise EngineError(
            401, "bad_timestamp", "X-Engine-Timestamp must be Unix seconds."
        ) from None
    max_age = OrdersSettings.load().engine_max_age_seconds
    if abs(now.timestamp() - sent_at) > max_age:
        raise EngineError(401, "stale_request",
                          f"The request is older than {max_age} seconds (or from the future).")
    expected = sign(crypto.decrypt(client.secret_encrypted), timestamp, body)
    # As bytes: compare_digest refuses str with non-ASCII characters (a forged header).
    if not hmac.compare_digest(expected.encode(), (signature or "").encode("utf-8", "replace")):
        raise EngineError(401, "bad_signature", "The signature does not match the body.")
    return client


def engine_event_receive(
    *, key_id: str, timestamp: str, signature: str, body: bytes,
    now: dt.datetime | None = None,
) -> dict:
    """Authenticate, de-duplicate and apply one engine event. Raises EngineError."""
    now = now or timezone.now()
    client = _authenticate(key_id, timestamp, signature, body, now)
    try:
        payload = json.loads(body)
        event_id, kind, migration_id = (payload["event_id"], payload["type"],
                                        payload["migration_id"])
    except (ValueError, KeyError, TypeError, RecursionError):
        raise EngineError(400, "bad_request",
                          "JSON with event_id, type and migration_id expected.") from None
    if not all(isinstance(v, str) for v in (event_id, kind, migration_id)):
        raise EngineError(400, "bad_request", "event_id, type and migration_id are strings.")
    if not 0 < len(event_id) <= 80 or len(migration_id) > 20:
        raise EngineError(400, "bad_request", "event_id has 1 to 80 characters and "
                          "migration_id at most 20.")
    _check_values(payload)
    if kind not in EVENT_TYPES:
        raise EngineError(400, "bad_type", f"Unknown event type {kind!r}.")
    migration = Migration.objects.filter(migration_id=migration_id).first()
    if migration is None:
        raise EngineError(404, "unknown_migration", f"No migration with ID {migration_id}.")
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    EngineEvent.objects.create(client=client, event_id=event_id, kind=kind,
                                               migration=migration, received_at=now)
            except IntegrityError:
                raise EngineError(
                    409, "replay", f"Event {event_id} was already received."
                ) from None
            _apply(migration, kind, payload, now)
    except OrderError as exc:
        raise EngineError(409, "not_allowed", exc.message) from None
    migration.refresh_from_db()
    return {"ok": True, "migration_id": migration.migration_id, "status": migration.status}


def _check_values(value, depth: int = 0) -> None:
    """No NUL character in any field (PostgreSQL stores none) and no nesting deeper than
    an event has reason to be; raises EngineError (400)."""
    if isinstance(value, str):
        if "\x00" in value:
            raise EngineError(400, "bad_request",
                              "NUL characters are not accepted in any field.")
        return
    if depth > 20:
        raise EngineError(400, "bad_request", "The JSON is nested too deeply.")
    if isinstance(value, dict):
        for key, item in value.items():
            _check_values(key, depth + 1)
            _check_values(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_values(item, depth + 1)


def _count(payload: dict, name: str) -> int:
    value = payload.get(name, 0)
    if isinstance(value, bool) or not isinstance(value, int) or not (
            0 <= value <= MAX_RECORD_COUNT):
        raise OrderError(f"{name} must be a whole number from 0 to {MAX_RECORD_COUNT}.")
    return value


def _apply(migration: Migration, kind: str, payload: dict, now: dt.datetime) -> None:
    src = EventSource.ENGINE
    if kind == "started":
        records = _count(payload, "records") if "records" in payload else None
        if migration.status == MigrationStatus.FAILED:
            migration_restart(migration=migration, actor=None, now=now, source=src)
        else:
            migration_start(migration=migration, actor=None, now=now, source=src)
        if records is not None:
            migration_note(migration=migration, actor=None, source=src, now=now,
                           note=f"Records at the start: {records:,} "
                           f"({migration.record_count:,} ordered)")
            records_counted.send(sender=Migration, migration=migration, records=records,
                                 now=now)
    elif kind == "progress":
        migration_progress(migration=migration, done=_count(payload, "done"),
                           total=_count(payload, "total"), now=now)
    elif kind == "completed":
        migration_complete(migration=migration, actor=None, now=now, source=src,
                           migrated=_count(payload, "migrated"),
                           skipped=_count(payload, "skipped"), failed=_count(payload, "failed"))
    elif kind == "failed":
        migration_fail(migration=migration, actor=None, now=now, source=src,
                       reason=str(payload.get("reason") or "no reason given"))
    else:
        records_report(migration=migration, count=_count(payload, "count"), actor=None,
                       now=now, source=src)


@transaction.atomic
def records_report(*, migration: Migration, count: int, actor, now=None,
                   source: str = EventSource.ADMIN) -> Migration:
    """SUP-10: the list of skipped/failed records; Signature gets it checked."""
    locked = lock(migration)
    if locked.status not in (MigrationStatus.RUNNING, MigrationStatus.COMPLETED,
                             MigrationStatus.VALIDATED):
        raise OrderError(
            f"Migration {locked.migration_id} is {locked.get_status_display()}: no records "
            "report is expected."
        )
    check = bool(locked.support_plan and locked.support_plan.skipped_records_check and count)
    Migration.objects.filter(pk=locked.pk).update(skipped_report_count=count,
                                                  skipped_check_pending=check)
    migration_note(migration=locked, actor=actor, source=source, now=now,
                   note=f"Skipped/failed records report: {count} records"
                   + (" — check due (Signature, SUP-10)" if check else ""))
    migration.skipped_report_count, migration.skipped_check_pending = count, check
    return migration


@transaction.atomic
def records_check_done(*, migration: Migration, actor, now=None) -> Migration:
    """SUP-10: the team checked the skipped/failed records of a Signature migration."""
    locked = lock(migration)
    if not locked.skipped_check_pending:
        raise OrderError(f"Migration {locked.migration_id} has no records check due.")
    Migration.objects.filter(pk=locked.pk).update(skipped_check_pending=False)
    migration_note(migration=locked, actor=actor, now=now,
                   note="Skipped/failed records checked (SUP-10)")
    migration.skipped_check_pending = False
    return migration
