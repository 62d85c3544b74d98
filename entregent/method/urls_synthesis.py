"""/methods/...: the synthesis of the feedback on a version (facilitators only)."""

from __future__ import annotations

from django.urls import URLPattern, path

from entregent.method import views_synthesis as views

urlpatterns: list[URLPattern] = [
    # /methods/<slug>/steps/<n>/synthesis/: the workspace (?v=<k> for another version);
    # "synthesis/v<k>/text/" for its text, out of the way of the versions' "v<k>/<action>/"
    path("<slug:slug>/steps/<int:number>/synthesis/", views.workspace, name="synthesis"),
    path(
        "<slug:slug>/steps/<int:number>/synthesis/v<int:version>/text/",
        views.synthesis_text,
        name="synthesis-text",
    ),
    # /methods/<slug>/comments/<pk>/disposition/: what becomes of a suggestion or criticism
    path(
        "<slug:slug>/comments/<int:pk>/disposition/",
        views.comment_disposition,
        name="comment-disposition",
    ),
]
