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
    """"Mon 23 Nov 2026, 13:00 Europe/Warsaw (14:00 Kyiv)": the customer's own clock
    (set on their profile), with Kyiv time beside it, the time the agreement counts in
    (CAL-5); Kyiv alone when the two read the same."""
    kyiv = when.astimezone(KYIV)
    zone = _zone(zone_name)
    local = when.astimezone(zone)
    # Kyiv alone when the customer's clock reads the same (aliases such as Europe/Kiev,
    # or zones with Kyiv's offset, would repeat the same time).
    if local.utcoffset() == kyiv.utcoffset():
        return f"{kyiv:%a} {kyiv.day} {kyiv:%b %Y, %H:%M} Kyiv"
    same_day = local.date() == kyiv.date()
    kyiv_text = f"{kyiv:%H:%M}" if same_day else f"{kyiv:%a} {kyiv.day} {kyiv:%b, %H:%M}"
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M} {zone.key} ({kyiv_text} Kyiv)"


@register.simple_tag(takes_context=True)
def deadline(context, when: dt.datetime | None, empty: str = "—"):
    """A deadline in the customer's own zone with Kyiv time beside it (CAL-5).

    ``{% deadline ticket.first_response_due %}`` →
    "Mon 23 Nov 2026, 13:00 Europe/Warsaw (14:00 Kyiv)".
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


@register.filter
def money(value, currency: str | None = None) -> str:
    """``{{ amount|money }}`` (USD) or ``{{ amount|money:"EUR" }}``; a Money keeps its
    own currency."""
    from slaportal.formats import money_text

    return money_text(value, currency or None)


@register.filter
def plain(value) -> str:
    """``{{ error|plain }}``: a service's message on a customer page, without rule IDs."""
    from slaportal.formats import plain_words

    return plain_words(value)
