from __future__ import annotations

import threading

from slaportal.admin_base import NeverDeleteAdmin, kyiv

__all__ = ["HistoryAdmin", "ReadOnlyAdmin", "kyiv", "request_engines", "request_settings",
           "set_request_engines"]

_local = threading.local()


class HistoryAdmin(NeverDeleteAdmin):
    """Support records are history: never deleted from the admin."""


class ReadOnlyAdmin(HistoryAdmin):
    """Written only by services: shown, never added or edited here."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


def request_engines() -> dict:
    return getattr(_local, "engines", {})


def set_request_engines(engines: dict, settings=None) -> None:
    """The calendars (and support settings) the request's rows are drawn with, per
    thread: the ModelAdmin is shared by every request."""
    _local.engines = engines
    _local.settings = settings


def request_settings():
    return getattr(_local, "settings", None)
