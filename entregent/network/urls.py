from __future__ import annotations

from django.urls import path

from entregent.network import views

app_name = "network"

urlpatterns = [
    # /network/
    path("", views.contact_list, name="contact-list"),
]
