"""Issue 14/ACC-1: sign-in pages refuse unlimited password guesses (django-axes)."""

import pytest

from slaportal.accounts.roles import Role
from tests.factories import CustomerFactory, StaffFactory

pytestmark = pytest.mark.django_db
GOOD = "a-long-unusual-passphrase-91"


def _user(factory, **kwargs):
    user = factory(**kwargs)
    user = getattr(user, "user", user)
    user.set_password(GOOD)
    user.save()
    return user


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_five_wrong_passwords_lock_that_address_out_for_that_email(client, url):
    user = _user(StaffFactory, role=Role.FINANCE) if "admin" in url else _user(CustomerFactory)
    for attempt in range(1, 6):  # the case of the e-mail changes nothing (ACC-1)
        typed = user.email.upper() if attempt % 2 else user.email
        response = client.post(url, {"username": typed, "password": "wrong"},
                               REMOTE_ADDR="203.0.113.7")
        assert response.status_code == (429 if attempt == 5 else 200), attempt
    locked = client.post(url, {"username": user.email, "password": GOOD},
                         REMOTE_ADDR="203.0.113.7")
    assert locked.status_code == 429 and "Too many attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # the same person from another address is not locked out
    elsewhere = client.post(url, {"username": user.email, "password": GOOD},
                            REMOTE_ADDR="198.51.100.20")
    assert elsewhere.status_code == 302


def test_a_successful_sign_in_resets_the_count(client):
    user = _user(CustomerFactory)
    for _ in range(4):
        client.post("/accounts/login/", {"username": user.email, "password": "wrong"})
    assert client.post("/accounts/login/", {"username": user.email,
                                            "password": GOOD}).status_code == 302
    client.logout()
    for _ in range(4):
        client.post("/accounts/login/", {"username": user.email, "password": "wrong"})
    assert client.post("/accounts/login/", {"username": user.email,
                                            "password": GOOD}).status_code == 302
