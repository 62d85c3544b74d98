from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "entregent.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from entregent.accounts import checks  # noqa: F401
