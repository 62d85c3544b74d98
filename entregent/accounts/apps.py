from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "entregent.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from entregent.accounts import checks  # noqa: F401

        register_holdings()


def register_holdings() -> None:
    """What accounts and the third-party apps it brings hold about a member.

    Accounts is the first app in INSTALLED_APPS, so these register first and are erased last,
    after the apps built on top of them.
    """
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from django.apps import apps

    from entregent.accounts import registry
    from entregent.accounts.models import Notification, User

    # The member: erase_user() deletes it last, once everything that points at it is gone.
    registry.register(User, "pk", exclude=["password", "calendar_secret"])
    registry.register(Notification, "recipient")
    registry.register(EmailAddress, "user")
    # Which kinds of second factor are on and when they were last used, never their secrets
    # (allauth stores TOTP secrets and recovery-code seeds in "data").
    registry.register(Authenticator, "user", exclude=["data"])
    if apps.is_installed("django.contrib.admin"):
        from django.contrib.admin.models import LogEntry

        # Changes a staff member made through the admin: theirs to read, deleted with them.
        registry.register(LogEntry, "user")
