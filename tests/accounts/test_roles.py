import importlib

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from slaportal.accounts.roles import Role, role_permissions
from tests.factories import CustomerFactory, StaffFactory

pytestmark = pytest.mark.django_db

# What each role finds on the admin index: "app_label.model" -> the actions it may take.
# Each app states its part in tests/<app>/admin_visibility.py; they are merged here.
APPS = ("accounts", "calendars", "plans", "orders", "support", "billing")


def _expected(role: str) -> dict[str, set[str]]:
    merged: dict[str, set[str]] = {}
    for app in APPS:
        try:
            module = importlib.import_module(f"tests.{app}.admin_visibility")
        except ModuleNotFoundError:
            continue
        merged.update(module.EXPECTED_ADMIN_MODELS.get(role, {}))
    return merged


def _admin_models(client) -> dict[str, set[str]]:
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    seen = {}
    for app in response.context["app_list"]:
        for model in app["models"]:
            key = f"{app['app_label']}.{model['object_name'].lower()}"
            seen[key] = {verb for verb, allowed in model["perms"].items() if allowed}
    return seen


def test_role_groups_exist_from_the_data_migration():
    """ACC-2: the three staff roles exist as groups."""
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.ALL)


@pytest.mark.parametrize("role", Role.ALL)
def test_each_staff_role_reaches_the_admin_and_sees_exactly_its_models(client, role):
    """ACC-2: each role sees and changes only what its work needs."""
    client.force_login(StaffFactory(role=role))
    assert _admin_models(client) == _expected(role)


def test_role_permissions_cover_the_declared_list():
    """ACC-2: the groups carry exactly the declared permissions after migrate."""
    for role, names in role_permissions().items():
        group = Group.objects.get(name=role)
        granted = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in group.permissions.select_related("content_type")
        }
        assert granted == set(names)


def test_staff_without_a_role_sees_no_model(client):
    client.force_login(StaffFactory())
    assert _admin_models(client) == {}


def test_customer_is_refused_by_the_admin(client):
    """ACC-2/ACC-3: customers never reach the admin."""
    customer = CustomerFactory()
    client.force_login(customer.user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    changelist = client.get(reverse("admin:accounts_customer_changelist"))
    assert changelist.status_code == 302


def test_role_changes_are_audited():
    """ACC-2: changes to role membership are kept in the history."""
    user = StaffFactory()
    user.groups.add(Group.objects.get(name=Role.FINANCE))
    user.save()
    latest = user.history.latest()
    assert [g.group.name for g in latest.groups.all()] == [Role.FINANCE]
