from __future__ import annotations

from django.urls import path

from entregent.goals import views_reminders

app_name = "calendar"

# /calendar/<secret>.ics: a secret-link route (entregent/privacy.py).
urlpatterns = [
    path("<str:secret>.ics", views_reminders.calendar_feed, name="feed"),
]
