"""The front door: what the vendor offers, read from the plans as they are configured,
so the promises on the page are the ones the portal keeps."""

from __future__ import annotations

from dataclasses import dataclass

from slaportal.accounts.choices import ProductLine
from slaportal.calendars.selectors import business_calendars
from slaportal.plans.models import SupportPlan

DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def hours_in_words(weekly: dict[int, str]) -> str:
    """{0: "09:00-18:00", …} → "Mon–Fri 09:00–18:00" (runs of days with the same hours)."""
    parts, day = [], 0
    while day < 7:
        text = weekly.get(day, "")
        end = day
        while end + 1 < 7 and weekly.get(end + 1, "") == text:
            end += 1
        if text:
            span = DAYS[day] if end == day else f"{DAYS[day]}–{DAYS[end]}"
            parts.append(f"{span} {text.replace('-', '–')}")
        day = end + 1
    return ", ".join(parts) or "by arrangement"


@dataclass
class Offer:
    name: str
    line: str
    response: str
    updates: str
    hours: str
    extras: list[str]
    price: object


def offers() -> dict[str, list[Offer]]:
    engines = business_calendars()
    by_line: dict[str, list[Offer]] = {label: [] for _, label in ProductLine.choices}
    for plan in (SupportPlan.objects.filter(is_active=True).select_related("calendar")
                 .order_by("line", "priority_rank", "pk")):
        extras = []
        if plan.free_remigrations:
            extras.append(f"{plan.free_remigrations} free re-migration within "
                          f"{plan.remigration_window_days} days")
        if plan.delta_migrations:
            extras.append(f"{plan.delta_migrations} delta migration within "
                          f"{plan.delta_window_days} days")
        if plan.interval_migration:
            extras.append("interval migration (pause and resume)")
        if plan.weekend_support:
            extras.append("dedicated support at weekends and holidays")
        if plan.skipped_records_check:
            extras.append("a check of skipped and failed records")
        engine = engines.get(plan.calendar.slug)
        by_line[plan.get_line_display()].append(Offer(
            name=plan.name, line=plan.get_line_display(),
            response=f"{plan.response_amount} {plan.get_response_unit_display()}",
            updates=f"every {plan.update_amount} {plan.get_update_unit_display()}"
            .replace("every 1 business days", "every business day"),
            hours=hours_in_words(engine.weekly_text()) if engine else "",
            extras=extras, price=plan.price))
    return by_line
