from __future__ import annotations

from django.contrib import admin

from entregent.method import models


class RoleInline(admin.TabularInline):
    model = models.MethodRole
    autocomplete_fields = ["user"]
    extra = 1


@admin.register(models.Method)
class MethodAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "language", "visibility", "created_at"]
    prepopulated_fields = {"slug": ["title"]}
    search_fields = ["title", "slug"]
    inlines = [RoleInline]


@admin.register(models.StepVersion)
class StepVersionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "state", "publish_at", "published_at", "validated_at"]
    list_filter = ["state"]
    # The lifecycle goes through the pages (and their checks), not through this form.
    readonly_fields = [
        "state",
        "published_at",
        "closed_at",
        "validated_at",
        "superseded_at",
    ]


@admin.register(models.ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "method", "action", "reason", "moderator_name"]
    list_filter = ["action", "reason"]

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False  # the audit log is written by the site, never edited
