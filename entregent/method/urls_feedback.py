"""/methods/...: the feedback on the steps (comments, votes, flags) and its moderation."""

from __future__ import annotations

from django.urls import URLPattern, path

from entregent.method import views_feedback as views

urlpatterns: list[URLPattern] = [
    # /methods/<slug>/steps/<n>/v<k>/comments/new/: a comment on a version ("new/", because
    # the versions' own "<action>/" takes every single word after the version)
    path(
        "<slug:slug>/steps/<int:number>/v<int:version>/comments/new/",
        views.comment_create,
        name="comment-create",
    ),
    # /methods/<slug>/comments/<pk>/...: one comment
    path("<slug:slug>/comments/<int:pk>/reply/", views.comment_reply, name="comment-reply"),
    path("<slug:slug>/comments/<int:pk>/edit/", views.comment_edit, name="comment-edit"),
    path("<slug:slug>/comments/<int:pk>/history/", views.comment_history, name="comment-history"),
    path("<slug:slug>/comments/<int:pk>/vote/", views.comment_vote, name="comment-vote"),
    path("<slug:slug>/comments/<int:pk>/flag/", views.comment_flag, name="comment-flag"),
    path("<slug:slug>/comments/<int:pk>/trash/", views.comment_trash, name="comment-trash"),
    path("<slug:slug>/comments/<int:pk>/restore/", views.comment_restore, name="comment-restore"),
    path("<slug:slug>/comments/<int:pk>/approve/", views.comment_approve, name="comment-approve"),
    path("<slug:slug>/comments/<int:pk>/keep/", views.comment_keep, name="comment-keep"),
    # /methods/<slug>/moderation/: what waits for a moderator; the log of every decision
    path("<slug:slug>/moderation/", views.moderation_queue, name="moderation"),
    path("<slug:slug>/moderation/log/", views.moderation_log, name="moderation-log"),
]
