"""The shape of a demo vocabulary and the small template language its texts use.

A template is ordinary ``str.format`` text plus gender alternatives written
``{masculine|feminine}`` (``{Rencontré|Rencontrée}``, ``{he|she}``) and ``{e}``, a shorthand for
French agreement (``Présenté{e}``). One template for both genders halves the word lists and
keeps the French readable.
"""

from __future__ import annotations

import functools
import random
import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

_ALTERNATIVE = re.compile(r"\{([^{}|]*)\|([^{}|]*)\}")


def inflect(template: str, female: bool, fields: Mapping[str, object] | None = None) -> str:
    """The template with its gender alternatives chosen and its fields filled in."""
    text = _ALTERNATIVE.sub(lambda m: m[2] if female else m[1], template)
    return text.format(e="e" if female else "", **(fields or {}))


@functools.cache
def needed_fields(template: str) -> frozenset[str]:
    text = _ALTERNATIVE.sub("", template)
    return frozenset(
        name for _, name, _, _ in string.Formatter().parse(text) if name and name != "e"
    )


def pick_template(
    rng: random.Random, templates: Sequence[str], female: bool, fields: Mapping[str, object]
) -> str:
    """A random template among those whose fields are all known, filled in."""
    known = {name for name, value in fields.items() if value not in ("", None)}
    usable = [t for t in templates if needed_fields(t) <= known]
    return inflect(rng.choice(usable), female, fields) if usable else ""


def gendered(label: str, female: bool) -> str:
    """``avocat|avocate`` as the contact's gender has it; a label without ``|`` is epicene."""
    masculine, _, feminine = label.partition("|")
    return feminine if female and feminine else masculine


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class Organisation:
    name: str
    # bank, corp, agency, sme, asso, public, school, health, freelance: which circles they fit.
    kind: str
    city: str = ""


@dataclass(frozen=True)
class Circle:
    """Where a contact comes from: decides their tag, organisation and how we met."""

    key: str
    tag: str
    weight: int
    organisation_kinds: tuple[str, ...]
    met_stories: tuple[str, ...]


@dataclass(frozen=True)
class Person:
    """A hand-written contact that the demo story needs (designers, a mentor, duplicates)."""

    given_name: str
    family_name: str
    female: bool
    circle: str
    headline: str = ""
    job_title: str = ""
    organisation: str = ""
    location: str = ""
    notes: str = ""
    met_story: str = ""
    tie_strength: int | None = None
    trust_rating: int | None = None
    trust_note: str = ""
    email: str = ""
    phone: str = ""
    linkedin: str = ""


@dataclass(frozen=True)
class ObjectiveIdea:
    """An objective the demo member set themself, and how it went.

    Days count back from the day the demo is loaded. Its contacts are the ``people`` named
    (the first one made it happen, for a reached objective), then contacts whose headline or
    job title has one of ``words`` (whole words, whatever the case; "fondat*" is any word that
    starts so), then contacts of ``circles``.
    """

    kind: str  # as goals' Objective.Kind: client, job, supplier, partner, hire, learn, other
    title: str
    criteria: str
    status: str = "open"  # open, reached or dropped
    started_days_ago: int = 180
    closed_days_ago: int | None = None
    target_in_days: int | None = None
    people: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    circles: tuple[str, ...] = ()
    contacts: int = 4
    # Outcomes on the way, recorded by hand (as goals' Outcome.Kind), with these notes (the
    # vocabulary's notes for that kind when there are none); fields as ``outcome_notes``.
    progress_kind: str = "other"
    notes: tuple[str, ...] = ()
    # The outcome that reached it, on a day the member saw the first of ``people``.
    reached_kind: str = ""
    reached_note: str = ""


@dataclass(frozen=True)
class Vocabulary:
    language: str
    female_names: tuple[str, ...]
    male_names: tuple[str, ...]
    family_names: tuple[str, ...]
    occupations: tuple[str, ...]
    domains: tuple[str, ...]
    headlines: tuple[str, ...]
    organisations: tuple[Organisation, ...]
    freelance: str
    circles: tuple[Circle, ...]
    extra_tags: tuple[str, ...]
    cities: tuple[str, ...]
    # city -> postcode and the way this country writes an address.
    postcodes: Mapping[str, str]
    streets: tuple[str, ...]
    address_format: str
    phone_formats: tuple[str, ...]
    point_labels: Mapping[str, tuple[str, ...]]
    events: tuple[str, ...]
    projects: tuple[str, ...]
    topics: tuple[str, ...]
    summaries: Mapping[str, tuple[str, ...]]
    introduction_summary: str
    group_summaries: tuple[str, ...]
    interaction_notes: tuple[str, ...]
    contact_notes: tuple[str, ...]
    trust_notes: tuple[str, ...]
    introduced_stories: tuple[str, ...]
    member_introductions: tuple[str, ...]
    relationship_notes: Mapping[str, tuple[str, ...]]
    people: tuple[Person, ...]
    # Tags that set a keep-in-touch cadence (months).
    tag_cadences: Mapping[str, int] = field(default_factory=dict)
    objectives: tuple[ObjectiveIdea, ...] = ()
    # Notes of the outcomes recorded by hand, by kind (goals' Outcome.Kind); fields: name,
    # org, project, topic, event_name, city.
    outcome_notes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
