from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

if TYPE_CHECKING:
    from entregent.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """The request a @login_required view receives: its user is a member, never anonymous."""

    user: User


def is_local_url(request: HttpRequest, url: str) -> bool:
    """Whether ``url`` stays on this site: the only places a ``next`` or a link may send to."""
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def safe_next(request: HttpRequest, default: str) -> str:
    """The ``next`` the form or link carried, when it stays on this site; else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    return target if is_local_url(request, target) else default
