"""ORD-16: non-profit applications, reviewed weekly; the discount reaches later orders
only (quotes.nonprofit_discount_applies)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from slaportal import mail
from slaportal.accounts.choices import NonProfitStatus
from slaportal.accounts.models import Customer

from ..choices import ApplicationStatus
from ..errors import OrderError
from ..models import NonProfitApplication


@transaction.atomic
def nonprofit_apply(
    *, customer, organisation: str, evidence: str, actor, now: dt.datetime | None = None
) -> NonProfitApplication:
    if NonProfitApplication.objects.filter(
        customer=customer, status=ApplicationStatus.PENDING
    ).exists():
        raise OrderError("An application is already under review.")
    application = NonProfitApplication.objects.create(
        customer=customer, organisation=organisation, evidence=evidence,
        submitted_at=now or timezone.now(),
    )
    Customer.objects.filter(pk=customer.pk).update(nonprofit_status=NonProfitStatus.PENDING)
    return application


@transaction.atomic
def nonprofit_review(
    *, application: NonProfitApplication, approve: bool, actor, note: str = "",
    now: dt.datetime | None = None,
) -> NonProfitApplication:
    """A manager's weekly review: approved sets Customer.nonprofit_status; no refund of
    earlier purchases (the discount applies to orders created after ``reviewed_at``)."""
    application = NonProfitApplication.objects.select_for_update().get(pk=application.pk)
    if application.status != ApplicationStatus.PENDING:
        raise OrderError("This application was already reviewed.")
    application.status = ApplicationStatus.APPROVED if approve else ApplicationStatus.REJECTED
    application.reviewed_at, application.reviewed_by = now or timezone.now(), actor
    application.note = note[:300]
    application._history_user = actor
    application.save()
    Customer.objects.filter(pk=application.customer_id).update(
        nonprofit_status=NonProfitStatus.APPROVED if approve else NonProfitStatus.REJECTED
    )
    return application


def nonprofit_weekly_digest(*, now: dt.datetime | None = None) -> int:
    """Beat job (ORD-16: reviewed within a week, not daily): tell the account managers
    how many applications wait in the review queue. Returns that number."""
    from slaportal.accounts.models import User
    from slaportal.accounts.roles import Role

    pending = NonProfitApplication.objects.filter(status=ApplicationStatus.PENDING).count()
    if pending:
        emails = list(User.objects.filter(groups__name=Role.ACCOUNT_MANAGERS, is_active=True)
                      .values_list("email", flat=True))
        if emails:
            mail.send(subject=f"{pending} non-profit application(s) wait for the weekly review",
                      body="Review them in the admin: Orders › Non-profit applications "
                      "(ORD-16).", to=emails)
    return pending
