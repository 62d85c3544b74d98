from __future__ import annotations

from django.urls import path

from entregent.accounts import views

app_name = "accounts"

urlpatterns = [
    # /accounts/profile/
    path("profile/", views.profile, name="profile"),
    # /accounts/language/ (the footer's switch; saves a member's choice on their profile)
    path("language/", views.set_language, name="set-language"),
    # /accounts/export/ and /accounts/erase/: everything a member holds, out or gone
    path("export/", views.export, name="export"),
    path("erase/", views.erase, name="erase"),
    path("goodbye/", views.goodbye, name="goodbye"),
]
