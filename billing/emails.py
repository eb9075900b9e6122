"""E-mails billing sends to customers."""

from __future__ import annotations

from slaportal import mail


def _send(migration, subject: str, body: str) -> None:
    mail.send(subject=f"[SLA Portal] {subject}", body=body, to=[migration.customer.user.email])


def payment_cancelled(payment) -> None:
    m = payment.migration
    _send(
        m,
        f"Payment for migration {m.migration_id} cancelled",
        f"Your payment of {payment.amount} for migration {m.migration_id} was valid for 30 "
        "days after the transaction and the full migration did not start within them "
        "(BIL-4). The payment is cancelled; the order is payable again with a new payment.",
    )


def refund_decided(request, refund=None) -> None:
    m = request.migration
    if refund is not None:
        body = f"Your refund request for migration {m.migration_id} is approved: {refund.amount}."
        if hasattr(refund, "data_deletion"):
            body += (
                "\nAs the refund is full, please delete all migrated data (images, database "
                "dumps, CSV/XML files, backups) and confirm it on your billing page (BIL-13)."
            )
    else:
        body = (
            f"Your refund request for migration {m.migration_id} is denied: "
            f"{request.deny_reason}"
        )
    _send(m, f"Refund request for migration {m.migration_id}", body)


def provider_refund(refund) -> None:
    """A refund made at the payment provider, told the customer as the portal would."""
    m = refund.payment.migration
    body = (f"A refund of {refund.amount} for migration {m.migration_id} was issued by our "
            "payment provider. Work on the migration has stopped.")
    if hasattr(refund, "data_deletion"):
        body += ("\nAs the refund is full, please delete all migrated data (images, database "
                 "dumps, CSV/XML files, backups) and confirm it on your billing page (BIL-13).")
    _send(m, f"Refund for migration {m.migration_id}", body)


def _link(name: str, *args) -> str:
    from django.conf import settings
    from django.urls import reverse

    return settings.SITE_URL.rstrip("/") + reverse(name, args=args)


def surcharge_raised(surcharge) -> None:
    """BIL-5: the customer is told what the surcharge is for and where to pay it."""
    m = surcharge.migration
    _send(
        m,
        f"Surcharge for migration {m.migration_id}: {surcharge.amount_usd} USD",
        f"{surcharge.explanation}\nThe surcharge is {surcharge.amount_usd} USD before "
        f"tax. Pay it here:\n{_link('billing:pay_surcharge', surcharge.pk)}",
    )
