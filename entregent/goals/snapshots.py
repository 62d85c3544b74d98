"""The network's health, day by day: the history behind the report's health chart.

- ``take_snapshots(today)``: the scheduler's daily job (``goals.health_snapshots``) records
  each member's ``network_health`` for the day. A member's day is taken once: running the job
  again (a catch-up, a run by hand) keeps the first snapshot, thanks to the unique constraint
  on (owner, day).
- ``backfill_snapshots(user, start, end)``: reconstructs past days from what the data still
  say, for the demo (and for a member who arrives with a history, should that ever matter).
  What it cannot know it takes from today: whether the contact was "known" (what they do)
  and its cadence rules. Contacts deleted for good are gone and not counted.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from itertools import accumulate
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from entregent.goals.health import network_health
from entregent.goals.models import HealthSnapshot
from entregent.network.models import Cadence, Contact, Interaction, schedule_for
from entregent.scheduler.registry import cron, scheduled_job

# Members per write transaction: each snapshot is a small row, but SQLite has one write lock
# for the whole site (docs/scheduler.md).
BATCH_SIZE = 200
FIELDS = ("total", "known", "alive", "due", "dormant", "archived")


def take_snapshots(today: dt.date | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Record today's health of every member who has contacts; answers how many were taken.

    Members whose snapshot for the day exists already are skipped (and counted out).
    """
    today = today or timezone.localdate()
    owners = list(
        Contact.objects.filter(pending=False, deleted_at__isnull=True)
        .order_by("owner_id")
        .values_list("owner_id", flat=True)
        .distinct()
    )
    taken = 0
    for offset in range(0, len(owners), batch_size):
        batch = owners[offset : offset + batch_size]
        done = set(
            HealthSnapshot.objects.filter(taken_on=today, owner_id__in=batch).values_list(
                "owner_id", flat=True
            )
        )
        # The health is read outside the write transaction: reading needs no lock.
        snapshots = []
        for owner in get_user_model().objects.filter(pk__in=set(batch) - done).order_by("pk"):
            health = network_health(owner, today)
            snapshots.append(
                HealthSnapshot(
                    owner=owner,
                    taken_on=today,
                    **{name: getattr(health, name) for name in FIELDS},
                )
            )
        with transaction.atomic():
            # ignore_conflicts: a snapshot taken meanwhile by another run wins, without error.
            HealthSnapshot.objects.bulk_create(snapshots, ignore_conflicts=True)
        taken += len(snapshots)
    return taken


@scheduled_job(
    "goals.health_snapshots",
    cron(hour=0, minute=15),
    retries=3,
    description=_("Record each member's network health for the day (the report's history)."),
)
def health_snapshots_job() -> str:
    # Counts only: operators read the job's record.
    return f"Took {take_snapshots()} health snapshot(s)."


# Backfill ----------------------------------------------------------------------------------


def backfill_snapshots(user: Any, start: dt.date, end: dt.date, batch_size: int = 500) -> int:
    """Reconstruct and record ``user``'s health for every day from ``start`` to ``end``.

    For each day: the contacts created by then and not yet in the bin; archived if archived on
    or before that day; due and dormant from the last interaction on or before that day (else
    the "connected on" date, else the creation), with the contact's cadence rules
    (``Contact.effective_cadence``, ``schedule_for``). Days that already have a snapshot keep
    it, and days before the first contact get none. Answers how many snapshots were written.

    Each contact's life is cut into intervals (alive, due, dormant between two interactions)
    added to per-day difference arrays, so the cost grows with contacts plus interactions, not
    with contacts times days.
    """
    if end < start:
        return 0
    days = (end - start).days + 1
    counters = {
        name: [0] * (days + 1) for name in ("total", "archived", "known", "due", "dormant")
    }

    def add(name: str, first: dt.date, stop: dt.date | None) -> None:
        """Count the contact on each day from ``first`` to ``stop`` (excluded)."""
        lo = max((first - start).days, 0)
        hi = days if stop is None else min((stop - start).days, days)
        if lo < hi:
            counters[name][lo] += 1
            counters[name][hi] -= 1

    seen: dict[int, list[dt.date]] = defaultdict(list)
    for contact_id, day in (
        Interaction.contacts.through.objects.filter(
            contact__owner=user, interaction__occurred_on__lte=end
        )
        .order_by()
        .values_list("contact_id", "interaction__occurred_on")
    ):
        seen[contact_id].append(day)

    # Days are the member's, as for the stored due dates (network's schedule_reference).
    zone = _zone(getattr(user, "time_zone", ""))
    contacts = (
        Contact.objects.filter(owner=user, pending=False)
        .filter(Q(deleted_at__isnull=True) | Q(deleted_at__gte=_start_of(start, zone)))
        .filter(created_at__lt=_start_of(end + dt.timedelta(days=1), zone))
        .prefetch_related("tags")
    )
    for contact in contacts:
        born = timezone.localdate(contact.created_at, zone)
        gone = timezone.localdate(contact.deleted_at, zone) if contact.deleted_at else None
        archived = timezone.localdate(contact.archived_at, zone) if contact.archived_at else None
        add("total", born, gone)
        if archived is not None:
            add("archived", max(archived, born), gone)
        # Active: live and not yet archived.
        inactive = min((d for d in (archived, gone) if d is not None), default=None)
        if inactive is not None and inactive <= born:
            continue
        # As network_health() counts it.
        if contact.headline or contact.job_title:
            add("known", born, inactive)
        cadence = contact.effective_cadence
        if cadence == Cadence.NEVER:
            continue
        # Between two interactions the reference is the earlier one; before the first, the
        # day the connection started (an import's "connected on") or the creation.
        dates = sorted(set(seen.get(contact.pk, ())))
        references = [(None, contact.connected_on or born)] + [(d, d) for d in dates]
        for n, (since, reference) in enumerate(references):
            until = references[n + 1][0] if n + 1 < len(references) else None
            lo = born if since is None else max(since, born)
            hi = _earliest(until, inactive)
            if hi is not None and hi <= lo:
                continue
            due_on, dormant_on = schedule_for(reference, cadence)
            assert due_on is not None and dormant_on is not None
            add("due", max(lo, due_on), _earliest(hi, dormant_on))
            add("dormant", max(lo, dormant_on), hi)

    totals = {name: list(accumulate(values))[:days] for name, values in counters.items()}
    taken = set(
        HealthSnapshot.objects.filter(owner=user, taken_on__range=(start, end)).values_list(
            "taken_on", flat=True
        )
    )
    snapshots = []
    for n in range(days):
        if start + dt.timedelta(days=n) in taken:
            continue
        counts = {name: values[n] for name, values in totals.items()}
        if counts["total"] == 0:
            continue
        not_alive = counts["archived"] + counts["due"] + counts["dormant"]
        snapshots.append(
            HealthSnapshot(
                owner=user,
                taken_on=start + dt.timedelta(days=n),
                alive=counts["total"] - not_alive,
                **counts,
            )
        )
    for offset in range(0, len(snapshots), batch_size):
        with transaction.atomic():
            HealthSnapshot.objects.bulk_create(
                snapshots[offset : offset + batch_size], ignore_conflicts=True
            )
    return len(snapshots)


def _earliest(*days: dt.date | None) -> dt.date | None:
    return min((d for d in days if d is not None), default=None)


def _start_of(day: dt.date, zone: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone)


def _zone(name: str) -> dt.tzinfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.get_default_timezone()
