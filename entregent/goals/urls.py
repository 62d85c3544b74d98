from __future__ import annotations

from django.urls import path

from entregent.goals import views_objectives, views_report, views_tend

app_name = "goals"

# Mounted under /network/ (before the network's own routes).
urlpatterns = [
    # /network/tend/: the reactivation queue and the pruning review
    path("tend/", views_tend.tend, name="tend"),
    # /network/objectives/...
    path("objectives/", views_objectives.objective_list, name="objective-list"),
    path("objectives/new/", views_objectives.objective_create, name="objective-create"),
    path("objectives/<int:pk>/", views_objectives.objective_detail, name="objective-detail"),
    # /network/report/
    path("report/", views_report.report, name="report"),
]
