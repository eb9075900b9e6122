"""The PayPro Global IPN endpoint and, in the embedded run only, a sandbox checkout."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .choices import PaymentMethod, PaymentStatus
from .models import Payment
from .services import ipn


@csrf_exempt
@require_POST
def paypro_ipn(request: HttpRequest) -> HttpResponse:
    """BIL-2: store the notification first, then check and apply it; 200 once stored.

    A notification that is refused (signature, test mode) or fails is kept with its
    verdict for finance to inspect; the provider gets 200 so it does not resend a
    notification that will never pass.
    """
    raw_body = request.body.decode("utf-8", errors="replace")  # before POST is parsed
    fields = {key: request.POST.get(key, "") for key in request.POST}
    notification = ipn.ipn_receive(
        raw_body=raw_body,
        fields=fields,
        remote_addr=request.META.get("REMOTE_ADDR"),
    )
    return HttpResponse(f"OK {notification.pk}", content_type="text/plain")


def sandbox_fields(payment: Payment) -> dict[str, str]:
    """The fields PayPro Global would post for a charge of this payment, signed."""
    fields = {
        "IPN_TYPE_ID": "1",
        "IPN_TYPE_NAME": ipn.CHARGED,
        "ORDER_ID": f"SANDBOX-{payment.pk}",
        "ORDER_ITEM_ID": "1",
        "PRODUCT_ID": "1",
        "ORDER_STATUS": "Processed",
        "ORDER_STATUS_ID": "5",
        "ORDER_TOTAL_AMOUNT": f"{payment.amount.amount:.2f}",
        "ORDER_CURRENCY_CODE": str(payment.amount.currency),
        "CUSTOMER_EMAIL": payment.migration.customer.user.email,
        "PAYMENT_METHOD_NAME": payment.get_method_display(),
        "ORDER_CUSTOM_FIELDS": (
            f"x-migration_id={payment.migration.migration_id},x-payment_id={payment.pk}"
        ),
        "TEST_MODE": "1",
    }
    fields["SIGNATURE"] = ipn.ipn_signature(fields, ipn.validation_key())
    return fields


@login_required
def sandbox_checkout(request: HttpRequest, payment_id: int) -> HttpResponse:
    """Plays the provider in the embedded run (DEBUG): "Pay" posts a correctly signed
    IPN to the same endpoint logic, in-process. In production mode it does not exist."""
    if not settings.DEBUG:
        raise Http404("No sandbox in production mode.")
    payment = get_object_or_404(
        Payment.objects.select_related("migration__customer__user"), pk=payment_id
    )
    if not request.user.is_staff and payment.migration.customer.user_id != request.user.pk:
        raise Http404("No such payment.")  # ACC-3
    payable = payment.status == PaymentStatus.PENDING and payment.method != PaymentMethod.WIRE
    if request.method == "POST" and payable:
        fields = sandbox_fields(payment)
        notification = ipn.ipn_receive(
            raw_body=urlencode(fields), fields=fields, remote_addr="127.0.0.1"
        )
        messages.info(request, f"Sandbox notification #{notification.pk}: "
                      f"{notification.get_verdict_display()} {notification.error}")
        return redirect("billing:sandbox_checkout", payment_id=payment.pk)
    return render(request, "billing/sandbox_checkout.html",
                  {"payment": payment, "payable": payable})
