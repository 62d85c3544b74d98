"""The scheduler's records, read-only: they are history, written only by the runner."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from entregent.scheduler.models import Heartbeat, JobRun, JobState
from entregent.scheduler.registry import all_jobs
from entregent.scheduler.tasks import run_job_now


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class FailingFilter(admin.SimpleListFilter):
    title = _("health")
    parameter_name = "failing"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Failing")), ("no", _("Healthy"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.filter(consecutive_failures__gt=0)
        if self.value() == "no":
            return queryset.filter(consecutive_failures=0)
        return queryset


@admin.register(JobState)
class JobStateAdmin(ReadOnlyAdmin):
    list_display = [
        "name",
        "last_outcome",
        "consecutive_failures",
        "last_started_at",
        "last_success_at",
        "next_run_at",
        "runs_link",
    ]
    list_filter = [FailingFilter, "last_outcome"]
    search_fields = ["name"]
    actions = ["run_now"]
    readonly_fields = [
        "name",
        "last_outcome",
        "consecutive_failures",
        "last_started_at",
        "last_finished_at",
        "last_success_at",
        "next_run_at",
        "last_error",
        "runs_link",
    ]

    @admin.display(description=_("runs"))
    def runs_link(self, state: JobState) -> str:
        url = reverse("admin:scheduler_jobrun_changelist") + f"?job__id__exact={state.pk}"
        return format_html('<a href="{}">{}</a>', url, _("See runs"))

    def has_run_permission(self, request: HttpRequest) -> bool:
        # The change form stays read-only; the change permission is what lets one act on jobs.
        return request.user.has_perm("scheduler.change_jobstate")

    @admin.action(
        description=_("Run the selected jobs now (on the task worker)"),
        permissions=["run"],
    )
    def run_now(self, request: HttpRequest, queryset: QuerySet[JobState]) -> None:
        declared = {job.name for job in all_jobs()}
        names = [name for name in queryset.values_list("name", flat=True) if name in declared]
        for name in names:
            run_job_now.enqueue(name)
        if names:
            self.message_user(
                request,
                ngettext(
                    "%(count)d job queued; its run will appear here once the worker takes it.",
                    "%(count)d jobs queued; their runs will appear here once the worker takes "
                    "them.",
                    len(names),
                )
                % {"count": len(names)},
                messages.SUCCESS,
            )
        skipped = queryset.exclude(name__in=names).count()
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d job is no longer declared in code and was not run.",
                    "%(count)d jobs are no longer declared in code and were not run.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdmin):
    list_display = [
        "job",
        "started_at",
        "outcome",
        "attempt",
        "reason",
        "duration",
        "result",
        "runner",
    ]
    list_filter = ["outcome", "reason", "job"]
    list_select_related = ["job"]
    search_fields = ["job__name", "error", "result"]
    date_hierarchy = "started_at"
    readonly_fields = [
        "job",
        "reason",
        "attempt",
        "max_attempts",
        "started_at",
        "finished_at",
        "duration",
        "outcome",
        "result",
        "error",
        "runner",
    ]


@admin.register(Heartbeat)
class HeartbeatAdmin(ReadOnlyAdmin):
    list_display = ["beat_at", "started_at", "stopped_at", "hostname", "pid"]
    readonly_fields = ["beat_at", "started_at", "stopped_at", "hostname", "pid"]
