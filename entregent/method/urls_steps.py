"""/methods/...: methods, their steps and versions (the facilitator's half)."""

from __future__ import annotations

from django.urls import URLPattern, path

from entregent.method import views, views_steps
from entregent.method.feeds import MethodFeed

urlpatterns: list[URLPattern] = [
    # /methods/
    path("", views.method_list, name="list"),
    path("new/", views.method_new, name="new"),
    # /methods/<slug>/
    path("<slug:slug>/", views.method_detail, name="detail"),
    path("<slug:slug>/edit/", views.method_edit, name="edit"),
    path("<slug:slug>/subscribe/", views.method_subscribe, name="subscribe"),
    path("<slug:slug>/feed.atom", MethodFeed(), name="feed"),
    # /methods/<slug>/steps/<n>/
    path("<slug:slug>/steps/new/", views_steps.step_new, name="step-new"),
    path("<slug:slug>/steps/<int:number>/", views_steps.step_detail, name="step"),
    path(
        "<slug:slug>/steps/<int:number>/versions/new/",
        views_steps.version_new,
        name="version-new",
    ),
    path(
        "<slug:slug>/steps/<int:number>/diff/<int:a>..<int:b>/",
        views_steps.version_diff,
        name="diff",
    ),
    # /methods/<slug>/steps/<n>/v<k>/
    path(
        "<slug:slug>/steps/<int:number>/v<int:version>/",
        views_steps.version_detail,
        name="version",
    ),
    path(
        "<slug:slug>/steps/<int:number>/v<int:version>/edit/",
        views_steps.version_edit,
        name="version-edit",
    ),
    path(
        "<slug:slug>/steps/<int:number>/v<int:version>/<slug:action>/",
        views_steps.version_transition,
        name="version-transition",
    ),
]
