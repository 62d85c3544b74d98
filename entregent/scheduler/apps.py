from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulerConfig(AppConfig):
    """Runs the time-based jobs that the apps above it declare (see ``registry.py``)."""

    name = "entregent.scheduler"
    label = "scheduler"
    verbose_name = _("Scheduler")

    def ready(self) -> None:
        from entregent.scheduler import checks, jobs  # noqa: F401
