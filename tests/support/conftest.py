import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from slaportal.accounts.roles import Role
from slaportal.plans.models import CustomerPlan, SupportPlan
from support.services import ticket_create
from tests.factories import CustomerFactory, StaffFactory, SupportMigrationFactory

KYIV = ZoneInfo("Europe/Kyiv")
LONG = "The import stops at 40% with error 'HTTP 500: Internal Server Error' every time."


def kyiv(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=KYIV)


@pytest.fixture
def manager(db):
    return StaffFactory(role=Role.ACCOUNT_MANAGERS, email="manager@vendor.test")


@pytest.fixture
def engineer(db):
    return StaffFactory(role=Role.SUPPORT_ENGINEERS, email="engineer@vendor.test")


@pytest.fixture
def customer(db, manager):
    return CustomerFactory(account_manager=manager, user__email="Client@Example.com")


def set_plan(customer, code: str):
    plan = SupportPlan.objects.get(code=code)
    CustomerPlan.objects.update_or_create(customer=customer, line=plan.line,
                                          defaults={"plan": plan})
    return plan


@pytest.fixture
def open_ticket(customer):
    """A complete request on the customer's plan for ``code`` received at ``now``."""

    def make(code: str = "standard", now=None, channel: str = "web", **kw):
        plan = set_plan(customer, code)
        fields = {
            "customer": customer, "line": plan.line, "channel": channel,
            "subject": "Import fails", "description": LONG,
            "contact_phone": "+380 44 123 4567", "now": now or kyiv(2025, 11, 17, 10),
        }
        if plan.line == "cms":
            fields["migration_id"] = SupportMigrationFactory(
                customer=customer, line="cms"
            ).migration_id
        fields.update(kw)
        return ticket_create(**fields)

    return make
