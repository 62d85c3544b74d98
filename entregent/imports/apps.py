from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "entregent.imports"
    verbose_name = _("Imports and exports")

    def ready(self) -> None:
        from entregent.accounts import registry

        # tasks declares the imports' scheduled jobs (recovery, stale uploads).
        from entregent.imports import models, tasks  # noqa: F401

        # The uploaded file stays out of the JSON export: the contacts it brought are there.
        registry.register(models.ImportJob, exclude=["data"])
        registry.register(models.ImportChange, "job__owner")
        # The member's export also holds their contacts as a vCard file, photos included.
        from entregent.imports import exports

        registry.register_file(
            "contacts.vcf",
            exports.member_vcard,
            _("your contacts as a vCard file, which any address book imports, photos included"),
        )
