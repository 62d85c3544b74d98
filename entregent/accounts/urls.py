from __future__ import annotations

from django.urls import path

from entregent.accounts import views

app_name = "accounts"

urlpatterns = [
    # /accounts/profile/
    path("profile/", views.profile, name="profile"),
    # /accounts/reminders/: the weekly digest and the calendar feed's address
    path("reminders/", views.reminders, name="reminders"),
    path(
        "reminders/calendar-secret/",
        views.regenerate_calendar_secret,
        name="calendar-secret",
    ),
    # /accounts/notifications/ (the bell)
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications-read"),
    path("notifications/<int:pk>/", views.notification_open, name="notification-open"),
    # /accounts/language/ (the footer's switch; saves a member's choice on their profile)
    path("language/", views.set_language, name="set-language"),
    # /accounts/export/ and /accounts/erase/: everything a member holds, out or gone
    path("export/", views.export, name="export"),
    path("erase/", views.erase, name="erase"),
    path("goodbye/", views.goodbye, name="goodbye"),
]
