"""The finance admin of billing: payments, invoices, notifications, rates, taxes,
codes, the refund queue, refunds, credit notes and the CSV export."""

from . import discounts, payments, refunds, surcharges  # noqa: F401  (registers the ModelAdmins)
