"""Project-level pages that draw on several apps; no app imports this module."""

from __future__ import annotations

from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from entregent.goals.digests import reminder_status
from entregent.goals.health import network_health
from entregent.network.models import Contact
from entregent.scheduler.health import scheduler_health


def home(request: HttpRequest) -> HttpResponse:
    """The dashboard for members, a presentation for visitors."""
    if not request.user.is_authenticated:
        return render(request, "home_visitor.html")
    contacts = Contact.objects.owned_by(request.user)
    jobs = scheduler_health()
    context = {
        "contact_count": contacts.active().count(),
        # The closest ties first: they are the ones a member would regret losing.
        "due": contacts.due().order_by(
            F("tie_strength").desc(nulls_last=True),
            F("last_interaction_on").asc(nulls_first=True),
            "display_name",
        )[:8],
        "due_count": contacts.due().count(),
        "dormant_count": contacts.dormant().count(),
        # The forest's health (goals/_health.html), as the tend page shows it.
        "health": network_health(request.user),
        # Reminders that silently stop are the worst kind: show whether they run.
        "scheduler_health": jobs,
        "reminders": reminder_status(request.user, jobs),
    }
    return render(request, "home_member.html", context)
