"""The client's address behind the proxy.

Behind nginx (or a load balancer) ``REMOTE_ADDR`` is the proxy. Each trusted proxy
appends the address it received the request from to ``X-Forwarded-For``; with
``TRUSTED_PROXY_COUNT`` = N proxies in front of gunicorn, the client is the N-th
address from the right. Addresses further left are the client's own claims and are
never trusted. With no trusted proxy (the default), ``REMOTE_ADDR`` is the client.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _valid(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    remote = _valid(request.META.get("REMOTE_ADDR", "") or "")
    if proxies <= 0:
        return remote
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
                 if part.strip()]
    if len(forwarded) < proxies:
        return remote  # not through every proxy: the nearest hop is all we know
    return _valid(forwarded[-proxies]) or remote
