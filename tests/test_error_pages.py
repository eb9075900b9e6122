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


def _forbidden(request):
    from django.core.exceptions import PermissionDenied

    raise PermissionDenied


def _admin_boom(request):
    raise RuntimeError("a bug in the admin")


urlpatterns = [path("forbidden/", _forbidden), path("admin/boom/", _admin_boom),
               path("admin/forbidden/", _forbidden), *urlpatterns]
handler403 = "slaportal.errors.permission_denied"
handler404 = "slaportal.errors.page_not_found"
handler500 = "slaportal.errors.server_error"


@pytest.mark.django_db
@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_403_is_the_portals_page_for_customers_and_the_admins_for_staff():
    from tests.factories.accounts import CustomerFactory, StaffFactory

    customer = Client(raise_request_exception=False)
    customer.force_login(CustomerFactory().user)
    page = customer.get("/forbidden/")
    assert page.status_code == 403 and "Not allowed" in page.content.decode()
    assert "portal.css" in page.content.decode()
    staff = Client(raise_request_exception=False)
    staff.force_login(StaffFactory())
    for url, status, title in (("/admin/forbidden/", 403, "Not allowed"),
                               ("/admin/no-such-app/x/", 404, "Not found"),
                               ("/admin/boom/", 500, "Something went wrong")):
        page = staff.get(url)
        text = page.content.decode()
        assert page.status_code == status, url
        assert title in text and "admin/css/base" in text and "SLA Portal administration" in text
        assert "a bug in the admin" not in text
    assert page["X-Request-ID"] in text  # the 500 gives the reference
