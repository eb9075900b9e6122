"""Issue 14: the migration engine's endpoint answers every malformed request with a 4xx
and a message, stores nothing and changes nothing — never a 500."""

import json

import pytest

from orders import services
from orders.models import EngineEvent, Migration
from orders.services.engine import sign

from .conftest import kyiv, verify_access

pytestmark = pytest.mark.django_db
URL = "/orders/engine/events/"
NOW = kyiv(2026, 3, 2, 10)


@pytest.fixture
def engine(manager):
    return services.engine_client_create(name="Engine EU-1", actor=manager)


@pytest.fixture
def ready(order, manager):
    m = order()
    services.migration_confirm(migration=m, actor=manager, now=NOW)
    services.migration_mark_paid(migration=m, actor=manager, now=NOW)
    verify_access(m, manager, NOW)
    return m


def _post(client, engine, raw: bytes, *, timestamp=None, key=None, signature=None):
    ts = timestamp if timestamp is not None else str(int(NOW.timestamp()))
    return client.post(URL, data=raw, content_type="application/json", headers={
        "X-Engine-Key": key if key is not None else engine[0].key_id,
        "X-Engine-Timestamp": ts,
        "X-Engine-Signature": signature if signature is not None else sign(engine[1], ts, raw),
    })


@pytest.fixture(autouse=True)
def _now(monkeypatch):
    monkeypatch.setattr("orders.services.engine.timezone.now", lambda: NOW)


def _body(m, **fields):
    return json.dumps({"event_id": "e-1", "migration_id": m.migration_id, "type": "started",
                       **fields}).encode()


@pytest.mark.parametrize("name, raw", [
    ("nul in event id", lambda m: _body(m, event_id="e\u0000-1")),
    ("nul in migration id", lambda m: _body(m, migration_id="AB\u0000CD")),
    ("nul in reason", lambda m: _body(m, type="failed", reason="disk\u0000full")),
    ("deeply nested", lambda m: b'{"a":' * 100_000 + b"1" + b"}" * 100_000),
    ("not an object", lambda m: b"[1, 2, 3]"),
    ("not utf-8", lambda m: b"\xff\xfe\x00{"),
    ("huge count", lambda m: _body(m, type="progress", done=10**20, total=10**20)),
    ("float count", lambda m: _body(m, type="progress", done=1.5, total=3)),
    ("huge event id", lambda m: _body(m, event_id="x" * 100_000)),
    ("number event id", lambda m: _body(m, event_id=10**400 // 10**399)),
    ("null type", lambda m: _body(m, type=None)),
    ("list migration id", lambda m: _body(m, migration_id=["A"])),
    ("empty", lambda m: b""),
])
def test_malformed_bodies_are_refused_without_a_500(client, engine, ready, name, raw):
    before = (EngineEvent.objects.count(), Migration.objects.get(pk=ready.pk).status)
    response = _post(client, engine, raw(ready))
    assert 400 <= response.status_code < 500, (name, response.status_code)
    assert response.json()["message"], name
    if name not in ("huge event id", "number event id"):
        assert (EngineEvent.objects.count(),
                Migration.objects.get(pk=ready.pk).status) == before, name


@pytest.mark.parametrize("timestamp", ["9" * 400, "-1", "1e400", "NaN", "\u0000", "", "12.5",
                                       str(10**20)])
def test_bad_timestamps_are_refused(client, engine, ready, timestamp):
    response = _post(client, engine, _body(ready), timestamp=timestamp)
    assert response.status_code == 401 and response.json()["message"]
    assert not EngineEvent.objects.exists()


@pytest.mark.parametrize("key, signature", [("eng_\u0000", None), ("x" * 10_000, None),
                                            (None, "\u0000"), (None, "z" * 10_000)])
def test_bad_keys_and_signatures_are_refused(client, engine, ready, key, signature):
    response = _post(client, engine, _body(ready), key=key, signature=signature)
    assert response.status_code == 401 and response.json()["message"]


def test_a_signature_header_with_non_ascii_characters_is_a_401(client, engine, ready):
    response = _post(client, engine, _body(ready), signature="é" * 64)
    assert response.status_code == 401
    assert not EngineEvent.objects.exists()
