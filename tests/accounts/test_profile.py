"""Issue 16: the customer's profile — their time zone (times on their pages) and the
billing details invoices copy (BIL-2, BIL-6)."""

import pytest
from django.urls import reverse

from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_a_customer_sets_time_zone_and_billing_details(client):
    customer = CustomerFactory()
    client.force_login(customer.user)
    page = client.get(reverse("profile"))
    assert page.status_code == 200
    response = client.post(reverse("profile"), {
        "full_name": "Ada Byron", "organisation": "Analytical Ltd", "phone": "",
        "time_zone": "America/New_York", "billing_name": "Analytical Engines Ltd",
        "billing_address": "1 Engine Row\nLondon", "country": "GB", "tax_id": "GB123456789",
    })
    assert response.status_code == 302
    customer.refresh_from_db()
    customer.user.refresh_from_db()
    assert customer.time_zone == "America/New_York"
    assert (customer.billing_name, customer.country.code, customer.tax_id) == (
        "Analytical Engines Ltd", "GB", "GB123456789")
    assert customer.user.full_name == "Ada Byron"
    assert customer.history.first().history_change_reason.startswith("profile changed")


def test_an_unknown_time_zone_or_country_changes_nothing(client):
    customer = CustomerFactory(time_zone="Europe/Kyiv")
    client.force_login(customer.user)
    response = client.post(reverse("profile"), {"time_zone": "Mars/Olympus", "country": "XX"})
    assert response.status_code == 200
    assert "time_zone" in response.context["form"].errors
    assert "country" in response.context["form"].errors
    customer.refresh_from_db()
    assert customer.time_zone == "Europe/Kyiv"


def test_staff_have_no_customer_profile(admin_client):
    assert admin_client.get(reverse("profile")).status_code == 302
