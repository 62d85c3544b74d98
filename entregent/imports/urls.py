from __future__ import annotations

from django.urls import path

from entregent.imports import views, views_export

app_name = "imports"

urlpatterns = [
    # /network/import/
    path("", views.start, name="start"),
    # /network/import/<id>/ : the preview, then what happened to the file
    path("<int:pk>/", views.preview, name="preview"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/progress/", views.progress, name="progress"),
    path("<int:pk>/status.json", views.status, name="status"),
    path("<int:pk>/result/", views.result, name="result"),
    path("<int:pk>/undo/", views.undo, name="undo"),
    path("<int:pk>/discard/", views.discard, name="discard"),
    # /network/import/export/<format>/ (vcard, csv, json)
    path("export/<slug:format>/", views_export.export, name="export"),
]
