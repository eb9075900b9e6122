"""Panels other apps add to the customer's admin page (support, orders, billing), so the
accounts app shows what they record without importing them."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.safestring import SafeString

PanelRender = Callable[..., SafeString | str]  # (customer) -> HTML
_panels: dict[str, tuple[str, PanelRender]] = {}


def register_customer_panel(name: str, title: str):
    def decorator(render: PanelRender) -> PanelRender:
        _panels[name] = (title, render)
        return render

    return decorator


def customer_panels() -> list[tuple[str, PanelRender]]:
    return [panel for _, panel in sorted(_panels.items())]
