from __future__ import annotations

from django.contrib import admin

from slaportal.admin_base import NeverDeleteAdmin, kyiv

from .models import JobRun
from .selectors import job_statuses


@admin.register(JobRun)
class JobRunAdmin(NeverDeleteAdmin):
    """Every beat job run (start, end, rows, outcome), with the jobs that are late above
    the list."""

    list_display = ["task", "started_kyiv", "seconds_taken", "outcome", "rows", "error_short"]
    list_filter = ["outcome", "task"]
    change_list_template = "admin/ops/jobrun/change_list.html"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="started (Kyiv)", ordering="started_at")
    def started_kyiv(self, obj: JobRun) -> str:
        return kyiv(obj.started_at)

    @admin.display(description="seconds")
    def seconds_taken(self, obj: JobRun):
        return f"{obj.seconds:.1f}" if obj.seconds is not None else "—"

    @admin.display(description="error")
    def error_short(self, obj: JobRun) -> str:
        return obj.error[:120]

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {**(extra_context or {}),
                                                 "job_statuses": job_statuses()})
