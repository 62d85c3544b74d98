"""Demo networks planned in plain Python: a vocabulary, a size, a date and a seed in, dataclasses
out. Nothing here touches the database (``entregent.demo.loader`` writes a plan; the cadence rules
are borrowed from ``network.models`` so that they cannot drift), so the same plan serves the demo
command and the page benchmark, and it is the same for the same inputs.

Each contact gets a rhythm first: a keep-in-touch cadence and a status (fresh, due, dormant or
silent) drawn from their tie strength, then a timeline of interaction dates that satisfies it.
Interactions shared between several contacts (events, introductions, team meetings) are only
ever added on a date no later than each participant's last one, so they never move a contact
from dormant to fresh behind the planner's back.

The timelines also give the goals app a year of history to count outcomes from: contacts added
by hand all along (new contacts), two imports whose contacts carry the date the connection
started years before (never new contacts; the untouched ones are for the pruning review), some
contacts left without news for more than two cadences before a call this year
(reactivations), and meetings in person.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TypeVar

from entregent.demo.vocabulary import (
    Organisation,
    Person,
    Vocabulary,
    capitalise,
    gendered,
    inflect,
    pick_template,
)
from entregent.lib.dates import months_before
from entregent.network.models import Cadence, choose_cadence

T = TypeVar("T")

# Interactions stay within the last two years; the member "started using entregent" a little
# before, when most of the older contacts were imported.
HORIZON_DAYS = 730
APP_START_DAYS = 800

FRESH, DUE, DORMANT, SILENT = "fresh", "due", "dormant", "silent"

# Strong ties are mostly kept up; weak ones drift, and some were never followed up at all.
STATUS_WEIGHTS: dict[int | None, dict[str, int]] = {
    5: {FRESH: 80, DUE: 15, DORMANT: 5, SILENT: 0},
    4: {FRESH: 68, DUE: 20, DORMANT: 12, SILENT: 0},
    3: {FRESH: 62, DUE: 20, DORMANT: 12, SILENT: 6},
    2: {FRESH: 60, DUE: 18, DORMANT: 10, SILENT: 12},
    1: {FRESH: 53, DUE: 17, DORMANT: 10, SILENT: 20},
    None: {FRESH: 50, DUE: 16, DORMANT: 10, SILENT: 24},
}
STRENGTH_WEIGHTS: dict[int | None, int] = {None: 18, 1: 14, 2: 24, 3: 25, 4: 13, 5: 6}
EXPLICIT_CADENCES = {
    Cadence.MONTHLY: 2,
    Cadence.QUARTERLY: 3,
    Cadence.HALF_YEARLY: 3,
    Cadence.YEARLY: 3,
    Cadence.NEVER: 2,
}
# Contacts met within the horizon, added by hand that day: the new contacts of each month.
MET_RECENTLY_SHARE = 0.36
# Share of the contacts kept up monthly to half-yearly who went quiet for more than two
# cadences before one of this year's interactions: the year's reactivations.
REACTIVATED_SHARE = 0.4
RECENT_DAYS = 150
# The member imported their address book when they started, and one more file this year
# (days before today); some of the contacts added long ago were added by hand.
SECOND_IMPORT_DAYS = (150, 280)
SECOND_IMPORT_SHARE = 0.3
FIRST_IMPORT_SHARE = 0.55
# Edits after a contact was added (a note, a tag), the pruning review's "keep" a few months
# ago, and contacts the member asked to be reminded of later.
EDITED_SHARE = 0.3
REVIEWED_SHARE = 0.25
SNOOZED_SHARE = 0.05
KIND_WEIGHTS = {"meeting": 26, "call": 16, "video": 16, "message": 18, "email": 18, "event": 6}


@dataclass
class PointPlan:
    kind: str
    raw: str
    label: str = ""


@dataclass
class ContactPlan:
    given_name: str
    family_name: str
    display_name: str
    female: bool
    circle: str
    headline: str = ""
    organisation: str = ""
    job_title: str = ""
    location: str = ""
    birthday: tuple[int, int, int | None] | None = None
    met_story: str = ""
    met_on: dt.date | None = None
    introduced_by: int | None = None
    tie_strength: int | None = None
    trust_rating: int | None = None
    trust_note: str = ""
    trust_noted_on: dt.date | None = None
    notes: str = ""
    cadence: int | None = None
    archived_on: dt.date | None = None
    created_on: dt.date = dt.date.min
    # Minutes after midnight, so that creation times look like a working day's.
    created_minute: int = 9 * 60
    source: str = "manual"
    # An import's "connected on" date: when the connection started, years before the import.
    connected_on: dt.date | None = None
    # The member's last edit (None: never edited since added), "keep" and "not now" dates.
    updated_on: dt.date | None = None
    reviewed_on: dt.date | None = None
    snoozed_until: dt.date | None = None
    tags: list[str] = field(default_factory=list)
    # The tags' keep-in-touch cadences, as the network's cadence rules read them.
    tag_cadences: list[tuple[str, int | None]] = field(default_factory=list)
    points: list[PointPlan] = field(default_factory=list)
    # Planning state: the rhythm chosen and the contact's own interaction dates, oldest first.
    status: str = SILENT
    dates: list[dt.date] = field(default_factory=list)

    @property
    def effective_cadence(self) -> int:
        return choose_cadence(self.cadence, self.tag_cadences, self.tie_strength).months

    @property
    def last_on(self) -> dt.date | None:
        return self.dates[-1] if self.dates else None


@dataclass
class InteractionPlan:
    occurred_on: dt.date
    kind: str
    summary: str
    contacts: list[int]
    notes: str = ""


@dataclass
class RelationshipPlan:
    from_contact: int
    to_contact: int
    kind: str
    note: str = ""


@dataclass
class NetworkPlan:
    language: str
    tags: list[str]
    contacts: list[ContactPlan]
    interactions: list[InteractionPlan]
    relationships: list[RelationshipPlan]
    # Tags that set a keep-in-touch cadence (months).
    tag_cadences: dict[str, int] = field(default_factory=dict)


def plan_network(
    vocabulary: Vocabulary,
    *,
    size: int,
    today: dt.date,
    seed: str,
    with_people: bool = True,
) -> NetworkPlan:
    """A network of ``size`` contacts; the same arguments always give the same plan."""
    rng = random.Random(f"{seed}:{vocabulary.language}:{size}")
    planner = _Planner(vocabulary, rng, today)
    people = list(vocabulary.people[:size]) if with_people else []
    for person in people:
        planner.add_person(person)
    for _ in range(size - len(people)):
        planner.add_random()
    planner.plan_introductions()
    planner.plan_own_interactions()
    planner.plan_events()
    planner.plan_member_introductions()
    planner.plan_relationships()
    planner.interactions.sort(key=lambda i: (i.occurred_on, i.contacts))
    tags = planner.tag_names()
    return NetworkPlan(
        language=vocabulary.language,
        tags=tags,
        contacts=planner.contacts,
        interactions=planner.interactions,
        relationships=planner.relationships,
        tag_cadences={t: m for t, m in vocabulary.tag_cadences.items() if t in tags},
    )


def resize_interactions(plan: NetworkPlan, vocabulary: Vocabulary, total: int, seed: str) -> None:
    """Add or drop interactions until there are exactly ``total``, for benchmarks that need a
    given volume. Added ones fall between a contact's first and last dates and dropped ones are
    never a contact's latest, so who is due or dormant does not change."""
    rng = random.Random(f"{seed}:resize:{total}")
    if len(plan.interactions) > total:
        latest: dict[int, dt.date] = {}
        for interaction in plan.interactions:
            for index in interaction.contacts:
                latest[index] = max(latest.get(index, dt.date.min), interaction.occurred_on)
        droppable = [
            position
            for position, interaction in enumerate(plan.interactions)
            if all(interaction.occurred_on < latest[i] for i in interaction.contacts)
        ]
        rng.shuffle(droppable)
        dropped = set(droppable[: len(plan.interactions) - total])
        plan.interactions = [i for n, i in enumerate(plan.interactions) if n not in dropped]
        return
    active = [n for n, c in enumerate(plan.contacts) if len(c.dates) >= 2]
    if not active:
        return
    # Busy contacts get busier: a few of them end up with long timelines, as in real networks.
    weights = [len(plan.contacts[n].dates) ** 1.5 for n in active]
    for index in rng.choices(active, weights, k=total - len(plan.interactions)):
        contact = plan.contacts[index]
        span = (contact.dates[-1] - contact.dates[0]).days
        day = contact.dates[0] + dt.timedelta(days=rng.randint(0, span))
        kind = _weighted(rng, KIND_WEIGHTS)
        event = rng.choice(vocabulary.events)
        fields = {
            "project": rng.choice(vocabulary.projects),
            "topic": rng.choice(vocabulary.topics),
            "event": event,
            "event_name": event_name(event),
            "city": contact.location or rng.choice(vocabulary.cities),
            "n": rng.randint(100, 999),
        }
        summary = pick_template(rng, vocabulary.summaries[kind], contact.female, fields)
        plan.interactions.append(InteractionPlan(day, kind, summary, [index]))
    plan.interactions.sort(key=lambda i: (i.occurred_on, i.contacts))


class _Planner:
    def __init__(self, vocabulary: Vocabulary, rng: random.Random, today: dt.date) -> None:
        self.v = vocabulary
        self.rng = rng
        self.today = today
        self.horizon = today - dt.timedelta(days=HORIZON_DAYS)
        self.app_start = today - dt.timedelta(days=APP_START_DAYS)
        self.first_import = self.app_start - dt.timedelta(days=20)
        self.second_import = today - dt.timedelta(days=rng.randint(*SECOND_IMPORT_DAYS))
        self.contacts: list[ContactPlan] = []
        self.interactions: list[InteractionPlan] = []
        self.relationships: list[RelationshipPlan] = []
        self._relationship_keys: set[tuple[int, int, str]] = set()
        self._names: set[str] = set()
        self._circles = {c.key: c for c in vocabulary.circles}
        self._associations = [o.name for o in vocabulary.organisations if o.kind == "asso"]

    # Contacts ------------------------------------------------------------------------------

    def add_person(self, person: Person) -> None:
        organisation = self._organisation_named(person.organisation)
        contact = ContactPlan(
            given_name=person.given_name,
            family_name=person.family_name,
            display_name=f"{person.given_name} {person.family_name}",
            female=person.female,
            circle=person.circle,
            headline=person.headline,
            organisation=person.organisation,
            job_title=person.job_title,
            location=person.location,
            notes=person.notes,
            tie_strength=person.tie_strength,
            trust_rating=person.trust_rating,
            trust_note=person.trust_note,
        )
        self._names.add(contact.display_name)
        if person.email:
            contact.points.append(PointPlan("email", person.email, self._label("email")))
        if person.phone:
            contact.points.append(PointPlan("phone", person.phone, self._label("phone")))
        if person.linkedin:
            contact.points.append(PointPlan("linkedin", person.linkedin))
        # The story's people stay in view: none of them is archived.
        self._finish(contact, organisation, story=person.met_story, archivable=False)

    def add_random(self) -> None:
        rng = self.rng
        female = rng.random() < 0.5
        given, family = self._new_name(female)
        circle = self._circles[_weighted(rng, {c.key: c.weight for c in self.v.circles})]
        kind = rng.choice(circle.organisation_kinds)
        organisation: Organisation | None = None
        if kind == "freelance":
            organisation_name = inflect(self.v.freelance, female) if rng.random() < 0.7 else ""
        elif rng.random() < 0.9:
            organisation = rng.choice([o for o in self.v.organisations if o.kind == kind])
            organisation_name = organisation.name
        else:
            organisation_name = ""
        occupation = gendered(rng.choice(self.v.occupations), female)
        if organisation and organisation.city and rng.random() < 0.7:
            location = organisation.city
        else:
            location = rng.choice(self.v.cities) if rng.random() < 0.9 else ""
        contact = ContactPlan(
            given_name=given,
            family_name=family,
            display_name=f"{given} {family}",
            female=female,
            circle=circle.key,
            organisation=organisation_name,
            job_title=capitalise(occupation) if rng.random() < 0.85 else "",
            location=location,
            tie_strength=_weighted(rng, STRENGTH_WEIGHTS),
        )
        if rng.random() < 0.7:
            fields = {
                "job": occupation,
                "org": organisation.name if organisation else "",
                "domain": rng.choice(self.v.domains),
                "city": location,
                "asso": rng.choice(self._associations),
            }
            contact.headline = capitalise(pick_template(rng, self.v.headlines, female, fields))
        if circle.key in ("mentor", "friend") and contact.tie_strength:
            contact.tie_strength = min(5, contact.tie_strength + 1)
        if rng.random() < 0.22:
            notes = rng.sample(self.v.contact_notes, rng.choice((1, 1, 2)))
            contact.notes = "\n\n".join(inflect(n, female) for n in notes)
        if rng.random() < 0.35:
            contact.trust_rating = _weighted(rng, {2: 1, 3: 3, 4: 5, 5: 3})
            if rng.random() < 0.45:
                note = rng.choice(self.v.trust_notes)
                contact.trust_note = inflect(
                    note, female, {"project": rng.choice(self.v.projects)}
                )
        if rng.random() < 0.45:
            year = rng.randint(1958, 2001) if rng.random() < 0.6 else None
            contact.birthday = (rng.randint(1, 28), rng.randint(1, 12), year)
        if rng.random() < 0.12:
            contact.cadence = _weighted(rng, EXPLICIT_CADENCES)
        self._add_points(contact, organisation)
        self._finish(contact, organisation)

    def _finish(
        self,
        contact: ContactPlan,
        organisation: Organisation | None,
        story: str = "",
        archivable: bool = True,
    ) -> None:
        rng = self.rng
        circle = self._circles.get(contact.circle)
        if circle and circle.tag:
            contact.tags.append(circle.tag)
        if rng.random() < 0.05:
            other = rng.choice([c for c in self.v.circles if c.tag and c.key != contact.circle])
            contact.tags.append(other.tag)
        if rng.random() < 0.08:
            contact.tags.append(rng.choice(self.v.extra_tags))
        contact.tag_cadences = [(tag, self.v.tag_cadences.get(tag)) for tag in contact.tags]
        self._plan_timeline(contact)
        if story:
            contact.met_story = story
        elif circle and circle.met_stories and rng.random() < 0.75:
            year = rng.randint(self.today.year - 15, self.today.year - 3)
            fields = {
                "org": organisation.name
                if organisation
                else rng.choice(self.v.organisations).name,
                "city": contact.location or rng.choice(self.v.cities),
                "event": rng.choice(self.v.events),
                "topic": rng.choice(self.v.topics),
                "year": year,
                "year2": year + rng.randint(1, 4),
            }
            contact.met_story = pick_template(rng, circle.met_stories, contact.female, fields)
        if contact.trust_note:
            start = max(contact.met_on or self.horizon, self.horizon)
            contact.trust_noted_on = _day_between(rng, start, self.today)
        if archivable and rng.random() < 0.04:
            start = contact.last_on or contact.created_on
            contact.archived_on = _day_between(rng, start, self.today)
        self._plan_edits(contact)
        self.contacts.append(contact)

    def _new_name(self, female: bool) -> tuple[str, str]:
        names = self.v.female_names if female else self.v.male_names
        # Namesakes exist, but a demo full of them reads like a bug; past a few tries (large
        # benchmark networks) they are allowed.
        for _ in range(6):
            given, family = self.rng.choice(names), self.rng.choice(self.v.family_names)
            if f"{given} {family}" not in self._names:
                break
        self._names.add(f"{given} {family}")
        return given, family

    def _organisation_named(self, name: str) -> Organisation | None:
        return next((o for o in self.v.organisations if o.name == name), None)

    def _label(self, kind: str) -> str:
        return self.rng.choice(self.v.point_labels.get(kind, ("",)))

    def _add_points(self, contact: ContactPlan, organisation: Organisation | None) -> None:
        rng = self.rng
        given, family = _slug(contact.given_name), _slug(contact.family_name)
        emails: list[str] = []
        if rng.random() < 0.85:
            if organisation and organisation.kind != "freelance" and rng.random() < 0.7:
                emails.append(f"{given}.{family}@{_slug(organisation.name)}.example")
            if not emails or rng.random() < 0.2:
                suffix = str(rng.randint(1, 99)) if rng.random() < 0.4 else ""
                separator = rng.choice((".", "", "_"))
                domain = rng.choice(("example.com", "example.net", "example.org"))
                emails.append(f"{given}{separator}{family}{suffix}@{domain}")
        for email in emails:
            # Some addresses arrive capitalised, as people type them; normalising folds them.
            raw = email.title() if rng.random() < 0.1 else email
            contact.points.append(PointPlan("email", raw, self._label("email")))
        if rng.random() < 0.65:
            raw = rng.choice(self.v.phone_formats).format(
                a=rng.randrange(100), b=rng.randrange(100), c=rng.randrange(1000)
            )
            contact.points.append(PointPlan("phone", raw, self._label("phone")))
        if rng.random() < 0.55:
            handle = f"{given}-{family}-{rng.getrandbits(24):06x}"
            host = rng.choice(("https://www.", "https://www.", "", f"https://{self.v.language}."))
            if host == f"https://{self.v.language}." and self.v.language == "en":
                host = "https://uk."
            kind = rng.choice(("linkedin", "url"))
            contact.points.append(PointPlan(kind, f"{host}linkedin.com/in/{handle}/"))
        if rng.random() < 0.12:
            city = rng.choice(list(self.v.postcodes))
            address = self.v.address_format.format(
                number=rng.randint(1, 180),
                street=rng.choice(self.v.streets),
                postcode=self.v.postcodes[city],
                city=city,
            )
            contact.points.append(PointPlan("address", address, self._label("address")))
        if rng.random() < 0.06:
            site = f"https://www.{given}{family}.example/"
            contact.points.append(PointPlan("url", site, self._label("url")))

    # Timelines -----------------------------------------------------------------------------

    def _plan_timeline(self, contact: ContactPlan) -> None:
        rng, today = self.rng, self.today
        months = contact.effective_cadence
        roll = rng.random()
        if roll < MET_RECENTLY_SHARE:
            contact.met_on = _day_between(rng, self.horizon, today)
        elif roll < MET_RECENTLY_SHARE + 0.55:
            contact.met_on = self.horizon - dt.timedelta(days=rng.randint(30, 15 * 365))

        if months == Cadence.NEVER:
            contact.status = FRESH
            last = _day_between(rng, self.horizon, today) if rng.random() < 0.6 else None
        else:
            contact.status = _weighted(rng, STATUS_WEIGHTS[contact.tie_strength])
            # None for the silent, and for the dormant whose cadence is too long to be overdue
            # twice within the horizon: those are dormant by their creation date instead.
            last = self._last_date(contact.status, months)
        if last is not None and contact.met_on and contact.met_on > last:
            if contact.status == FRESH:
                # Met lately and seen since: a new contact of the last months.
                last = _day_between(rng, contact.met_on, today)
            else:
                contact.met_on = _day_between(rng, self.horizon, last)

        met_recently = bool(contact.met_on and contact.met_on > self.horizon)
        if last is None:
            if met_recently and contact.status != DORMANT:
                # Added when we met and never seen since: due or not depending on when.
                contact.created_on = contact.met_on or today
            else:
                if met_recently:
                    contact.met_on = self.horizon - dt.timedelta(days=rng.randint(30, 3000))
                self._added_long_ago(contact)
        else:
            floor = max(self.horizon, contact.met_on or self.horizon)
            dates = [last]
            step = 30 * (months or 6)
            day = last - dt.timedelta(days=int(step * rng.uniform(0.45, 1.2)))
            while day >= floor:
                dates.append(day)
                day -= dt.timedelta(days=int(step * rng.uniform(0.45, 1.2)))
            if contact.met_on and met_recently and rng.random() < 0.6:
                dates.append(contact.met_on)
            contact.dates = sorted(set(dates))
            self._plan_reactivation(contact, months)
            if contact.met_on and met_recently:
                contact.created_on = contact.met_on
            else:
                self._added_long_ago(contact)
            contact.created_on = min(contact.created_on, contact.dates[0])
        contact.created_minute = rng.randint(8 * 60, 19 * 60)
        if contact.source == "import":
            # Files are imported in one go, in the evening.
            contact.created_minute = 21 * 60
            end = contact.created_on - dt.timedelta(days=30)
            start = end - dt.timedelta(days=12 * 365)
            if contact.met_on is not None and contact.met_on < end:
                start = contact.met_on
            contact.connected_on = _day_between(rng, start, end)

    def _added_long_ago(self, contact: ContactPlan) -> None:
        """Added before this year's history: by the first import or by hand when the member
        started, or by this year's import when nothing was logged with them before it."""
        rng = self.rng
        first = contact.dates[0] if contact.dates else None
        if (first is None or first >= self.second_import) and rng.random() < SECOND_IMPORT_SHARE:
            contact.created_on, contact.source = self.second_import, "import"
        elif rng.random() < FIRST_IMPORT_SHARE:
            contact.created_on, contact.source = self.first_import, "import"
        else:
            contact.created_on = self.app_start - dt.timedelta(days=rng.randint(0, 60))
            contact.source = "manual"

    def _plan_reactivation(self, contact: ContactPlan, months: int) -> None:
        """No news for more than two cadences before one of this year's interactions: the
        contact was dormant that day, and getting back in touch reactivated them. The last date
        (and so the contact's status today) does not move."""
        rng = self.rng
        year_ago = self.today - dt.timedelta(days=365)
        back = [day for day in contact.dates[1:] if day >= year_ago]
        if (
            months not in (Cadence.MONTHLY, Cadence.QUARTERLY, Cadence.HALF_YEARLY)
            or contact.status not in (FRESH, DUE)
            or not back
            or rng.random() >= REACTIVATED_SHARE
        ):
            return
        # Mostly in the last months: the member has been tending their network lately.
        recent = [day for day in back if day >= self.today - dt.timedelta(days=RECENT_DAYS)]
        returned = rng.choice(recent if recent and rng.random() < 0.7 else back)
        quiet_from = months_before(returned, 2 * months) - dt.timedelta(days=rng.randint(1, 40))
        contact.dates = [day for day in contact.dates if day <= quiet_from or day >= returned]
        if contact.met_on and quiet_from < contact.met_on < returned:
            # Met during the silence would make them known since then: met before it.
            contact.met_on = _day_between(rng, self.horizon, quiet_from)

    def _plan_edits(self, contact: ContactPlan) -> None:
        """The member's later touches: an edit, the pruning review's "keep", a snooze. An
        imported contact never touched since is what the pruning review asks about."""
        rng, today = self.rng, self.today
        edits = [contact.trust_noted_on, contact.archived_on]
        if rng.random() < EDITED_SHARE:
            edits.append(_day_between(rng, contact.created_on, today))
        live = contact.archived_on is None
        # Kept: someone the member still knows, though they have not talked for long.
        quiet = contact.status in (DORMANT, SILENT) and bool(contact.headline)
        if live and quiet and rng.random() < REVIEWED_SHARE:
            start = max(contact.created_on, today - dt.timedelta(days=300))
            contact.reviewed_on = _day_between(rng, start, today - dt.timedelta(days=20))
            edits.append(contact.reviewed_on)
        if live and contact.status in (DUE, DORMANT) and rng.random() < SNOOZED_SHARE:
            snoozed_on = today - dt.timedelta(days=rng.randint(0, 10))
            contact.snoozed_until = snoozed_on + dt.timedelta(days=rng.randint(14, 45))
            edits.append(snoozed_on)
        known = [day for day in edits if day is not None and day > contact.created_on]
        contact.updated_on = max(known, default=None)

    def _last_date(self, status: str, months: int) -> dt.date | None:
        rng, today = self.rng, self.today
        one, two = months_before(today, months), months_before(today, 2 * months)
        if status == FRESH:
            return _day_between(rng, max(one + dt.timedelta(days=1), self.horizon), today)
        if status == DUE:
            return _day_between(rng, max(two, self.horizon), one)
        if status == DORMANT:
            # A yearly contact is dormant after two years: no interaction within the horizon.
            latest = two - dt.timedelta(days=1)
            return _day_between(rng, self.horizon, latest) if latest >= self.horizon else None
        return None

    # Interactions --------------------------------------------------------------------------

    def plan_introductions(self) -> None:
        """Some recent contacts came through another one; the story, the introducer, an
        introduction interaction and an "introduced" relationship all say so."""
        rng = self.rng
        introducers = [
            n for n, c in enumerate(self.contacts) if (c.tie_strength or 0) >= 3 and c.dates
        ]
        for index, contact in enumerate(self.contacts):
            met_on = contact.met_on
            if not (met_on and met_on > self.horizon and contact.dates) or rng.random() > 0.3:
                continue
            found = _sample_where(
                rng,
                introducers,
                partial(self._available, day=met_on, other_than=index),
                1,
            )
            if not found:
                continue
            introducer_index = found[0]
            introducer = self.contacts[introducer_index]
            project = rng.choice(self.v.projects)
            fields = {"introducer": introducer.display_name, "project": project}
            contact.introduced_by = introducer_index
            contact.met_story = pick_template(
                rng, self.v.introduced_stories, contact.female, fields
            )
            if met_on in contact.dates and contact.dates[-1] != met_on:
                contact.dates.remove(met_on)
            summary = self.v.introduction_summary.format(
                introducer=introducer.display_name, introduced=contact.display_name
            )
            self.interactions.append(
                InteractionPlan(met_on, "introduction", summary, [introducer_index, index])
            )
            note = pick_template(
                rng, self.v.relationship_notes["introduced"], contact.female, fields
            )
            self._relate(introducer_index, index, "introduced", note)

    def plan_own_interactions(self) -> None:
        rng = self.rng
        by_organisation: dict[str, list[int]] = defaultdict(list)
        for index, contact in enumerate(self.contacts):
            organisation = self._organisation_named(contact.organisation)
            if organisation and organisation.kind != "freelance" and contact.dates:
                by_organisation[contact.organisation].append(index)
        for index, contact in enumerate(self.contacts):
            for day in contact.dates:
                kind = _weighted(rng, _kind_weights(contact))
                participants = [index]
                if kind in ("meeting", "video") and rng.random() < 0.1:
                    colleagues = [
                        n
                        for n in by_organisation.get(contact.organisation, [])
                        if n != index and (self.contacts[n].last_on or dt.date.min) >= day
                    ]
                    participants += rng.sample(colleagues, min(len(colleagues), rng.randint(1, 2)))
                fields = self._fields(contact)
                if len(participants) > 1:
                    summary = pick_template(rng, self.v.group_summaries, contact.female, fields)
                else:
                    summary = pick_template(rng, self.v.summaries[kind], contact.female, fields)
                notes = ""
                if rng.random() < 0.18:
                    notes = rng.choice(self.v.interaction_notes)
                self.interactions.append(InteractionPlan(day, kind, summary, participants, notes))

    def plan_events(self) -> None:
        """Conferences and network evenings where the member saw several contacts at once."""
        rng = self.rng
        for _ in range(len(self.contacts) // 25):
            day = _day_between(rng, self.horizon, self.today)
            attendees = _sample_where(
                rng,
                range(len(self.contacts)),
                partial(self._available, day=day, known_by_then=True),
                rng.randint(3, 8),
            )
            if len(attendees) < 3:
                continue
            attendees.sort()
            name = capitalise(event_name(rng.choice(self.v.events)))
            self.interactions.append(InteractionPlan(day, "event", name, attendees))

    def plan_member_introductions(self) -> None:
        """The member putting two of their contacts in touch."""
        rng = self.rng
        for _ in range(len(self.contacts) // 50):
            day = _day_between(rng, self.horizon, self.today)
            pair = _sample_where(
                rng, range(len(self.contacts)), partial(self._available, day=day), 2
            )
            if len(pair) < 2:
                continue
            first, second = pair
            fields = {
                "a": self.contacts[first].display_name,
                "b": self.contacts[second].display_name,
                "project": rng.choice(self.v.projects),
            }
            summary = pick_template(rng, self.v.member_introductions, False, fields)
            self.interactions.append(
                InteractionPlan(day, "introduction", summary, sorted([first, second]))
            )
            self._relate(first, second, "knows", summary)

    def plan_relationships(self) -> None:
        rng = self.rng
        by_organisation: dict[str, list[int]] = defaultdict(list)
        for index, contact in enumerate(self.contacts):
            organisation = self._organisation_named(contact.organisation)
            if organisation and organisation.kind not in ("freelance", "asso"):
                by_organisation[contact.organisation].append(index)
        for members in by_organisation.values():
            for first, second in itertools.pairwise(members[:4]):
                note = pick_template(
                    rng, self.v.relationship_notes["works_with"], False, self._fields()
                )
                self._relate(first, second, "works_with", note)
        by_circle: dict[str, list[int]] = defaultdict(list)
        for index, contact in enumerate(self.contacts):
            by_circle[contact.circle].append(index)
        for _ in range(len(self.contacts) // 10):
            members = by_circle[rng.choice(sorted(by_circle))]
            if len(members) >= 2:
                first, second = rng.sample(members, 2)
                note = rng.choice(self.v.relationship_notes["knows"])
                self._relate(first, second, "knows", note)

    def _available(
        self, index: int, *, day: dt.date, other_than: int = -1, known_by_then: bool = False
    ) -> bool:
        """Whether the contact can join a shared interaction on ``day`` without moving their
        last date (and, if asked, was already in the network then)."""
        contact = self.contacts[index]
        if index == other_than or contact.last_on is None or contact.last_on < day:
            return False
        return not known_by_then or contact.created_on <= day

    def _relate(self, first: int, second: int, kind: str, note: str) -> None:
        key = (min(first, second), max(first, second), kind)
        if first == second or key in self._relationship_keys:
            return
        self._relationship_keys.add(key)
        self.relationships.append(RelationshipPlan(first, second, kind, note[:300]))

    def _fields(self, contact: ContactPlan | None = None) -> dict[str, object]:
        rng = self.rng
        event = rng.choice(self.v.events)
        return {
            "project": rng.choice(self.v.projects),
            "topic": rng.choice(self.v.topics),
            "event": event,
            "event_name": event_name(event),
            "city": (contact.location if contact else "") or rng.choice(self.v.cities),
            "org": contact.organisation if contact else "",
            "n": f"{self.today.year % 100:02d}-{rng.randint(1, 480):03d}",
        }

    def tag_names(self) -> list[str]:
        used = {tag for contact in self.contacts for tag in contact.tags}
        ordered = [c.tag for c in self.v.circles if c.tag] + list(self.v.extra_tags)
        return [tag for tag in dict.fromkeys(ordered) if tag in used]


def event_name(event: str) -> str:
    """An event without the preposition French puts in front of it: "Sido", not "au Sido"."""
    return re.sub(r"^(aux |au |à la |à l'|à )", "", event)


def _kind_weights(contact: ContactPlan) -> Mapping[str, int]:
    # Close ties are met and phoned; distant ones mostly get messages and emails.
    if (contact.tie_strength or 0) >= 4:
        return {**KIND_WEIGHTS, "meeting": 34, "call": 22}
    if (contact.tie_strength or 0) <= 1:
        return {**KIND_WEIGHTS, "meeting": 12, "email": 26}
    return KIND_WEIGHTS


def _sample_where(
    rng: random.Random, pool: Sequence[int], accept: Callable[[int], bool], k: int
) -> list[int]:
    """Up to ``k`` distinct items of ``pool`` that ``accept``, found by trying random ones: a
    filtered copy of a 10,000-contact network per event would make benchmarks slow to set up."""
    chosen: list[int] = []
    for _ in range(40 * k):
        if len(chosen) == k or not pool:
            break
        item = pool[rng.randrange(len(pool))]
        if item not in chosen and accept(item):
            chosen.append(item)
    return chosen


def _weighted(rng: random.Random, weights: Mapping[T, int]) -> T:
    choices: Sequence[T] = list(weights)
    return rng.choices(choices, [weights[c] for c in choices])[0]


def _day_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
