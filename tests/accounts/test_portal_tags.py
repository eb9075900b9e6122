import datetime as dt

import pytest
from django.template import Context, Template

from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _render(customer, when):
    template = Template("{% load portal %}{% deadline when %}")
    return template.render(Context({"customer": customer, "when": when}))


def test_deadline_shows_the_customers_zone_with_kyiv_time_beside_it():
    """CAL-5: deadlines are shown in the customer's own zone (their profile), with Kyiv
    time, the agreement's, beside it."""
    customer = CustomerFactory(time_zone="America/New_York")
    when = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)  # 14:00 Kyiv, 07:00 New York
    html = _render(customer, when)
    assert "Mon 23 Nov 2026, 07:00 America/New_York (14:00 Kyiv)" in html
    assert 'datetime="2026-11-23T12:00:00+00:00"' in html


def test_deadline_for_a_kyiv_customer_shows_one_time():
    customer = CustomerFactory(time_zone="Europe/Kyiv")
    html = _render(customer, dt.datetime(2026, 7, 1, 6, 30, tzinfo=dt.UTC))
    assert "Wed 1 Jul 2026, 09:30 Kyiv</time>" in html


def test_signup_refuses_an_unknown_time_zone(client):
    from django.urls import reverse

    from slaportal.accounts.models import User

    response = client.post(
        reverse("signup"),
        {"email": "z@example.com", "time_zone": "Mars/Olympus",
         "password1": "a-long-unusual-passphrase-91", "password2": "a-long-unusual-passphrase-91"},
    )
    assert "Select a valid choice. Mars/Olympus is not one of the available choices." in (
        response.content.decode()
    )
    assert not User.objects.exists()


def test_deadline_is_not_repeated_for_a_zone_on_kyiv_time():
    """CAL-5: an alias of Kyiv's zone (as browsers report it) shows one time."""
    customer = CustomerFactory(time_zone="Europe/Kiev")
    html = _render(customer, dt.datetime(2026, 7, 1, 6, 30, tzinfo=dt.UTC))
    assert "Wed 1 Jul 2026, 09:30 Kyiv</time>" in html
