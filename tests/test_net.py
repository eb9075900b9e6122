"""Issue 14: the client address behind the proxy (slaportal.net.client_ip)."""

import pytest
from django.test import RequestFactory

from slaportal.net import client_ip


@pytest.mark.parametrize("proxies, remote, forwarded, expected", [
    (0, "203.0.113.7", "198.51.100.1", "203.0.113.7"),  # no proxy: the header is a claim
    (1, "10.0.0.2", "198.51.100.1", "198.51.100.1"),
    (1, "10.0.0.2", "1.2.3.4, 198.51.100.1", "198.51.100.1"),  # left of it: spoofable
    (2, "10.0.0.2", "198.51.100.1, 10.0.0.3", "198.51.100.1"),
    (2, "10.0.0.2", "198.51.100.1", "10.0.0.2"),  # fewer hops than proxies
    (1, "10.0.0.2", "not-an-ip\\x00", "10.0.0.2"),  # garbage in the header
    (1, "10.0.0.2", "", "10.0.0.2"),
    (1, "2001:db8::1", "2001:db8::2", "2001:db8::2"),
])
def test_client_ip(settings, proxies, remote, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
