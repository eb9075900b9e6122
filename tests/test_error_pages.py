"""The portal's own 404 and 500 pages (issue 14), in production mode (DEBUG off)."""

import pytest
from django.test import Client, override_settings
from django.urls import path

from slaportal.urls import urlpatterns as portal_urls


def _boom(request):
    raise RuntimeError("a bug")


urlpatterns = [*portal_urls, path("boom/", _boom)]


@pytest.mark.django_db
@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_404_and_500_are_the_portals_pages():
    client = Client(raise_request_exception=False)
    missing = client.get("/no/such/page/")
    assert missing.status_code == 404 and "Page not found" in missing.content.decode()
    assert "SLA Portal" in missing.content.decode()
    broken = client.get("/boom/")
    assert broken.status_code == 500
    text = broken.content.decode()
    assert "Something went wrong" in text and "a bug" not in text and "Traceback" not in text
