from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from slaportal import mail

logger = logging.getLogger("support")


def now_or(now: dt.datetime | None) -> dt.datetime:
    if now is not None and timezone.is_naive(now):
        raise ValidationError("Times must be timezone-aware.")
    return now or timezone.now()


def notify(*, to: list[str], subject: str, body: str, link: str = "",
           link_label: str = "") -> int:
    """A message in the portal's e-mail layout (HTML and text), with a link."""
    return mail.send_notice(subject=subject, body=body, to=to, link=link,
                            link_label=link_label)


def require_perm(actor, perm: str, what: str) -> None:
    if actor is None or not (actor.is_superuser or actor.has_perm(perm)):
        raise PermissionDenied(f"Only a manager may {what}.")


def kyiv(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"
