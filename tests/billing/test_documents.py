"""Issue 16: invoices and credit notes as real documents — a number series, seller and
buyer, lines (migration, options, discount), the tax of BIL-6, totals in USD and in the
currency paid with the stored rate (BIL-3) — as a page and a PDF from one template, for
the customer and for finance, attached to their e-mails."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from billing import services
from billing.choices import PaymentMethod, RefundReason
from billing.models import CreditNote, ExchangeRate, Invoice, Payment, TaxRule
from slaportal.accounts.roles import Role
from tests.factories import CustomerFactory, StaffFactory
from tests.factories.billing import DiscountCodeFactory, priced_migration

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def seller(settings):
    settings.BILLING_SELLER_NAME = "Migration Services LLC"
    settings.BILLING_SELLER_TAX_ID = "UA-40011223"


def _paid_in_euros(client, django_capture_on_commit_callbacks):
    """A German customer with billing details orders (1,000 migration + 70 insurance),
    takes 10% off with a code, pays by card in EUR at 1.25 USD per EUR with 20% VAT,
    through the customer pages and the sandbox checkout."""
    customer = CustomerFactory(billing_name="Acme Help Desk GmbH", tax_id="DE123456789",
                               billing_address="Hauptstr. 1\n10115 Berlin", country="DE")
    m = priced_migration({"migration": "1000.00", "insurance": "70.00"}, customer=customer)
    DiscountCodeFactory(code="TEN", percent=Decimal("10"))
    TaxRule.objects.update_or_create(country="DE", defaults={"name": "VAT",
                                                             "rate_percent": Decimal("20")})
    ExchangeRate.objects.create(currency="EUR", rate_to_usd=Decimal("1.25"),
                                valid_from=timezone.now() - dt.timedelta(days=1))
    client.force_login(customer.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("billing:confirm", args=[m.migration_id]), {"discount_code": "TEN"})
        resp = client.post(reverse("billing:pay", args=[m.migration_id]),
                           {"method": PaymentMethod.CARD, "currency": "EUR", "country": "DE"})
        client.post(resp.url)  # the sandbox's "Pay"
    return m, Payment.objects.get(migration=m)


def test_a_paid_order_has_an_invoice_with_seller_buyer_lines_tax_and_rate(
        client, sandbox, orders_contract, django_capture_on_commit_callbacks):
    """BIL-2/BIL-3/BIL-6/BIL-7: 970.00 net (the code takes 100.00 off the migration line
    only), VAT 20% 194.00, 1,164.00 USD = 931.20 EUR at 1.25."""
    m, payment = _paid_in_euros(client, django_capture_on_commit_callbacks)
    invoice = Invoice.objects.get(payment=payment)
    year = timezone.localtime(invoice.issued_at).year
    assert invoice.number == f"INV-{year}-000001"
    page = client.get(reverse("billing:invoice", args=[invoice.number])).content.decode()
    for text in ("Migration Services LLC", "UA-40011223", "Acme Help Desk GmbH", "DE123456789",
                 "Hauptstr. 1", "Germany", "Discount code TEN", "-US$100.00", "US$70.00",
                 '<td class="num" id="doc-net">US$970.00</td>', "VAT 20%",
                 '<td class="num" id="doc-tax">US$194.00</td>',
                 '<td class="num" id="doc-total">US$1,164.00</td>', "rate 1.25 USD per EUR",
                 '<td class="num" id="doc-paid">€931.20</td>', "Paid"):
        assert text in page, text
    assert m.migration_id in page


def test_the_receipt_carries_the_invoice_pdf_and_links_to_its_page(
        client, sandbox, orders_contract, django_capture_on_commit_callbacks):
    m, payment = _paid_in_euros(client, django_capture_on_commit_callbacks)
    invoice = Invoice.objects.get(payment=payment)
    subjects = [e.subject for e in mail.outbox]
    assert f"Order {m.migration_id} confirmed" in subjects
    receipt = next(e for e in mail.outbox if e.subject.startswith("Payment received"))
    assert receipt.to == [m.customer.user.email]
    name, content, mimetype = receipt.attachments[0]
    assert (name, mimetype) == (f"{invoice.number}.pdf", "application/pdf")
    assert content.startswith(b"%PDF")
    link = "http://127.0.0.1:8000" + reverse("billing:invoice", args=[invoice.number])
    html = receipt.alternatives[0][0]
    assert link in receipt.body and f'href="{link}"' in html
    assert "€931.20" in receipt.body


def test_an_issued_invoice_keeps_what_it_said_when_the_profile_changes(
        client, sandbox, orders_contract, django_capture_on_commit_callbacks):
    _, payment = _paid_in_euros(client, django_capture_on_commit_callbacks)
    customer = payment.customer
    customer.billing_name = "Renamed Ltd"
    customer.save()
    invoice = Invoice.objects.get(payment=payment)
    page = client.get(reverse("billing:invoice", args=[invoice.number])).content.decode()
    assert "Acme Help Desk GmbH" in page and "Renamed Ltd" not in page


def test_the_pdf_for_the_customer_and_finance_and_nobody_else(
        client, sandbox, orders_contract, django_capture_on_commit_callbacks):
    """ACC-3: another customer's invoice is a 404; finance opens any; a support engineer
    (no billing permission) does not."""
    _, payment = _paid_in_euros(client, django_capture_on_commit_callbacks)
    invoice = Invoice.objects.get(payment=payment)
    url = reverse("billing:invoice_pdf", args=[invoice.number])
    own = client.get(url)
    assert own.status_code == 200 and own["Content-Type"] == "application/pdf"
    assert own.content.startswith(b"%PDF")
    client.force_login(CustomerFactory().user)
    assert client.get(url).status_code == 404
    assert client.get(reverse("billing:invoice", args=[invoice.number])).status_code == 404
    client.force_login(StaffFactory(role=Role.FINANCE))
    assert client.get(url).status_code == 200
    assert client.get(reverse("billing:invoice", args=[invoice.number])).status_code == 200
    client.force_login(StaffFactory(role=Role.SUPPORT_ENGINEERS))
    assert client.get(url).status_code == 404
    assert client.get(reverse("billing:invoice_pdf", args=["INV-0000-999999"])).status_code == 404


def test_a_refund_issues_a_credit_note_document_mailed_with_its_pdf(
        client, sandbox, orders_contract, django_capture_on_commit_callbacks):
    """BIL-10/BIL-12: the approved refund's credit note credits the invoice, in USD and
    in the currency paid; the customer gets it by e-mail and on the refunds page."""
    m, payment = _paid_in_euros(client, django_capture_on_commit_callbacks)
    invoice = Invoice.objects.get(payment=payment)
    with django_capture_on_commit_callbacks(execute=True):
        request = services.refund_request_submit(
            customer=m.customer, migration=m, reason=RefundReason.NOT_USED,
            description="Not used.", problem_first_reported_at=None, actor=m.customer.user)
        services.refund_approve(request=request, actor=StaffFactory(role=Role.FINANCE))
    note = CreditNote.objects.get(refund__payment=payment)
    page = client.get(reverse("billing:credit_note", args=[note.number])).content.decode()
    assert f"credits invoice {invoice.number}" in page
    # BIL-10: the full refund less the 5% fee: 1,164.00 x 0.95 = 1,105.80 USD = 884.64 EUR.
    assert "Full refund less the 5% fee" in page and "BIL-" not in page
    assert '<td class="num" id="doc-total">-US$1,105.80</td>' in page
    assert '<td class="num" id="doc-paid">-€884.64</td>' in page
    refunds_page = client.get(reverse("billing:refund_list")).content.decode()
    assert reverse("billing:credit_note_pdf", args=[note.number]) in refunds_page
    received = [e for e in mail.outbox if e.subject.endswith("received")]
    assert received and reverse("billing:refund_detail", args=[request.pk]) in received[0].body
    issued = next(e for e in mail.outbox if note.number in e.subject)
    assert issued.attachments[0][0] == f"{note.number}.pdf"
    assert issued.attachments[0][1].startswith(b"%PDF")
    pdf = client.get(reverse("billing:credit_note_pdf", args=[note.number]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_finance_opens_invoices_from_the_admin(
        client, sandbox, orders_contract, django_capture_on_commit_callbacks):
    _, payment = _paid_in_euros(client, django_capture_on_commit_callbacks)
    invoice = Invoice.objects.get(payment=payment)
    client.force_login(StaffFactory(role=Role.FINANCE))
    listing = client.get(reverse("admin:billing_invoice_changelist")).content.decode()
    pdf = reverse("billing:invoice_pdf", args=[invoice.number])
    assert f'href="{pdf}"' in listing
    change = client.get(reverse("admin:billing_invoice_change", args=[invoice.pk]))
    assert change.status_code == 200 and f'href="{pdf}"' in change.content.decode()
    assert '"seller"' not in change.content.decode()  # the copy is not shown as raw JSON
