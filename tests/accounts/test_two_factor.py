"""Issue 14: staff pass a second factor (authenticator app or recovery code) before the
admin; a superuser resets a lost one; customers are not asked."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from slaportal.accounts.roles import Role
from tests.factories.accounts import PASSWORD, CustomerFactory, StaffFactory

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _required(settings):
    settings.STAFF_TWO_FACTOR_REQUIRED = True


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    return f"{totp.token():06d}"


def _sign_in(user) -> Client:
    client = Client()
    response = client.post("/admin/login/?next=/admin/",
                           {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _enrol(client) -> tuple[TOTPDevice, list[str]]:
    page = client.get("/admin/", follow=True)
    assert page.redirect_chain[-1][0].startswith("/accounts/two-factor/setup/")
    device = TOTPDevice.objects.get(confirmed=False)
    response = client.post("/accounts/two-factor/setup/",
                           {"code": _code(device), "next": "/admin/"})
    assert response.status_code == 200
    codes = [token.token for token in StaticToken.objects.filter(device__user=device.user)]
    assert len(codes) == 10 and all(code in response.content.decode() for code in codes)
    device.refresh_from_db()
    return device, codes


def test_a_staff_member_enrols_an_app_and_then_reaches_the_admin():
    staff = StaffFactory(role=Role.SUPPORT_ENGINEERS)
    client = _sign_in(staff)
    with time_machine.travel(START, tick=False):
        setup = client.get("/admin/", follow=True)
        text = setup.content.decode()
        assert 'src="data:image/svg+xml;base64,' in text  # the QR code, CSP-safe
        device = TOTPDevice.objects.get(user=staff, confirmed=False)
        # Reloading the page keeps the same key (the app has it already).
        client.get("/accounts/two-factor/setup/")
        assert TOTPDevice.objects.filter(user=staff).count() == 1
        wrong = client.post("/accounts/two-factor/setup/", {"code": "000000"})
        assert "That code is not right" in wrong.content.decode()
        assert not TOTPDevice.objects.filter(confirmed=True).exists()
        assert client.get("/admin/").status_code == 302  # still not in
        with time_machine.travel(START + dt.timedelta(minutes=2), tick=False):
            device, codes = _enrol(client)
            assert device.confirmed
            assert client.get("/admin/").status_code == 200
    assert client.get("/admin/support/ticket/").status_code == 200


def test_later_sign_ins_ask_for_the_apps_code_or_a_recovery_code_once():
    staff = StaffFactory(role=Role.SUPPORT_ENGINEERS)
    with time_machine.travel(START, tick=False):
        device, codes = _enrol(_sign_in(staff))
    with time_machine.travel(START + dt.timedelta(hours=1), tick=False):
        client = _sign_in(staff)
        asked = client.get("/admin/support/ticket/")
        assert asked.status_code == 302
        assert asked["Location"].startswith("/accounts/two-factor/?next=")
        ok = client.post("/accounts/two-factor/", {"code": _code(device),
                                                   "next": "/admin/support/ticket/"})
        assert ok["Location"] == "/admin/support/ticket/"
        assert client.get("/admin/").status_code == 200
        # The same code cannot be replayed in another session.
        again = _sign_in(staff)
        replay = again.post("/accounts/two-factor/", {"code": _code(device)})
        assert "That code is not right" in replay.content.decode()
    with time_machine.travel(START + dt.timedelta(hours=2), tick=False):
        phone_lost = _sign_in(staff)
        used = phone_lost.post("/accounts/two-factor/", {"code": codes[0].upper()})
        assert used.status_code == 302 and phone_lost.get("/admin/").status_code == 200
        assert StaticToken.objects.filter(device__user=staff).count() == 9
    with time_machine.travel(START + dt.timedelta(hours=3), tick=False):
        refused = _sign_in(staff).post("/accounts/two-factor/", {"code": codes[0]})
        assert "That code is not right" in refused.content.decode()


def test_wrong_codes_are_throttled_and_the_next_is_an_own_page():
    staff = StaffFactory()
    with time_machine.travel(START, tick=False):
        device, _ = _enrol(_sign_in(staff))
    with time_machine.travel(START + dt.timedelta(hours=1), tick=False):
        client = _sign_in(staff)
        client.post("/accounts/two-factor/", {"code": "111111"})
        throttled = client.post("/accounts/two-factor/", {"code": _code(device)})
        assert "Too many wrong codes" in throttled.content.decode()
        assert client.get("/admin/").status_code == 302
        for bad in ("", "x" * 200, "12\x0034", "<script>"):
            page = client.post("/accounts/two-factor/", {"code": bad})
            assert page.status_code == 200
    with time_machine.travel(START + dt.timedelta(hours=2), tick=False):
        client = _sign_in(staff)
        away = client.post("/accounts/two-factor/",
                           {"code": _code(device), "next": "https://evil.example/"})
        assert away["Location"] == "/admin/"


def test_customers_are_not_asked_for_a_second_factor(client):
    customer = CustomerFactory()
    client.force_login(customer.user)
    assert client.get("/").status_code == 200
    assert not TOTPDevice.objects.exists()


def test_a_superuser_resets_a_lost_second_factor_and_others_cannot():
    staff = StaffFactory()
    with time_machine.travel(START, tick=False):
        _enrol(_sign_in(staff))
        root = StaffFactory(is_superuser=True)
        admin = _sign_in(root)
        with time_machine.travel(START + dt.timedelta(minutes=5), tick=False):
            _enrol(admin)
        changelist = admin.get("/admin/accounts/user/")
        assert "reset_second_factor" in changelist.content.decode()
        admin.post("/admin/accounts/user/", {"action": "reset_second_factor",
                                             "_selected_action": [staff.pk]})
    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert not StaticToken.objects.filter(device__user=staff).exists()
    assert TOTPDevice.objects.filter(user=root, confirmed=True).exists()
    # Signing in again, the user enrols anew.
    again = _sign_in(staff)
    assert again.get("/admin/")["Location"].startswith("/accounts/two-factor/setup/")


def test_only_a_superuser_gets_the_reset_action(settings, rf):
    from django.contrib.admin.sites import site

    from slaportal.accounts.models import User

    user_admin = site._registry[User]
    for user, offered in ((StaffFactory(role=Role.ACCOUNT_MANAGERS), False),
                          (StaffFactory(is_superuser=True), True)):
        request = rf.get("/admin/accounts/user/")
        request.user = user
        assert ("reset_second_factor" in user_admin.get_actions(request)) is offered


def test_new_recovery_codes_replace_the_old(settings):
    staff = StaffFactory()
    with time_machine.travel(START, tick=False):
        client = _sign_in(staff)
        _, old = _enrol(client)
        page = client.post("/accounts/two-factor/recovery-codes/")
    new = [t.token for t in StaticToken.objects.filter(device__user=staff)]
    assert len(new) == 10 and not set(new) & set(old)
    assert all(code in page.content.decode() for code in new)


def test_check_deploy_warns_when_production_turns_it_off(settings):
    settings.DEBUG = False
    settings.STAFF_TWO_FACTOR_REQUIRED = False
    with pytest.raises(SystemCheckError, match="accounts.W001"):
        call_command("check", "--deploy", "--fail-level", "WARNING", "--tag", "security")
