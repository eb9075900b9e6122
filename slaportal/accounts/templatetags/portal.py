"""Template helpers for customer pages: ``{% load portal %}``."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django import template
from django.utils import timezone
from django.utils.html import format_html

register = template.Library()

KYIV = zoneinfo.ZoneInfo("Europe/Kyiv")


def _zone(name: str | None) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name or "Europe/Kyiv")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return KYIV


def deadline_text(when: dt.datetime, zone_name: str | None = None) -> str:
    """"Mon 23 Nov 2026, 14:00 Kyiv (13:00 Europe/Warsaw)": Kyiv time, with the
    customer's own clock beside it when it reads differently (CAL-5)."""
    kyiv = when.astimezone(KYIV)
    text = f"{kyiv:%a} {kyiv.day} {kyiv:%b %Y, %H:%M} Kyiv"
    zone = _zone(zone_name)
    local = when.astimezone(zone)
    # Beside it only when the customer's clock reads differently (aliases such as
    # Europe/Kiev, or zones with Kyiv's offset, would repeat the same time).
    if local.utcoffset() != kyiv.utcoffset():
        same_day = local.date() == kyiv.date()
        local_text = f"{local:%H:%M}" if same_day else f"{local:%a} {local.day} {local:%b, %H:%M}"
        text += f" ({local_text} {zone.key})"
    return text


@register.simple_tag(takes_context=True)
def deadline(context, when: dt.datetime | None, empty: str = "—"):
    """A deadline in Kyiv time with the customer's own zone beside it (CAL-5).

    ``{% deadline ticket.first_response_due %}`` →
    "Mon 23 Nov 2026, 14:00 Kyiv (13:00 Europe/Warsaw)".
    """
    if when is None:
        return empty
    customer = getattr(context.get("request"), "customer", None) or context.get("customer")
    text = deadline_text(when, getattr(customer, "time_zone", None))
    return format_html('<time datetime="{}">{}</time>', when.astimezone(dt.UTC).isoformat(), text)


@register.filter
def time_left(when: dt.datetime | None) -> str:
    """"3 days 4 h left" / "overdue by 2 h" in calendar time, for customer pages."""
    if when is None:
        return ""
    delta = when - timezone.now()
    overdue = delta.total_seconds() < 0
    seconds = abs(int(delta.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = []
    if days:
        parts.append(f"{days} day{'s' if days != 1 else ''}")
    if hours or days:
        parts.append(f"{hours} h")
    if not days:
        parts.append(f"{minutes} min")
    text = " ".join(parts)
    return f"overdue by {text}" if overdue else f"{text} left"
