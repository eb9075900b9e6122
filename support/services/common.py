from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.utils import timezone

logger = logging.getLogger("support")


def now_or(now: dt.datetime | None) -> dt.datetime:
    if now is not None and timezone.is_naive(now):
        raise ValidationError("Times must be timezone-aware.")
    return now or timezone.now()


def notify(*, to: list[str], subject: str, body: str) -> int:
    recipients = sorted({address for address in to if address})
    if not recipients:
        return 0
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)


def require_perm(actor, perm: str, what: str) -> None:
    if actor is None or not (actor.is_superuser or actor.has_perm(perm)):
        raise PermissionDenied(f"Only a manager may {what}.")


def kyiv(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"
