from __future__ import annotations

import datetime as dt

from django import template
from django.utils.safestring import SafeString, mark_safe

from entregent.lib.markdown import render_markdown
from entregent.network.models import Contact

register = template.Library()


@register.filter
def markdown(text: str) -> SafeString:
    # render_markdown sanitises with nh3, so the result is safe to mark as such.
    return mark_safe(render_markdown(text))


@register.filter
def stars(value: int | None) -> str:
    if not value:
        return ""
    return "★" * value + "☆" * (5 - value)


@register.filter
def is_due(contact: Contact, today: dt.date) -> bool:
    return contact.is_due(today)


@register.filter
def is_dormant(contact: Contact, today: dt.date) -> bool:
    return contact.is_dormant(today)
