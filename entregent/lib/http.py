from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from entregent.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """The request a @login_required view receives: its user is a member, never anonymous."""

    user: User
