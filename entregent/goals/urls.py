from __future__ import annotations

from django.urls import path

from entregent.goals import views_objectives, views_report, views_tend

app_name = "goals"

# Mounted under /network/, before the network's own routes.
urlpatterns = [
    # /network/tend/: the reactivation queue and the pruning review
    path("tend/", views_tend.tend, name="tend"),
    path("tend/<int:pk>/snooze/", views_tend.tend_snooze, name="tend-snooze"),
    path("tend/<int:pk>/done/", views_tend.tend_done, name="tend-done"),
    path("tend/<int:pk>/keep/", views_tend.prune_keep, name="prune-keep"),
    path("tend/<int:pk>/archive/", views_tend.prune_archive, name="prune-archive"),
    path("tend/<int:pk>/delete/", views_tend.prune_delete, name="prune-delete"),
    # /network/objectives/...
    path("objectives/", views_objectives.objective_list, name="objective-list"),
    path("objectives/new/", views_objectives.objective_create, name="objective-create"),
    path("objectives/<int:pk>/", views_objectives.objective_detail, name="objective-detail"),
    path("objectives/<int:pk>/edit/", views_objectives.objective_edit, name="objective-edit"),
    path(
        "objectives/<int:pk>/delete/", views_objectives.objective_delete, name="objective-delete"
    ),
    # /network/outcomes/...
    path("outcomes/", views_objectives.outcome_list, name="outcome-list"),
    path("outcomes/new/", views_objectives.outcome_create, name="outcome-create"),
    path("outcomes/<int:pk>/edit/", views_objectives.outcome_edit, name="outcome-edit"),
    path("outcomes/<int:pk>/delete/", views_objectives.outcome_delete, name="outcome-delete"),
    # /network/report/ (?period=week|month|quarter, or ?start=&end=), and as CSV
    path("report/", views_report.report, name="report"),
    path("report.csv", views_report.report_csv, name="report-csv"),
]
