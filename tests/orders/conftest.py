import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from orders import services
from orders.choices import AccessSide
from orders.models import Platform
from slaportal.accounts.roles import Role
from slaportal.plans.models import SupportPlan
from tests.factories import CustomerFactory, StaffFactory

KYIV = ZoneInfo("Europe/Kyiv")


def kyiv(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=KYIV)


@pytest.fixture
def manager(db):
    return StaffFactory(role=Role.ACCOUNT_MANAGERS)


@pytest.fixture
def customer(db):
    return CustomerFactory()


@pytest.fixture
def plan(db):
    return lambda code: SupportPlan.objects.get(code=code)


@pytest.fixture
def platform(db):
    return lambda name, line="data": Platform.objects.get(name=name, line=line)


@pytest.fixture
def order(db, customer, manager, platform, plan):
    """A quoted full migration through quote_build; data line by default."""

    def build(*, line="data", plan_code="standard", records=10_000, **kwargs):
        if line == "data":
            source, target = platform("Zendesk"), platform("Freshdesk")
        else:
            source, target = platform("WordPress", "cms"), platform("Drupal", "cms")
        return services.quote_build(
            customer=kwargs.pop("customer", customer), line=line, source=source,
            target=target, record_count=records, actor=manager,
            support_plan=plan(plan_code) if plan_code else None, **kwargs,
        )

    return build


def verify_access(migration, actor, now):
    for side in (AccessSide.SOURCE, AccessSide.TARGET):
        detail = services.access_detail_set(
            migration=migration, side=side, url=f"https://{side}.example.com",
            secret=f"{side}-password-1234", actor=actor, now=now,
        )
        services.access_verify(detail=detail, actor=actor, now=now)
    migration.refresh_from_db()


@pytest.fixture
def completed(order, manager):
    """A full migration taken to completed at ``completed_at`` through the services."""

    def build(*, completed_at, **kwargs):
        migration = order(**kwargs)
        start = completed_at - dt.timedelta(hours=2)
        services.migration_confirm(migration=migration, actor=manager, now=start)
        services.migration_mark_paid(migration=migration, actor=manager, now=start)
        verify_access(migration, manager, start)
        services.migration_start(migration=migration, actor=manager, now=start)
        services.migration_complete(migration=migration, actor=manager, migrated=10,
                                    now=completed_at)
        migration.refresh_from_db()
        return migration

    return build
