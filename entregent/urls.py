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
    path("network/", include("entregent.network.urls")),
    # /i18n/setlang/
    path("i18n/", include("django.conf.urls.i18n")),
    # /admin/ for operators
    path("admin/", admin.site.urls),
]
