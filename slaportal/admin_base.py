"""Pieces every app's admin shares."""

from __future__ import annotations

from django.contrib import admin
from django.utils import timezone


class NeverDeleteAdmin(admin.ModelAdmin):
    """Records that are history or money: never deleted from the admin."""

    show_full_result_count = False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


def kyiv(value) -> str:
    """A datetime as Kyiv wall-clock time for list columns (CAL-5)."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"
