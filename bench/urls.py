"""The site's URLs plus a bare view: the floor any page's time is compared with."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


urlpatterns = [
    # /bench/bare/: the whole middleware stack, no query of its own, no template.
    path("bench/bare/", bare, name="bench-bare"),
    path("", include("entregent.urls")),
]
