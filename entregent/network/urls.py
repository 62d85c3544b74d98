from __future__ import annotations

from django.urls import path

from entregent.network import views, views_duplicates

app_name = "network"

urlpatterns = [
    # /network/
    path("", views.contact_list, name="contact-list"),
    # /network/search/?q=
    path("search/", views.contact_search, name="search"),
    # /network/contacts/...
    path("contacts/new/", views.contact_create, name="contact-create"),
    path("contacts/quick-add/", views.contact_quick_add, name="contact-quick-add"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact-detail"),
    path("contacts/<int:pk>/photo/", views.contact_photo, name="contact-photo"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact-edit"),
    path("contacts/<int:pk>/archive/", views.contact_archive, name="contact-archive"),
    path("contacts/<int:pk>/unarchive/", views.contact_unarchive, name="contact-unarchive"),
    path("contacts/<int:pk>/delete/", views.contact_delete, name="contact-delete"),
    path(
        "contacts/<int:pk>/interactions/new/",
        views.interaction_create,
        name="contact-interaction-create",
    ),
    path(
        "contacts/<int:pk>/relationships/new/",
        views.relationship_create,
        name="relationship-create",
    ),
    # /network/bin/
    path("bin/", views.bin_list, name="bin"),
    path("bin/<int:pk>/restore/", views.bin_restore, name="bin-restore"),
    path("bin/<int:pk>/delete/", views.bin_purge, name="bin-purge"),
    # /network/duplicates/
    path("duplicates/", views_duplicates.duplicate_list, name="duplicates"),
    path(
        "duplicates/<int:first>/<int:second>/merge/",
        views_duplicates.duplicate_merge,
        name="duplicate-merge",
    ),
    path(
        "duplicates/<int:first>/<int:second>/not-the-same/",
        views_duplicates.duplicate_distinct,
        name="duplicate-distinct",
    ),
    path("duplicates/merges/<int:pk>/undo/", views_duplicates.merge_undo, name="merge-undo"),
    # /network/interactions/...
    path("interactions/new/", views.interaction_create, name="interaction-create"),
    path("interactions/<int:pk>/edit/", views.interaction_edit, name="interaction-edit"),
    path("interactions/<int:pk>/delete/", views.interaction_delete, name="interaction-delete"),
    # /network/relationships/<id>/delete/
    path("relationships/<int:pk>/delete/", views.relationship_delete, name="relationship-delete"),
    # /network/tags/
    path("tags/", views.tag_list, name="tag-list"),
    path("tags/<int:pk>/edit/", views.tag_edit, name="tag-edit"),
    path("tags/<int:pk>/delete/", views.tag_delete, name="tag-delete"),
]
