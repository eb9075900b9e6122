"""Issue 16: the e-mails a customer expects — every kind in HTML and text, in the
portal's layout, from the configured sender and site name, with a link to the page it
is about — and the admin's preview of each."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail as outbox
from django.urls import reverse
from django.utils import timezone

from billing.choices import PaymentStatus
from orders import services as orders
from orders.choices import AccessSide, MigrationStatus
from slaportal import mail
from tests.factories import CustomerFactory, MigrationFactory, StaffFactory
from tests.factories.billing import PaymentFactory

pytestmark = pytest.mark.django_db

RULE_ID = re.compile(r"\b(CAL|SUP|ORD|BIL|ACC)-\d")
EXPECTED = {  # the e-mails the issue lists, by kind
    "accounts/welcome", "billing/order_confirmed", "billing/receipt",
    "billing/payment_expiring", "orders/migration_started", "orders/migration_completed",
    "orders/review_ending", "billing/refund_received", "billing/refund_issued",
    "billing/refund_denied", "support/reply", "support/clarification",
    "billing/data_deletion",
}


@pytest.fixture
def site(settings):
    settings.SITE_NAME = "Migration Portal"
    settings.SITE_URL = "https://portal.example.com"
    settings.DEFAULT_FROM_EMAIL = "Migration Portal <hello@portal.example.com>"


def test_every_kind_renders_html_and_text_with_its_link_and_no_rule_ids(site):
    assert set(mail.KINDS) >= EXPECTED
    for name, kind in mail.KINDS.items():
        subject, text, html = mail.render(name, kind.demo())
        assert subject and "\n" not in subject, name
        link = mail.absolute(kind.demo()["link"])
        assert link.startswith("https://portal.example.com/"), name
        assert f'href="{link}"' in html and link in text, name  # both parts carry it
        assert "Migration Portal" in html and "Migration Portal" in text, name
        for part in (subject, text, html):
            assert not RULE_ID.search(part), (name, RULE_ID.search(part))


def test_an_e_mail_leaves_with_both_parts_from_the_configured_sender(
        site, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        from slaportal.accounts import services

        services.customer_register(email="new@example.org", password="a-long-passphrase-71",
                                   full_name="Nina New", time_zone="Europe/Warsaw")
    welcome = [m for m in outbox.outbox if m.to == ["new@example.org"]]
    assert len(welcome) == 1
    message = welcome[0]
    assert message.subject == "Welcome to Migration Portal"
    assert message.from_email == "Migration Portal <hello@portal.example.com>"
    assert "Hello Nina New" in message.body and "Europe/Warsaw" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and 'href="https://portal.example.com/"' in html


def test_migration_started_and_completed_tell_the_customer_with_the_review_deadline(
        django_capture_on_commit_callbacks):
    """ORD-6: the completed e-mail of a CMS migration names the end of the review."""
    m = MigrationFactory(line="cms", status=MigrationStatus.PAID, kind="full",
                         paid_at=timezone.now())
    manager = StaffFactory()
    for side in (AccessSide.SOURCE, AccessSide.TARGET):
        detail = orders.access_detail_set(migration=m, side=side, url=f"https://{side}.example",
                                          secret="s3cret", actor=m.customer.user)
        orders.access_verify(detail=detail, actor=manager)
    with django_capture_on_commit_callbacks(execute=True):
        orders.migration_start(migration=m, actor=None)
        orders.migration_complete(migration=m, actor=None, migrated=10)
    subjects = [e.subject for e in outbox.outbox]
    assert f"Migration {m.migration_id} has started" in subjects
    done = next(e for e in outbox.outbox if "is complete" in e.subject)
    assert "you have until" in done.body
    assert reverse("orders:detail", args=[m.migration_id]) in done.body


def test_the_review_ending_reminder_goes_once_two_days_before(
        django_capture_on_commit_callbacks):
    now = timezone.now()
    due = MigrationFactory(line="cms", status=MigrationStatus.COMPLETED, kind="full",
                           completed_at=now - dt.timedelta(days=12, hours=1))
    MigrationFactory(line="cms", status=MigrationStatus.COMPLETED, kind="full",
                     completed_at=now - dt.timedelta(days=5))  # not yet
    MigrationFactory(line="data", status=MigrationStatus.COMPLETED, kind="full",
                     completed_at=now - dt.timedelta(days=12, hours=1))  # no review
    with django_capture_on_commit_callbacks(execute=True):
        assert orders.migrations_remind_review_due(now=now) == 1
        assert orders.migrations_remind_review_due(now=now) == 0
    assert len(outbox.outbox) == 1
    reminder = outbox.outbox[0]
    assert reminder.subject.startswith(f"Migration {due.migration_id}: the review period ends")
    assert reminder.to == [due.customer.user.email]
    assert reverse("orders:detail", args=[due.migration_id]) in reminder.body


def test_the_payment_expiring_reminder_goes_once_five_days_before(
        django_capture_on_commit_callbacks):
    """BIL-4: a payment 26 days old whose migration has not started is told once."""
    from billing.services.payments import payments_remind_expiring

    now = timezone.now()
    soon = PaymentFactory(status=PaymentStatus.COMPLETED,
                          transaction_at=now - dt.timedelta(days=26))
    soon.migration.status = MigrationStatus.PAID
    soon.migration.save()
    PaymentFactory(status=PaymentStatus.COMPLETED, transaction_at=now - dt.timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        assert payments_remind_expiring(now=now) == 1
        assert payments_remind_expiring(now=now) == 0
    assert len(outbox.outbox) == 1
    assert outbox.outbox[0].subject.startswith(f"Your payment for {soon.reference} expires")
    assert reverse("orders:detail", args=[soon.migration.migration_id]) in outbox.outbox[0].body


def test_the_admin_previews_every_e_mail(client):
    client.force_login(StaffFactory())
    listing = client.get(reverse("email_preview_list"))
    assert listing.status_code == 200
    for name, kind in mail.KINDS.items():
        assert kind.title in listing.content.decode()
        page = client.get(reverse("email_preview", args=[name]))
        assert page.status_code == 200 and kind.title in page.content.decode()
        html = client.get(reverse("email_preview_html", args=[name]))
        assert html.status_code == 200
        assert "'unsafe-inline'" in html["Content-Security-Policy"]
        assert "frame-ancestors 'self'" in html["Content-Security-Policy"]
    assert client.get(reverse("email_preview", args=["no/such"])).status_code == 404


def test_customers_cannot_open_the_preview(client):
    client.force_login(CustomerFactory().user)
    assert client.get(reverse("email_preview_list")).status_code == 302
