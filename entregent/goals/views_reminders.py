from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def calendar_feed(request: HttpRequest, secret: str) -> HttpResponse:
    raise Http404
