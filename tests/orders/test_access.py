import datetime as dt

import pytest
from cryptography.fernet import Fernet
from django.core import mail
from django.core.management import call_command
from django.db import connection

from orders import crypto, services
from orders.choices import AccessSide
from orders.models import AccessDetail

from .conftest import kyiv

pytestmark = pytest.mark.django_db
SECRET = "sup3r-secret-token-9876"


def _raw_rows() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT url, secret_encrypted, hint FROM orders_accessdetail")
        return cursor.fetchall()


def test_credentials_are_encrypted_at_rest_and_masked(order, manager):
    """ORD-14: stored encrypted, never shown back in full (only ••••last4)."""
    m = order()
    detail = services.access_detail_set(migration=m, side=AccessSide.SOURCE,
                                        url="https://acme.zendesk.com", secret=SECRET,
                                        actor=manager)
    assert all(SECRET not in str(row) for row in _raw_rows())
    assert detail.masked == "••••9876"
    assert services.access.access_secret(detail) == SECRET


def test_key_rotation_reencrypts_with_the_new_key(order, manager, settings):
    """ORD-14: the first key of ACCESS_DETAILS_KEYS encrypts, all decrypt; the command
    re-encrypts with the new one."""
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.ACCESS_DETAILS_KEYS = [old]
    m = order()
    detail = services.access_detail_set(migration=m, side=AccessSide.TARGET, url="",
                                        secret=SECRET, actor=manager)
    settings.ACCESS_DETAILS_KEYS = [new, old]
    call_command("rotate_access_details")
    token = AccessDetail.objects.get(pk=detail.pk).secret_encrypted
    assert Fernet(new.encode()).decrypt(token.encode()).decode() == SECRET
    settings.ACCESS_DETAILS_KEYS = [new]  # the old key can go now
    assert crypto.decrypt(token) == SECRET


def test_failing_access_tells_the_customer_and_is_recorded(
    order, manager, django_capture_on_commit_callbacks
):
    """ORD-12/ORD-14: failing with a reason; the customer is told (after the commit)."""
    m = order()
    detail = services.access_detail_set(migration=m, side=AccessSide.SOURCE, url="",
                                        secret=SECRET, actor=manager)
    with django_capture_on_commit_callbacks(execute=True):
        services.access_fail(detail=detail, actor=manager, reason="Password rejected",
                             now=kyiv(2026, 3, 2, 10))
    detail.refresh_from_db()
    assert detail.failing_reason == "Password rejected" and detail.failing_since
    assert mail.outbox[-1].to == [m.customer.user.email]
    assert "Password rejected" in mail.outbox[-1].body
    services.access_verify(detail=detail, actor=manager, now=kyiv(2026, 3, 2, 12))
    failure = detail.failures.get()
    assert failure.ended_at == kyiv(2026, 3, 2, 12)


@pytest.mark.parametrize(
    "line, plan_code, package, days",
    [("cms", "cms", None, 15), ("cms", "cms", "basic", 21), ("data", "standard", None, 5)],
)
def test_access_reminder_per_line_sent_once(
    completed, line, plan_code, package, days, django_capture_on_commit_callbacks
):
    """ORD-14/ACC-4: CMS 15 days after an automated migration, 21 after a package; data
    line 5 days after the full migration — each reminder once."""
    done = kyiv(2026, 3, 2, 12)
    m = completed(line=line, plan_code=plan_code, records=500, package_tier=package,
                  completed_at=done)
    assert m.access_reminder_due_at == done + dt.timedelta(days=days)
    mail.outbox.clear()
    assert services.access_reminders_send(now=done + dt.timedelta(days=days, minutes=-1)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.access_reminders_send(now=done + dt.timedelta(days=days)) == 1
    assert services.access_reminders_send(now=done + dt.timedelta(days=days + 1)) == 0
    assert len(mail.outbox) == 1 and m.migration_id in mail.outbox[0].subject
