"""/methods/applied/...: applying a step and debriefing it, the member's own (see urls.py).

"applied" is a reserved short name: no method may take it (``forms.RESERVED_SLUGS``), and
these routes come before ``/methods/<slug>/``.
"""

from __future__ import annotations

from django.urls import URLPattern, path

from entregent.method import views_apply

urlpatterns: list[URLPattern] = [
    # /methods/<slug>/steps/<n>/v<k>/apply/
    path(
        "<slug:slug>/steps/<int:number>/v<int:version>/apply/",
        views_apply.apply,
        name="apply",
    ),
    # /methods/applied/: the member's adoptions
    path("applied/", views_apply.adoption_list, name="applied"),
    # /methods/applied/<pk>/
    path("applied/<int:pk>/", views_apply.adoption_detail, name="adoption"),
    path("applied/<int:pk>/edit/", views_apply.adoption_edit, name="adoption-edit"),
    path("applied/<int:pk>/abandon/", views_apply.adoption_abandon, name="adoption-abandon"),
    path("applied/<int:pk>/resume/", views_apply.adoption_resume, name="adoption-resume"),
    # /methods/applied/<pk>/items/
    path("applied/<int:pk>/items/new/", views_apply.item_add, name="adoption-item-new"),
    path(
        "applied/<int:pk>/items/<int:item>/tick/",
        views_apply.item_tick,
        name="adoption-item-tick",
    ),
    path(
        "applied/<int:pk>/items/<int:item>/delete/",
        views_apply.item_delete,
        name="adoption-item-delete",
    ),
    # /methods/applied/<pk>/debriefs/
    path("applied/<int:pk>/debriefs/new/", views_apply.debrief_new, name="debrief-new"),
    path(
        "applied/<int:pk>/debriefs/<int:debrief>/",
        views_apply.debrief_detail,
        name="debrief",
    ),
    path(
        "applied/<int:pk>/debriefs/<int:debrief>/edit/",
        views_apply.debrief_edit,
        name="debrief-edit",
    ),
    path(
        "applied/<int:pk>/debriefs/<int:debrief>/delete/",
        views_apply.debrief_delete,
        name="debrief-delete",
    ),
]
