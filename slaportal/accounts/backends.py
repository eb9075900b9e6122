"""Login throttling (django-axes) for the sign-in pages of customers and staff."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend


class LoginThrottleBackend(AxesStandaloneBackend):
    """Refuses a sign-in from a username and address locked out after repeated wrong
    passwords. Only HTTP sign-ins are throttled: an ``authenticate()`` without a request
    (a management command, the test client's ``login``) passes on to the model backend."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def login_username(request, credentials) -> str | None:
    """The e-mail a sign-in tried, as axes counts it: lower-cased (ACC-1: e-mails are
    matched case-insensitively), from the credentials or the posted form."""
    value = (credentials or {}).get("username") or (credentials or {}).get("email")
    if not value and request is not None:
        value = request.POST.get("username")
    return value.strip().lower()[:254] if value else None
