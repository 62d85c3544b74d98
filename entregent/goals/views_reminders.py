"""The follow-ups calendar feed: ``/calendar/<secret>.ics``, a secret-link route.

Calendar apps cannot log in: they fetch a URL every few hours. The URL's secret
(``User.calendar_secret``, unique, regenerated from the member's reminder settings) stands for
the login, so this view is in ``entregent/privacy.py``'s ``SECRET_LINK_ROUTES`` and shows only
the contacts of the member the secret belongs to. A wrong or old secret answers 404, exactly as
an unknown page does.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from icalendar import Calendar, Event

from entregent.accounts.models import User
from entregent.lib import weekly
from entregent.network.models import Contact

# Enough for a year of follow-ups without letting a huge network make a feed calendar apps
# choke on (some give up past a few megabytes).
FEED_HORIZON = dt.timedelta(days=366)
FEED_MAX_EVENTS = 500
MET_EXCERPT_LENGTH = 160
# Calendar apps that honour it refresh this often (Apple, Thunderbird; Google decides alone).
REFRESH_INTERVAL = dt.timedelta(hours=6)


@require_safe
def calendar_feed(request: HttpRequest, secret: str) -> HttpResponse:
    # One lookup on a unique column, the same query whatever is wrong with the secret: nothing
    # about members or their secrets can be learnt from the answer or its timing.
    user = User.objects.filter(calendar_secret=secret, is_active=True).first()
    if user is None:
        raise Http404
    now = timezone.now()
    today = now.astimezone(weekly.zone_named(user.time_zone, settings.TIME_ZONE)).date()
    contacts = (
        Contact.objects.owned_by(user)
        .active()
        .filter(due_on__isnull=False, due_on__lte=today + FEED_HORIZON)
        .only(
            "pk",
            "display_name",
            "headline",
            "met_story",
            "last_interaction_on",
            "created_at",
            "due_on",
            "dormant_on",
            "snoozed_until",
        )
        .order_by("due_on", "display_name", "pk")[:FEED_MAX_EVENTS]
    )
    with translation.override(user.language or settings.LANGUAGE_CODE):
        calendar = follow_ups_calendar(user, list(contacts), today, now)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    # Private data: no shared cache may keep it, no browser should store it.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    response["Content-Disposition"] = 'inline; filename="entregent-follow-ups.ics"'
    return response


def follow_ups_calendar(
    user: User, contacts: list[Contact], today: dt.date, now: dt.datetime
) -> Calendar:
    """One all-day event per contact to get back in touch with, on the day it is due.

    An overdue follow-up is shown today (and moves with the days until it is done); a snoozed
    one on the day the snooze ends. The UID is the contact and its due date, so a calendar app
    updates the event in place as it moves, and makes a new one only when the contact is due
    again after an interaction.
    """
    site = settings.SITE_URL
    host = urlsplit(site).hostname or "entregent"
    zone = weekly.zone_named(user.time_zone, settings.TIME_ZONE)
    calendar = Calendar()
    calendar.add("prodid", "-//entregent//follow-ups//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _("entregent: follow-ups"))
    calendar.add(
        "x-wr-caldesc", _("People to get back in touch with, from your network on entregent.")
    )
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH_INTERVAL)
    stamp = now.astimezone(dt.UTC).replace(microsecond=0)
    for contact in contacts:
        assert contact.due_on is not None  # filtered on above
        day = max(contact.due_on, today)
        if contact.snoozed_until and contact.snoozed_until > day:
            day = contact.snoozed_until
        event = Event()
        event.add("uid", f"follow-up-{contact.pk}-{contact.due_on:%Y%m%d}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", day)
        event.add("dtend", day + dt.timedelta(days=1))
        # Free time: a reminder, not a meeting that makes the member look busy to others.
        event.add("transp", "TRANSPARENT")
        event.add("summary", _("Get back in touch with %(name)s") % {"name": contact.display_name})
        event.add("description", follow_up_reason(contact, today, zone))
        event.add("url", site + contact.get_absolute_url())
        calendar.add_component(event)
    return calendar


def _day(value: dt.date) -> str:
    return date_format(value, "DATE_FORMAT")


def follow_up_reason(contact: Contact, today: dt.date, zone: dt.tzinfo) -> str:
    """Why this follow-up, in a few lines: where it stands, when we last spoke, who they are."""
    assert contact.due_on is not None
    lines = []
    if contact.dormant_on is not None and contact.dormant_on <= today:
        lines.append(
            _("Drifting away: dormant since %(date)s.") % {"date": _day(contact.dormant_on)}
        )
    elif contact.due_on <= today:
        lines.append(_("Due since %(date)s.") % {"date": _day(contact.due_on)})
    else:
        lines.append(_("Due on %(date)s.") % {"date": _day(contact.due_on)})
    if contact.last_interaction_on:
        lines.append(
            _("Last interaction: %(date)s.") % {"date": _day(contact.last_interaction_on)}
        )
    else:
        added = timezone.localdate(contact.created_at, zone)
        lines.append(_("No interaction yet (added on %(date)s).") % {"date": _day(added)})
    if contact.headline:
        lines.append(_("What they do: %(headline)s") % {"headline": contact.headline})
    met = Truncator(" ".join(contact.met_story.split())).chars(MET_EXCERPT_LENGTH)
    if met:
        lines.append(_("How you met: %(story)s") % {"story": met})
    return "\n".join(lines)
