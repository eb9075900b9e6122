import hashlib
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from djmoney.money import Money

from billing.choices import NotificationVerdict, PaymentStatus, RefundKind
from billing.models import CreditNote, Payment, ProviderNotification, Refund
from billing.services import ipn
from orders.choices import MigrationStatus
from tests.factories.billing import PaymentFactory, priced_migration

pytestmark = pytest.mark.django_db
KEY = "test-validation-key"
URL = "/billing/paypro/ipn/"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture(autouse=True)
def _key(settings):
    settings.PAYPRO_IPN_VALIDATION_KEY = KEY
    settings.PAYPRO_ALLOW_TEST_MODE = False  # as production computes it
    settings.PAYPRO_IPN_ALLOWED_IPS = []


def post(client, fields, **extra):
    """As PayPro Global posts: application/x-www-form-urlencoded."""
    return client.post(URL, urlencode(fields), content_type=FORM, **extra)


def pending_payment(amount="1000.00", currency="USD"):
    m = priced_migration(status=MigrationStatus.CONFIRMED)
    return PaymentFactory(migration=m, status=PaymentStatus.PENDING, transaction_at=None,
                          amount=Money(Decimal(amount), currency))


def fields_for(payment, type_name="OrderCharged", amount=None, order_id="777001",
               test_mode="0", key=KEY, **extra):
    fields = {
        "IPN_TYPE_ID": {"OrderCharged": "1", "OrderRefunded": "2",
                        "OrderChargedBack": "3"}.get(type_name, "0"),
        "IPN_TYPE_NAME": type_name,
        "ORDER_ID": order_id,
        "ORDER_ITEM_ID": "55",
        "PRODUCT_ID": "9",
        "ORDER_STATUS": "Processed",
        "ORDER_TOTAL_AMOUNT": amount or f"{payment.amount.amount}",
        "ORDER_CURRENCY_CODE": str(payment.amount.currency),
        "CUSTOMER_EMAIL": payment.migration.customer.user.email,
        "ORDER_CUSTOM_FIELDS": f"x-migration_id={payment.migration.migration_id}",
        "TEST_MODE": test_mode,
        **extra,
    }
    fields["SIGNATURE"] = ipn.ipn_signature(fields, key)
    return fields


def test_signature_recipe_matches_paypro_documentation_example():
    """BIL-2: SHA256(ORDER_ID ORDER_STATUS ORDER_TOTAL_AMOUNT CUSTOMER_EMAIL key TEST_MODE
    IPN_TYPE_NAME) — the documented example string."""
    fields = {"ORDER_ID": "12345", "ORDER_STATUS": "Processed", "ORDER_TOTAL_AMOUNT": "9.99",
              "CUSTOMER_EMAIL": "", "TEST_MODE": "1", "IPN_TYPE_NAME": "OrderCharged"}
    expected = hashlib.sha256(b"12345Processed9.99123qwerty1OrderCharged").hexdigest()
    assert ipn.ipn_signature(fields, "123qwerty") == expected


def test_charge_notification_completes_the_payment(client, orders_contract):
    """BIL-2: a verified OrderCharged pays the order; the raw notification is kept."""
    payment = pending_payment()
    response = post(client, fields_for(payment))
    assert response.status_code == 200
    payment.refresh_from_db()
    payment.migration.refresh_from_db()
    assert payment.status == PaymentStatus.COMPLETED
    assert payment.provider_order_id == "777001"
    assert payment.migration.status == MigrationStatus.PAID
    n = ProviderNotification.objects.get()
    assert n.verdict == NotificationVerdict.APPLIED
    assert "ORDER_ID=777001" in n.raw_body
    assert n.fields["IPN_TYPE_NAME"] == "OrderCharged"
    assert n.dedupe_key == "777001|55|OrderCharged|1000.00"


def test_forged_signature_changes_nothing_and_is_stored(client):
    """BIL-2: a forged signature is refused, stored for inspection, nothing applied."""
    payment = pending_payment()
    fields = fields_for(payment, key="not-the-key")
    response = post(client, fields)
    assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    n = ProviderNotification.objects.get()
    assert (n.verdict, n.signature_valid) == (NotificationVerdict.REJECTED, False)
    assert "Signature" in n.error
    assert n.raw_body and n.dedupe_key is None


def test_tampered_amount_breaks_the_signature(client):
    """BIL-2: the signature covers the amount."""
    payment = pending_payment()
    fields = fields_for(payment)
    fields["ORDER_TOTAL_AMOUNT"] = "1.00"
    post(client, fields)
    assert ProviderNotification.objects.get().verdict == NotificationVerdict.REJECTED
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


def test_test_mode_notification_is_refused_in_production_mode(client, settings):
    """BIL-2: TEST_MODE=1 never pays an order in production (DEBUG off)."""
    settings.PAYPRO_SANDBOX = False  # production mode
    settings.PAYPRO_ALLOW_TEST_MODE = False
    payment = pending_payment()
    post(client, fields_for(payment, test_mode="1"), secure=True)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    n = ProviderNotification.objects.get()
    assert n.verdict == NotificationVerdict.REJECTED
    assert n.test_mode and "Test-mode" in n.error


def test_test_mode_allowed_by_setting(client, settings, orders_contract):
    """BIL-2: PAYPRO_ALLOW_TEST_MODE=true accepts test notifications (staging)."""
    settings.PAYPRO_SANDBOX = False  # production mode
    settings.PAYPRO_ALLOW_TEST_MODE = False
    settings.PAYPRO_ALLOW_TEST_MODE = True
    payment = pending_payment()
    post(client, fields_for(payment, test_mode="1"), secure=True)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.COMPLETED


def test_no_validation_key_in_production_refuses_everything(client, settings):
    """BIL-2: without PAYPRO_IPN_VALIDATION_KEY nothing verifies in production."""
    settings.PAYPRO_SANDBOX = False  # production mode
    settings.PAYPRO_ALLOW_TEST_MODE = False
    settings.PAYPRO_IPN_VALIDATION_KEY = ""
    payment = pending_payment()
    post(client, fields_for(payment, key=""), secure=True)
    assert ProviderNotification.objects.get().verdict == NotificationVerdict.REJECTED


def test_replay_is_acknowledged_and_not_applied_again(client, orders_contract):
    """BIL-2: processed exactly once; the replay is stored as a duplicate."""
    payment = pending_payment()
    fields = fields_for(payment)
    post(client, fields)
    response = post(client, fields)
    assert response.status_code == 200
    verdicts = list(ProviderNotification.objects.order_by("pk").values_list("verdict",
                                                                             flat=True))
    assert verdicts == [NotificationVerdict.APPLIED, NotificationVerdict.DUPLICATE]
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.COMPLETED


def test_repeat_with_another_amount_is_a_failure_not_applied(client, orders_contract):
    """BIL-2: same order, item and type with a different amount → recorded failure."""
    payment = pending_payment()
    post(client, fields_for(payment))
    payment.refresh_from_db()
    before = (payment.status, payment.transaction_at)
    post(client, fields_for(payment, amount="10.00"))
    second = ProviderNotification.objects.order_by("pk").last()
    assert second.verdict == NotificationVerdict.FAILED
    assert "another amount" in second.error
    payment.refresh_from_db()
    assert (payment.status, payment.transaction_at) == before


def test_charge_with_a_wrong_amount_is_not_applied(client):
    """BIL-1/BIL-2: a charge that is not the full total does not pay the order."""
    payment = pending_payment()
    post(client, fields_for(payment, amount="999.00"))
    n = ProviderNotification.objects.get()
    assert n.verdict == NotificationVerdict.FAILED and "expected" in n.error
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


def test_notification_for_an_unknown_payment_is_stored_as_failed(client):
    """BIL-2: every notification is stored, even when nothing matches."""
    payment = pending_payment()
    fields = fields_for(payment, ORDER_CUSTOM_FIELDS="x-migration_id=NOPE")
    post(client, fields)
    n = ProviderNotification.objects.get()
    assert n.verdict == NotificationVerdict.FAILED and "No payment" in n.error


def test_endpoint_takes_post_only(client):
    """BIL-2: the endpoint is a POST target."""
    assert client.get(URL).status_code == 405


def test_chargeback_marks_the_payment_and_stops_the_migration(client, orders_contract):
    """BIL-2/ORD-17: a charge-back stops the migration."""
    payment = pending_payment()
    post(client, fields_for(payment))
    post(client, fields_for(payment, type_name="OrderChargedBack"))
    payment.refresh_from_db()
    payment.migration.refresh_from_db()
    assert payment.status == PaymentStatus.CHARGED_BACK
    assert payment.migration.status == MigrationStatus.STOPPED


def test_provider_refund_records_a_refund_with_credit_note(client, orders_contract):
    """BIL-2/BIL-13/ORD-17: a refund made at the provider is recorded and stops work."""
    payment = pending_payment()
    post(client, fields_for(payment))
    post(client, fields_for(payment, type_name="OrderRefunded", ORDER_REFUNDED="1000.00"))
    payment.refresh_from_db()
    payment.migration.refresh_from_db()
    refund = Refund.objects.get()
    assert refund.kind == RefundKind.PROVIDER
    assert refund.amount == Money(Decimal("1000.00"), "USD")
    assert CreditNote.objects.get(refund=refund).number.startswith("CN-")
    assert payment.status == PaymentStatus.REFUNDED
    assert payment.migration.status == MigrationStatus.STOPPED


# Sandbox checkout ------------------------------------------------------------------

def test_sandbox_checkout_pays_offline_in_the_embedded_run(client, settings, orders_contract):
    """BIL-2: in DEBUG the sandbox plays the provider with a correctly signed IPN."""
    settings.PAYPRO_SANDBOX = True
    settings.PAYPRO_ALLOW_TEST_MODE = True  # the embedded run's default
    settings.PAYPRO_IPN_VALIDATION_KEY = ""  # the embedded run has no key
    payment = pending_payment()
    client.force_login(payment.migration.customer.user)
    url = reverse("billing:sandbox_checkout", args=[payment.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "1,000.00" in page.content.decode() or "1000.00" in page.content.decode()
    response = client.post(url, follow=True)
    assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.COMPLETED
    n = ProviderNotification.objects.get()
    assert (n.verdict, n.signature_valid, n.test_mode) == (
        NotificationVerdict.APPLIED, True, True)


def test_sandbox_checkout_does_not_exist_in_production(client, settings):
    """BIL-2: no sandbox in production mode (DEBUG off)."""
    settings.PAYPRO_SANDBOX = False  # production mode
    settings.PAYPRO_ALLOW_TEST_MODE = False
    payment = pending_payment()
    client.force_login(payment.migration.customer.user)
    url = reverse("billing:sandbox_checkout", args=[payment.pk])
    assert client.get(url, secure=True).status_code == 404
    assert client.post(url, secure=True).status_code == 404
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PENDING


def test_sandbox_checkout_is_only_for_the_payments_customer(client, settings):
    """ACC-3: another customer cannot open someone's checkout."""
    settings.PAYPRO_SANDBOX = True
    payment = pending_payment()
    other = priced_migration().customer
    client.force_login(other.user)
    assert client.get(reverse("billing:sandbox_checkout", args=[payment.pk])).status_code == 404


def test_unknown_type_is_stored_and_ignored(client):
    """BIL-2: notification types we do not use are acknowledged and stored."""
    payment = pending_payment()
    post(client, fields_for(payment, type_name="LicenseRequested"))
    assert ProviderNotification.objects.get().verdict == NotificationVerdict.IGNORED


def test_failed_notification_can_be_processed_again_once(client, orders_contract):
    """BIL-2: a charge that arrived before its payment matched is retried by the task,
    and applied exactly once."""
    from billing.tasks import process_notification

    payment = pending_payment()
    fields = fields_for(payment, ORDER_CUSTOM_FIELDS="x-migration_id=LATER")
    post(client, fields)
    n = ProviderNotification.objects.get()
    assert n.verdict == NotificationVerdict.FAILED
    n.fields = {**n.fields, "ORDER_CUSTOM_FIELDS": f"x-payment_id={payment.pk}"}
    n.save(update_fields=["fields"])
    assert process_notification.delay(n.pk).get() == NotificationVerdict.APPLIED
    assert process_notification.delay(n.pk).get() == "nothing to do"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.COMPLETED


def test_checkout_link_is_the_sandbox_in_debug_and_paypro_in_production(settings):
    """BIL-2: the customer pays at the sandbox (embedded) or PayPro Global (production),
    our IDs travelling as custom fields."""
    from billing.selectors import checkout_url

    payment = pending_payment()
    settings.PAYPRO_SANDBOX = True
    assert checkout_url(payment) == reverse("billing:sandbox_checkout", args=[payment.pk])
    settings.PAYPRO_SANDBOX = False  # production mode
    settings.PAYPRO_ALLOW_TEST_MODE = False
    settings.PAYPRO_CHECKOUT_URL = "https://store.payproglobal.com/checkout?products[1][id]=7"
    url = checkout_url(payment)
    assert url.startswith("https://store.payproglobal.com/checkout?products[1][id]=7&")
    assert f"x-migration_id={payment.migration.migration_id}" in url
    assert f"x-payment_id={payment.pk}" in url


def test_notification_is_stored_before_processing_even_when_processing_crashes(
    client, monkeypatch
):
    """BIL-2: the raw notification is kept whatever processing does; the provider gets 200."""
    payment = pending_payment()

    def boom(*args, **kwargs):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(ipn, "_apply", boom)
    response = post(client, fields_for(payment))
    assert response.status_code == 200
    n = ProviderNotification.objects.get()
    assert n.verdict == NotificationVerdict.FAILED and "database hiccup" in n.error
    assert n.dedupe_key is None  # not claimed: a resend can still apply it
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


def test_garbage_is_stored_and_rejected(client):
    """BIL-2: even an empty or unreadable post is stored for inspection."""
    response = client.post(URL, "not a form at all", content_type=FORM)
    assert response.status_code == 200
    n = ProviderNotification.objects.get()
    assert n.raw_body == "not a form at all"
    assert n.verdict == NotificationVerdict.REJECTED


def test_sandbox_does_not_pay_a_wire_transfer(client, settings):
    """BIL-2: a wire transfer waits for finance, even in the sandbox."""
    from billing.choices import PaymentMethod

    settings.PAYPRO_SANDBOX = True
    payment = pending_payment()
    Payment.objects.filter(pk=payment.pk).update(method=PaymentMethod.WIRE)
    client.force_login(payment.migration.customer.user)
    url = reverse("billing:sandbox_checkout", args=[payment.pk])
    assert "Pay " not in client.get(url).content.decode()
    client.post(url)
    assert not ProviderNotification.objects.exists()
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PENDING


def test_two_partial_provider_refunds_are_both_recorded_once(client, orders_contract):
    """BIL-2/BIL-12: each partial refund at the provider is recorded once, by increment."""
    payment = pending_payment()
    post(client, fields_for(payment))
    first = fields_for(payment, type_name="OrderPartiallyRefunded", ORDER_REFUNDED="100.00")
    post(client, first)
    post(client, first)  # resent
    post(client, fields_for(payment, type_name="OrderPartiallyRefunded",
                            ORDER_REFUNDED="250.00"))
    amounts = sorted(r.amount.amount for r in Refund.objects.all())
    assert amounts == [Decimal("100.00"), Decimal("150.00")]
    verdicts = list(ProviderNotification.objects.order_by("pk").values_list("verdict",
                                                                             flat=True))
    assert verdicts == ["applied", "applied", "duplicate", "applied"]
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.COMPLETED  # partially refunded only


def test_notifications_from_other_addresses_are_refused_when_a_list_is_set(client,
                                                                          settings):
    """BIL-2: with PAYPRO_IPN_ALLOWED_IPS set, only the provider's addresses are heard."""
    settings.PAYPRO_IPN_ALLOWED_IPS = ["198.199.123.239", "157.230.8.40"]
    payment = pending_payment()
    post(client, fields_for(payment), REMOTE_ADDR="10.0.0.9")
    n = ProviderNotification.objects.get()
    assert n.verdict == NotificationVerdict.REJECTED and "10.0.0.9" in n.error
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


def test_behind_the_proxy_the_allowlist_reads_the_forwarded_address(client, settings,
                                                                    orders_contract):
    """BIL-2/issue 14: behind one trusted proxy REMOTE_ADDR is the proxy; the provider's
    address is the last X-Forwarded-For hop, and an address the sender put further left
    (spoofed) is not believed."""
    settings.PAYPRO_IPN_ALLOWED_IPS = ["198.199.123.239"]
    settings.TRUSTED_PROXY_COUNT = 1
    spoofed = pending_payment()
    post(client, fields_for(spoofed, order_id="1"), REMOTE_ADDR="10.0.0.2",
         HTTP_X_FORWARDED_FOR="198.199.123.239, 203.0.113.7")
    n = ProviderNotification.objects.get()
    assert n.verdict == NotificationVerdict.REJECTED and n.remote_addr == "203.0.113.7"
    real = pending_payment()
    post(client, fields_for(real, order_id="2"), REMOTE_ADDR="10.0.0.2",
         HTTP_X_FORWARDED_FOR="198.199.123.239")
    real.refresh_from_db()
    assert real.status == PaymentStatus.COMPLETED
    assert ProviderNotification.objects.latest("pk").remote_addr == "198.199.123.239"


def test_endpoint_needs_no_csrf_token(orders_contract):
    """BIL-2: the provider posts without a CSRF token; the signature protects it."""
    from django.test import Client

    payment = pending_payment()
    response = post(Client(enforce_csrf_checks=True), fields_for(payment))
    assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.COMPLETED
