from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GoalsConfig(AppConfig):
    """Tending the network: objectives, outcomes, health snapshots, reports and reminders.

    Sits above ``network`` and reacts to its model signals (an interaction saved records the
    outcomes it produced); ``network`` never imports it.
    """

    name = "entregent.goals"
    verbose_name = _("Objectives and outcomes")

    def ready(self) -> None:
        from entregent.accounts import registry

        # snapshots declares the daily health snapshot job (goals.health_snapshots).
        from entregent.goals import models, signals, snapshots  # noqa: F401

        signals.connect()
        registry.register(models.Objective)
        registry.register(models.Outcome)
        registry.register(models.HealthSnapshot)
        registry.register(models.Digest)
        # Declares the scheduler's goals.enqueue_digests job and the worker's send_digest task.
        from entregent.goals import digests  # noqa: F401
