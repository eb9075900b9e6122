"""PayPro Global IPN (BIL-2): verify, store every notification, apply each once.

Settings (slaportal/settings.py, from the environment variables of the same names),
read at call time:

- ``PAYPRO_IPN_VALIDATION_KEY``: the validation key of the PayPro Global account
  (Store Settings → General settings → Integration). Without it every signature is
  refused — except in the embedded run (DEBUG), which uses ``SANDBOX_VALIDATION_KEY``
  so the sandbox checkout works offline.
- ``PAYPRO_ALLOW_TEST_MODE``: accept notifications with ``TEST_MODE=1``; on in DEBUG
  only by default, so a test-mode notification never pays an order in production.
- ``PAYPRO_IPN_ALLOWED_IPS``: optional list of the provider's sending addresses (PayPro
  Global publishes them); when set, a notification from any other address is stored
  and refused. Empty by default (behind a proxy REMOTE_ADDR is the proxy's address).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from djmoney.money import Money

from orders.models import Migration

from .. import orders_api
from ..choices import NotificationVerdict, PaymentStatus, RefundKind
from ..models import Payment, ProviderNotification, Refund
from ..money import cents, currency_to_usd
from .payments import payment_complete, payment_set_status

logger = logging.getLogger(__name__)

SANDBOX_VALIDATION_KEY = "sandbox-validation-key"

CHARGED = "OrderCharged"
REFUNDED = "OrderRefunded"
PARTIALLY_REFUNDED = "OrderPartiallyRefunded"
CHARGED_BACK = "OrderChargedBack"
DECLINED = "OrderDeclined"
# IPN_TYPE_ID → IPN_TYPE_NAME for the order events (PayPro Global "Webhook Types").
TYPE_NAMES = {"1": CHARGED, "2": REFUNDED, "3": CHARGED_BACK, "4": DECLINED,
              "5": PARTIALLY_REFUNDED, "14": "OrderChargebackIsWon", "17": "OrderOnWaiting"}


def validation_key() -> str:
    key = settings.PAYPRO_IPN_VALIDATION_KEY
    if not key and settings.PAYPRO_SANDBOX:
        return SANDBOX_VALIDATION_KEY
    return key


def allowed_ips() -> list[str]:
    return list(settings.PAYPRO_IPN_ALLOWED_IPS)


def test_mode_allowed() -> bool:
    return settings.PAYPRO_ALLOW_TEST_MODE


def ipn_signature(fields: dict[str, str], key: str) -> str:
    """The SIGNATURE of a PayPro Global IPN.

    PayPro Global's webhook documentation ("Webhook Parameters", SIGNATURE;
    https://developers.payproglobal.com/docs/integrate-with-paypro-global/webhook-ipn/):
    SHA256 of the concatenation, with no separator, of ORDER_ID, ORDER_STATUS,
    ORDER_TOTAL_AMOUNT, CUSTOMER_EMAIL, the validation key, TEST_MODE and
    IPN_TYPE_NAME — their example: sha256("12345Processed9.99123qwerty1OrderCharged").
    Returned as lower-case hex.
    """
    text = "".join(
        [
            fields.get("ORDER_ID", ""),
            fields.get("ORDER_STATUS", ""),
            fields.get("ORDER_TOTAL_AMOUNT", ""),
            fields.get("CUSTOMER_EMAIL", ""),
            key,
            fields.get("TEST_MODE", ""),
            fields.get("IPN_TYPE_NAME", ""),
        ]
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def signature_matches(fields: dict[str, str], key: str) -> bool:
    if not key:
        return False
    given = (fields.get("SIGNATURE") or "").strip().lower()
    # As bytes: compare_digest refuses str with non-ASCII characters (a forged value).
    return hmac.compare_digest(given.encode("utf-8", "replace"),
                               ipn_signature(fields, key).encode())


def custom_fields(fields: dict[str, str]) -> dict[str, str]:
    """ORDER_CUSTOM_FIELDS, e.g. "x-migration_id=ABC,x-payment_id=12" → a dict."""
    parsed: dict[str, str] = {}
    for part in (fields.get("ORDER_CUSTOM_FIELDS") or "").replace(";", ",").split(","):
        name, sep, value = part.partition("=")
        if sep:
            parsed[name.strip().lower().removeprefix("x-")] = value.strip()
    return parsed


AMOUNT = re.compile(r"^\d{1,10}(\.\d{1,2})?$")


def parse_amount(text: str | None) -> Decimal | None:
    """A money amount as PayPro Global sends it ("9.99"): digits, at most two decimals
    and ten integer digits. Anything else (Infinity, NaN, 1e400, 40 digits) is None."""
    text = (text or "").strip()
    return Decimal(text) if AMOUNT.match(text) else None


def _storable(text: str) -> str:
    """PostgreSQL stores no NUL character: keep it visible instead of failing to store
    the notification (whose signature then fails: a real one never has one)."""
    return text.replace("\x00", "\\x00")


def _type_name(fields: dict[str, str]) -> str:
    return fields.get("IPN_TYPE_NAME") or TYPE_NAMES.get(fields.get("IPN_TYPE_ID", ""), "")


def notification_store(
    *, raw_body: str, fields: dict[str, str], remote_addr: str | None = None,
    now: dt.datetime | None = None,
) -> ProviderNotification:
    """Store a notification as received, before anything is checked or applied.

    Runs in its own transaction so the row stays whatever processing does later.
    """
    raw_body = _storable(raw_body)
    fields = {_storable(str(k)): _storable(str(v)) for k, v in fields.items()}
    with transaction.atomic():
        order_id = fields.get("ORDER_ID", "")[:40]
        item_id = (fields.get("ORDER_ITEM_ID") or fields.get("PRODUCT_ID") or "")[:40]
        type_name = _type_name(fields)[:60]
        return ProviderNotification.objects.create(
            received_at=now or timezone.now(),
            raw_body=raw_body,
            fields=fields,
            remote_addr=remote_addr,
            ipn_type=type_name,
            order_id=order_id,
            item_id=item_id,
            amount=fields.get("ORDER_TOTAL_AMOUNT", "")[:32],
            currency=fields.get("ORDER_CURRENCY_CODE", "")[:3].upper(),
            test_mode=fields.get("TEST_MODE", "0") == "1",
            event_key=f"{order_id}|{item_id}|{type_name}",
        )


def _finish(n: ProviderNotification, verdict: str, error: str = "", **extra) -> None:
    ProviderNotification.objects.filter(pk=n.pk).update(
        verdict=verdict, error=error, processed_at=timezone.now(), **extra
    )
    n.refresh_from_db()


def _find_payment(fields: dict[str, str], order_id: str) -> Payment | None:
    custom = custom_fields(fields)
    qs = Payment.objects.select_for_update()
    if custom.get("payment_id", "").isdigit():
        return qs.filter(pk=int(custom["payment_id"])).first()
    if order_id:
        found = qs.filter(provider_order_id=order_id).first()
        if found:
            return found
    if custom.get("migration_id"):
        migration = Migration.objects.filter(migration_id=custom["migration_id"]).first()
        if migration:
            return (
                qs.filter(migration=migration).exclude(status=PaymentStatus.FAILED)
                .order_by("-created_at").first()
            )
    return None


class _Failure(Exception):
    pass


def notification_process(
    *, notification: ProviderNotification, now: dt.datetime | None = None
) -> ProviderNotification:
    """Check and apply one stored notification, exactly once (BIL-2).

    The verdict and the error are written on the stored row whatever happens.
    """
    now = now or timezone.now()
    n = notification
    fields = {k: str(v) for k, v in n.fields.items()}
    ips = allowed_ips()
    if ips and n.remote_addr not in ips:
        _finish(n, NotificationVerdict.REJECTED,
                f"Sent from {n.remote_addr}, not a PayPro Global address.")
        return n
    if not signature_matches(fields, validation_key()):
        _finish(n, NotificationVerdict.REJECTED, "Signature does not match.",
                signature_valid=False)
        return n
    ProviderNotification.objects.filter(pk=n.pk).update(signature_valid=True)
    if n.test_mode and not test_mode_allowed():
        _finish(n, NotificationVerdict.REJECTED,
                "Test-mode notification refused (PAYPRO_ALLOW_TEST_MODE is off).")
        return n
    amount = parse_amount(n.amount or "0")
    if amount is None:
        _finish(n, NotificationVerdict.FAILED, f"Unreadable ORDER_TOTAL_AMOUNT {n.amount!r}.")
        return n
    if n.ipn_type not in (CHARGED, REFUNDED, PARTIALLY_REFUNDED, CHARGED_BACK, DECLINED):
        _finish(n, NotificationVerdict.IGNORED, f"Type {n.ipn_type or '?'} is not used.")
        return n
    if n.ipn_type in (REFUNDED, PARTIALLY_REFUNDED):
        # The amount of a refund event is what has been refunded on the order so far
        # (ORDER_REFUNDED, cumulative); each partial refund is its own event.
        try:
            amount = _refunded_so_far(fields, n)
        except _Failure as exc:
            _finish(n, NotificationVerdict.FAILED, str(exc))
            return n
        if n.ipn_type == PARTIALLY_REFUNDED:
            n.event_key = f"{n.event_key}@{amount}"
            ProviderNotification.objects.filter(pk=n.pk).update(event_key=n.event_key)
    dedupe_key = f"{n.event_key}|{cents(amount)}"
    try:
        with transaction.atomic():
            earlier = (
                ProviderNotification.objects.filter(event_key=n.event_key,
                                                    dedupe_key__isnull=False)
                .exclude(pk=n.pk).first()
            )
            if earlier is not None:
                if earlier.dedupe_key == dedupe_key:
                    _finish(n, NotificationVerdict.DUPLICATE,
                            f"Repeat of notification #{earlier.pk}; not applied again.")
                else:
                    _finish(n, NotificationVerdict.FAILED,
                            f"Repeat of notification #{earlier.pk} with another amount "
                            f"({n.amount} instead of {earlier.amount}); not applied.")
                return n
            # Claim the event first: a concurrent twin fails on the unique indexes.
            try:
                with transaction.atomic():
                    ProviderNotification.objects.filter(pk=n.pk).update(dedupe_key=dedupe_key)
            except IntegrityError:
                _finish(n, NotificationVerdict.DUPLICATE,
                        "A twin notification was applied at the same moment; not applied.")
                return n
            payment = _apply(n, fields, amount, now)
            _finish(n, NotificationVerdict.APPLIED, payment=payment)
    except (_Failure, ValidationError) as exc:
        message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        _finish(n, NotificationVerdict.FAILED, message)
    except Exception as exc:  # kept on the row for finance; the provider still gets 200
        logger.exception("IPN #%s failed", n.pk)
        _finish(n, NotificationVerdict.FAILED, f"Unexpected error: {exc!r}")
    return n


def _apply(n: ProviderNotification, fields: dict[str, str], amount: Decimal, now) -> Payment:
    payment = _find_payment(fields, n.order_id)
    if payment is None:
        raise _Failure("No payment matches this notification (ORDER_CUSTOM_FIELDS, ORDER_ID).")
    currency = n.currency or str(payment.amount.currency)
    if n.ipn_type == CHARGED:
        if currency != str(payment.amount.currency) or amount != payment.amount.amount:
            raise _Failure(
                f"Charged {amount} {currency}, expected {payment.amount}; not applied."
            )
        if n.order_id and Payment.objects.filter(provider_order_id=n.order_id).exclude(
            pk=payment.pk
        ).exists():
            raise _Failure(f"Provider order {n.order_id} belongs to another payment.")
        payment_complete(payment=payment, actor=None, now=now, provider_order_id=n.order_id)
    elif n.ipn_type == DECLINED:
        payment_set_status(payment=payment, status=PaymentStatus.FAILED, now=now)
    elif n.ipn_type in (REFUNDED, PARTIALLY_REFUNDED):
        _provider_refund(n, fields, payment, currency, now)
    elif n.ipn_type == CHARGED_BACK:
        payment_set_status(payment=payment, status=PaymentStatus.CHARGED_BACK, now=now)
        if payment.migration_id:  # a weekend support payment (SUP-11) has no migration
            orders_api.stop(migration=payment.migration, actor=None, now=now,
                            reason=f"Payment charged back (provider order {n.order_id}).")
    return payment


def _refunded_so_far(fields: dict[str, str], n: ProviderNotification) -> Decimal:
    refunded = fields.get("ORDER_REFUNDED") or fields.get("ORDER_ITEM_REFUNDED") or n.amount
    amount = parse_amount(refunded)
    if amount is None:
        raise _Failure(f"Unreadable refunded amount {refunded!r}.")
    return cents(amount)


def _provider_refund(n, fields, payment: Payment, currency: str, now) -> None:
    """A refund made at PayPro Global: record what it adds to the refunds already
    recorded (with its credit note), and stop the migration (ORD-17)."""
    from .refunds import refund_recorded

    so_far = _refunded_so_far(fields, n)
    recorded = sum(
        (r.amount.amount for r in payment.refunds.all()), cents(Decimal("0"))
    )
    value = so_far - recorded
    if value < 0 or currency != str(payment.amount.currency):
        raise _Failure(
            f"Refunded {so_far} {currency} in all but {recorded} already recorded on payment "
            f"{payment.pk}."
        )
    if value == 0:  # the payout of a refund finance already approved and recorded
        return
    refund = Refund.objects.create(
        payment=payment, kind=RefundKind.PROVIDER,
        amount_usd=currency_to_usd(value, payment.exchange_rate),
        amount=Money(value, currency), created_at=now,
        provider_reference=f"PayPro {n.order_id}", paid_out_at=now,
    )
    # The same path as a refund approved in the portal (BIL-12/BIL-13/ORD-17).
    refund_recorded(refund=refund, full=n.ipn_type == REFUNDED, actor=None, now=now,
                    reason=f"Refund issued by the payment provider (order {n.order_id}).")


def ipn_receive(
    *, raw_body: str, fields: dict[str, str], remote_addr: str | None = None,
    now: dt.datetime | None = None,
) -> ProviderNotification:
    """Store, then process: what the endpoint (and the sandbox checkout) calls."""
    n = notification_store(raw_body=raw_body, fields=fields, remote_addr=remote_addr, now=now)
    return notification_process(notification=n, now=now)
