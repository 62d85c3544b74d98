"""Synthetic contacts for the search benchmarks: people, what they do, what was said of them.

Shared by ``bench/search.py`` (speed) and ``bench/search_quality.py`` (quality). Names, cities,
projects and topics come from the demo's word lists (``entregent.demo.words_fr`` and
``words_en``), so they carry accents and elisions as real networks do; occupations come from
ESCO (read at bench time, or from ``bench/data/occupations.txt``).

ESCO classification, © European Union, https://esco.ec.europa.eu, CC BY 4.0.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# The ESCO CSV exports, outside the project: only benchmarks read them, never the site or tests.
DEFAULT_ESCO = ROOT.parent / "shared" / "data" / "esco"
ESCO_FILES = ("occupations_fr.csv", "occupations_en.csv")
OCCUPATIONS_FILE = Path(__file__).resolve().parent / "data" / "occupations.txt"
ATTRIBUTION = "ESCO classification, © European Union, https://esco.ec.europa.eu, CC BY 4.0"

LANGUAGES = ("fr", "en")

# Organisations without an occupation in their name, so that they never answer a job query.
ORGANISATIONS = {
    "fr": (
        "Acme",
        "Nova",
        "Groupe Rivière",
        "Atelier Lumen",
        "Maison Fauré",
        "Éditions du Rhône",
        "Coopérative Oïkos",
        "Solstice",
        "Hexa Conseil",
        "Mairie de Villeurbanne",
        "Les Canuts",
        "Brasserie Gründ",
    ),
    "en": (
        "Acme",
        "Blue Fern Ltd",
        "Northwind",
        "Kestrel & Co",
        "Bright Harbour",
        "Oakfield",
        "Lumen Works",
        "Camden Council",
        "Tidewater",
        "Greyhound Partners",
        "Brick Lane Collective",
        "Zephyr",
    ),
}
TAGS = ("clients", "prospects", "anciens collègues", "conférences", "famille", "à relancer")
KINDS = ("meeting", "call", "video", "message", "email", "event")

# Where the occupation goes: the label alone, the job title, or inside a longer headline.
HEADLINES = {
    "fr": (
        "{Label} freelance basé·e à {city}",
        "{Label} chez {org}",
        "{Label} indépendant·e, {city}",
        "{Label} depuis dix ans, {city}",
    ),
    "en": (
        "Freelance {label} based in {city}",
        "{Label} at {org}",
        "Senior {label}, {city}",
        "{Label} for ten years, {city}",
    ),
}
SUMMARIES = {
    "fr": (
        "Café pour parler de {topic}",
        "Déjeuner à {city} : point sur ses projets",
        "Appel pour caler {project}",
        "Visio : retour sur {project}",
        "Message de félicitations pour son nouveau poste",
        "Vœux de bonne année",
        "Rendez-vous à {city} entre deux trains",
        "Email : envoi de la proposition pour {project}",
        "Vu·e au salon de {city}, on a parlé de {topic}",
        "Petit-déjeuner pour faire le point avant l'été",
        "Relance sur la facture n° {n}",
        "Table ronde sur {topic} à {city}",
    ),
    "en": (
        "Coffee to talk about {topic}",
        "Lunch in {city}: catching up on their plans",
        "Call to agree on {project}",
        "Video call: feedback on {project}",
        "Congratulations on the new job",
        "Happy new year message",
        "Met in {city} between two trains",
        "Email: sent the proposal for {project}",
        "Saw them at the {city} fair, talked about {topic}",
        "Breakfast to catch up before the summer",
        "Chased invoice no. {n}",
        "Panel on {topic} in {city}",
    ),
}
NOTES = {
    "fr": (
        "",
        "",
        "Très réactif·ve, à recommander.",
        "Rencontré·e par l'intermédiaire de {given}.",
        "Préfère les échanges par téléphone.",
    ),
    "en": (
        "",
        "",
        "Very responsive, happy to recommend.",
        "Introduced by {given}.",
        "Prefers phone calls to email.",
    ),
}
MET = {
    "fr": ("", "", "Rencontré·e au salon de {city}", "Ancien·ne collègue chez {org}"),
    "en": ("", "", "Met at the {city} fair", "Former colleague at {org}"),
}


@dataclass(frozen=True)
class Words:
    """One language's names and small talk, taken from the demo's vocabulary."""

    female: Sequence[str]
    male: Sequence[str]
    family: Sequence[str]
    cities: Sequence[str]
    projects: Sequence[str]
    topics: Sequence[str]


def demo_words() -> dict[str, Words]:
    from entregent.demo import words_en, words_fr

    return {
        lang: Words(
            module.FEMALE_NAMES,
            module.MALE_NAMES,
            module.FAMILY_NAMES,
            module.CITIES,
            module.PROJECTS,
            module.TOPICS,
        )
        for lang, module in (("fr", words_fr), ("en", words_en))
    }


@dataclass
class ContactSpec:
    """One contact to insert, with its five (or so) interactions."""

    given: str
    family: str
    headline: str = ""
    job_title: str = ""
    organisation: str = ""
    notes: str = ""
    met_story: str = ""
    tie_strength: int | None = None
    tags: list[str] = field(default_factory=list)
    interactions: list[tuple[dt.date, str, str]] = field(default_factory=list)


class Writer:
    """Makes plausible contacts in French or English around a given occupation label."""

    def __init__(self, seed: object, today: dt.date | None = None) -> None:
        self.rng = random.Random(str(seed))
        self.words = demo_words()
        self.today = today or dt.date.today()

    def person(self, lang: str) -> tuple[str, str]:
        w = self.words[lang]
        given = self.rng.choice(w.female if self.rng.random() < 0.5 else w.male)
        return given, self.rng.choice(w.family)

    def describe(self, label: str, lang: str) -> tuple[str, str]:
        """(headline, job title) saying the label: alone, as a job title, or inside a phrase."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.35:
            return capitalise(label), ""
        if roll < 0.65:
            return "", capitalise(label)
        template = rng.choice(HEADLINES[lang])
        return self.fill(template, lang, label=label), ""

    def fill(self, template: str, lang: str, **values: str) -> str:
        """The template with its placeholders filled; only those it uses are drawn."""
        if "{" not in template:
            return template
        return template.format_map(_Placeholders(self, lang, values))

    def interactions(self, lang: str, count: int = 5) -> list[tuple[dt.date, str, str]]:
        out = []
        for _ in range(count):
            day = self.today - dt.timedelta(days=self.rng.randint(0, 3 * 365))
            summary = self.fill(self.rng.choice(SUMMARIES[lang]), lang)
            out.append((day, self.rng.choice(KINDS), summary))
        return out

    def contact(self, label: str, lang: str, interactions: int = 5) -> ContactSpec:
        given, family = self.person(lang)
        headline, job_title = self.describe(label, lang)
        rng = self.rng
        return ContactSpec(
            given=given,
            family=family,
            headline=headline,
            job_title=job_title,
            organisation=rng.choice(ORGANISATIONS[lang]) if rng.random() < 0.6 else "",
            notes=self.fill(rng.choice(NOTES[lang]), lang),
            met_story=self.fill(rng.choice(MET[lang]), lang),
            tie_strength=rng.choice((None, 1, 2, 3, 3, 4, 5)),
            tags=rng.sample(TAGS, rng.choice((0, 0, 1, 1, 2))),
            interactions=self.interactions(lang, interactions),
        )


class _Placeholders(dict[str, str]):
    def __init__(self, writer: Writer, lang: str, values: dict[str, str]) -> None:
        super().__init__(values)
        self.writer, self.lang = writer, lang

    def __missing__(self, key: str) -> str:
        rng, w = self.writer.rng, self.writer.words[self.lang]
        if key == "Label":
            return capitalise(self.get("label", ""))
        choices: dict[str, Sequence[str]] = {
            "city": w.cities,
            "org": ORGANISATIONS[self.lang],
            "topic": w.topics,
            "project": w.projects,
            "given": w.female,
        }
        if key == "n":
            return str(rng.randint(100, 999))
        return rng.choice(choices[key])


def capitalise(label: str) -> str:
    return label[:1].upper() + label[1:]


# Writing ------------------------------------------------------------------------------------


def insert(user: Any, specs: list[ContactSpec], batch_size: int = 2000) -> list[int]:
    """Contacts, tags and interactions with ``bulk_create``; returns the contacts' ids.

    ``bulk_create`` sends no signals, so no search document is written here: the caller indexes
    with ``reindex_contacts``, as imports do. The last interaction date is set directly.
    """
    from django.db import transaction
    from django.utils import timezone

    from entregent.network.models import Contact, Interaction, Tag

    now = timezone.now()
    with transaction.atomic():
        tags = {t.name: t.pk for t in Tag.objects.filter(owner=user)}
        for name in sorted({t for s in specs for t in s.tags} - set(tags)):
            tags[name] = Tag.objects.create(owner=user, name=name).pk
        contacts = [
            Contact(
                owner=user,
                display_name=f"{s.given} {s.family}",
                given_name=s.given,
                family_name=s.family,
                headline=s.headline,
                job_title=s.job_title,
                organisation=s.organisation,
                notes=s.notes,
                met_story=s.met_story,
                tie_strength=s.tie_strength,
                last_interaction_on=max((d for d, _, _ in s.interactions), default=None),
                created_at=now,
            )
            for s in specs
        ]
        Contact.objects.bulk_create(contacts, batch_size=batch_size)
        Contact.tags.through.objects.bulk_create(
            (
                Contact.tags.through(contact_id=c.pk, tag_id=tags[name])
                for c, s in zip(contacts, specs, strict=True)
                for name in s.tags
            ),
            batch_size=batch_size,
        )
        interactions = [
            Interaction(owner=user, occurred_on=day, kind=kind, summary=summary)
            for s in specs
            for day, kind, summary in s.interactions
        ]
        Interaction.objects.bulk_create(interactions, batch_size=batch_size)
        owners = [c.pk for c, s in zip(contacts, specs, strict=True) for _ in s.interactions]
        Interaction.contacts.through.objects.bulk_create(
            (
                Interaction.contacts.through(interaction_id=i.pk, contact_id=contact_id)
                for i, contact_id in zip(interactions, owners, strict=True)
            ),
            batch_size=batch_size,
        )
    return [c.pk for c in contacts]


# ESCO ---------------------------------------------------------------------------------------


def esco_texts(folder: Path) -> tuple[str, str]:
    """The French and English CSV exports; a clear message and exit status 2 when missing."""
    missing = [name for name in ESCO_FILES if not (folder / name).is_file()]
    if missing:
        print(
            f"ESCO data not found: {', '.join(missing)} missing from {folder}.\n"
            "This benchmark builds its own held-out thesaurus from the ESCO CSV exports "
            "(occupations_fr.csv, occupations_en.csv); point --esco at the folder holding them.",
            file=sys.stderr,
        )
        raise SystemExit(2)
    fr, en = (folder / name for name in ESCO_FILES)
    return fr.read_text(encoding="utf-8"), en.read_text(encoding="utf-8")


def read_occupations(path: Path = OCCUPATIONS_FILE) -> dict[str, list[str]]:
    """{"fr": [...], "en": [...]}: the shipped occupation labels, one "lang<TAB>label" a line."""
    out: dict[str, list[str]] = {lang: [] for lang in LANGUAGES}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        lang, label = line.split("\t", 1)
        out[lang].append(label)
    return out


def write_occupations(
    folder: Path, path: Path = OCCUPATIONS_FILE, per_language: int = 1000
) -> None:
    """Derive ``bench/data/occupations.txt`` from ESCO: a sample of preferred labels, each
    gendered pair ("accrocheur/accrocheuse") split in two."""
    from entregent.lib.thesaurus import read_esco

    fr_text, en_text = esco_texts(folder)
    rng = random.Random("bench-occupations")
    lines = [
        "# Occupation labels for the search benchmark: ESCO preferred labels, French and English.",
        f"# {ATTRIBUTION}",
        "# Derived by `python bench/search.py --write-occupations` (a seeded sample of labels).",
    ]
    for lang, text in (("fr", fr_text), ("en", en_text)):
        labels = sorted(
            {
                part.strip()
                for concept in read_esco(text).values()
                for label in concept.preferred
                for part in label.split("/")
                if part.strip()
            }
        )
        lines += [f"{lang}\t{label}" for label in sorted(rng.sample(labels, per_language))]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


class Stopwatch:
    def __init__(self) -> None:
        self.started = time.perf_counter()

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.started


# The naive baseline ---------------------------------------------------------------------------

NAIVE_FIELDS = ("display_name", "headline", "job_title", "organisation", "notes", "met_story")


def naive_search(user: Any, text: str, limit: int) -> list[int]:
    """What a search box without a search engine does: every word typed, as typed, must appear
    (``icontains``) in one of the contact's fields, its tags or its interaction summaries;
    results in name order. Filters ("tag:clients") are honoured the same way as the engine's.
    """
    from django.db.models import Exists, OuterRef, Q

    from entregent.network.models import Interaction, Tag
    from entregent.network.search import engine
    from entregent.network.search.query import parse

    _, filters = parse(text)
    contacts = engine.scope_for(user, filters)
    for word in text.split():
        if ":" in word:
            continue  # a filter, applied above
        condition = Q()
        for name in NAIVE_FIELDS:
            condition |= Q(**{f"{name}__icontains": word})
        condition |= Q(
            Exists(Interaction.objects.filter(contacts=OuterRef("pk"), summary__icontains=word))
        )
        condition |= Q(Exists(Tag.objects.filter(contacts=OuterRef("pk"), name__icontains=word)))
        contacts = contacts.filter(condition)
    return list(contacts.order_by("display_name", "pk").values_list("pk", flat=True)[:limit])


SEARCH_CODE = ("entregent/network/search", "entregent/lib")


def engine_commit(*paths: str) -> str:
    """The commit the code under ``paths`` (the search's by default) was measured at,
    "+changes" when those files differ from it."""
    import subprocess

    def git(*args: str) -> str:
        try:
            return subprocess.run(
                ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return ""

    commit = git("rev-parse", "--short", "HEAD")
    changed = git("status", "--porcelain", "--", *(paths or SEARCH_CODE))
    return f"{commit}{' +changes' if changed else ''}"
