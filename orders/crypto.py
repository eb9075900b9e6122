"""ORD-14: access details (and engine secrets) encrypted at rest with MultiFernet.

Keys come from the environment variable ``ACCESS_DETAILS_KEYS``: comma-separated Fernet
keys; the first encrypts, all decrypt, so a key is rotated by putting a new one first and
running ``manage.py rotate_access_details``. With ``DJANGO_DEBUG`` on and no variable
set (the embedded run), a key is generated once and kept in ``var/access_details_key``,
like settings does for SECRET_KEY. Production without the variable refuses to start
encrypting.
"""

from __future__ import annotations

import functools

import environ
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

ENV_VARIABLE = "ACCESS_DETAILS_KEYS"


def _keys() -> list[str]:
    env = environ.Env()
    raw = env.str(ENV_VARIABLE, default="")
    keys = [k.strip() for k in raw.split(",") if k.strip()]
    if keys:
        return keys
    # The same switch settings.py reads (the test runner forces settings.DEBUG off).
    if not env.bool("DJANGO_DEBUG", default=True):
        raise ImproperlyConfigured(f"{ENV_VARIABLE} must be set when DJANGO_DEBUG is off.")
    var_dir = settings.BASE_DIR / "var"
    var_dir.mkdir(exist_ok=True)
    key_file = var_dir / "access_details_key"
    if not key_file.exists():
        key_file.write_text(Fernet.generate_key().decode())
    return [key_file.read_text().strip()]


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
