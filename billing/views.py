"""The PayPro Global IPN endpoint, the sandbox checkout (embedded run only) and the
customers' billing pages (issue 7; ACC-3: every lookup is filtered by the customer)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from orders.choices import CustomWorkStatus, MigrationStatus
from orders.models import CustomWorkRequest, Migration
from slaportal.accounts.decorators import customer_required
from slaportal.forms import add_service_errors
from slaportal.net import client_ip
from slaportal.paging import customer_page
from support.choices import BookingStatus
from support.models import WeekendBooking

from . import documents, selectors, services
from .choices import (
    PaymentMethod,
    PaymentPurpose,
    PaymentStatus,
    RefundRequestStatus,
    SurchargeStatus,
)
from .eligibility import evaluate
from .forms import (
    BookingPayForm,
    ConfirmOrderForm,
    DataDeletionForm,
    PayForm,
    RefundRequestForm,
)
from .models import (
    CreditNote,
    DataDeletionConfirmation,
    ExchangeRate,
    Invoice,
    Payment,
    RefundRequest,
    Surcharge,
)
from .services import ipn
from .services.payments import order_discount_usd, order_lines_usd, order_total_usd


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
        remote_addr=client_ip(request),  # behind the proxy: the provider's address
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
        "CUSTOMER_EMAIL": payment.customer.user.email,
        "PAYMENT_METHOD_NAME": payment.get_method_display(),
        "ORDER_CUSTOM_FIELDS": ",".join(
            f"{name}={value}"
            for name, value in selectors.checkout_custom_fields(payment).items()
        ),
        "TEST_MODE": "1",
    }
    fields["SIGNATURE"] = ipn.ipn_signature(fields, ipn.validation_key())
    return fields


@login_required
def sandbox_checkout(request: HttpRequest, payment_id: int) -> HttpResponse:
    """Plays the provider in the embedded run (DEBUG): "Pay" posts a correctly signed
    IPN to the same endpoint logic, in-process. In production mode it does not exist."""
    if not settings.PAYPRO_SANDBOX:
        raise Http404("No sandbox in production mode.")
    payment = get_object_or_404(
        Payment.objects.select_related(
            "migration__customer__user", "weekend_booking__customer__user"
        ),
        pk=payment_id,
    )
    if not request.user.is_staff and payment.customer.user_id != request.user.pk:
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


# Customer pages (issue 7).

def _own_migration(request: HttpRequest, migration_id: str) -> Migration:
    return get_object_or_404(Migration, migration_id=migration_id, customer=request.customer)


def _order_summary(migration: Migration) -> dict:
    """The quote lines, the discount (on the migration line only, BIL-7) and the total."""
    lines = list(migration.quote_lines.order_by("position", "pk"))
    redemption = migration.discount_redemptions.select_related("code").first()
    return {
        "lines": lines,
        "redemption": redemption,
        "subtotal_usd": sum(order_lines_usd(migration).values()) if lines else 0,
        "discount_usd": order_discount_usd(migration),
        "total_usd": order_total_usd(migration) if lines else 0,
    }


def _to_checkout(request: HttpRequest, payment: Payment,
                 funds_note: str = "It counts as paid when the funds arrive.") -> HttpResponse:
    """Send the customer to the provider's checkout (the sandbox in the embedded run), or
    for a wire transfer to its numbered invoice (BIL-2)."""
    if payment.method == PaymentMethod.WIRE:
        messages.success(request, f"Invoice {payment.invoice.number} issued. {funds_note}")
        return redirect("billing:invoice", number=payment.invoice.number)
    url = selectors.checkout_url(payment)
    if url:
        return redirect(url)
    messages.info(request, "The online checkout is not available right now; "
                  "our team will send you a payment link.")
    return redirect("billing:payment_list")


def _live_payment(migration: Migration) -> Payment | None:
    return (
        Payment.objects.filter(migration=migration, purpose=PaymentPurpose.ORDER)
        .live().select_related("invoice").first()
    )


@customer_required
@require_http_methods(["GET", "POST"])
def order_confirm_view(request: HttpRequest, migration_id: str) -> HttpResponse:
    """ORD-4/BIL-7: the Confirm Migration step, with one optional discount code."""
    migration = _own_migration(request, migration_id)
    if migration.status != MigrationStatus.QUOTED:
        return redirect("billing:pay", migration_id=migration.migration_id)
    form = ConfirmOrderForm(request.POST or None)
    summary = _order_summary(migration)
    if request.method == "POST" and "apply" in request.POST and form.is_valid():
        # BIL-7: show the discount and the new total; nothing is saved until "Confirm".
        code = form.cleaned_data["discount_code"]
        try:
            if not code.strip():
                raise ValidationError({"discount_code": "Enter a discount code."})
            discount = selectors.discount_preview(migration, code)
        except ValidationError as exc:
            add_service_errors(form, exc)
            services.discount_refusal_record(migration=migration, code=code, error=exc,
                                             actor=request.user)
        else:
            summary.update(preview_code=code.strip().upper(), preview_discount_usd=discount,
                           preview_total_usd=summary["total_usd"] - discount)
    elif request.method == "POST" and form.is_valid():
        typed = form.cleaned_data["discount_code"]
        try:
            services.order_confirm(migration=migration, actor=request.user,
                                   discount_code=typed)
        except ValidationError as exc:
            add_service_errors(form, exc)
            services.discount_refusal_record(migration=migration, code=typed, error=exc,
                                             actor=request.user)
        else:
            migration.refresh_from_db(fields=["status"])
            if migration.status == MigrationStatus.PAID:  # BIL-7: the code covered it all
                messages.success(request, f"Order {migration.migration_id} confirmed: the "
                                 "discount covers the whole order, so there is nothing to pay.")
                return redirect("orders:detail", migration_id=migration.migration_id)
            messages.success(request, f"Order {migration.migration_id} confirmed. "
                             "Choose how to pay.")
            return redirect("billing:pay", migration_id=migration.migration_id)
    return render(request, "billing/confirm.html",
                  {"migration": migration, "form": form, **summary})


@customer_required
@require_POST
def payment_cancel_view(request: HttpRequest, migration_id: str) -> HttpResponse:
    """The customer gives up the checkout (or wire transfer) of their order, unpaid."""
    migration = _own_migration(request, migration_id)
    payment = _live_payment(migration)
    if payment is None or payment.status != PaymentStatus.PENDING:
        messages.error(request, "There is no payment waiting to be cancelled on this order.")
    else:
        try:
            services.payment_cancel(payment=payment, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "The payment is cancelled; you can pay again when "
                             "you are ready.")
    return redirect("billing:pay", migration_id=migration.migration_id)


@customer_required
@require_http_methods(["GET", "POST"])
def pay(request: HttpRequest, migration_id: str) -> HttpResponse:
    """BIL-1/BIL-2/BIL-3/BIL-6: pay the confirmed order by card, PayPal or wire transfer."""
    migration = _own_migration(request, migration_id)
    payment = _live_payment(migration)
    currencies = list(ExchangeRate.objects.values_list("currency", flat=True).distinct())
    form = PayForm(request.POST or None, currencies=currencies)
    payable = migration.status == MigrationStatus.CONFIRMED and payment is None
    if request.method == "POST" and payable and form.is_valid():
        try:
            payment = services.payment_start(
                migration=migration, method=form.cleaned_data["method"], actor=request.user,
                currency=form.cleaned_data["currency"], country=form.cleaned_data["country"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _to_checkout(request, payment,
                                "The migration starts when the funds arrive.")
    elif request.method == "POST" and not payable:
        messages.error(request, "This order cannot be paid now.")
        return redirect("billing:pay", migration_id=migration.migration_id)
    context = {
        "migration": migration, "form": form, "payment": payment, "payable": payable,
        "checkout": selectors.checkout_url(payment) if payment else None,
        **_order_summary(migration),
    }
    return render(request, "billing/pay.html", context)


@customer_required
def payment_list(request: HttpRequest) -> HttpResponse:
    """BIL-3/BIL-4: the customer's payments, amounts, rates, validity left, invoices."""
    page_obj = customer_page(request, selectors.customer_payments(request.customer))
    payments = list(page_obj)
    for payment in payments:
        payment.checkout = selectors.checkout_url(payment)
    return render(request, "billing/payment_list.html",
                  {"payments": payments, "page_obj": page_obj})


def _document(request: HttpRequest, queryset, number: str, perm: str, customer_path: str):
    """An invoice or credit note by number: the customer's own (ACC-3: another's is a
    404), or any for staff who may view that kind (finance)."""
    user = request.user
    if user.is_staff:
        if not user.has_perm(perm):
            raise Http404("No such document.")
        return get_object_or_404(queryset, number=number)
    customer = getattr(user, "customer", None)
    if customer is None:
        raise Http404("No such document.")
    owned = (Q(**{f"{customer_path}migration__customer": customer})
             | Q(**{f"{customer_path}weekend_booking__customer": customer})
             | Q(**{f"{customer_path}custom_work__customer": customer}))
    return get_object_or_404(queryset.filter(owned), number=number)


def _pdf_response(record) -> HttpResponse:
    response = HttpResponse(documents.render_pdf(record), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{documents.filename(record)}"'
    return response


@login_required
def invoice(request: HttpRequest, number: str) -> HttpResponse:
    """An invoice (BIL-2/BIL-3/BIL-6) as a page, with its PDF; a wire transfer's shows
    the bank details until the funds arrive (ORD-5)."""
    inv = _document(request, Invoice.objects.select_related("payment__migration"), number,
                    "billing.view_invoice", "payment__")
    return render(request, "billing/invoice.html", {
        "invoice": inv, "payment": inv.payment, "bank_details": settings.BILLING_BANK_DETAILS,
        **documents.page_context(inv)})


@login_required
def invoice_pdf(request: HttpRequest, number: str) -> HttpResponse:
    inv = _document(request, Invoice.objects.select_related("payment"), number,
                    "billing.view_invoice", "payment__")
    return _pdf_response(inv)


@login_required
def credit_note(request: HttpRequest, number: str) -> HttpResponse:
    """A refund's credit note as a page, with its PDF."""
    note = _document(request, CreditNote.objects.select_related("refund__payment"), number,
                     "billing.view_creditnote", "refund__payment__")
    return render(request, "billing/credit_note.html",
                  {"note": note, **documents.page_context(note)})


@login_required
def credit_note_pdf(request: HttpRequest, number: str) -> HttpResponse:
    note = _document(request, CreditNote.objects.select_related("refund__payment"), number,
                     "billing.view_creditnote", "refund__payment__")
    return _pdf_response(note)


@customer_required
def refund_list(request: HttpRequest) -> HttpResponse:
    """BIL-8/BIL-13: the customer's refund requests and pending deletion confirmations."""
    requests_ = selectors.customer_refund_requests(request.customer).select_related("refund")
    pending = selectors.customer_pending_data_deletions(request.customer)
    notes = selectors.customer_credit_notes(request.customer)[:50]
    return render(request, "billing/refund_list.html", {
        "credit_notes": notes,
        "refund_requests": requests_, "pending": pending, "deletion_form": DataDeletionForm(),
    })


@customer_required
@require_POST
def data_deletion_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """BIL-13: the customer confirms deleting all migrated data after a full refund."""
    confirmation = get_object_or_404(
        DataDeletionConfirmation, pk=pk, migration__customer=request.customer
    )
    form = DataDeletionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Tick the box to confirm you deleted all migrated data.")
        return redirect("billing:refund_list")
    services.data_deletion_confirm(confirmation=confirmation, actor=request.user,
                                   statement=str(form.fields["confirm"].label))
    messages.success(request, "Thank you: your data deletion is confirmed.")
    return redirect("billing:refund_list")


def _refundable_orders(customer):
    return (
        Migration.objects.filter(customer=customer, payments__transaction_at__isnull=False,
                                 payments__purpose=PaymentPurpose.ORDER)
        .distinct().order_by("-created_at")
    )


@customer_required
@require_http_methods(["GET", "POST"])
def refund_new(request: HttpRequest) -> HttpResponse:
    """BIL-8: the refund request form (the customer's own paid orders only)."""
    form = RefundRequestForm(request.POST or None, customer=request.customer)
    form.fields["migration"].queryset = _refundable_orders(request.customer)
    if request.method == "POST" and form.is_valid():
        try:
            refund_request = services.refund_request_submit(
                customer=request.customer, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Your refund request is submitted; finance will "
                             "decide on it.")
            return redirect("billing:refund_detail", pk=refund_request.pk)
    has_orders = form.fields["migration"].queryset.exists()
    has_custom_work = CustomWorkRequest.objects.filter(customer=request.customer,
                                                       paid_at__isnull=False).exists()
    return render(request, "billing/refund_new.html", {
        "form": form, "has_orders": has_orders, "has_custom_work": has_custom_work})


@customer_required
def refund_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """BIL-8..12: a refund request with the eligibility rules the service evaluates."""
    refund_request = get_object_or_404(
        RefundRequest.objects.select_related("migration"), pk=pk, customer=request.customer
    )
    refund = getattr(refund_request, "refund", None)
    eligibility = None
    if refund_request.status == RefundRequestStatus.SUBMITTED:
        eligibility = evaluate(refund_request)
    return render(request, "billing/refund_detail.html", {
        "refund_request": refund_request, "refund": refund, "eligibility": eligibility,
    })


def _pay_item(request: HttpRequest, *, live: Payment | None, payable: bool, start,
              context: dict) -> HttpResponse:
    """The pay page of a surcharge (BIL-5) or of custom work (ORD-10): the order's
    methods, currencies and billing country (BIL-2/3/6); ``start(data)`` calls the
    service that creates the payment."""
    currencies = list(ExchangeRate.objects.values_list("currency", flat=True).distinct())
    form = PayForm(request.POST or None, currencies=currencies)
    if request.method == "POST" and payable and live is None and form.is_valid():
        try:
            payment = start(form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _to_checkout(request, payment)
    elif request.method == "POST":
        messages.error(request, "This cannot be paid now.")
        return redirect(request.path)
    return render(request, "billing/pay_item.html", {
        **context, "form": form, "payment": live, "payable": payable and live is None,
        "checkout": selectors.checkout_url(live) if live else None,
    })


@customer_required
@require_http_methods(["GET", "POST"])
def pay_surcharge(request: HttpRequest, pk: int) -> HttpResponse:
    """BIL-5: the customer sees why a surcharge is due and pays it. ACC-3: their own."""
    surcharge = get_object_or_404(Surcharge.objects.select_related("migration"), pk=pk,
                                  migration__customer=request.customer)
    live = (Payment.objects.filter(surcharge=surcharge, purpose=PaymentPurpose.SURCHARGE)
            .live().select_related("invoice").first())
    migration = surcharge.migration

    def start(data):
        return services.surcharge_payment_start(
            surcharge=surcharge, method=data["method"], actor=request.user,
            currency=data["currency"], country=data["country"])

    return _pay_item(request, live=live, start=start,
                     payable=surcharge.status == SurchargeStatus.DUE, context={
        "heading": f"Surcharge for migration {migration.migration_id}",
        "status_label": surcharge.get_status_display(),
        "back_url": reverse("orders:detail", args=[migration.migration_id]),
        "back_label": "Back to the migration", "explanation": surcharge.explanation,
        "facts": [("Records ordered", f"{surcharge.records_ordered:,}"),
                  ("Records at the start", f"{surcharge.records_at_start:,}"),
                  ("New records charged", f"{surcharge.new_records:,}")],
        "price_usd": surcharge.amount_usd, "price_note": "before tax",
        "pay_label": f"Pay {surcharge.amount_usd} USD",
        "not_payable": f"This surcharge is {surcharge.get_status_display().lower()}: "
                       "nothing to pay.",
    })


@customer_required
@require_http_methods(["GET", "POST"])
def pay_custom_work(request: HttpRequest, pk: int) -> HttpResponse:
    """ORD-10/BIL-1/BIL-14: accept the quote of custom work by paying it in advance (no
    discount; not refundable, BIL-11). ACC-3: the customer's own work only."""
    work = get_object_or_404(CustomWorkRequest, pk=pk, customer=request.customer)
    live = (Payment.objects.filter(custom_work=work, purpose=PaymentPurpose.CUSTOM_WORK)
            .live().select_related("invoice").first())

    def start(data):
        return services.custom_work_payment_start(
            work=work, method=data["method"], actor=request.user,
            currency=data["currency"], country=data["country"])

    return _pay_item(request, live=live, start=start,
                     payable=work.status == CustomWorkStatus.QUOTED, context={
        "heading": f"Pay custom work #{work.pk}",
        "status_label": work.get_status_display(),
        "back_url": reverse("orders:custom-work-detail", args=[work.pk]),
        "back_label": "Back to the custom work",
        "explanation": "Custom work is paid in advance and is not refundable (BIL-11); "
                       "discount codes do not apply to it (BIL-14).",
        "facts": [("Timeframe", f"{work.timeframe_days} days after payment"
                   if work.timeframe_days else "—")],
        "price_usd": work.price.amount if work.price else "—", "price_note": "before tax",
        "pay_label": f"Accept the quote and pay {work.price}" if work.price else "Pay",
        "not_payable": f"This custom work is {work.get_status_display().lower()}: "
                       + ("it is paid." if work.paid_at else "there is no quote to pay yet."),
    })


@customer_required
@require_POST
def payment_cancel_any(request: HttpRequest, pk: int) -> HttpResponse:
    """The customer gives up a pending surcharge or custom work payment (ACC-3: own)."""
    payment = get_object_or_404(Payment.objects.select_related(
        "migration__customer", "custom_work__customer"), pk=pk)
    customer = payment.customer
    if customer is None or customer.pk != request.customer.pk:
        raise Http404("No such payment.")
    try:
        services.payment_cancel(payment=payment, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "The payment is cancelled; you can pay again when you are "
                         "ready.")
    if payment.purpose == PaymentPurpose.CUSTOM_WORK:
        return redirect("billing:pay_custom_work", pk=payment.custom_work_id)
    if payment.purpose == PaymentPurpose.SURCHARGE:
        return redirect("billing:pay_surcharge", pk=payment.surcharge_id)
    return redirect("billing:payment_list")


@customer_required
@require_http_methods(["GET", "POST"])
def pay_booking(request: HttpRequest, booking_id: int) -> HttpResponse:
    """SUP-11/BIL-14: weekend support is paid in advance by card or PayPal, at hours x
    rate, never discounted. ACC-3: only the customer's own booking (404 otherwise)."""
    booking = get_object_or_404(WeekendBooking, pk=booking_id, customer=request.customer)
    payment = (
        Payment.objects.filter(weekend_booking=booking, purpose=PaymentPurpose.WEEKEND_SUPPORT)
        .live().first()
    )
    payable = booking.status == BookingStatus.PENDING_PAYMENT and payment is None
    form = BookingPayForm(request.POST or None)
    if request.method == "POST" and payable and form.is_valid():
        try:
            payment = services.booking_payment_start(
                booking=booking, method=form.cleaned_data["method"], actor=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _to_checkout(request, payment)
    elif request.method == "POST" and not payable:
        messages.error(request, "This booking cannot be paid now.")
        return redirect("billing:pay_booking", booking_id=booking.pk)
    context = {
        "booking": booking, "form": form, "payment": payment, "payable": payable,
        "paid": booking.paid_at is not None or booking.status != BookingStatus.PENDING_PAYMENT,
        "checkout": selectors.checkout_url(payment) if payment else None,
        "pay_label": f"Pay {booking.price}",
        "pay_help": (f"You pay {booking.price} ({booking.hours} h × {booking.hourly_rate}); "
                     "discounts do not apply to weekend support."),
    }
    return render(request, "billing/pay_booking.html", context)
