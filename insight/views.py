"""Monthly SLA statements for customers (their own, ACC-3) and for staff (any customer's)."""

from __future__ import annotations

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from slaportal.accounts.decorators import customer_required
from slaportal.accounts.models import Customer
from support.selectors import months_back, parse_month

from .statements import render_pdf, statement


def _month_or_404(value: str):
    month = parse_month(value)
    today = timezone.localdate()
    if month is None or month > today.replace(day=1) or month.year < 2000:
        raise Http404("No statement for that month.")
    return month


def _statement_response(request, customer, value: str, *, pdf: bool, urls: dict):
    month = _month_or_404(value)
    s = statement(customer=customer, month=month)
    context = {"s": s, "prepared": timezone.now(), **urls}
    if pdf:
        html = render_to_string("insight/statement_pdf.html", context, request=request)
        response = HttpResponse(render_pdf(html), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'inline; filename="sla-statement-{month:%Y-%m}.pdf"')
        return response
    return render(request, "insight/statement.html", context)


def front_door(request):
    """``/``: what the vendor offers for visitors; signed-in people go to their home."""
    if request.user.is_authenticated:
        customer = getattr(request.user, "customer", None)
        if customer is None:
            from slaportal.accounts.views import home

            return home(request)
        from .overview import customer_overview

        return render(request, "accounts/home.html", {
            "customer": customer, "overview": customer_overview(customer, timezone.now())})
    from support.models import SupportSettings

    from .landing import offers

    return render(request, "accounts/landing.html", {
        "offers": offers(), "breach_limit": SupportSettings.load().termination_breach_limit})


@customer_required
@require_GET
def statement_list(request):
    return render(request, "insight/statement_list.html", {
        "months": months_back(timezone.localdate().replace(day=1), 12)[::-1]})


@customer_required
@require_GET
def statement_view(request, month: str):
    return _statement_response(request, request.customer, month, pdf=False, urls={
        "pdf_url": reverse("insight:statement_pdf", args=[month]),
        "back_url": reverse("insight:statements")})


@customer_required
@require_GET
def statement_pdf(request, month: str):
    return _statement_response(request, request.customer, month, pdf=True, urls={})


@staff_member_required
@require_GET
def staff_statement(request, customer_id: int, month: str, fmt: str = "html"):
    """Any customer's statement, for staff who may view customers."""
    if not request.user.has_perm("accounts.view_customer"):
        raise PermissionDenied
    customer = get_object_or_404(Customer.objects.select_related("user"), pk=customer_id)
    return _statement_response(request, customer, month, pdf=fmt == "pdf", urls={
        "pdf_url": reverse("insight:staff_statement_pdf", args=[customer.pk, month]),
        "back_url": reverse("admin:accounts_customer_change", args=[customer.pk])})
