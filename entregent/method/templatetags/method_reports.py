"""The method's page shows its latest progress reports (``method/reports.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template

from entregent.method import reports
from entregent.method.models import Method

register = template.Library()


@dataclass(frozen=True)
class LatestReports:
    items: list[reports.Listed]
    # How many are published in all (the page links to the rest).
    total: int
    # For the method's facilitators: their drafts waiting.
    drafts: int


@register.simple_tag
def latest_reports(method: Method, user: Any) -> LatestReports:
    """The ``reports.ON_METHOD_PAGE`` newest published reports, with the verdicts they quote:
    three queries (four for a facilitator)."""
    items = reports.listed(method, limit=reports.ON_METHOD_PAGE)
    total = len(items)
    if total == reports.ON_METHOD_PAGE:
        total = reports.published(method).count()
    drafts = reports.drafts(method).count() if method.is_facilitator(user) else 0
    return LatestReports(items, total, drafts)
