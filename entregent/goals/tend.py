"""What the tend page selects: whom to get back in touch with, whom to ask "do you still know
this person?".

Selection and ranking only, over owner-scoped querysets, so that the page, the dashboard or a
future API get the same answer; ``views_tend.py`` renders and acts. Every function runs a fixed
number of queries, whatever the size of the network.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Case,
    Count,
    DateField,
    DateTimeField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    Prefetch,
    Q,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Least, RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from entregent.goals.models import Objective
from entregent.lib.dates import months_before
from entregent.network.models import Contact, ContactQuerySet, Interaction

if TYPE_CHECKING:
    from django.db.models import QuerySet

# How many entries each list shows at once: the rest move up as these are dealt with.
QUEUE_LENGTH = 20
# Pruning asks one question at a time; ten in sight is plenty, the next come up as these go.
PRUNE_LENGTH = 10
MET_EXCERPT_LENGTH = 160
OBJECTIVES_SHOWN = 2

# The queue's score is  weight(tie strength) × (1 + min(lateness, LATENESS_CAP)),  where
# lateness is how long ago the contact became due, in cadences: 0 on the day it is due, 1 on the
# day it turns dormant, 2 after three cadences without news. The weight is the strength
# squared: closeness leads, yet a tie left long enough passes a closer one that has only just
# become due (a strength 4 half a cadence late, 16 × 1.5 = 24, is level with a strength 5 due
# today, 25; a strength 3 needs almost two cadences). Lateness is capped because past three
# cadences the question is no longer "when do I call" but "do I still know them", which the
# pruning review asks; without the cap a forgotten acquaintance would bury a close friend.
# An unknown strength counts as a weak tie (2), as its default cadence does. Equal scores go
# to the longest overdue, then by name.
STRENGTH_WEIGHT = {5: 25.0, 4: 16.0, 3: 9.0, 2: 4.0, 1: 1.0}
UNKNOWN_STRENGTH_WEIGHT = STRENGTH_WEIGHT[2]
LATENESS_CAP = 2.0

# The pruning review's rules (see ``prune_queryset``).
SILENT_MONTHS = 36  # no interaction for three years: the CNIL's rule of thumb for prospects
REVIEW_VALID_MONTHS = 12  # a "keep" holds for a year, then the question may come back
# A contact added (or imported) less than a month ago is not questioned yet: the member has
# barely had time to get in touch or to say what they do, and a fresh import would otherwise
# flood the review.
NEW_CONTACT_GRACE = dt.timedelta(days=30)
# An import writes each contact in one statement (created and updated within milliseconds);
# an edit by the member, a merge or a snooze saves it later. Derived writes (last interaction,
# due dates, an import's own merges) use update() and leave ``updated_at`` alone, as the import's
# undo also relies on. Tags added do not count as an edit.
UNTOUCHED_WITHIN = dt.timedelta(minutes=5)


class DaysBetween(Func):
    """``later - earlier`` in days, as a float, for two dates or two datetimes.

    Django turns date subtraction on SQLite into a Python function called row by row; this is
    plain SQL on both engines: julianday() on SQLite, date or interval arithmetic on PostgreSQL.
    """

    arity = 2
    output_field = FloatField()
    # PostgreSQL, two dates: date - date is a whole number of days.
    template = "CAST((%(expressions)s) AS double precision)"
    arg_joiner = " - "

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="(julianday(%(expressions)s))",
            arg_joiner=") - julianday(",
            **extra,
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        if isinstance(self.get_source_expressions()[0].output_field, DateTimeField):
            extra["template"] = "(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400.0)"
        return self.as_sql(compiler, connection, **extra)


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _first_page(
    queryset: QuerySet[Any], limit: int, count_alongside: bool = False
) -> tuple[list[int], int]:
    """The first ``limit`` ids of an ordered queryset, and how many rows it holds.

    Sorting ids and the ranking's columns rather than whole rows (notes and all) keeps the sort
    small when thousands are due, as the contact list pages on ids. ``count_alongside`` counts
    with a window over the same rows (COUNT(*) OVER ()), which saves a second scan when few
    rows match out of many read (the pruning review reads every contact to find a handful);
    when thousands match (the queue), materialising them for the window costs more on SQLite
    than a second, plain count.
    """
    if count_alongside:
        rows = list(
            queryset.annotate(total=Window(Count("pk"))).values_list("pk", "total")[:limit]
        )
        return [pk for pk, _total in rows], (rows[0][1] if rows else 0)
    return list(queryset.values_list("pk", flat=True)[:limit]), queryset.count()


def _url_pattern(name: str) -> str:
    """A route's URL with ``{}`` for the contact's id: reverse() once per page, not per row."""
    return reverse(name, args=[0]).replace("/0/", "/{}/")


def _day(value: dt.date) -> str:
    return date_format(value, "DATE_FORMAT")


# The reactivation queue ----------------------------------------------------------------------


def queue_score(today: dt.date) -> ExpressionWrapper:
    """The ranking above as one SQL expression over ``tie_strength``, ``due_on``, ``dormant_on``.

    The cadence, in days, is read from the schedule itself (``dormant_on`` is one cadence and a
    day after ``due_on``), so tag and own cadences count without being recomputed here.
    """
    weight = Case(
        *(When(tie_strength=s, then=Value(w)) for s, w in STRENGTH_WEIGHT.items()),
        default=Value(UNKNOWN_STRENGTH_WEIGHT),
        output_field=FloatField(),
    )
    overdue = DaysBetween(Value(today, output_field=DateField()), F("due_on"))
    cadence = DaysBetween(F("dormant_on"), F("due_on")) - Value(1.0)
    lateness = Least(
        Coalesce(
            ExpressionWrapper(overdue / cadence, output_field=FloatField()),
            Value(0.0),
            output_field=FloatField(),
        ),
        Value(LATENESS_CAP),
        output_field=FloatField(),
    )
    return ExpressionWrapper(weight * (Value(1.0) + lateness), output_field=FloatField())


def queue_queryset(user: Any, today: dt.date) -> ContactQuerySet:
    """The member's due contacts (dormant ones included), not snoozed, best first."""
    return (
        Contact.objects.owned_by(user)
        .due(today)
        # Snoozed until a date: back in the queue on that date.
        .filter(Q(snoozed_until__isnull=True) | Q(snoozed_until__lte=today))
        .annotate(tend_score=queue_score(today))
        .order_by("-tend_score", F("due_on").asc(nulls_last=True), "display_name", "pk")
    )


@dataclass
class QueueEntry:
    """What one entry of the queue shows, computed once in Python (templates are slow at
    logic): the contact, why to reach out, where its forms post."""

    contact: Contact
    dormant: bool
    last_interaction: Interaction | None
    met_excerpt: str
    objectives: list[Objective]
    more_objectives: int
    anchor: str
    # Where the page should come back to once this entry is dealt with (it leaves the list).
    after: str = ""
    url: str = ""
    done_url: str = ""
    snooze_url: str = ""
    due_iso: str = ""
    due_for: str = ""  # how long it has been due ("3 months, 2 weeks")
    last_iso: str = ""
    last_day: str = ""
    met_iso: str = ""
    met_day: str = ""


@dataclass
class Queue:
    entries: list[QueueEntry]
    total: int

    @property
    def rest(self) -> int:
        return self.total - len(self.entries)


def latest_interactions(contact_ids: Sequence[int]) -> dict[int, Interaction]:
    """Each contact's latest interaction (by date, then the last logged), in one query."""
    if not contact_ids:
        return {}
    through = Interaction.contacts.through
    rows = (
        through.objects.filter(contact_id__in=list(contact_ids))
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("contact_id")],
                order_by=[F("interaction__occurred_on").desc(), F("interaction_id").desc()],
            )
        )
        .filter(Q(rank=1))
        .select_related("interaction")
    )
    return {row.contact_id: row.interaction for row in rows}


def reactivation_queue(user: Any, today: dt.date, limit: int = QUEUE_LENGTH) -> Queue:
    """The first ``limit`` entries of the queue, each with its reasons to reach out.

    Five queries whatever the size of the network: the page's ids, the total, their contacts,
    their open objectives, their latest interactions.
    """
    ids, total = _first_page(queue_queryset(user, today), limit)
    open_objectives = Objective.objects.owned_by(user).filter(status=Objective.Status.OPEN)
    loaded = (
        Contact.objects.owned_by(user)
        .filter(pk__in=ids)
        .prefetch_related(
            Prefetch(
                "objectives",
                queryset=open_objectives.order_by("-created_at", "-pk"),
                to_attr="open_objectives",
            )
        )
        .in_bulk()
        if ids
        else {}
    )
    contacts = [loaded[pk] for pk in ids if pk in loaded]
    latest = latest_interactions([c.pk for c in contacts])
    detail, done, snooze = (
        _url_pattern("network:contact-detail"),
        _url_pattern("goals:tend-done"),
        _url_pattern("goals:tend-snooze"),
    )
    entries = []
    for contact in contacts:
        objectives: list[Objective] = getattr(contact, "open_objectives", [])
        last = latest.get(contact.pk)
        entries.append(
            QueueEntry(
                contact=contact,
                dormant=contact.dormant_on is not None and contact.dormant_on <= today,
                last_interaction=last,
                met_excerpt=Truncator(contact.met_story.strip()).chars(MET_EXCERPT_LENGTH),
                objectives=objectives[:OBJECTIVES_SHOWN],
                more_objectives=max(0, len(objectives) - OBJECTIVES_SHOWN),
                anchor=f"queue-{contact.pk}",
                url=detail.format(contact.pk),
                done_url=done.format(contact.pk),
                snooze_url=snooze.format(contact.pk),
                due_iso=contact.due_on.isoformat() if contact.due_on else "",
                due_for=timesince(contact.due_on, today) if contact.due_on else "",
                last_iso=last.occurred_on.isoformat() if last else "",
                last_day=_day(last.occurred_on) if last else "",
                met_iso=contact.met_on.isoformat() if contact.met_on else "",
                met_day=_day(contact.met_on) if contact.met_on else "",
            )
        )
    _link_neighbours(entries, "queue")
    return Queue(entries=entries, total=total)


# The pruning review --------------------------------------------------------------------------


class PruneReason:
    UNKNOWN = "unknown"  # nothing says what they do
    SILENT = "silent"  # no interaction for three years
    UNTOUCHED = "untouched"  # imported, and nothing done with them since


def _silent_since(today: dt.date) -> dt.date:
    return months_before(today, SILENT_MONTHS)


def prune_queryset(user: Any, today: dt.date) -> ContactQuerySet:
    """Active contacts to ask about, the longest unheard first.

    Proposed when not reviewed within a year, added more than a month ago, and at least one of:
    nothing says what they do (headline and job title empty); no interaction for three years
    (the last one older, or none and added or connected more than three years ago); imported,
    never in an interaction and never edited since the import.
    """
    limit = _silent_since(today)
    unknown = Q(headline="", job_title="")
    silent = Q(last_interaction_on__lt=limit) | (
        Q(last_interaction_on__isnull=True)
        & (Q(created_at__lt=_start_of(limit)) | Q(connected_on__lt=limit))
    )
    untouched = Q(
        source=Contact.Source.IMPORT,
        last_interaction_on__isnull=True,
        edited_after__lt=UNTOUCHED_WITHIN / dt.timedelta(days=1),
    )
    return (
        Contact.objects.owned_by(user)
        .active()
        .filter(created_at__lt=_start_of(today - NEW_CONTACT_GRACE))
        .filter(
            Q(reviewed_on__isnull=True)
            | Q(reviewed_on__lt=months_before(today, REVIEW_VALID_MONTHS))
        )
        .alias(edited_after=DaysBetween(F("updated_at"), F("created_at")))
        .filter(unknown | silent | untouched)
        .order_by(F("last_interaction_on").asc(nulls_first=True), "created_at", "pk")
    )


def prune_reasons(contact: Contact, today: dt.date) -> list[str]:
    """Which of the rules of ``prune_queryset`` propose this contact (the same rules, in
    Python, for the few contacts shown)."""
    reasons = []
    if not contact.headline.strip() and not contact.job_title.strip():
        reasons.append(PruneReason.UNKNOWN)
    limit = _silent_since(today)
    last = contact.last_interaction_on
    if last is not None:
        if last < limit:
            reasons.append(PruneReason.SILENT)
    elif contact.created_at < _start_of(limit) or (
        contact.connected_on is not None and contact.connected_on < limit
    ):
        reasons.append(PruneReason.SILENT)
    if (
        contact.source == Contact.Source.IMPORT
        and last is None
        and contact.updated_at - contact.created_at < UNTOUCHED_WITHIN
    ):
        reasons.append(PruneReason.UNTOUCHED)
    return reasons


def reason_text(reason: str, contact: Contact) -> str:
    """Why a contact is proposed, in a sentence that names the dates it relies on."""
    if reason == PruneReason.UNKNOWN:
        return _("Nothing says what they do.")
    added = timezone.localdate(contact.created_at)
    if reason == PruneReason.SILENT:
        if contact.last_interaction_on is not None:
            return _("No interaction since %(date)s.") % {
                "date": _day(contact.last_interaction_on)
            }
        if contact.connected_on is not None and contact.connected_on < added:
            return _("No interaction logged since you connected on %(date)s.") % {
                "date": _day(contact.connected_on)
            }
        return _("No interaction logged since they were added on %(date)s.") % {
            "date": _day(added)
        }
    return _("Imported on %(date)s and untouched since: no interaction, no edit.") % {
        "date": _day(added)
    }


@dataclass
class PruneEntry:
    contact: Contact
    reasons: list[str]
    anchor: str
    after: str = ""
    codes: list[str] = field(default_factory=list)
    url: str = ""
    keep_url: str = ""
    archive_url: str = ""
    delete_url: str = ""


@dataclass
class Pruning:
    entries: list[PruneEntry]
    total: int

    @property
    def rest(self) -> int:
        return self.total - len(self.entries)


def pruning_review(user: Any, today: dt.date, limit: int = PRUNE_LENGTH) -> Pruning:
    """The first ``limit`` contacts to review, each with why; two queries."""
    ids, total = _first_page(prune_queryset(user, today), limit, count_alongside=True)
    loaded = Contact.objects.owned_by(user).filter(pk__in=ids).in_bulk() if ids else {}
    detail, keep, archive, delete = (
        _url_pattern(name)
        for name in (
            "network:contact-detail",
            "goals:prune-keep",
            "goals:prune-archive",
            "goals:prune-delete",
        )
    )
    entries = []
    for contact in (loaded[pk] for pk in ids if pk in loaded):
        codes = prune_reasons(contact, today)
        entries.append(
            PruneEntry(
                contact=contact,
                reasons=[reason_text(code, contact) for code in codes],
                codes=codes,
                anchor=f"prune-{contact.pk}",
                url=detail.format(contact.pk),
                keep_url=keep.format(contact.pk),
                archive_url=archive.format(contact.pk),
                delete_url=delete.format(contact.pk),
            )
        )
    _link_neighbours(entries, "prune")
    return Pruning(entries=entries, total=total)


def _link_neighbours(entries: Sequence[QueueEntry | PruneEntry], section: str) -> None:
    """Once an entry is dealt with it leaves the list: come back to the one after it (or
    before it, for the last), so the member keeps their place."""
    for index, entry in enumerate(entries):
        if index + 1 < len(entries):
            entry.after = entries[index + 1].anchor
        elif index > 0:
            entry.after = entries[index - 1].anchor
        else:
            entry.after = section
