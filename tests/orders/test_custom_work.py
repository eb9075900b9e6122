import datetime as dt
from decimal import Decimal

import pytest

from orders import services
from orders.choices import ApplicationStatus
from orders.choices import CustomWorkStatus as C
from orders.errors import OrderError
from orders.models import CustomWorkRequest

from .conftest import kyiv

pytestmark = pytest.mark.django_db
DELIVERED = kyiv(2026, 3, 2, 12)


@pytest.fixture
def delivered(customer, manager):
    work = services.custom_work_request(customer=customer, actor=customer.user,
                                        description="Map custom objects to Zendesk fields")
    work = services.custom_work_requirements(work=work, requirements="3 objects", actor=manager)
    work = services.custom_work_estimate(work=work, hours=Decimal("12"), actor=manager)
    work = services.custom_work_quote(work=work, price=Decimal("600"), timeframe_days=5,
                                      actor=manager)
    work = services.custom_work_mark_paid(work=work, actor=manager, now=DELIVERED)
    return services.custom_work_deliver(work=work, actor=manager, now=DELIVERED)


def test_custom_work_pipeline_in_order(customer, manager):
    """ORD-10: request → requirements → estimate → quote with timeframe → paid →
    delivered; a step cannot be skipped."""
    work = services.custom_work_request(customer=customer, actor=customer.user,
                                        description="Migrate a custom CRM module")
    with pytest.raises(OrderError, match="cannot go from Requested to Paid"):
        services.custom_work_mark_paid(work=work, actor=manager)
    assert CustomWorkRequest.objects.get(pk=work.pk).status == C.REQUESTED


def test_custom_work_is_non_refundable(delivered):
    """ORD-10/BIL-11: non-refundable."""
    assert delivered.non_refundable and delivered.price.amount == Decimal("600.00")


def test_custom_work_accepted_seven_days_after_delivery(delivered):
    """ORD-10: no issue within 7 days → accepted."""
    assert services.custom_work_auto_accept(now=DELIVERED + dt.timedelta(days=7, seconds=-1)) == 0
    assert services.custom_work_auto_accept(now=DELIVERED + dt.timedelta(days=7)) == 1
    assert CustomWorkRequest.objects.get(pk=delivered.pk).status == C.ACCEPTED


def test_issue_within_seven_days_sends_it_back_later_is_refused(delivered, customer):
    """ORD-10: issues within 7 days are worked on; later changes are paid."""
    with pytest.raises(OrderError, match="later changes are paid"):
        services.custom_work_report_issue(work=delivered, actor=customer.user,
                                          now=DELIVERED + dt.timedelta(days=7, seconds=1))
    work = services.custom_work_report_issue(work=delivered, actor=customer.user,
                                             now=DELIVERED + dt.timedelta(days=6))
    assert work.status == C.PAID
    assert services.custom_work_auto_accept(now=DELIVERED + dt.timedelta(days=30)) == 0


def test_nonprofit_application_reviewed_once(customer, manager):
    """ORD-16: applications are reviewed (weekly queue); a review is final."""
    application = services.nonprofit_apply(customer=customer, organisation="Food Bank",
                                           evidence="Charity no. 42", actor=customer.user)
    customer.refresh_from_db()
    assert customer.nonprofit_status == "pending"
    services.nonprofit_review(application=application, approve=False, actor=manager)
    with pytest.raises(OrderError, match="already reviewed"):
        services.nonprofit_review(application=application, approve=True, actor=manager)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED


def test_weekly_review_digest_goes_to_account_managers(
    customer, manager, django_capture_on_commit_callbacks
):
    """ORD-16: applications are reviewed weekly — Monday's digest lists the queue."""
    from django.core import mail

    assert services.nonprofit_weekly_digest() == 0 and not mail.outbox
    services.nonprofit_apply(customer=customer, organisation="Shelter", evidence="Reg. 7",
                             actor=customer.user)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.nonprofit_weekly_digest() == 1
    assert mail.outbox[-1].to == [manager.email]
