"""Issue 14: no input gives a 5xx. Hypothesis throws NUL bytes, huge and non-finite
numbers, deep JSON and wrong types at every public endpoint — the provider's
notifications, the migration engine's endpoint, the quote preview, every customer form
and the inbound e-mail command — and each answers with a 4xx (or re-renders the form
with a message), changes nothing it should not, and the raw notification is still
stored (BIL-2)."""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from billing.models import ProviderNotification
from orders import services as order_services
from orders.models import EngineEvent, Migration
from orders.services.engine import sign
from slaportal.accounts.roles import Role
from support.models import Ticket
from support.services import inbound_email_process
from tests.billing.test_ipn import FORM, fields_for, pending_payment
from tests.billing.test_ipn import URL as IPN_URL
from tests.factories.accounts import CustomerFactory, StaffFactory

pytestmark = pytest.mark.django_db

FUZZ = settings(max_examples=30, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

NASTY = st.sampled_from([
    "\x00", "a\x00b", "Infinity", "-Infinity", "NaN", "1e400", "-1e400", "1" * 40,
    "9" * 400, "-0", "0x10", "١٢٣", "", " ", "<script>alert(1)</script>", "' OR 1=1 --",
    "%00", "\ud7ff", "2026-02-30", "99999-01-01T00:00", "[]", "{}", "null", "true",
])
VALUES = st.one_of(NASTY, st.text(max_size=80), st.integers().map(str),
                   st.floats(allow_nan=True, allow_infinity=True).map(repr))
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
    | NASTY,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                 max_size=4),
    max_leaves=20,
)


def _no_5xx(response) -> None:
    assert response.status_code < 500, response.content[:500]


@pytest.fixture
def ipn_key(settings):
    from tests.billing.test_ipn import KEY

    settings.PAYPRO_IPN_VALIDATION_KEY = KEY
    settings.PAYPRO_ALLOW_TEST_MODE = False
    settings.PAYPRO_IPN_ALLOWED_IPS = []


@FUZZ
@given(field=st.sampled_from(["ORDER_TOTAL_AMOUNT", "ORDER_CURRENCY_CODE", "ORDER_ID",
                              "CUSTOMER_EMAIL", "ORDER_CUSTOM_FIELDS", "IPN_TYPE_ID",
                              "IPN_TYPE_NAME", "TEST_MODE", "SIGNATURE", "UNKNOWN"]),
       value=VALUES, signed=st.booleans())
def test_provider_notifications(ipn_key, field, value, signed):
    payment = pending_payment()
    fields = fields_for(payment)
    fields[field] = value
    if signed and field != "SIGNATURE":
        from billing.services import ipn
        from tests.billing.test_ipn import KEY
        fields["SIGNATURE"] = ipn.ipn_signature({k: v for k, v in fields.items()
                                                 if k != "SIGNATURE"}, KEY)
    before = ProviderNotification.objects.count()
    response = Client().post(IPN_URL, urlencode(fields), content_type=FORM)
    _no_5xx(response)
    assert ProviderNotification.objects.count() == before + 1  # stored as received


@FUZZ
@given(raw=st.one_of(st.binary(max_size=200), JSON.map(lambda v: json.dumps(v).encode()),
                     st.integers(1, 20_000).map(lambda n: b"[" * n + b"]" * n)))
def test_the_provider_endpoint_with_any_body(ipn_key, raw):
    response = Client().post(IPN_URL, raw, content_type=FORM)
    _no_5xx(response)


@pytest.fixture
def engine_and_migration(db):
    manager = StaffFactory(role=Role.ACCOUNT_MANAGERS)
    engine, secret = order_services.engine_client_create(name="Engine fuzz", actor=manager)
    customer = CustomerFactory()
    from orders.models import Platform

    migration = order_services.quote_build(
        customer=customer, line="data", source=Platform.objects.get(name="Zendesk"),
        target=Platform.objects.get(name="Freshdesk"), record_count=1000, actor=manager)
    return engine, secret, migration


@FUZZ
@given(body=st.one_of(
    JSON.map(lambda v: json.dumps(v).encode()),
    st.fixed_dictionaries({"event_id": VALUES, "type": VALUES, "records": JSON,
                           "at": JSON}).map(lambda d: json.dumps(d).encode()),
    st.integers(1, 50_000).map(lambda n: b"[" * n + b"]" * n),
    st.binary(max_size=100)),
    timestamp=st.one_of(st.none(), VALUES), with_migration=st.booleans())
def test_the_migration_engines_endpoint(engine_and_migration, body, timestamp, with_migration):
    engine, secret, migration = engine_and_migration
    if with_migration and body.startswith(b"{") and len(body) < 10_000:
        try:
            data = json.loads(body)
            data["migration_id"] = migration.migration_id
            body = json.dumps(data).encode()
        except ValueError:
            pass
    import time

    ts = str(int(time.time())) if timestamp is None else timestamp
    try:
        signature = sign(secret, ts, body)
    except (UnicodeError, ValueError):
        signature = "x"
    status, events = migration.status, EngineEvent.objects.count()
    response = Client().post("/orders/engine/events/", data=body, content_type="application/json",
                             headers={"X-Engine-Key": engine.key_id,
                                      "X-Engine-Timestamp": ts.replace("\x00", "")[:100],
                                      "X-Engine-Signature": signature})
    _no_5xx(response)
    if response.status_code >= 400:
        migration.refresh_from_db()
        assert migration.status == status
        assert EngineEvent.objects.count() == events


@FUZZ
@given(params=st.dictionaries(st.sampled_from(["line", "source", "target", "records",
                                               "record_count", "plan", "options", "code"]),
                              VALUES, max_size=6))
def test_the_quote_preview(params):
    _no_5xx(Client().get("/orders/quote/preview/", params))


def _form_fields(html: str) -> list[str]:
    names = re.findall(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"', html)
    return [n for n in dict.fromkeys(names) if n != "csrfmiddlewaretoken"]


CUSTOMER_FORMS = ["/orders/new/", "/orders/non-profit/", "/support/new/", "/support/weekend/",
                  "/billing/refunds/new/", "/accounts/password_change/"]


@pytest.fixture
def signed_in_customer(db):
    customer = CustomerFactory()
    client = Client()
    client.force_login(customer.user)
    pages = {url: client.get(url) for url in CUSTOMER_FORMS}
    fields = {url: _form_fields(page.content.decode()) for url, page in pages.items()
              if page.status_code == 200}
    fields = {url: names for url, names in fields.items() if names}
    assert len(fields) >= 5  # the weekend booking form needs a Signature plan
    return customer, client, fields


@FUZZ
@given(url=st.sampled_from(CUSTOMER_FORMS), data=st.data())
def test_every_customer_form(signed_in_customer, url, data):
    customer, client, fields = signed_in_customer
    if url not in fields:
        return
    values = {name: data.draw(VALUES) for name in fields[url]}
    migrations, tickets = Migration.objects.count(), Ticket.objects.count()
    response = client.post(url, values)
    _no_5xx(response)
    if response.status_code == 200:  # the form again, with messages: nothing written
        assert (Migration.objects.count(), Ticket.objects.count()) == (migrations, tickets)


@FUZZ
@given(values=st.fixed_dictionaries({"email": VALUES, "password1": VALUES,
                                     "password2": VALUES, "full_name": VALUES,
                                     "time_zone": VALUES, "organisation": VALUES}))
def test_sign_up_and_sign_in(values):
    _no_5xx(Client().post("/accounts/signup/", values))
    _no_5xx(Client().post("/accounts/login/", {"username": values["email"],
                                               "password": values["password1"]}))
    _no_5xx(Client().post("/accounts/password_reset/", {"email": values["email"]}))


@FUZZ
@given(raw=st.one_of(
    st.text(max_size=300),
    st.builds(lambda sender, subject, body: f"From: {sender}\nSubject: {subject}\n\n{body}",
              VALUES, VALUES, VALUES),
    st.builds(lambda n: "Content-Type: multipart/mixed; boundary=x\n\n" + "--x\n" * n,
              st.integers(0, 2000))))
def test_the_inbound_email_command(raw):
    result = inbound_email_process(raw=raw)
    assert result.email.pk and result.message  # stored, with what happened to it


@pytest.fixture
def engineer_and_ticket(db):
    from slaportal.plans.models import CustomerPlan, SupportPlan
    from support.services import ticket_create

    engineer = StaffFactory(role=Role.SUPPORT_ENGINEERS)
    customer = CustomerFactory()
    CustomerPlan.objects.update_or_create(
        customer=customer, line="data", defaults={"plan": SupportPlan.objects.get(code="standard")})
    ticket = ticket_create(customer=customer, line="data", channel="web", subject="Fuzz",
                           description="x" * 40, contact_phone="+380441234567")
    client = Client()
    client.force_login(engineer)
    return client, ticket, customer


WORKSPACE_ACTIONS = {
    "reply": ["body", "wait_for_customer", "close_after"], "note": ["body"],
    "clarify": ["item", "question"], "close": ["note"], "reopen": [], "hours": ["hours", "note"],
}


@FUZZ
@given(action=st.sampled_from([*WORKSPACE_ACTIONS, "", "\x00", "explode"]), data=st.data())
def test_the_ticket_workspace_and_the_staff_ticket_form(engineer_and_ticket, action, data):
    """Issue 12: the workspace's forms and "open a ticket" answer bad input with a
    message or a 403, never a 5xx; a refused "open a ticket" writes nothing."""
    client, ticket, customer = engineer_and_ticket
    values = {f"{action}-{name}": data.draw(VALUES)
              for name in WORKSPACE_ACTIONS.get(action, [])}
    _no_5xx(client.post(f"/admin/support/ticket/{ticket.pk}/change/",
                        {"_ws_action": action, **values}))
    _no_5xx(client.get(f"/admin/support/ticket/{ticket.pk}/change/",
                       {"canned": data.draw(VALUES)}))
    fields = ["customer_email", "line", "channel", "subject", "description", "migration_id",
              "contact_email", "contact_phone"]
    form = {name: data.draw(VALUES) for name in fields}
    if data.draw(st.booleans()):
        form["customer_email"] = customer.user.email
    before = Ticket.objects.count()
    response = client.post("/admin/support/ticket/add/", form)
    _no_5xx(response)
    if response.status_code == 200:
        assert Ticket.objects.count() == before
    _no_5xx(client.post("/admin/support/ticket/", {
        "action": data.draw(st.sampled_from(["assign_to_chosen", "set_status", "assign_to_me"])),
        "_selected_action": [ticket.pk], "index": 0,
        "assignee": data.draw(VALUES), "new_status": data.draw(VALUES)}))
