"""BIL-5 and ORD-10 in Chromium: the customer pays a surcharge and accepts a custom
work quote through the same checkout as an order, with a screenshot of each page."""

import re
from decimal import Decimal

import pytest
from django.utils import timezone

from billing import services as billing
from billing.choices import PaymentMethod, SurchargeStatus
from billing.selectors import checkout_url
from orders import services as orders
from orders.choices import CustomWorkStatus, MigrationStatus
from slaportal.accounts.roles import Role
from tests.factories import StaffFactory
from tests.factories.billing import priced_migration
from tests.orders.conftest import verify_access

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-unusual-passphrase-91"


def _sign_in(page, user) -> None:
    user.set_password(PASSWORD)
    user.save()
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/(?!accounts/login)"))


def _pay_in_sandbox(page, shot, name: str) -> None:
    page.get_by_label("Card").check()
    page.get_by_label("Billing country").select_option("DE")
    page.get_by_role("button", name=re.compile(r"^(Pay|Accept)")).click()
    page.get_by_role("heading", name="Sandbox checkout").wait_for()
    shot(f"{name}-sandbox")
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()
    page.locator("#status", has_text="Completed").wait_for()


def test_the_customer_pays_a_surcharge_in_the_checkout(page, shot, sandbox):
    """BIL-5/BIL-6: the migration page explains the surcharge; paying it by card with
    German VAT completes it."""
    m = priced_migration({"migration": "1000.00"}, record_count=1000)
    billing.order_confirm(migration=m, actor=m.customer.user)
    payment = billing.payment_start(migration=m, method=PaymentMethod.CARD,
                                    actor=m.customer.user)
    billing.payment_complete(payment=payment, actor=None)
    m.refresh_from_db()
    verify_access(m, None, timezone.now())
    surcharge = billing.surcharge_raise(migration=m, records_at_start=1250, actor=None)
    _sign_in(page, m.customer.user)
    page.goto(f"/orders/{m.migration_id}/")
    page.get_by_text("250 records were created between your payment").wait_for()
    shot("migration-with-surcharge")
    page.get_by_role("link", name="Pay the surcharge").click()
    page.get_by_role("heading", name=f"Surcharge for migration {m.migration_id}").wait_for()
    shot("surcharge-pay-page")
    _pay_in_sandbox(page, shot, "surcharge")
    assert "297.50" in page.locator("#amount").inner_text()  # 250 + 19% VAT
    surcharge.refresh_from_db()
    assert surcharge.status == SurchargeStatus.PAID


def test_the_customer_accepts_a_custom_work_quote_by_paying_it(page, shot, sandbox):
    """ORD-10/BIL-1/BIL-14: a quoted custom work is paid in advance at its price, no
    discount; the work is then paid and its page says what happens next."""
    m = priced_migration({"migration": "1000.00"}, status=MigrationStatus.PAID,
                         paid_at=timezone.now())
    customer = m.customer
    manager = StaffFactory(role=Role.ACCOUNT_MANAGERS)
    work = orders.custom_work_request(customer=customer, actor=customer.user, migration=m,
                                      description="Map 3 custom objects to Zendesk")
    work = orders.custom_work_requirements(work=work, requirements="A, B, C", actor=manager)
    work = orders.custom_work_estimate(work=work, hours=Decimal("8"), actor=manager)
    work = orders.custom_work_quote(work=work, price=Decimal("480.00"), timeframe_days=5,
                                    actor=manager)
    _sign_in(page, customer.user)
    page.goto("/orders/custom-work/")
    shot("custom-work-list")
    page.get_by_role("link", name=f"#{work.pk}").click()
    page.locator("#quote").wait_for()
    shot("custom-work-quoted")
    page.get_by_role("link", name="Accept the quote and pay").click()
    page.get_by_text("not refundable").first.wait_for()
    shot("custom-work-pay-page")
    _pay_in_sandbox(page, shot, "custom-work")
    work.refresh_from_db()
    assert work.status == CustomWorkStatus.PAID
    page.goto(f"/orders/custom-work/{work.pk}/")
    page.locator("#next-step", has_text="we are working on it").wait_for()
    shot("custom-work-paid")
    assert checkout_url(work.payments.get()) is None  # nothing left to pay
