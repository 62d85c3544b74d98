"""/methods/<slug>/results/: what members obtained by applying each step, in the open (see
urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from entregent.method import views_results

urlpatterns: list[URLPattern] = [
    # /methods/<slug>/results/ and its open data
    path("<slug:slug>/results/", views_results.results_page, name="results"),
    path("<slug:slug>/results.json", views_results.results_json, name="results-json"),
]
