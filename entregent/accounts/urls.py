from __future__ import annotations

from django.urls import path

from entregent.accounts import views

app_name = "accounts"

urlpatterns = [
    # /accounts/profile/
    path("profile/", views.profile, name="profile"),
]
