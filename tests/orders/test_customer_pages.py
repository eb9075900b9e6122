"""Issue 7: the customers' order and migration pages (orders side), with the test client."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import URLPattern, reverse
from django.utils import timezone

from orders import services
from orders import urls as orders_urls
from orders.choices import MigrationKind, MigrationStatus, RemigrationReason
from orders.models import (
    AccessDetail,
    CustomWorkRequest,
    Migration,
    MigrationEvent,
    MigrationOption,
    NonProfitApplication,
    Platform,
    QuoteLine,
)
from slaportal.accounts.roles import Role
from tests.factories import PASSWORD, CustomerFactory, StaffFactory

from .conftest import kyiv, verify_access

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_for(client):
    def sign_in(customer):
        client.force_login(customer.user)
        return client
    return sign_in


@pytest.fixture
def owner(customer, client_for):
    customer.uses_data_line = customer.uses_cms_line = True
    customer.save()
    return client_for(customer)


def _running(order, manager, **kwargs):
    migration = order(**kwargs)
    now = timezone.now()
    services.migration_confirm(migration=migration, actor=manager, now=now)
    services.migration_mark_paid(migration=migration, actor=manager, now=now)
    verify_access(migration, manager, now)
    services.migration_start(migration=migration, actor=manager, now=now)
    migration.refresh_from_db()
    return migration


def _wizard_data(**extra):
    source = Platform.objects.get(name="Zendesk", line="data")
    target = Platform.objects.get(name="Freshdesk", line="data")
    option = MigrationOption.objects.get(code="migrate-inline-images", line="data")
    data = {"line": "data", "source": source.slug, "target": target.slug,
            "records": "10000", "options": [str(option.pk)], "plan": "premium"}
    data.update(extra)
    return data


def _snapshot():
    return (
        list(Migration.objects.order_by("pk").values_list("pk", "status", "pauses_used")),
        QuoteLine.objects.count(), MigrationEvent.objects.count(),
        AccessDetail.objects.count(), CustomWorkRequest.objects.count(),
        NonProfitApplication.objects.count(),
    )


# ------------------------------------------------------------------ rendering


def test_each_page_renders_for_its_owner(owner, order):
    """ACC-3/ORD-1: the owner sees the wizard, the list with the Migration ID and what
    happens next, the migration page and the non-profit form."""
    migration = order()
    for url, heading in [
        (reverse("orders:new"), "Order a migration"),
        (reverse("orders:list"), "My migrations"),
        (reverse("orders:detail", args=[migration.migration_id]), migration.migration_id),
        (reverse("orders:nonprofit"), "Non-profit programme"),
    ]:
        response = owner.get(url)
        assert response.status_code == 200, url
        assert "<h1>" in response.content.decode() and heading in response.content.decode()
    listing = owner.get(reverse("orders:list")).content.decode()
    assert migration.migration_id in listing
    assert "Review the quote and confirm the migration" in listing


def test_list_shows_package_due_with_deadline(owner, order, manager):
    """ORD-12: what happens next and by when, in Kyiv time, on the list."""
    migration = order(line="cms", plan_code=None, records=800, package_tier="basic")
    now = timezone.now()
    services.migration_confirm(migration=migration, actor=manager, now=now)
    services.migration_mark_paid(migration=migration, actor=manager, now=now)
    verify_access(migration, manager, now)
    migration.service_package.refresh_from_db()
    assert migration.service_package.due_at is not None
    page = owner.get(reverse("orders:list")).content.decode()
    assert "Kyiv" in page and "<time datetime=" in page
    detail = owner.get(reverse("orders:detail", args=[migration.migration_id])).content.decode()
    assert "min business)" in detail and "cms-tech" not in detail  # no internal codes
    # Issue 15: the package's due date explained day by day in plain words.
    assert "Basic package due" in detail and "How this time is counted" in detail


# ------------------------------------------------------------------ wizard (ORD-3)


def test_wizard_prices_live_through_preview_endpoint(owner):
    """ORD-3: the endpoint quote.js calls prices each line (migration, option, plan)."""
    data = _wizard_data()
    data.pop("line")
    response = owner.get(reverse("orders:quote-preview"), data)
    body = response.json()
    assert body["ok"] and [ln["kind"] for ln in body["lines"]] == [
        "migration", "option", "support_plan"]
    assert Migration.objects.count() == 0


def test_wizard_update_quote_without_javascript(owner):
    """ORD-3: without JS, "Update quote" re-renders the page with every priced line;
    nothing is saved."""
    response = owner.post(reverse("orders:new"), _wizard_data(action="quote"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Migration Zendesk → Freshdesk, 10,000 records" in page
    for kind in ("migration", "option", "support_plan"):
        assert f'data-kind="{kind}"' in page
    assert "Support plan PREMIUM" in page and "Total" in page
    assert Migration.objects.count() == 0


def test_wizard_cms_quote_shows_package_and_insurance(owner):
    """ORD-12/ORD-13: CMS lines — package and insurance each priced on their own line."""
    from orders.models import InsurancePlan

    insurance = InsurancePlan.objects.order_by("restarts").first()
    data = {"line": "cms", "source": Platform.objects.get(name="WordPress").slug,
            "target": Platform.objects.get(name="Drupal").slug, "records": "800",
            "package": "basic", "insurance": str(insurance.pk), "action": "quote"}
    page = owner.post(reverse("orders:new"), data).content.decode()
    assert 'data-kind="package"' in page and 'data-kind="insurance"' in page


def test_demo_starts_without_payment(owner, customer):
    """ORD-2: "Start a free demo" creates a demo — no quote, no payment, no card."""
    response = owner.post(reverse("orders:new"), _wizard_data(action="demo", records=""))
    demo = Migration.objects.get(customer=customer)
    assert demo.kind == MigrationKind.DEMO and demo.paid_at is None
    assert not demo.quote_lines.exists()
    assert response.status_code == 302
    assert response["Location"] == reverse("orders:detail", args=[demo.migration_id])
    page = owner.get(response["Location"]).content.decode()
    assert "no payment and no card needed" in page
    assert "Confirm and pay" not in page and 'name="card' not in page


def test_continue_to_confirm_creates_quoted_migration_with_lines(owner, customer):
    """ORD-3/ORD-4: "Continue to confirm" builds the quoted full migration with its lines
    and goes to the Confirm step (billing's page, else the migration page)."""
    response = owner.post(reverse("orders:new"), _wizard_data(action="continue"))
    migration = Migration.objects.get(customer=customer)
    assert migration.kind == MigrationKind.FULL and migration.status == MigrationStatus.QUOTED
    assert list(migration.quote_lines.values_list("kind", flat=True)) == [
        "migration", "option", "support_plan"]
    assert response.status_code == 302
    assert migration.migration_id in response["Location"]


@pytest.mark.parametrize("bad", [
    {"records": ""},  # no count
    {"records": "-5"},
    {"plan": ""},  # data line needs a plan
    {"target": "data-zendesk"},  # same as source
    {"source": "cms-wordpress"},  # another line's platform
])
def test_wizard_bad_input_answered_inline_nothing_saved(owner, bad):
    """ORD-3: bad wizard input is answered on the page; no order is created."""
    response = owner.post(reverse("orders:new"), _wizard_data(action="continue", **bad))
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode() or 'class="errors"' in \
        response.content.decode()
    assert Migration.objects.count() == 0


# ------------------------------------------------------------------ migration actions


def test_remigration_without_confirmation_is_refused(owner, completed):
    """ORD-7: without the explicit confirmation the re-migration is refused inline."""
    parent = completed(plan_code="premium", completed_at=timezone.now() - dt.timedelta(days=1))
    before = _snapshot()
    response = owner.post(reverse("orders:remigrate", args=[parent.migration_id]),
                          {"reason": RemigrationReason.SANDBOX_TO_LIVE})
    assert response.status_code == 400
    assert "Tick the confirmation" in response.content.decode()
    assert _snapshot() == before


def test_remigration_with_confirmation_is_created(owner, completed):
    """ORD-7: with the confirmation, Premium's free re-migration within 5 days."""
    parent = completed(plan_code="premium", completed_at=timezone.now() - dt.timedelta(days=1))
    detail = owner.get(reverse("orders:detail", args=[parent.migration_id])).content.decode()
    assert "including my changes there, will be removed" in detail
    response = owner.post(reverse("orders:remigrate", args=[parent.migration_id]),
                          {"reason": RemigrationReason.SANDBOX_TO_LIVE,
                           "confirm_removal": "on"})
    child = parent.follow_ups.get()
    assert child.kind == MigrationKind.REMIGRATION and child.free_entitlement
    assert child.target_removal_confirmed_at is not None
    assert response["Location"] == reverse("orders:detail", args=[child.migration_id])


def test_remigration_bad_reason_answered_inline(owner, completed):
    """ORD-7: an unknown reason is answered inline; nothing saved."""
    parent = completed(plan_code="premium", completed_at=timezone.now() - dt.timedelta(days=1))
    before = _snapshot()
    response = owner.post(reverse("orders:remigrate", args=[parent.migration_id]),
                          {"reason": "because", "confirm_removal": "on"})
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    assert _snapshot() == before


def test_delta_refused_when_not_signature(owner, completed):
    """ORD-8: Signature only — a Premium customer's request is refused, nothing changes."""
    parent = completed(plan_code="premium", completed_at=timezone.now() - dt.timedelta(days=1))
    assert "Request delta migration" not in owner.get(
        reverse("orders:detail", args=[parent.migration_id])).content.decode()
    before = _snapshot()
    response = owner.post(reverse("orders:delta", args=[parent.migration_id]), follow=True)
    assert "Signature plan only" in response.content.decode()
    assert _snapshot() == before


def test_delta_on_signature_shows_window_and_is_created(owner, completed):
    """ORD-8: Signature's delta migration, its window shown; requesting creates it."""
    parent = completed(plan_code="signature",
                       completed_at=timezone.now() - dt.timedelta(days=1))
    page = owner.get(reverse("orders:detail", args=[parent.migration_id])).content.decode()
    assert "Mon–Fri 09:00–21:00 Kyiv" in page and "Request delta migration" in page
    owner.post(reverse("orders:delta", args=[parent.migration_id]))
    assert parent.follow_ups.get().kind == MigrationKind.DELTA


@pytest.mark.parametrize("now, outside", [
    (kyiv(2026, 3, 7, 12, 0), True),  # Saturday
    (kyiv(2026, 3, 9, 21, 30), True),  # Monday after 21:00
    (kyiv(2026, 3, 9, 10, 0), False),  # Monday inside the window
])
def test_delta_outside_window_explains_arrangement(owner, completed, monkeypatch, now,
                                                   outside):
    """ORD-8: outside Mon–Fri 09:00–21:00 Kyiv the page explains that another start time
    needs a manager's arrangement."""
    parent = completed(plan_code="signature", completed_at=now - dt.timedelta(days=1))
    monkeypatch.setattr(timezone, "now", lambda: now)
    page = owner.get(reverse("orders:detail", args=[parent.migration_id])).content.decode()
    assert ("needs a manager's arrangement" in page) is outside


def test_delta_window_passed_is_refused(owner, completed):
    """ORD-8: one delta within 10 days — after the window it is refused, nothing changes."""
    parent = completed(plan_code="signature",
                       completed_at=timezone.now() - dt.timedelta(days=15))
    before = _snapshot()
    response = owner.post(reverse("orders:delta", args=[parent.migration_id]), follow=True)
    assert "No delta migration left" in response.content.decode()
    assert _snapshot() == before


def test_pause_and_resume_on_signature(owner, order, manager):
    """ORD-9: Signature pauses and resumes; the pauses left are shown."""
    migration = _running(order, manager, plan_code="signature")
    page = owner.get(reverse("orders:detail", args=[migration.migration_id])).content.decode()
    assert "Pauses left: 5" in page
    owner.post(reverse("orders:pause", args=[migration.migration_id]))
    migration.refresh_from_db()
    assert migration.status == MigrationStatus.PAUSED and migration.pauses_used == 1
    owner.post(reverse("orders:resume", args=[migration.migration_id]))
    migration.refresh_from_db()
    assert migration.status == MigrationStatus.RUNNING


def test_pause_refused_without_interval_migration(owner, order, manager):
    """ORD-9: interval migration is Signature's; a Standard pause is refused clearly."""
    migration = _running(order, manager, plan_code="standard")
    before = _snapshot()
    response = owner.post(reverse("orders:pause", args=[migration.migration_id]), follow=True)
    assert "Signature feature" in response.content.decode()
    assert _snapshot() == before


def test_custom_work_request_and_bad_input(owner, order, customer):
    """ORD-10: a too-short description is answered inline; a valid one is requested and
    its quote shown once quoted."""
    migration = order()
    url = reverse("orders:custom-work", args=[migration.migration_id])
    before = _snapshot()
    response = owner.post(url, {"description": "short"})
    assert response.status_code == 400 and 'class="error"' in response.content.decode()
    assert _snapshot() == before
    owner.post(url, {"description": "Map our custom ticket fields into Freshdesk."})
    work = CustomWorkRequest.objects.get(migration=migration, customer=customer)
    from decimal import Decimal
    work = services.custom_work_requirements(work=work, requirements="r", actor=None)
    work = services.custom_work_estimate(work=work, hours=Decimal("3"), actor=None)
    services.custom_work_quote(work=work, price=Decimal("300"), timeframe_days=5, actor=None)
    page = owner.get(reverse("orders:detail", args=[migration.migration_id])).content.decode()
    assert "within 5 days" in page and "300" in page


def test_access_details_stored_never_shown_back(owner, order):
    """ORD-14: the credentials are saved encrypted; the page shows only the masked hint
    and the verification state."""
    migration = order()
    url = reverse("orders:access", args=[migration.migration_id])
    before = _snapshot()
    response = owner.post(url, {"side": "source", "url": "https://x.example.com", "secret": ""})
    assert response.status_code == 400 and _snapshot() == before
    owner.post(url, {"side": "source", "url": "https://x.example.com",
                     "secret": "top-secret-pass-9876"})
    detail = AccessDetail.objects.get(migration=migration, side="source")
    assert "top-secret" not in detail.secret_encrypted
    page = owner.get(reverse("orders:detail", args=[migration.migration_id])).content.decode()
    assert "top-secret-pass" not in page and "••••9876" in page
    assert "waiting for verification" in page
    services.access_fail(detail=detail, actor=None, reason="Wrong password")
    page = owner.get(reverse("orders:detail", args=[migration.migration_id])).content.decode()
    assert "failing" in page and "Wrong password" in page


def test_access_reminder_shown_when_due(owner, completed):
    """ACC-4/ORD-14: the reminder to restrict the access shows once it is due."""
    parent = completed(plan_code="standard", completed_at=timezone.now() - dt.timedelta(days=6))
    Migration.objects.filter(pk=parent.pk).update(
        access_reminder_due_at=timezone.now() - dt.timedelta(days=1))
    page = owner.get(reverse("orders:detail", args=[parent.migration_id])).content.decode()
    assert "restrict or change the access details" in page


def test_stopped_migration_refuses_actions(owner, order, manager):
    """ORD-17: a stopped migration takes no further action; the refusal is shown."""
    migration = order()
    services.migration_stop(migration=migration, actor=manager, reason="Refunded")
    before = _snapshot()
    response = owner.post(reverse("orders:access", args=[migration.migration_id]),
                          {"side": "source", "url": "", "secret": "secret-12345678"})
    assert "stopped" in response.content.decode()
    response = owner.post(reverse("orders:custom-work", args=[migration.migration_id]),
                          {"description": "Some custom work description."})
    assert "No further actions are possible." in response.content.decode()
    assert "ORD-17" not in response.content.decode()  # plain words on customer pages
    assert _snapshot() == before


def test_full_migration_from_demo(owner, customer):
    """ORD-2: the full migration ordered from a demo copies its platforms, quoted."""
    owner.post(reverse("orders:new"), _wizard_data(action="demo"))
    demo = Migration.objects.get(customer=customer, kind=MigrationKind.DEMO)
    url = reverse("orders:full-from-demo", args=[demo.migration_id])
    before = _snapshot()
    assert owner.post(url, {"records": "0", "plan": "standard"}).status_code == 400
    assert _snapshot() == before
    owner.post(url, {"records": "20000", "plan": "standard"})
    full = Migration.objects.get(from_demo=demo)
    assert full.status == MigrationStatus.QUOTED and full.quote_lines.exists()


# ------------------------------------------------------------------ ORD-16


def test_nonprofit_application(owner, customer):
    """ORD-16: a CMS customer applies once; a second application while one is under
    review is refused inline."""
    url = reverse("orders:nonprofit")
    owner.post(url, {"organisation": "Open Library", "evidence": "Reg. no. 123"})
    assert NonProfitApplication.objects.filter(customer=customer).count() == 1
    response = owner.post(url, {"organisation": "Open Library", "evidence": "again"})
    assert "already under review" in response.content.decode()
    assert NonProfitApplication.objects.filter(customer=customer).count() == 1


def test_nonprofit_refused_for_data_only_customer(client_for):
    """ORD-16: the programme is the CMS line's."""
    customer = CustomerFactory(uses_data_line=True, uses_cms_line=False)
    response = client_for(customer).post(reverse("orders:nonprofit"),
                                         {"organisation": "X", "evidence": "Y"})
    assert "CMS line" in response.content.decode()
    assert not NonProfitApplication.objects.exists()


# ------------------------------------------------------------------ ACC-3


def _customer_patterns():
    return [p for p in orders_urls.urlpatterns
            if isinstance(p, URLPattern) and p.name not in ("engine-events", "quote-preview")]


def test_every_migration_url_is_404_for_another_customer(client_for, completed, order):
    """ACC-3: every customer URL of orders with another customer's Migration ID is a 404
    on GET and POST, and nothing changes."""
    victim_full = completed(plan_code="signature",
                            completed_at=timezone.now() - dt.timedelta(days=1))
    intruder = client_for(CustomerFactory(uses_data_line=True, uses_cms_line=True))
    patterns = [p for p in _customer_patterns() if "migration_id" in p.pattern.converters]
    assert len(patterns) >= 8
    before = _snapshot()
    for pattern in patterns:
        url = reverse(f"orders:{pattern.name}", args=[victim_full.migration_id])
        assert intruder.get(url).status_code == 404, url
        payload = {"reason": RemigrationReason.SANDBOX_TO_LIVE, "confirm_removal": "on",
                   "description": "Intruder's custom work request text", "side": "source",
                   "secret": "intruder-secret-123", "records": "10", "plan": "standard"}
        assert intruder.post(url, payload).status_code == 404, url
    assert _snapshot() == before


def test_list_shows_only_own_migrations(client_for, order):
    """ACC-3: "My migrations" lists only the signed-in customer's migrations."""
    other = order()
    mine = CustomerFactory(uses_data_line=True)
    page = client_for(mine).get(reverse("orders:list")).content.decode()
    assert other.migration_id not in page


def test_staff_redirected_to_admin_and_anonymous_to_sign_in(client, order):
    """ACC-3/ACC-2: staff go to the admin, anonymous visitors to the sign-in page."""
    migration = order()
    urls = [reverse(f"orders:{p.name}", args=[migration.migration_id])
            if "migration_id" in p.pattern.converters else
            reverse(f"orders:{p.name}", args=[1]) if "pk" in p.pattern.converters else
            reverse(f"orders:{p.name}")
            for p in _customer_patterns()]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"], url
    staff = StaffFactory(role=Role.ACCOUNT_MANAGERS)
    assert client.login(email=staff.email, password=PASSWORD)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("admin:index"), url


@pytest.mark.parametrize("count", [3, 12])
def test_list_query_count_does_not_grow(owner, order, customer, django_assert_max_num_queries,
                                        count):
    """ORD-1: "My migrations" reads a fixed number of queries whatever the row count."""
    for _ in range(count):
        order()
    with django_assert_max_num_queries(12):
        response = owner.get(reverse("orders:list"))
    assert response.content.decode().count('href="/orders/') >= count


def _query_count(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_query_count_is_fixed_for_completed_cms_and_paid_rows(owner, order):
    """ORD-6/ORD-14: completed CMS rows (review date) and paid rows (access details)
    do not add a query per row to "My migrations"."""
    from orders.models import Migration

    def add_rows(n):
        for i in range(n):
            m = order(line="cms", plan_code=None, records=500) if i % 2 else order()
            status = MigrationStatus.COMPLETED if i % 2 else MigrationStatus.PAID
            Migration.objects.filter(pk=m.pk).update(status=status, completed_at=timezone.now())

    add_rows(2)
    few = _query_count(owner, reverse("orders:list"))
    add_rows(10)
    assert _query_count(owner, reverse("orders:list")) == few


def test_follow_up_quotes_price_the_migration_work_only(owner, completed):
    """ORD-7/ORD-8/SUP-10: a paid re-migration (Standard) and a delta (Signature) are
    quoted for the migration work alone — the support plan and insurance were bought
    with the original order; a free re-migration shows 0 on its page and is paid
    without a checkout."""
    standard = completed(plan_code="standard",
                         completed_at=timezone.now() - dt.timedelta(days=1))
    assert standard.quote_lines.filter(kind="support_plan").exists()
    owner.post(reverse("orders:remigrate", args=[standard.migration_id]),
               {"reason": RemigrationReason.SANDBOX_TO_LIVE, "confirm_removal": "on"})
    paid = standard.follow_ups.get()
    assert list(paid.quote_lines.values_list("kind", flat=True)) == ["migration"]
    assert paid.status == MigrationStatus.QUOTED

    signature = completed(plan_code="signature",
                          completed_at=timezone.now() - dt.timedelta(days=1))
    owner.post(reverse("orders:delta", args=[signature.migration_id]))
    delta = signature.follow_ups.get()
    assert "support_plan" not in set(delta.quote_lines.values_list("kind", flat=True))

    premium = completed(plan_code="premium",
                        completed_at=timezone.now() - dt.timedelta(days=1))
    owner.post(reverse("orders:remigrate", args=[premium.migration_id]),
               {"reason": RemigrationReason.SANDBOX_TO_LIVE, "confirm_removal": "on"})
    free = premium.follow_ups.get()
    assert [(ln.kind, ln.amount.amount) for ln in free.quote_lines.all()] == [
        ("migration", Decimal("0"))]
    assert free.status == MigrationStatus.PAID
    page = owner.get(reverse("orders:detail", args=[free.migration_id])).content.decode()
    assert "free under the support plan" in page
    assert "Support plan PREMIUM" not in page  # no plan line priced into the quote
