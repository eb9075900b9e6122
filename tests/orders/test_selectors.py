import pytest

from orders.choices import MigrationKind
from orders.choices import MigrationStatus as S
from orders.selectors import customer_next_step
from tests.factories import OrdersMigrationFactory

from .conftest import kyiv

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("status, expected", [
    (S.QUOTED, "confirm the migration"),
    (S.CONFIRMED, "Pay for the migration"),
    (S.PAID, "Provide access details"),
    (S.RUNNING, "running"),
    (S.PAUSED, "Resume"),
    (S.VALIDATED, "Restrict or change the access"),
    (S.ARCHIVED, "closed"),
])
def test_what_the_customer_must_do_next(status, expected):
    """ORD-4/ORD-5/ORD-9/ORD-14: the admin tells the manager the customer's next step."""
    assert expected in customer_next_step(OrdersMigrationFactory(status=status))


def test_cms_review_deadline_in_the_next_step():
    """ORD-6: a completed CMS migration asks for the review by its 14th day."""
    m = OrdersMigrationFactory(line="cms", status=S.COMPLETED,
                               completed_at=kyiv(2026, 3, 2, 12))
    assert "by 2026-03-16" in customer_next_step(m)


def test_demo_next_step_is_the_preview():
    """ORD-2: after the demo the customer previews the result and orders."""
    m = OrdersMigrationFactory(kind=MigrationKind.DEMO, status=S.COMPLETED)
    assert "Preview the demo result" in customer_next_step(m)
