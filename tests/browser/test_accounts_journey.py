import pytest

from slaportal.accounts.models import Customer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_up_sign_out_and_sign_in_with_other_letter_case(page, shot):
    """ACC-1: a customer signs up, signs out and signs in by e-mail in another case."""
    page.goto("/accounts/signup/")
    shot("signup-empty")
    page.get_by_label("E-mail address").fill("Dana@Example.org")
    page.get_by_label("Your name").fill("Dana Shevchenko")
    page.get_by_label("Organisation").fill("Dana Tours")
    page.get_by_label("Phone").fill("+380501112233")
    page.get_by_label("Help-desk and business data").check()
    page.get_by_label("Password", exact=True).fill("a-long-unusual-passphrase-91")
    page.get_by_label("Password again").fill("a-long-unusual-passphrase-91")
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("heading", name="Welcome, Dana").wait_for()
    shot("home")
    assert Customer.objects.get().user.email == "Dana@example.org"

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in").wait_for()
    page.get_by_label("E-mail address").fill("DANA@EXAMPLE.ORG")
    page.get_by_label("Password").fill("a-long-unusual-passphrase-91")
    shot("signin")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Welcome, Dana").wait_for()


def test_sign_up_errors_are_shown_inline_and_nothing_is_saved(page, shot):
    page.goto("/accounts/signup/")
    page.get_by_label("E-mail address").fill("not-an-email")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Password again").fill("different")
    page.get_by_role("button", name="Create account").click()
    page.get_by_text("Enter a valid email address.").wait_for()
    page.get_by_text("The two passwords differ.").wait_for()
    shot("signup-errors")
    assert not Customer.objects.exists()
