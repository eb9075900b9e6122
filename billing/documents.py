"""Invoices and credit notes as documents a bookkeeper expects: the number, seller and
buyer (billing name, address, country, tax ID), the lines (migration, options, surcharge,
custom work, weekend support, the discount), the tax of BIL-6 and the totals in USD and
in the currency paid with the stored rate (BIL-3).

What a document says is copied when it is issued (``invoice_document`` /
``credit_note_document`` into the record's ``document``), so a later change of the
customer's profile or of the order leaves an issued document as it was. The page and
the PDF are rendered from one template (``billing/documents/<kind>_body.html``); the
PDF by WeasyPrint with the print stylesheet.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from orders.choices import QuoteLineKind
from slaportal import mail
from slaportal.pdf import html_to_pdf

from .choices import PaymentPurpose
from .models import CreditNote, Invoice, Payment, TaxRule
from .money import cents

BASE = "USD"


def _seller() -> dict:
    return {"name": settings.BILLING_SELLER_NAME, "address": settings.BILLING_SELLER_ADDRESS,
            "tax_id": settings.BILLING_SELLER_TAX_ID, "email": settings.BILLING_SELLER_EMAIL}


def _buyer(customer, country: str = "") -> dict:
    if customer is None:
        return {}
    return {
        "name": customer.billing_name or customer.organisation or customer.user.full_name
        or customer.user.email,
        "contact": customer.user.full_name, "email": customer.user.email,
        "address": customer.billing_address,
        "country": (customer.country.code or country or "").upper(),
        "country_name": _country_name((customer.country.code or country or "").upper()),
        "tax_id": customer.tax_id,
    }


def _plain(value: Decimal) -> str:
    """1.250000 -> "1.25", 20.00 -> "20" (a rate as people write it)."""
    return format(Decimal(value).normalize(), "f")


def _country_name(code: str) -> str:
    from django_countries import countries

    return str(countries.name(code)) if code else ""


def _text(value: Decimal) -> str:
    return str(cents(value))


def payment_lines(payment: Payment) -> list[dict]:
    """What the payment is for, one line each, in USD before tax; the discount is its own
    (negative) line, so the lines add up to the payment's net price."""
    purpose = payment.purpose
    if purpose == PaymentPurpose.ORDER:
        migration = payment.migration
        lines = [{"description": f"{line.description} ({migration.migration_id})"
                  if line.kind == QuoteLineKind.MIGRATION else line.description,
                  "amount_usd": _text(line.amount.amount)}
                 for line in migration.quote_lines.order_by("position", "pk")
                 if line.kind != QuoteLineKind.SURCHARGE]
        if payment.discount_usd:
            redemption = migration.discount_redemptions.select_related("code").first()
            label = f"Discount code {redemption.code.code}" if redemption else "Discount"
            lines.append({"description": label, "amount_usd": _text(-payment.discount_usd)})
        return lines
    if purpose == PaymentPurpose.SURCHARGE:
        surcharge = payment.surcharge
        return [{"description": (
            f"Surcharge for {payment.migration.migration_id}: "
            f"{surcharge.records_at_start - surcharge.records_ordered:,} records above the "
            f"{surcharge.records_ordered:,} ordered"), "amount_usd": _text(payment.net_usd)}]
    if purpose == PaymentPurpose.CUSTOM_WORK:
        work = payment.custom_work
        return [{"description": f"Custom work #{work.pk}: {work.description[:160]}",
                 "amount_usd": _text(payment.net_usd)}]
    booking = payment.weekend_booking
    return [{"description": (f"Weekend support on {booking.day:%A %d %B %Y}: "
                             f"{booking.hours} hours at {booking.hourly_rate}"),
             "amount_usd": _text(payment.net_usd)}]


def _tax(payment: Payment) -> dict:
    rate = None
    if payment.tax_usd and payment.billing_country:
        rule = TaxRule.objects.filter(country=payment.billing_country).first()
        rate = _plain(rule.rate_percent) if rule else None
    return {"name": payment.tax_name, "rate_percent": rate, "amount_usd": _text(payment.tax_usd),
            "note": ("No tax: the vendor covers US federal and state taxes."
                     if payment.billing_country == "US" else "")}


def invoice_document(payment: Payment, *, number: str) -> dict:
    """What the invoice of ``payment`` says, as issued now."""
    currency = str(payment.amount.currency)
    return {
        "kind": "invoice", "number": number,
        "seller": _seller(), "buyer": _buyer(payment.customer, payment.billing_country),
        "reference": payment.reference, "method": payment.get_method_display(),
        "lines": payment_lines(payment),
        "net_usd": _text(payment.net_usd), "tax": _tax(payment),
        "total_usd": _text(payment.total_usd),
        "currency": currency, "amount": _text(payment.amount.amount),
        "exchange_rate": _plain(payment.exchange_rate) if currency != BASE else "",
    }


def credit_note_document(refund, *, number: str) -> dict:
    """What the credit note of ``refund`` says: the invoice it credits and the amounts."""
    payment = refund.payment
    invoice = Invoice.objects.filter(payment=payment).first()
    currency = str(refund.amount.currency)
    return {
        "kind": "credit_note", "number": number,
        "seller": _seller(), "buyer": _buyer(payment.customer, payment.billing_country),
        "reference": payment.reference, "invoice": invoice.number if invoice else "",
        "lines": [{"description": f"{refund.kind_words} for {payment.reference}",
                   "amount_usd": _text(-refund.amount_usd)}],
        "total_usd": _text(-refund.amount_usd),
        "currency": currency, "amount": _text(-refund.amount.amount),
        "exchange_rate": _plain(payment.exchange_rate) if currency != BASE else "",
    }


def _document_of(record) -> dict:
    """What an invoice or credit note says; one issued before documents were kept is
    read from its payment or refund."""
    if record.document:
        return record.document
    if isinstance(record, Invoice):
        return invoice_document(record.payment, number=record.number)
    return credit_note_document(record.refund, number=record.number)


def page_context(record) -> dict:
    """The template's context, for the page and the PDF alike."""
    document = _document_of(record)
    return {"doc": document, "record": record, "issued_at": timezone.localtime(record.issued_at),
            "title": ("Invoice " if document["kind"] == "invoice" else "Credit note ")
            + record.number}


def render_pdf(record) -> bytes:
    """The PDF, from the same template as the page."""
    html = render_to_string("billing/documents/pdf.html", page_context(record))
    return html_to_pdf(html, "css/document.css")


def filename(record) -> str:
    return f"{record.number}.pdf"


def _invoice_pdf(pk: int) -> tuple[str, bytes, str]:
    invoice = Invoice.objects.select_related("payment").get(pk=pk)
    return filename(invoice), render_pdf(invoice), "application/pdf"


def _credit_note_pdf(pk: int) -> tuple[str, bytes, str]:
    note = CreditNote.objects.select_related("refund__payment").get(pk=pk)
    return filename(note), render_pdf(note), "application/pdf"


# The PDFs are rendered by the mail worker when the e-mail leaves, not in the request.
mail.document("billing.invoice", _invoice_pdf)
mail.document("billing.credit_note", _credit_note_pdf)
