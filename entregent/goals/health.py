"""The forest's health: how much of a member's network is known, alive, due, dormant, archived.

One aggregate query over the denormalised ``Contact.due_on`` / ``dormant_on`` dates, so the
cost does not grow with interactions; used by the tend page, the dashboard, the report and the
daily snapshot (``HealthSnapshot``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from entregent.network.models import Contact


@dataclass(frozen=True)
class Health:
    total: int  # live contacts: active and archived, bin and pending imports excluded
    known: int  # active, with what they do (headline or job title)
    alive: int  # active, within their cadence (neither due nor dormant; "never" counts)
    due: int  # active, due but not yet dormant
    dormant: int  # active, dormant
    archived: int

    @property
    def active(self) -> int:
        return self.total - self.archived


def network_health(user: Any, today: dt.date | None = None) -> Health:
    today = today or timezone.localdate()
    active = Q(archived_at__isnull=True)
    dormant = active & Q(dormant_on__lte=today)
    due = active & Q(due_on__lte=today) & ~Q(dormant_on__lte=today)
    counts = Contact.objects.owned_by(user).aggregate(
        total=Count("pk"),
        archived=Count("pk", filter=~active),
        known=Count("pk", filter=active & (~Q(headline="") | ~Q(job_title=""))),
        due=Count("pk", filter=due),
        dormant=Count("pk", filter=dormant),
    )
    alive = counts["total"] - counts["archived"] - counts["due"] - counts["dormant"]
    return Health(alive=alive, **counts)
