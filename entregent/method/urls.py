"""/methods/...: URLs of the method built in the open (see docs/architecture.md)."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "methods"

urlpatterns: list[URLPattern] = []
