from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "entregent.network"
    label = "network"
    verbose_name = _("My network")

    def ready(self) -> None:
        from entregent.accounts import registry

        # jobs declares the network's scheduled jobs (emptying the bin) with the scheduler.
        from entregent.network import jobs, models, signals  # noqa: F401

        registry.register(models.Contact)
        registry.register(models.ContactPoint, "contact__owner")
        registry.register(models.Tag)
        registry.register(models.Interaction)
        registry.register(models.Relationship)
        # The picture itself travels in the vCard of the export; its row says it exists.
        registry.register(models.ContactPhoto, "contact__owner", exclude=["data"])
        registry.register(models.Merge)
        registry.register(models.DuplicateDecision)
        # Derived from the rows above and rebuilt from them: erased with them, not exported.
        registry.register(models.SearchDocument, export=False)
        registry.register(models.SearchTerm, export=False)
