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


def test_cms_review_deadline_in_the_next_step_is_the_one_enforced():
    """ORD-6: a completed CMS migration asks for the review before the moment, to the
    minute, the validation job accepts it: 14 days after completion."""
    from orders.services import migrations_validate_due

    m = OrdersMigrationFactory(line="cms", status=S.COMPLETED,
                               completed_at=kyiv(2026, 3, 2, 12))
    m.customer.time_zone = "America/New_York"
    text = customer_next_step(m)
    assert "before Mon 16 Mar 2026, 06:00 America/New_York (12:00 Kyiv)" in text
    assert migrations_validate_due(now=kyiv(2026, 3, 16, 11, 59)) == 0
    assert migrations_validate_due(now=kyiv(2026, 3, 16, 12, 0)) == 1


def test_demo_next_step_is_the_preview():
    """ORD-2: after the demo the customer previews the result and orders."""
    m = OrdersMigrationFactory(kind=MigrationKind.DEMO, status=S.COMPLETED)
    assert "Preview the demo result" in customer_next_step(m)


def test_what_happens_next_moves_on_once_the_access_details_are_given():
    """Issue 16: after the customer gives the access details the next step is no longer
    "provide access details" (it was left stale); one side given asks for the other."""
    from orders.models import AccessDetail

    m = OrdersMigrationFactory(status=S.PAID)
    AccessDetail.objects.create(migration=m, side="source", url="https://old.example",
                                secret_encrypted="x", hint="1234")
    assert customer_next_step(m) == "Provide the access details for the target."
    AccessDetail.objects.create(migration=m, side="target", url="https://new.example",
                                secret_encrypted="y", hint="5678")
    m = type(m).objects.get(pk=m.pk)
    assert customer_next_step(m) == "Nothing: we are checking the access details you gave."
