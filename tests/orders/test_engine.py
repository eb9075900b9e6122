import json

import pytest
from django.urls import reverse

from orders import services
from orders.choices import MigrationStatus as S
from orders.models import EngineEvent, Migration, MigrationEvent
from orders.services.engine import sign

from .conftest import kyiv, verify_access

pytestmark = pytest.mark.django_db
URL = "/orders/engine/events/"
NOW = kyiv(2026, 3, 2, 10)


@pytest.fixture
def engine(manager):
    client, secret = services.engine_client_create(name="Engine EU-1", actor=manager)
    return client, secret


@pytest.fixture
def ready(order, manager):
    m = order()
    services.migration_confirm(migration=m, actor=manager, now=NOW)
    services.migration_mark_paid(migration=m, actor=manager, now=NOW)
    verify_access(m, manager, NOW)
    return m


@pytest.fixture
def post(client, engine, monkeypatch):
    monkeypatch.setattr("orders.services.engine.timezone.now", lambda: NOW)

    def send(body: dict, *, secret=None, timestamp=None, key=None):
        raw = json.dumps(body).encode()
        ts = str(int(timestamp if timestamp is not None else NOW.timestamp()))
        return client.post(
            URL, data=raw, content_type="application/json",
            headers={"X-Engine-Key": key or engine[0].key_id, "X-Engine-Timestamp": ts,
                     "X-Engine-Signature": sign(secret or engine[1], ts, raw)},
        )

    return send


def _snapshot(m):
    m.refresh_from_db()
    return (m.status, m.started_at, m.records_done, MigrationEvent.objects.count(),
            EngineEvent.objects.count())


def test_url_is_named():
    """ORD-1: the engine posts to /orders/engine/events/."""
    assert reverse("orders:engine-events") == URL


def test_signed_events_drive_the_migration(post, ready):
    """ORD-1: the engine reports started, progress and completed with record counts."""
    mid = ready.migration_id
    assert post({"event_id": "e1", "type": "started", "migration_id": mid}).status_code == 200
    r = post({"event_id": "e2", "type": "progress", "migration_id": mid, "done": 40,
              "total": 100})
    assert r.json() == {"ok": True, "migration_id": mid, "status": "running"}
    r = post({"event_id": "e3", "type": "completed", "migration_id": mid, "migrated": 98,
              "skipped": 1, "failed": 1})
    assert r.status_code == 200
    ready.refresh_from_db()
    assert (ready.status, ready.records_done, ready.records_migrated, ready.records_failed) == (
        S.COMPLETED, 40, 98, 1)
    assert ready.events.filter(source="engine").count() == 2


def test_failed_event_records_the_reason(post, ready):
    """ORD-1: the engine reports a failure with its reason."""
    mid = ready.migration_id
    post({"event_id": "e1", "type": "started", "migration_id": mid})
    r = post({"event_id": "e2", "type": "failed", "migration_id": mid, "reason": "401 source"})
    assert r.json()["status"] == "failed"
    assert Migration.objects.get(pk=ready.pk).failure_reason == "401 source"


def test_bad_signature_changes_nothing(post, ready):
    """ORD-1: a request not signed with the engine's secret is refused (401)."""
    before = _snapshot(ready)
    r = post({"event_id": "e1", "type": "started", "migration_id": ready.migration_id},
             secret="not-the-secret")
    assert r.status_code == 401 and r.json()["error"] == "bad_signature"
    assert _snapshot(ready) == before


def test_unknown_engine_key_is_refused(post, ready):
    """ORD-1: a token per engine; an unknown key gets 401."""
    r = post({"event_id": "e1", "type": "started", "migration_id": ready.migration_id},
             key="eng_nobody")
    assert r.status_code == 401 and r.json()["error"] == "unknown_engine"


def test_stale_timestamp_is_refused(post, ready):
    """ORD-1: requests older than 5 minutes are refused (replay window)."""
    before = _snapshot(ready)
    r = post({"event_id": "e1", "type": "started", "migration_id": ready.migration_id},
             timestamp=NOW.timestamp() - 301)
    assert r.status_code == 401 and r.json()["error"] == "stale_request"
    assert _snapshot(ready) == before


def test_replayed_event_changes_nothing(post, ready):
    """ORD-1: the same event id twice is applied once; the replay gets 409."""
    body = {"event_id": "e1", "type": "started", "migration_id": ready.migration_id}
    assert post(body).status_code == 200
    before = _snapshot(ready)
    r = post(body)
    assert r.status_code == 409 and r.json()["error"] == "replay"
    assert _snapshot(ready) == before


def test_unknown_migration_id_is_404(post, ready):
    """ORD-1: an unknown Migration ID changes nothing and gets 404."""
    before = _snapshot(ready)
    r = post({"event_id": "e1", "type": "started", "migration_id": "NOPE234567"})
    assert r.status_code == 404 and "NOPE234567" in r.json()["message"]
    assert _snapshot(ready) == before


def test_impossible_transition_is_409_and_changes_nothing(post, ready):
    """ORD-1: completing a migration that never started is refused; the event id is not
    used up."""
    before = _snapshot(ready)
    r = post({"event_id": "e1", "type": "completed", "migration_id": ready.migration_id})
    assert r.status_code == 409 and r.json()["error"] == "not_allowed"
    assert "cannot go from Access verified to Completed" in r.json()["message"]
    assert _snapshot(ready) == before


def test_engine_cannot_start_an_unpaid_migration(post, order):
    """ORD-5: the engine is refused too when the migration is not paid."""
    m = order()
    r = post({"event_id": "e1", "type": "started", "migration_id": m.migration_id})
    assert r.status_code == 409
    assert Migration.objects.get(pk=m.pk).started_at is None


def test_records_report_flags_the_signature_check(post, order, manager):
    """SUP-10: Signature gets its skipped/failed records checked; Standard does not."""
    for code, flagged in (("signature", True), ("standard", False)):
        m = order(plan_code=code)
        services.migration_confirm(migration=m, actor=manager, now=NOW)
        services.migration_mark_paid(migration=m, actor=manager, now=NOW)
        verify_access(m, manager, NOW)
        post({"event_id": f"s-{code}", "type": "started", "migration_id": m.migration_id})
        r = post({"event_id": f"r-{code}", "type": "records_report",
                  "migration_id": m.migration_id, "count": 12})
        assert r.status_code == 200
        m.refresh_from_db()
        assert (m.skipped_report_count, m.skipped_check_pending) == (12, flagged)


def test_engine_secret_is_stored_encrypted(engine):
    """ORD-14 mechanism: the HMAC secret is kept encrypted, not in clear."""
    client, secret = engine
    client.refresh_from_db()
    assert secret not in client.secret_encrypted


def test_get_is_not_allowed(client):
    """ORD-1: the endpoint takes signed POSTs only."""
    assert client.get(URL).status_code == 405


def test_records_check_is_closed_by_the_team(post, ready, manager):
    """SUP-10: the check of skipped/failed records is recorded as done, once."""
    from orders.errors import OrderError
    from slaportal.plans.models import SupportPlan

    Migration.objects.filter(pk=ready.pk).update(
        support_plan=SupportPlan.objects.get(code="signature"))
    post({"event_id": "s", "type": "started", "migration_id": ready.migration_id})
    post({"event_id": "r", "type": "records_report", "migration_id": ready.migration_id,
          "count": 3})
    ready.refresh_from_db()
    services.records_check_done(migration=ready, actor=manager)
    assert not Migration.objects.get(pk=ready.pk).skipped_check_pending
    with pytest.raises(OrderError, match="no records check due"):
        services.records_check_done(migration=ready, actor=manager)


def test_engine_cannot_rerun_a_completed_migration_outside_insurance(post, ready):
    """ORD-13/ORD-7: a second "started" after completion is refused (409)."""
    mid = ready.migration_id
    post({"event_id": "e1", "type": "started", "migration_id": mid})
    post({"event_id": "e2", "type": "completed", "migration_id": mid, "migrated": 5})
    r = post({"event_id": "e3", "type": "started", "migration_id": mid})
    assert r.status_code == 409 and "insured restart" in r.json()["message"]
    assert Migration.objects.get(pk=ready.pk).status == S.COMPLETED
