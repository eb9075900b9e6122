"""Which plan serves a customer (SUP-10)."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from slaportal.accounts.choices import ProductLine

from .models import CustomerPlan, PlanPeriod, SupportPlan

DEFAULT_PLAN_CODE = {ProductLine.CMS: "cms", ProductLine.DATA: "standard"}


def customer_plan(*, customer, line: str, when=None) -> SupportPlan:
    """The plan serving the customer on a line (SUP-10): a plan bought with an order
    while its period is open (the highest when several are), else the customer's
    default plan, else the CMS plan / STANDARD."""
    when = when or timezone.now()
    bought = (
        PlanPeriod.objects.filter(customer=customer, line=line, starts_at__lte=when)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=when))
        .select_related("plan__calendar").order_by("-plan__priority_rank", "-starts_at")
        .first()
    )
    if bought is not None:
        return bought.plan
    row = CustomerPlan.objects.filter(customer=customer, line=line).select_related(
        "plan__calendar"
    ).first()
    if row is not None:
        return row.plan
    return SupportPlan.objects.select_related("calendar").get(code=DEFAULT_PLAN_CODE[line])
