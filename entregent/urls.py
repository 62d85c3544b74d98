from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from entregent import views

urlpatterns = [
    # /
    path("", views.home, name="home"),
    # /accounts/... (allauth, then our profile, export and erasure)
    path("accounts/", include("entregent.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    # /network/import/... (imports and exports), then the rest of /network/...
    path("network/import/", include("entregent.imports.urls")),
    # /network/tend/, /network/objectives/..., /network/report/ (goals)
    path("network/", include("entregent.goals.urls")),
    path("network/", include("entregent.network.urls")),
    # /calendar/<secret>.ics, the follow-ups feed (a secret link)
    path("calendar/", include("entregent.goals.urls_calendar")),
    # /methods/..., the method built in the open
    path("methods/", include("entregent.method.urls")),
    # /i18n/setlang/
    path("i18n/", include("django.conf.urls.i18n")),
    # /admin/ for operators
    path("admin/", admin.site.urls),
]
