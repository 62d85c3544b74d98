"""Template filters for the method's pages: Markdown, plain-text excerpts, moments in words,
members' public names."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from entregent.lib.markdown import render_markdown
from entregent.method import feedback

register = template.Library()


@register.filter
def public_name(user: Any) -> str:
    """How a member is named on the method's pages: their display name, never their
    address (``feedback.public_name``)."""
    return feedback.public_name(user)


@register.filter
def markdown(text: str) -> SafeString:
    # render_markdown sanitises with nh3, so the result is safe to mark as such.
    return mark_safe(render_markdown(text))


def plain_text(text: str, chars: int = 200) -> str:
    """Markdown as one line of plain text, cut at a word before ``chars`` characters: for a
    description in a link preview, where no markup is read."""
    # Unescaped once: the template escapes it again where it goes.
    flat = " ".join(html.unescape(strip_tags(render_markdown(text))).split())
    return Truncator(flat).chars(chars)


register.filter("plain_text", plain_text)


@register.filter
def moment(value: dt.datetime | None) -> str:
    """ "Tuesday 3 December at 09:00 (Europe/Paris)": in the reader's time zone, named, with
    the year only when it is not this one."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    today = timezone.localdate()
    day = date_format(local, "l j F" if local.year == today.year else "l j F Y")
    return _("%(date)s at %(time)s (%(zone)s)") % {
        "date": day,
        "time": date_format(local, "H:i"),
        "zone": timezone.get_current_timezone_name(),
    }


@register.filter
def short_moment(value: dt.datetime | None) -> str:
    """ "3 December 2024, 09:00", in the reader's time zone, for lists of dates."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return _("%(date)s, %(time)s") % {
        "date": date_format(local, "j F Y"),
        "time": date_format(local, "H:i"),
    }
