"""A second factor for staff (django-otp): an authenticator app (TOTP) and recovery codes.

Staff accounts can approve refunds and change deadlines, so a password is not enough.
With ``STAFF_TWO_FACTOR_REQUIRED`` on (the default in production), a signed-in staff
member reaches nothing but the two-factor pages until this session has passed a second
factor: the first time they enrol an authenticator app (QR code or the key typed in)
and receive ten single-use recovery codes; afterwards they enter the app's code, or a
recovery code. Wrong codes slow down (django-otp's throttling doubles the wait after
each failure). A superuser who loses their device is reset by another superuser in the
admin (Users › "Reset the second factor"); the user then enrols again.
"""

from __future__ import annotations

import base64
import io
from urllib.parse import urlencode

import django_otp
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"

# Paths a staff member without a second factor may still open (besides the enrolment
# and verification pages): signing out, static files and the health checks.
_OPEN_PREFIXES = ("/static/", "/health/")


def required_for(user) -> bool:
    return bool(getattr(settings, "STAFF_TWO_FACTOR_REQUIRED", False)
                and user.is_authenticated and user.is_staff)


class StaffSecondFactorMiddleware:
    """Sends a staff member whose session has not passed a second factor to enrol or
    to enter a code; everything else (the admin above all) waits until then."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if required_for(user) and not user.is_verified() and not self._open(request.path):
            target = "two_factor_verify" if user_has_device(user) else "two_factor_setup"
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _open(path: str) -> bool:
        own = (reverse("two_factor_setup"), reverse("two_factor_verify"), reverse("logout"),
               reverse("admin:logout"))
        return path in own or path.startswith(_OPEN_PREFIXES)


# --- services -----------------------------------------------------------------------

def _clean(token: str) -> str:
    return "".join(str(token or "").split()).lower()


def app_device_pending(user) -> TOTPDevice:
    """The unconfirmed authenticator device being enrolled (one per user, kept across
    reloads of the page so the QR code does not change under the user)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def app_device_confirm(request, token: str) -> list[str]:
    """Enrolment: the first code from the app confirms the device; this session counts
    as verified; returns the new recovery codes (shown once)."""
    user = request.user
    if user_has_device(user):
        raise ValidationError("A second factor is already set up for this account.")
    device = TOTPDevice.objects.select_for_update().filter(
        user=user, confirmed=False).order_by("pk").first()
    token = _clean(token)
    if device is None:
        raise ValidationError("Reload the page to get a new QR code.")
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        raise ValidationError("Too many wrong codes: wait a minute, then try again.")
    if not (token.isdigit() and device.verify_token(token)):
        raise ValidationError("That code is not right. Enter the 6 digits the app shows now.")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    django_otp.login(request, device)
    return recovery_codes_renew(user)


def recovery_codes_renew(user) -> list[str]:
    """Ten new single-use recovery codes; the old ones stop working."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME)
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def second_factor_verify(request, token: str) -> None:
    """Sign-in, second step: a code of the app (6 digits) or a recovery code."""
    token = _clean(token)
    if not token or len(token) > 16:
        raise ValidationError("Enter the 6-digit code of your authenticator app, "
                              "or one of your recovery codes.")
    model = TOTPDevice if token.isdigit() and len(token) <= 8 else StaticDevice
    with transaction.atomic():
        devices = list(model.objects.devices_for_user(request.user, confirmed=True)
                       .select_for_update())
        for device in devices:
            allowed, _ = device.verify_is_allowed()
            if not allowed:
                raise ValidationError("Too many wrong codes: wait a minute, then try again.")
            if device.verify_token(token):
                django_otp.login(request, device)
                return
    raise ValidationError("That code is not right.")


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user).count()


@transaction.atomic
def second_factor_reset(user, *, by) -> int:
    """A superuser removes a user's devices (lost phone): they enrol again at their
    next sign-in. Returns how many devices were removed."""
    if not by.is_superuser:
        raise PermissionDenied("Only a superuser can reset a second factor.")
    removed = 0
    for model in (TOTPDevice, StaticDevice):
        removed += model.objects.filter(user=user).delete()[1].get(model._meta.label, 0)
    return removed


def qr_code_data_uri(text: str) -> str:
    """The QR code as an SVG data URI (an <img>, allowed by the CSP's img-src)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def manual_key(device: TOTPDevice) -> str:
    """The secret in base32, grouped by four, for typing into an app by hand."""
    key = base64.b32encode(device.bin_key).decode()
    return " ".join(key[i:i + 4] for i in range(0, len(key), 4))
