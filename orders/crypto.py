"""ORD-14: access details (and engine secrets) encrypted at rest with MultiFernet.

Keys come from ``settings.ACCESS_DETAILS_KEYS`` (the environment variable of the same
name): comma-separated Fernet keys; the first encrypts, all decrypt, so a key is rotated
by putting a new one first and running ``manage.py rotate_access_details``. With
``DJANGO_DEBUG`` on and no variable set (the embedded run), settings keeps a generated
key in ``var/access_details_key``; production mode refuses to start without one.
"""

from __future__ import annotations

import functools

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

ENV_VARIABLE = "ACCESS_DETAILS_KEYS"


def _keys() -> list[str]:
    keys = list(settings.ACCESS_DETAILS_KEYS)
    if not keys:
        raise ImproperlyConfigured(f"{ENV_VARIABLE} is empty: no key to encrypt with.")
    return keys


@functools.cache
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in keys])


def fernet() -> MultiFernet:
    return _fernet_for(tuple(_keys()))


def encrypt(plain: str) -> str:
    return fernet().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("Cannot decrypt: no key in ACCESS_DETAILS_KEYS matches.") from exc


def rotate(token: str) -> str:
    """Re-encrypt ``token`` with the first (current) key."""
    return fernet().rotate(token.encode()).decode()
