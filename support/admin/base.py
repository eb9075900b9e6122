from __future__ import annotations

import threading

from django.contrib import admin
from django.utils import timezone

_local = threading.local()


class HistoryAdmin(admin.ModelAdmin):
    """Support records are history: never deleted from the admin."""

    show_full_result_count = False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class ReadOnlyAdmin(HistoryAdmin):
    """Written only by services: shown, never added or edited here."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


def kyiv(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"


def request_engines() -> dict:
    return getattr(_local, "engines", {})


def set_request_engines(engines: dict) -> None:
    _local.engines = engines
