"""/methods/<slug>/reports/: the method's progress reports (see urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from entregent.method import views_reports

urlpatterns: list[URLPattern] = [
    # /methods/<slug>/reports/
    path("<slug:slug>/reports/", views_reports.report_list, name="reports"),
    path("<slug:slug>/reports/new/", views_reports.report_new, name="report-new"),
    # /methods/<slug>/reports/<pk>/
    path("<slug:slug>/reports/<int:pk>/", views_reports.report_detail, name="report-detail"),
    path("<slug:slug>/reports/<int:pk>/edit/", views_reports.report_edit, name="report-edit"),
    path(
        "<slug:slug>/reports/<int:pk>/publish/",
        views_reports.report_publish,
        name="report-publish",
    ),
    path(
        "<slug:slug>/reports/<int:pk>/delete/",
        views_reports.report_delete,
        name="report-delete",
    ),
]
