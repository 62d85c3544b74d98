from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Warning, register


@register()
def check_production_settings(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    problems: list[Any] = []
    backend = str(settings.TASKS["default"]["BACKEND"])
    if not settings.DEBUG and backend.endswith("ImmediateBackend"):
        problems.append(
            Error(
                "The immediate task backend runs tasks inside web requests.",
                hint="Use django_tasks_db.DatabaseBackend (the default) and run the worker.",
                id="entregent.E001",
            )
        )
    if not settings.DEBUG and settings.SITE_URL.startswith("http://127.0.0.1"):
        problems.append(
            Warning(
                "SITE_URL is not set: links in emails and feeds will point at 127.0.0.1.",
                hint="Set SITE_URL to the public address of the site.",
                id="entregent.W002",
            )
        )
    return problems
