"""Admin pages run a fixed number of queries whatever the page size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from slaportal.accounts.roles import Role
from tests.factories import CustomerFactory, StaffFactory

pytestmark = pytest.mark.django_db

# Session, user, permissions, the page of rows and the filters: fixed whatever the rows.
PINNED = {"admin:accounts_customer_changelist": 6, "admin:accounts_user_changelist": 7}


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url_name", ["admin:accounts_customer_changelist", "admin:accounts_user_changelist"]
)
def test_changelist_query_count_does_not_grow_with_rows(client, url_name):
    """ACC-2: account managers' lists stay at a pinned number of queries."""
    manager = StaffFactory(role=Role.ACCOUNT_MANAGERS)
    client.force_login(manager)
    CustomerFactory.create_batch(10, account_manager=manager)
    ten = _queries(client, reverse(url_name))
    CustomerFactory.create_batch(90, account_manager=manager)
    hundred = _queries(client, reverse(url_name))
    assert ten == hundred
    assert ten == PINNED[url_name]
