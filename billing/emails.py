"""The e-mails billing sends customers, each a registered kind (``slaportal.mail``):
HTML and text from ``templates/email/billing/``, a link to the page it is about, the
invoice or credit note attached as a PDF where there is one."""

from __future__ import annotations

from django.urls import reverse

from slaportal import mail
from slaportal.accounts.templatetags.portal import deadline_text
from slaportal.formats import money_text


def _to(customer) -> list[str]:
    return [customer.user.email] if customer is not None else []


def _payment_page(payment) -> str:
    if payment.migration_id:
        return reverse("orders:detail", args=[payment.migration.migration_id])
    return reverse("billing:payment_list")


def order_confirmed(migration, total_usd, discount_usd) -> None:
    """ORD-4: the order is confirmed; the next step is paying it (BIL-1)."""
    mail.send_kind("billing/order_confirmed", to=_to(migration.customer), context={
        "name": migration.customer.greeting, "migration_id": migration.migration_id,
        "total": money_text(total_usd), "discount": money_text(discount_usd)
        if discount_usd else "", "paid": total_usd <= 0,
        "link": reverse("orders:detail", args=[migration.migration_id])
        if total_usd <= 0 else reverse("billing:pay", args=[migration.migration_id]),
    })


def payment_received(payment, invoice) -> None:
    """The funds arrived: a receipt with the invoice attached (BIL-1, BIL-3, BIL-6)."""
    customer = payment.customer
    mail.send_kind("billing/receipt", to=_to(customer), context={
        "name": customer.greeting, "reference": payment.reference,
        "amount": money_text(payment.amount), "total_usd": money_text(payment.total_usd),
        "invoice_number": invoice.number, "order": payment.purpose == "order",
        "link": reverse("billing:invoice", args=[invoice.number]),
        "link_label": f"View invoice {invoice.number}",
    }, documents=[("billing.invoice", invoice.pk)])


def wire_invoice_issued(payment, invoice) -> None:
    """BIL-2: the wire transfer's invoice, to pay with its number as the reference."""
    customer = payment.customer
    mail.send_kind("billing/wire_invoice", to=_to(customer), context={
        "name": customer.greeting, "reference": payment.reference,
        "amount": money_text(payment.amount), "invoice_number": invoice.number,
        "link": reverse("billing:invoice", args=[invoice.number]),
        "link_label": f"View invoice {invoice.number}",
    }, documents=[("billing.invoice", invoice.pk)])


def payment_expiring(payment) -> None:
    """BIL-4: the payment's 30 days end soon and the full migration has not started."""
    customer = payment.customer
    mail.send_kind("billing/payment_expiring", to=_to(customer), context={
        "name": customer.greeting, "reference": payment.reference,
        "amount": money_text(payment.amount),
        "valid_until": deadline_text(payment.valid_until, customer.time_zone),
        "link": _payment_page(payment), "link_label": "Open the migration",
    })


def payment_cancelled(payment) -> None:
    customer = payment.customer
    mail.send_kind("billing/payment_cancelled", to=_to(customer), context={
        "name": customer.greeting, "reference": payment.reference,
        "amount": money_text(payment.amount), "link": _payment_page(payment),
        "link_label": "Open the migration",
    })


def refund_received(request) -> None:
    """BIL-8: the request arrived; what happens next."""
    mail.send_kind("billing/refund_received", to=_to(request.customer), context={
        "name": request.customer.greeting, "migration_id": request.migration.migration_id,
        "request_id": request.pk, "link": reverse("billing:refund_detail", args=[request.pk]),
        "link_label": "Follow your refund request",
    })


def refund_issued(refund) -> None:
    """Every refund, approved in the portal or made at the provider: the amount, the
    credit note attached, and that work on the migration stops."""
    payment = refund.payment
    customer = payment.customer
    note = refund.credit_note
    mail.send_kind("billing/refund_issued", to=_to(customer), context={
        "name": customer.greeting, "reference": payment.reference,
        "amount": money_text(refund.amount), "amount_usd": money_text(refund.amount_usd),
        "credit_note": note.number, "at_provider": refund.kind == "provider",
        "stops": bool(payment.migration_id),
        "link": reverse("billing:credit_note", args=[note.number]),
        "link_label": f"View credit note {note.number}",
    }, documents=[("billing.credit_note", note.pk)])


def refund_denied(request) -> None:
    mail.send_kind("billing/refund_denied", to=_to(request.customer), context={
        "name": request.customer.greeting, "migration_id": request.migration.migration_id,
        "reason": request.deny_reason,
        "link": reverse("billing:refund_detail", args=[request.pk]),
        "link_label": "Open your refund request",
    })


def data_deletion_requested(confirmation) -> None:
    """BIL-13: after a full refund, the customer confirms deleting the migrated data."""
    customer = confirmation.migration.customer
    mail.send_kind("billing/data_deletion", to=_to(customer), context={
        "name": customer.greeting, "migration_id": confirmation.migration.migration_id,
        "link": reverse("billing:refund_list"), "link_label": "Confirm the deletion",
    })


def surcharge_raised(surcharge) -> None:
    """BIL-5: the customer is told what the surcharge is for and where to pay it."""
    m = surcharge.migration
    mail.send_kind("billing/surcharge", to=_to(m.customer), context={
        "name": m.customer.greeting, "migration_id": m.migration_id,
        "explanation": surcharge.explanation, "amount": money_text(surcharge.amount_usd),
        "link": reverse("billing:pay_surcharge", args=[surcharge.pk]),
        "link_label": "Pay the surcharge",
    })


# --- the kinds, with the demo context of the preview page ----------------------------

_DEMO = {"name": "Alice Novak", "migration_id": "M-2026-000042", "reference": "M-2026-000042"}

mail.kind("billing/order_confirmed", title="Order confirmation",
          subject=lambda c: f"Order {c['migration_id']} confirmed",
          demo=lambda: {**_DEMO, "total": "US$1,190.00", "discount": "US$210.00",
                        "paid": False, "link": "/billing/pay/M-2026-000042/"})
mail.kind("billing/receipt", title="Payment receipt with invoice",
          subject=lambda c: f"Payment received for {c['reference']} — invoice "
                            f"{c['invoice_number']}",
          demo=lambda: {**_DEMO, "amount": "€1,105.20", "total_usd": "US$1,190.00",
                        "invoice_number": "INV-2026-000123", "order": True,
                        "link": "/billing/invoices/INV-2026-000123/",
                        "link_label": "View invoice INV-2026-000123"})
mail.kind("billing/wire_invoice", title="Wire transfer invoice",
          subject=lambda c: f"Invoice {c['invoice_number']} for {c['reference']}",
          demo=lambda: {**_DEMO, "amount": "US$1,190.00", "invoice_number": "INV-2026-000124",
                        "link": "/billing/invoices/INV-2026-000124/",
                        "link_label": "View invoice INV-2026-000124"})
mail.kind("billing/payment_expiring", title="Payment expiring soon (30 days)",
          subject=lambda c: f"Your payment for {c['reference']} expires on {c['valid_until']}",
          demo=lambda: {**_DEMO, "amount": "US$1,190.00",
                        "valid_until": "Tue 12 Jan 2027, 14:05 Kyiv",
                        "link": "/orders/M-2026-000042/", "link_label": "Open the migration"})
mail.kind("billing/payment_cancelled", title="Payment cancelled after 30 days",
          subject=lambda c: f"Payment for {c['reference']} cancelled",
          demo=lambda: {**_DEMO, "amount": "US$1,190.00", "link": "/orders/M-2026-000042/",
                        "link_label": "Open the migration"})
mail.kind("billing/refund_received", title="Refund request received",
          subject=lambda c: f"Refund request for {c['migration_id']} received",
          demo=lambda: {**_DEMO, "request_id": 7, "link": "/billing/refunds/7/",
                        "link_label": "Follow your refund request"})
mail.kind("billing/refund_issued", title="Refund with credit note",
          subject=lambda c: f"Refund for {c['reference']} — credit note {c['credit_note']}",
          demo=lambda: {**_DEMO, "amount": "€552.60", "amount_usd": "US$595.00",
                        "credit_note": "CN-2026-000009", "at_provider": False, "stops": True,
                        "link": "/billing/credit-notes/CN-2026-000009/",
                        "link_label": "View credit note CN-2026-000009"})
mail.kind("billing/refund_denied", title="Refund request denied",
          subject=lambda c: f"Refund request for {c['migration_id']}",
          demo=lambda: {**_DEMO, "reason": "The migration was completed as ordered and the "
                        "review found no missing records.", "link": "/billing/refunds/7/",
                        "link_label": "Open your refund request"})
mail.kind("billing/data_deletion", title="Data deletion confirmation request",
          subject=lambda c: f"Please confirm the deletion of the data of {c['migration_id']}",
          demo=lambda: {**_DEMO, "link": "/billing/refunds/", "link_label": "Confirm the deletion"})
mail.kind("billing/surcharge", title="Surcharge to pay",
          subject=lambda c: f"Surcharge for {c['migration_id']}: {c['amount']}",
          demo=lambda: {**_DEMO, "amount": "US$48.00", "explanation": "The migration engine "
                        "counted 12,400 records; 12,000 were ordered.",
                        "link": "/billing/surcharges/3/pay/", "link_label": "Pay the surcharge"})
