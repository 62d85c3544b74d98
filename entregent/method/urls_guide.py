"""/methods/<slug>/guide/: the validated method as one document (see urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from entregent.method import views_guide

urlpatterns: list[URLPattern] = [
    # /methods/<slug>/guide/
    path("<slug:slug>/guide/", views_guide.guide, name="guide"),
    path("<slug:slug>/guide.md", views_guide.guide_markdown, name="guide-markdown"),
]
