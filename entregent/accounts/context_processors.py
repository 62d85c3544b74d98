"""Values every page's header needs."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import cached_property

from entregent.accounts.models import Notification


class NotificationBell:
    """The header's bell. ``unread`` is counted when a template first reads it, then kept:
    one COUNT on the inbox index per page, none for a response that never shows the header."""

    def __init__(self, user: Any) -> None:
        self.user = user

    @cached_property
    def unread(self) -> int:
        return Notification.objects.owned_by(self.user).unread().count()


def notifications(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notification_bell": NotificationBell(user)}
