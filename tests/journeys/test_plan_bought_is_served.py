"""SUP-10/SUP-5/SUP-11: the plan a customer buys with an order is the plan that serves
their tickets, from the payment until the order leaves the vendor's care — through the
customer pages, the payment checkout, the beat jobs and the admin."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from billing import services as billing
from billing.choices import PaymentMethod, PaymentStatus
from billing.models import Payment
from billing.selectors import checkout_url
from orders import services as orders
from orders.choices import MigrationStatus
from slaportal.plans.models import PlanPeriod, SupportPlan
from support.models import Ticket
from tests.factories import StaffFactory
from tests.factories.billing import priced_migration
from tests.orders.conftest import verify_access

pytestmark = pytest.mark.django_db
LONG = "The import stops at 40% with error 'HTTP 500: Internal Server Error' every time."


def _buy(client, code: str):
    """A data-line order with ``code`` bought and paid through the sandbox checkout."""
    plan = SupportPlan.objects.get(code=code)
    m = priced_migration({"migration": "1000.00", "support_plan": str(plan.price.amount)},
                         line="data", support_plan=plan)
    billing.order_confirm(migration=m, actor=m.customer.user)
    payment = billing.payment_start(migration=m, method=PaymentMethod.CARD, actor=m.customer.user)
    client.force_login(m.customer.user)
    client.post(checkout_url(payment))
    payment.refresh_from_db()
    m.refresh_from_db()
    assert payment.status == PaymentStatus.COMPLETED and m.status == MigrationStatus.PAID
    return m, payment


def _open_ticket(client) -> Ticket:
    response = client.post(reverse("support:new"), {
        "line": "data", "subject": "Import fails", "description": LONG,
        "phone": "+380441234567",
    })
    assert response.status_code == 302, response.content.decode()[:500]
    return Ticket.objects.order_by("-pk").first()


def test_premium_bought_with_an_order_serves_the_tickets_until_the_payment_lapses(
    client, sandbox
):
    """SUP-10/SUP-5: after paying for Premium, a ticket opened on the support page gets
    Premium's calendar (data-extended), target and rank; when the payment is cancelled
    (BIL-4) the customer is back on Standard."""
    m, payment = _buy(client, "premium")
    premium = SupportPlan.objects.get(code="premium")
    period = PlanPeriod.objects.get(migration=m)
    assert period.plan == premium and period.ends_at is None
    ticket = _open_ticket(client)
    assert ticket.plan == premium and ticket.priority_rank == premium.priority_rank
    assert ticket.plan.calendar.slug == "data-extended"

    # 31 days later the full migration has not started: the payment lapses.
    Payment.objects.filter(pk=payment.pk).update(
        transaction_at=timezone.now() - dt.timedelta(days=31))
    now = timezone.now()
    assert billing.payments_expire_due(now=now) == 1
    period.refresh_from_db()
    assert period.ends_at == now and "BIL-4" in period.end_reason
    assert _open_ticket(client).plan.code == "standard"


def test_signature_bought_opens_weekend_booking_and_ends_when_archived(client, sandbox):
    """SUP-11: Signature bought with an order opens weekend support booking; ORD-15:
    when the migration is archived the plan stops serving."""
    m, _ = _buy(client, "signature")
    page = client.get(reverse("support:weekend")).content.decode()
    assert "SIGNATURE customers only" not in page
    assert _open_ticket(client).plan.code == "signature"

    # Run and completed; Signature's retention (10 days, ORD-15) then ends.
    done = timezone.now() - dt.timedelta(days=11)
    manager = StaffFactory()
    verify_access(m, manager, done)
    orders.migration_start(migration=m, actor=manager, now=done)
    orders.migration_complete(migration=m, actor=None, migrated=10, now=done)
    assert orders.migrations_archive_due() == 1
    assert PlanPeriod.objects.get(migration=m).end_reason == "Migration archived (ORD-15)"
    assert _open_ticket(client).plan.code == "standard"
    assert client.post(reverse("support:weekend"), {
        "day": "2030-01-05", "hours": "4", "action": "book"}).status_code == 403


def test_a_refund_that_stops_the_migration_ends_the_plan_and_staff_see_the_history(
    client, sandbox, admin_client
):
    """ORD-17/BIL-10: a full refund stops the migration and with it the plan bought; the
    customer's admin page shows the plan serving now and the history with its reasons."""
    from billing.choices import RefundReason

    m, _ = _buy(client, "premium")
    request = billing.refund_request_submit(
        customer=m.customer, migration=m, reason=RefundReason.NOT_USED,
        description="We changed our plans.", problem_first_reported_at=None,
        actor=m.customer.user)
    billing.refund_approve(request=request, actor=StaffFactory())
    period = PlanPeriod.objects.get(migration=m)
    assert period.ends_at is not None and period.end_reason.startswith("Migration stopped")
    page = admin_client.get(reverse("admin:accounts_customer_change", args=[m.customer.pk]))
    html = page.content.decode()
    assert "Now: " in html and "<strong>STANDARD</strong>" in html
    assert m.migration_id in html and "Migration stopped" in html


def test_paying_twice_for_the_same_order_opens_one_period(client, sandbox):
    """A repeated payment notification (or a retried task) never opens a second period."""
    from slaportal.plans.services import plan_period_open

    m, _ = _buy(client, "premium")
    assert plan_period_open(migration=m, bought=True, at=timezone.now()) == PlanPeriod.objects.get()
    assert PlanPeriod.objects.count() == 1
    assert Decimal(m.support_plan.price.amount) > 0
