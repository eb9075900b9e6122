import pytest
from django.core import mail
from django.db import IntegrityError
from django.urls import reverse

from slaportal.accounts.models import Customer, User
from tests.factories import PASSWORD, CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "typed", ["alice@acme.example", "ALICE@ACME.EXAMPLE", "Alice@Acme.Example"]
)
def test_sign_in_by_email_in_any_letter_case(client, typed):
    """ACC-1: customers sign in with their e-mail address, whatever its letter case."""
    CustomerFactory(user__email="alice@acme.example")
    response = client.post(reverse("login"), {"username": typed, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert "alice@acme.example" in home.content.decode()


def test_wrong_password_is_refused_with_a_message(client):
    """ACC-1: a wrong password does not sign in."""
    CustomerFactory(user__email="alice@acme.example")
    response = client.post(
        reverse("login"), {"username": "alice@acme.example", "password": "nope"}
    )
    assert response.status_code == 200
    assert "Please enter a correct e-mail address and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def _signup_data(email: str) -> dict:
    return {
        "email": email,
        "full_name": "Alice",
        "organisation": "Acme",
        "phone": "+380441234567",
        "uses_data_line": "on",
        "password1": "a-long-unusual-passphrase-91",
        "password2": "a-long-unusual-passphrase-91",
    }


def test_sign_up_creates_a_customer_and_signs_in(client):
    """ACC-1: sign-up makes a customer account with its profile."""
    response = client.post(reverse("signup"), _signup_data("New.Person@Example.com"))
    assert response.status_code == 302
    customer = Customer.objects.select_related("user").get()
    assert customer.user.email == "New.Person@example.com"  # the domain is normalised
    assert customer.uses_data_line and not customer.uses_cms_line
    assert not customer.user.is_staff
    assert client.get(reverse("home")).status_code == 200


def test_second_account_with_same_email_in_other_case_is_refused(client):
    """ACC-1: e-mail is unique case-insensitively; the refusal says why; nothing is saved."""
    CustomerFactory(user__email="alice@acme.example")
    response = client.post(reverse("signup"), _signup_data("ALICE@acme.example"))
    assert response.status_code == 200
    assert "An account with this e-mail address already exists." in response.content.decode()
    assert User.objects.count() == 1
    assert Customer.objects.count() == 1


def test_database_refuses_a_case_variant_of_an_email(db):
    """ACC-1: the unique index on lower(email) holds even when code skips the checks."""
    User.objects.create(email="bob@example.com")
    with pytest.raises(IntegrityError):
        User.objects.create(email="BOB@example.com")


def test_sign_up_bad_input_is_answered_inline_and_saves_nothing(client):
    data = _signup_data("not-an-email")
    data["password2"] = "something else"
    response = client.post(reverse("signup"), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid email address." in body
    assert "The two passwords differ." in body
    assert User.objects.count() == 0


def test_sign_out(client):
    customer = CustomerFactory()
    client.force_login(customer.user)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    front = client.get(reverse("home"))  # the front door again, with a way to sign in
    assert front.status_code == 200 and reverse("login") in front.content.decode()


def test_password_reset_by_email_in_other_case(client, django_capture_on_commit_callbacks):
    """ACC-1: the reset link reaches the account's address whatever case was typed."""
    CustomerFactory(user__email="alice@acme.example")
    with django_capture_on_commit_callbacks(execute=True):  # the e-mail leaves on commit
        response = client.post(reverse("password_reset"), {"email": "ALICE@ACME.EXAMPLE"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["alice@acme.example"]
    link = next(line for line in mail.outbox[0].body.splitlines() if "/reset/" in line)
    link = link.split(": ", 1)[-1]  # "Choose a new password: http://…"
    path = link[link.index("/accounts/reset/") :].strip()
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "brand-new-passphrase-77", "new_password2": "brand-new-passphrase-77"},
    )
    assert done.status_code == 302
    assert client.login(username="alice@acme.example", password="brand-new-passphrase-77")
