from __future__ import annotations

from django.urls import URLPattern

app_name = "imports"

# /network/import/... : the views come with the import flow.
urlpatterns: list[URLPattern] = []
