"""The front door (issue 16): visitors see what the vendor offers — both product lines
and each plan's promises, read from the configured plans — with sign-in and sign-up;
signed-in people go on to their own home."""

import pytest
from django.urls import reverse

from slaportal.plans.models import SupportPlan
from tests.factories import CustomerFactory, StaffFactory

pytestmark = pytest.mark.django_db


def test_visitors_see_the_offer_with_the_plans_promises(client):
    html = client.get("/").content.decode()
    assert "Website migrations (CMS line)" in html and "Help-desk and business data" in html
    assert reverse("signup") in html and reverse("login") in html
    assert reverse("admin:index") in html
    # SUP-5/SUP-10 as configured: the data-line Standard plan on data-standard.
    assert "<th scope=\"row\">STANDARD</th><td>24 business hours</td><td>every business day</td>" \
        "<td>Mon–Fri 09:00–18:00</td>" in html
    assert "Mon–Fri 08:00–24:00, Sat–Sun 12:00–20:00" in html  # data-extended
    assert "3 business days" in html  # the CMS line's first response
    assert "dedicated support at weekends and holidays" in html  # Signature


def test_the_page_follows_the_plans_settings(client):
    SupportPlan.objects.filter(code="standard").update(response_amount=16)
    assert "<td>16 business hours</td>" in client.get("/").content.decode()


def test_signed_in_people_go_to_their_own_home(client):
    customer = CustomerFactory()
    client.force_login(customer.user)
    assert "Welcome" in client.get("/").content.decode()
    client.force_login(StaffFactory())
    assert client.get("/").url == reverse("admin:index")


def test_the_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response.url.endswith("favicon.svg")
