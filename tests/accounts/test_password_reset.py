"""Issue 14: the password-reset e-mail links to SITE_URL, whatever Host the request
named, and is signed with the portal's name."""

import pytest
from django.core import mail

from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_reset_link_uses_site_url_not_the_request_host(client, settings,
                                                       django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://portal.example.com"
    settings.ALLOWED_HOSTS = ["*"]
    customer = CustomerFactory()
    with django_capture_on_commit_callbacks(execute=True):  # it leaves after the commit
        response = client.post("/accounts/password_reset/", {"email": customer.user.email},
                               HTTP_HOST="evil.example.net")
    assert response.status_code == 302
    message = mail.outbox[-1]
    assert message.subject == "Reset your SLA Portal password"
    assert "https://portal.example.com/accounts/reset/" in message.body
    assert "evil.example.net" not in message.body
    assert "SLA Portal · https://portal.example.com" in message.body
    assert "127.0.0.1" not in message.body
    html, mimetype = message.alternatives[0]  # in the portal's layout, HTML and text
    assert mimetype == "text/html" and 'href="https://portal.example.com/accounts/reset/' in html
