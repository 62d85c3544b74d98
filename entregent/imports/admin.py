"""Imports in the Django admin, for operators: which import is stuck or failed, and why.

Read-only, like the network's admin: lists by owner and id, search on the owner's email only;
the uploaded file and what the import changed stay out of sight.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from entregent.imports.models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin[ImportJob]):
    list_display = (
        "id",
        "owner",
        "format",
        "status",
        "size",
        "rows_done",
        "rows_total",
        "created_at",
    )
    list_filter = ("status", "format")
    search_fields = ("owner__email",)
    raw_id_fields = ("owner",)
    date_hierarchy = "created_at"
    exclude = ("data", "preview")
    readonly_fields = (
        "owner",
        "format",
        "format_chosen",
        "mapping",
        "size",
        "sha256",
        "status",
        "rows_done",
        "rows_total",
        "result",
        "error",
        "runner",
        "heartbeat_at",
        "committed_at",
        "created_at",
        "started_at",
        "finished_at",
        "undone_at",
    )

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).defer("data")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
