"""Outcomes recorded for the member from what they write in their network.

The rules (the issue's, worked through in ``tests/test_outcomes.py``):

- a contact added by hand is a "new contact" on the day it was added; an import is not;
- an interaction with contacts that were dormant on its date is one "reactivation", whose
  contacts are those that were dormant;
- an in-person meeting (``Interaction.Kind.MEETING``) is a "meeting";
- a meeting with a dormant contact is both; nothing is counted twice within a kind (one row per
  source and kind, which the database's unique constraints also hold).

A derived outcome keeps its kind, date, contacts and source: they are recomputed from the
source whenever it changes in a way that matters (an interaction's date, kind or
participants). The member's own additions, a note and an objective, survive every
recomputation. A derived outcome the member deleted stays deleted until its source changes in
one of those ways; then the rules are applied afresh, as for a new interaction.

``goals/signals.py`` calls these functions on every write the network makes through the ORM;
code that writes in bulk (``bulk_create``, ``update``: no signals) calls them itself.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from typing import Any

from django.db.models import Q
from django.utils import timezone

from entregent.goals.models import Outcome
from entregent.network.models import (
    Contact,
    Interaction,
    choose_cadence,
    schedule_for,
    schedule_reference,
)

# The kinds an interaction may produce, and the one a contact added by hand does.
FROM_INTERACTION = (Outcome.Kind.MEETING, Outcome.Kind.REACTIVATION)
FROM_CONTACT = (Outcome.Kind.NEW_CONTACT,)
DERIVED_KINDS = (*FROM_CONTACT, *FROM_INTERACTION)


def local_date(moment: dt.datetime, owner: Any) -> dt.date:
    """The day ``moment`` fell on for the member, in their own time zone when they chose one:
    a contact added at 00:30 in Paris was added that day, whatever the server's zone."""
    name = getattr(owner, "time_zone", "") or ""
    try:
        zone: dt.tzinfo = zoneinfo.ZoneInfo(name) if name else timezone.get_current_timezone()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = timezone.get_current_timezone()
    return timezone.localdate(moment, zone)


def record_new_contact(contact: Contact) -> Outcome | None:
    """The "new contact" outcome of a contact added by hand (None for anything else)."""
    if contact.source != Contact.Source.MANUAL or contact.pending or contact.pk is None:
        return None
    outcome, created = Outcome.objects.get_or_create(
        source_contact=contact,
        kind=Outcome.Kind.NEW_CONTACT,
        defaults={
            "owner_id": contact.owner_id,
            "occurred_on": local_date(contact.created_at, contact.owner),
        },
    )
    if created:
        outcome.contacts.add(contact)
    return outcome


def dormant_on_the_day(
    contacts: Iterable[Contact], day: dt.date, interaction: Interaction | None = None
) -> list[Contact]:
    """The contacts that were dormant on ``day``, judged without ``interaction`` (the one being
    looked at), by the network's own rule (``Contact.was_dormant_on``)."""
    return [c for c in contacts if c.was_dormant_on(day, excluding_interaction=interaction)]


def record_outcomes_for_interaction(interaction: Interaction) -> list[Outcome]:
    """Make the outcomes of ``interaction`` what the rules say, and return them.

    Outcomes it produced that the rules no longer give are deleted (a meeting that became a
    call); those it still gives are updated in place, keeping the member's note and objective.
    """
    participants = list(
        Contact.objects.filter(interactions=interaction, pending=False)
        # What the dormancy rule reads: the owner's time zone, the tags' cadences.
        .select_related("owner")
        .prefetch_related("tags")
        .order_by("pk")
    )
    wanted: dict[str, list[Contact]] = {}
    if interaction.kind == Interaction.Kind.MEETING and participants:
        wanted[Outcome.Kind.MEETING] = participants
    dormant = dormant_on_the_day(participants, interaction.occurred_on, interaction)
    if dormant:
        wanted[Outcome.Kind.REACTIVATION] = dormant

    existing = {
        o.kind: o
        for o in Outcome.objects.filter(source_interaction=interaction, kind__in=FROM_INTERACTION)
    }
    gone = [o.pk for kind, o in existing.items() if kind not in wanted]
    if gone:
        Outcome.objects.filter(pk__in=gone).delete()
    recorded = []
    for kind, contacts in wanted.items():
        outcome = existing.get(kind)
        if outcome is None:
            outcome, _created = Outcome.objects.get_or_create(
                source_interaction=interaction,
                kind=kind,
                defaults={
                    "owner_id": interaction.owner_id,
                    "occurred_on": interaction.occurred_on,
                },
            )
        if outcome.occurred_on != interaction.occurred_on:
            outcome.occurred_on = interaction.occurred_on
            outcome.save(update_fields=["occurred_on", "updated_at"])
        outcome.contacts.set(contacts)
        recorded.append(outcome)
    return recorded


def record_outcomes_after(
    contact_ids: Iterable[int], day: dt.date, pk: int, *, skip: Iterable[int] = ()
) -> None:
    """Re-check the interactions whose past changed when interaction ``pk`` of these contacts
    appeared on ``day``, left it, or went.

    Dormancy on a day depends on what came before (``Contact.was_dormant_on``: earlier days,
    and earlier interactions of the same day): a back-dated lunch with a dormant contact is the
    reactivation, and the call logged after it no longer is; delete the lunch and the call is
    again. Only each contact's next interaction can change: the later ones have a nearer one
    before them.
    """
    skipped = {pk, *skip}
    later = Q(occurred_on__gt=day) | Q(occurred_on=day, pk__gt=pk)
    following: dict[int, Interaction] = {}
    for contact_id in sorted(set(contact_ids)):
        found = (
            Interaction.objects.filter(later, contacts=contact_id)
            .exclude(pk__in=skipped)
            .order_by("occurred_on", "pk")
            .first()
        )
        if found is not None:
            following[found.pk] = found
    for interaction in following.values():
        record_outcomes_for_interaction(interaction)


def record_outcomes_for_owner(owner: Any) -> int:
    """Every derived outcome of a member, recomputed: for code that wrote in bulk (the demo).

    Returns how many interactions were looked at.
    """
    for contact in Contact.objects.filter(
        owner=owner, source=Contact.Source.MANUAL, pending=False
    ).select_related("owner"):
        record_new_contact(contact)
    count = 0
    for interaction in Interaction.objects.filter(owner=owner).order_by("occurred_on", "pk"):
        record_outcomes_for_interaction(interaction)
        count += 1
    return count


# Bulk recording ------------------------------------------------------------------------------
# Added by the demo's helper: record_outcomes_for_owner() applies the rules one interaction at
# a time, about ten queries each (some 20 s for a demo network of 1,600 interactions on
# SQLite). This applies the same rules to a whole network from five queries plus the writes.
# entregent/demo/tests/test_tending.py checks that both record the same outcomes.


def record_outcomes_in_bulk(owner: Any, batch_size: int = 500) -> int:
    """Record the derived outcomes ``owner`` is missing, as ``record_outcomes_for_owner``
    would, for code that wrote a network in bulk (the demo). Returns how many were created.

    Outcomes already recorded (a source and a kind) are left alone and nothing is deleted.
    Interactions are walked in the order dormancy is judged in (by date, then as logged),
    each contact's latest day carried along, instead of asking ``Contact.was_dormant_on``.
    """
    tag_cadences: dict[int, list[tuple[str, int | None]]] = {}
    for contact_id, name, months in Contact.tags.through.objects.filter(
        contact__owner=owner, tag__cadence__isnull=False
    ).values_list("contact_id", "tag__name", "tag__cadence"):
        tag_cadences.setdefault(contact_id, []).append((name, months))
    done = set(
        Outcome.objects.filter(owner=owner, kind__in=DERIVED_KINDS)
        .exclude(source_contact=None, source_interaction=None)
        .values_list("source_contact_id", "source_interaction_id", "kind")
    )
    wanted: list[tuple[Outcome, list[int]]] = []

    def want(kind: str, day: dt.date, contacts: list[int], **source: int) -> None:
        key = (source.get("source_contact_id"), source.get("source_interaction_id"), kind)
        if key not in done:
            outcome = Outcome(owner=owner, kind=kind, occurred_on=day, **source)
            wanted.append((outcome, contacts))

    # What the dormancy rule reads of each contact: its cadence, and the day it is measured
    # from before any interaction (the connection, else the creation).
    rules: dict[int, tuple[int, dt.date]] = {}
    for pk, source, own, strength, connected, created in (
        Contact.objects.filter(owner=owner, pending=False)
        .order_by("pk")
        .values_list("pk", "source", "cadence", "tie_strength", "connected_on", "created_at")
    ):
        months = choose_cadence(own, tag_cadences.get(pk, []), strength).months
        zone = getattr(owner, "time_zone", "")
        rules[pk] = (months, connected or schedule_reference(None, None, created, zone))
        if source == Contact.Source.MANUAL:
            want(Outcome.Kind.NEW_CONTACT, local_date(created, owner), [pk], source_contact_id=pk)

    participants: dict[int, list[int]] = {}
    for interaction_id, contact_id in (
        Interaction.contacts.through.objects.filter(interaction__owner=owner)
        .order_by("interaction_id", "contact_id")
        .values_list("interaction_id", "contact_id")
    ):
        if contact_id in rules:
            participants.setdefault(interaction_id, []).append(contact_id)
    last_seen: dict[int, dt.date] = {}
    for pk, day, kind in (
        Interaction.objects.filter(owner=owner)
        .order_by("occurred_on", "pk")
        .values_list("pk", "occurred_on", "kind")
    ):
        present = participants.get(pk, [])
        if kind == Interaction.Kind.MEETING and present:
            want(Outcome.Kind.MEETING, day, present, source_interaction_id=pk)
        dormant = []
        for contact_id in present:
            months, first = rules[contact_id]
            dormant_on = schedule_for(last_seen.get(contact_id, first), months)[1]
            if dormant_on is not None and dormant_on <= day:
                dormant.append(contact_id)
            last_seen[contact_id] = day
        if dormant:
            want(Outcome.Kind.REACTIVATION, day, dormant, source_interaction_id=pk)

    through = Outcome.contacts.through
    for start in range(0, len(wanted), batch_size):
        batch = wanted[start : start + batch_size]
        saved = Outcome.objects.bulk_create([outcome for outcome, _contacts in batch])
        through.objects.bulk_create(
            [
                through(outcome_id=outcome.pk, contact_id=contact_id)
                for outcome, (_unsaved, contacts) in zip(saved, batch, strict=True)
                for contact_id in contacts
            ]
        )
    return len(wanted)


# End of bulk recording -----------------------------------------------------------------------
