"""A refund does the same whichever side issues it (BIL-12/BIL-13/ORD-17), and a
migration refunded in full takes no further refund request (BIL-8)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from billing import services
from billing.choices import PaymentStatus, RefundReason
from billing.models import DataDeletionConfirmation
from billing.selectors import customer_pending_data_deletions
from orders.choices import MigrationStatus
from slaportal.plans.models import PlanPeriod
from tests.billing.test_ipn import _key, fields_for, pending_payment, post  # noqa: F401
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def _request(m, reason=RefundReason.NOT_USED):
    return services.refund_request_submit(
        customer=m.customer, migration=m, reason=reason, description="We changed plans.",
        problem_first_reported_at=None, actor=m.customer.user)


def test_a_full_refund_at_the_provider_does_what_a_portal_refund_does(
    client, django_capture_on_commit_callbacks
):
    """BIL-13/ORD-17: a full refund made at PayPro Global stops the migration, asks the
    customer to confirm the deletion of the migrated data (on their billing page and by
    e-mail), and takes no further refund request."""
    payment = pending_payment()
    m = payment.migration
    post(client, fields_for(payment))
    with django_capture_on_commit_callbacks(execute=True):
        post(client, fields_for(payment, type_name="OrderRefunded", ORDER_REFUNDED="1000.00"))
    payment.refresh_from_db()
    m.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED and m.status == MigrationStatus.STOPPED
    confirmation = DataDeletionConfirmation.objects.get(migration=m)
    assert confirmation.refund.payment == payment
    assert list(customer_pending_data_deletions(m.customer)) == [confirmation]
    refund_mail = [e for e in mail.outbox if e.subject.startswith(f"Refund for {m.migration_id}")]
    note = confirmation.refund.credit_note
    assert len(refund_mail) == 1 and note.number in refund_mail[0].subject
    assert "our payment provider issued a refund" in refund_mail[0].body
    assert [a[0] for a in refund_mail[0].attachments] == [f"{note.number}.pdf"]
    deletion = [e for e in mail.outbox if "confirm the deletion" in e.subject]
    assert len(deletion) == 1 and reverse("billing:refund_list") in deletion[0].body
    client.force_login(m.customer.user)
    assert "confirm" in client.get(reverse("billing:refund_list")).content.decode().lower()
    with pytest.raises(ValidationError, match="refunded in full"):
        _request(m)


def test_a_portal_full_refund_refuses_a_second_request_and_ends_the_plan():
    """BIL-8/BIL-10: after a full refund approved by finance, a new request is refused
    with a clear message; the plan bought with the order stops serving (SUP-10)."""
    payment = pending_payment()
    m = payment.migration
    services.payment_complete(payment=payment, actor=None)
    first = _request(m)
    with pytest.raises(ValidationError, match="already waiting for a decision"):
        _request(m)
    services.refund_approve(request=first, actor=StaffFactory())
    with pytest.raises(ValidationError, match="refunded in full"):
        _request(m)
    assert DataDeletionConfirmation.objects.filter(migration=m).count() == 1
    assert not PlanPeriod.objects.filter(migration=m, ends_at__isnull=True).exists()
