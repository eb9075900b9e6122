import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orders import services
from orders.choices import MigrationStatus as S
from orders.models import Migration, ServicePackage
from slaportal.accounts.roles import Role
from tests.factories import CustomerFactory, OrdersMigrationFactory, StaffFactory

from .conftest import kyiv, verify_access

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:orders_migration_changelist")
# session, user, permissions (2), calendar versions for "time left" (2), the plan filter,
# the paginator's count, the page of rows (one join), the date hierarchy (2).
PINNED = 9  # no date_hierarchy: it aggregated every row of the list


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _rows(n, manager):
    customers = CustomerFactory.create_batch(3, account_manager=manager)
    for i in range(n):
        m = OrdersMigrationFactory(customer=customers[i % 3], line="cms")
        ServicePackage.objects.create(migration=m, tier="basic", hours_included=6,
                                      due_at=kyiv(2026, 3, 20, 12))


def test_migrations_changelist_query_count_is_fixed(client, manager):
    """ACC-2: the migrations list runs the same queries for 10 and 100 rows."""
    client.force_login(manager)
    _rows(10, manager)
    client.get(CHANGELIST)  # the process-wide calendar cache is built once
    ten = _queries(client, CHANGELIST)
    _rows(90, manager)
    hundred = _queries(client, CHANGELIST)
    assert ten == hundred
    response = client.get(CHANGELIST)
    assert response.content.count(b'class="action-checkbox"') >= 100
    assert ten == PINNED


def test_search_by_migration_id_and_email(client, manager):
    """ACC-2: account managers find a migration by its ID or the customer's e-mail."""
    client.force_login(manager)
    a, b = OrdersMigrationFactory(), OrdersMigrationFactory()
    page = client.get(CHANGELIST, {"q": a.migration_id}).content.decode()
    assert a.migration_id in page and b.migration_id not in page
    page = client.get(CHANGELIST, {"q": b.customer.user.email}).content.decode()
    assert b.migration_id in page and a.migration_id not in page


def test_filters_by_status_line_plan_and_due(client, manager):
    """ACC-2: account managers filter by status, line, plan and due date."""
    client.force_login(manager)
    for query in ({"status__exact": "running"}, {"line__exact": "cms"}, {"due": "overdue"},
                  {"support_plan__id__exact": "1"}, {"due": "3days"}):
        assert client.get(CHANGELIST, query).status_code == 200


def test_action_calls_the_service_and_reports_refusals(client, manager, order):
    """ORD-5 via the admin: recording a start on an unpaid migration is refused with the
    service's message; a paid one starts."""
    client.force_login(manager)
    unpaid, paid = order(), order()
    now = kyiv(2026, 3, 2, 10)
    services.migration_confirm(migration=paid, actor=manager, now=now)
    services.migration_mark_paid(migration=paid, actor=manager, now=now)
    verify_access(paid, manager, now)
    response = client.post(CHANGELIST, {"action": "record_started",
                                        "_selected_action": [unpaid.pk, paid.pk]}, follow=True)
    text = response.content.decode()
    assert "Started: 1 migration(s)." in text
    assert "cannot go from Quoted to Running" in text
    assert Migration.objects.get(pk=paid.pk).status == S.RUNNING
    assert Migration.objects.get(pk=paid.pk).events.last().actor == manager


def test_change_page_shows_timeline_entitlements_next_step_and_masked_access(
    client, manager, completed
):
    """ORD-14 / SUP-10: the page per migration — timeline, entitlements left, the
    customer's next step; credentials only as ••••last4."""
    client.force_login(manager)
    m = completed(plan_code="signature", completed_at=kyiv(2026, 3, 2, 12))
    page = client.get(reverse("admin:orders_migration_change", args=[m.pk])).content.decode()
    assert "Timeline" in page and "Access verified" in page
    assert "Delta migrations (ORD-8)" in page and "Pauses (ORD-9)" in page
    assert "Check the results" in page
    assert "••••1234" in page and "password-1234" not in page


def test_problem_flag_goes_through_the_service(client, manager, completed):
    """ORD-15: the account manager records an open problem on the change page."""
    client.force_login(manager)
    m = completed(plan_code="standard", completed_at=kyiv(2026, 3, 2, 12))
    url = reverse("admin:orders_migration_change", args=[m.pk])
    data = {"problem_open": "on", "problem_reason": "Missing attachments"}
    for prefix in ("quote_lines", "access_details", "events"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    response = client.post(url, data)
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.problem_open and m.problem_reason == "Missing attachments"
    assert m.events.filter(note__contains="Problem reported").exists()


def test_catalogue_viewable_by_managers_editable_by_superusers(client, manager):
    """ACC-2: price tables are settings superusers administer; managers view them."""
    client.force_login(manager)
    url = reverse("admin:orders_pricetable_changelist")
    assert client.get(url).status_code == 200
    table_url = reverse("admin:orders_pricetable_change", args=[1])
    page = client.get(table_url).content.decode()
    assert 'name="_save"' not in page
    admin = StaffFactory(is_superuser=True)
    client.force_login(admin)
    assert 'name="_save"' in client.get(table_url).content.decode()


def test_finance_sees_migrations_read_only(client):
    """ACC-2: finance views migrations and changes nothing."""
    client.force_login(StaffFactory(role=Role.FINANCE))
    m = OrdersMigrationFactory()
    page = client.get(reverse("admin:orders_migration_change", args=[m.pk])).content.decode()
    assert 'name="_save"' not in page


def test_access_verified_action_moves_a_paid_migration(client, manager, order):
    """ORD-14/ORD-12: the manager records verified access; refused when a side is
    missing."""
    from orders.choices import AccessSide

    client.force_login(manager)
    m = order()
    services.migration_confirm(migration=m, actor=manager)
    services.migration_mark_paid(migration=m, actor=manager)
    services.access_detail_set(migration=m, side=AccessSide.SOURCE, url="", secret="abcd1234",
                               actor=manager)
    data = {"action": "record_access_verified", "_selected_action": [m.pk]}
    text = client.post(CHANGELIST, data, follow=True).content.decode()
    assert "both sides" in text and Migration.objects.get(pk=m.pk).status == S.PAID
    services.access_detail_set(migration=m, side=AccessSide.TARGET, url="", secret="efgh5678",
                               actor=manager)
    client.post(CHANGELIST, data)
    assert Migration.objects.get(pk=m.pk).status == S.ACCESS_VERIFIED


def test_engine_client_created_by_superuser_shows_secret_once(client):
    """ORD-1: engines are registered by superusers; the secret is shown once."""
    from orders.models import EngineClient

    client.force_login(StaffFactory(is_superuser=True))
    response = client.post(reverse("admin:orders_engineclient_add"),
                           {"name": "Engine EU-2", "is_active": "on"}, follow=True)
    engine = EngineClient.objects.get(name="Engine EU-2")
    assert "shown once" in response.content.decode()
    assert engine.key_id.startswith("eng_") and engine.secret_encrypted


@pytest.mark.parametrize("url_name, make", [
    ("admin:orders_servicepackage_changelist", "package"),
    ("admin:orders_nonprofitapplication_changelist", "application"),
])
def test_other_changelists_query_count_is_fixed(client, manager, url_name, make):
    """ACC-2: packages and the non-profit review queue stay at a fixed query count."""
    from orders.models import NonProfitApplication

    client.force_login(manager)

    def rows(n):
        for _ in range(n):
            if make == "package":
                ServicePackage.objects.create(migration=OrdersMigrationFactory(line="cms"),
                                              tier="basic", hours_included=6)
            else:
                NonProfitApplication.objects.create(
                    customer=CustomerFactory(), organisation="Org", evidence="e",
                    submitted_at=kyiv(2026, 3, 2, 10))

    rows(10)
    url = reverse(url_name)
    ten = _queries(client, url)
    rows(90)
    assert _queries(client, url) == ten
