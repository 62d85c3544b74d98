"""How well "Ask my network" finds people described in other words: recall@10 and MRR of the
search against a naive ``icontains`` baseline, on queries the thesaurus has never seen.

Run by `make bench-search-quality`; informational (exit code 0) unless --strict. See
docs/benchmarks.md. Needs the ESCO CSV exports (--esco, default ../shared/data/esco): without
them it says so and exits with status 2.

1. A reduced thesaurus is built from ESCO with 20% of the alternative labels held out
   (``thesaurus.build(..., holdout=0.2)``); the search is given it instead of the shipped one.
2. For a seeded sample of occupations that have a held-out label, one member gets a contact
   described with another label of that occupation in French, one in English, sometimes a third;
   plus distractor contacts of other occupations; five interactions each. Indexed with
   ``reindex_contacts``.
3. The queries are the held-out labels (so the thesaurus has not seen them), and variants: one
   typo, accents removed, the head word alone, the plural. A query's relevant contacts are the
   contacts of its occupation.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import _corpus, pages  # noqa: E402

SQLITE_NAME = "search_quality.sqlite3"
DATABASE = "entregent_bench_quality"
K = 10
TARGET_HIT_RATE = 0.90  # the headline "recall@10"
TARGET_MRR = 0.70
VARIANTS = ("base", "typo", "unaccented", "part", "plural")
VARIANT_NAMES = {
    "base": "held-out label as is",
    "typo": "one typo (word of 5+ letters)",
    "unaccented": "accents removed",
    "part": "head word alone",
    "plural": "plural",
}


@dataclass
class Planted:
    """A contact of the corpus: which occupation it holds, in which language and words."""

    key: str
    lang: str
    label: str
    relevant: bool  # of a sampled occupation (else a distractor)


@dataclass
class Case:
    """One query: a held-out label of an occupation, or a variant of one."""

    text: str
    variant: str
    lang: str
    key: str
    base: str


@dataclass
class Outcome:
    case: Case
    ranking: list[int]  # the first K contact ids the system returned
    relevant: list[int]
    same: list[int]  # relevant contacts described in the query's language
    cross: list[int]  # ... in the other language


@dataclass
class Scores:
    queries: int = 0
    hit_rate: float = 0.0  # share of queries with a relevant contact in the top K
    recall: float = 0.0  # mean of |relevant in top K| / min(|relevant|, K)
    mrr: float = 0.0  # mean of 1 / rank of the first relevant contact (0 beyond K)


@dataclass
class Report:
    generated_at: str
    database: str
    seed: int
    holdout: float
    occupations: int
    contacts: int
    distractors: int
    interactions: int
    queries: dict[str, int]
    skipped_held_out: dict[str, int]
    systems: dict[str, dict[str, Any]] = field(default_factory=dict)
    diagnosis: dict[str, Any] = field(default_factory=dict)
    misses: list[dict[str, Any]] = field(default_factory=list)
    targets: dict[str, float] = field(default_factory=dict)
    passed: bool = False
    seconds: dict[str, float] = field(default_factory=dict)
    engine_commit: str = ""
    # Every query with the rank of its first relevant contact per system (0: not in the top
    # K), to compare two runs query by query.
    per_query: list[dict[str, Any]] = field(default_factory=list)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--esco",
        type=Path,
        default=_corpus.DEFAULT_ESCO,
        help="Folder with ESCO's occupations_fr.csv and occupations_en.csv "
        "(default ../shared/data/esco).",
    )
    parser.add_argument("--occupations", type=int, default=400, help="Occupations sampled (400).")
    parser.add_argument(
        "--distractors", type=int, default=1000, help="Contacts of other occupations (1000)."
    )
    parser.add_argument("--holdout", type=float, default=0.2, help="Share held out (0.2).")
    parser.add_argument("--seed", type=int, default=1, help="Seed of every random choice (1).")
    parser.add_argument("--misses", type=int, default=10, help="Misses to print (10).")
    parser.add_argument(
        "--strict", action="store_true", help="Exit with status 1 if a target is missed."
    )
    parser.add_argument(
        "--keep", action="store_true", help="Keep the PostgreSQL benchmark database afterwards."
    )
    parser.add_argument(
        "--output", help="Where to write the JSON (var/bench/search_quality-<database>.json)."
    )
    args = parser.parse_args(argv)
    fr_text, en_text = _corpus.esco_texts(args.esco)  # exits 2 when missing

    postgres_url = pages.prepare_database(SQLITE_NAME, DATABASE)
    try:
        report = run(args, fr_text, en_text)
    finally:
        if postgres_url:
            pages.drop_postgres_database(postgres_url, keep=args.keep, database=DATABASE)
    output = Path(args.output or pages.BENCH_DIR / f"search_quality-{report.database}.json")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(asdict(report), indent=2, ensure_ascii=False) + "\n")
    print(f"\nResults written to {pages.display_path(output)}")
    return 1 if args.strict and not report.passed else 0


# The corpus ----------------------------------------------------------------------------------


def folded(label: str) -> str:
    from entregent.lib.text import words

    return " ".join(words(label))


@dataclass
class Esco:
    """ESCO's labels per occupation and language, and what the reduced thesaurus kept."""

    labels: dict[str, dict[str, list[str]]]  # key -> lang -> labels (preferred first)
    kept: dict[str, set[str]]  # key -> folded labels the reduced thesaurus holds
    held: dict[str, dict[str, list[str]]]  # key -> lang -> held-out labels it has never seen
    skipped: Counter[str]
    reduced_text: str
    full_text: str


def load_esco(fr_text: str, en_text: str, holdout: float, seed: int) -> Esco:
    from entregent.lib.thesaurus import build, read_esco

    concepts = read_esco(fr_text, en_text)
    by_lang = {"fr": read_esco(fr_text), "en": read_esco(en_text)}
    reduced_text, held = build(concepts, holdout=holdout, seed=seed)
    full_text, _ = build(concepts)
    # A line: occupation, ISCO group, labels.
    kept = {
        line.split("\t", 1)[0]: set(line.split("\t")[2:]) for line in reduced_text.splitlines()
    }
    labels = {
        key: {
            lang: list(
                dict.fromkeys(
                    [*by_lang[lang][key].preferred, *by_lang[lang][key].alternatives]
                    if key in by_lang[lang]
                    else []
                )
            )
            for lang in _corpus.LANGUAGES
        }
        for key in concepts
    }
    held_by: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    skipped: Counter[str] = Counter()
    for key, label in held:
        langs = [
            lang
            for lang in _corpus.LANGUAGES
            if key in by_lang[lang] and label in by_lang[lang][key].alternatives
        ]
        f = folded(label)
        if not f:
            skipped["empty once folded"] += 1
        elif f in kept[key]:
            # ESCO repeats labels ("régisseur/régisseuse" and "régisseur"): still in the
            # thesaurus, so not an unseen query.
            skipped["still in the thesaurus (a duplicate label)"] += 1
        elif len(langs) != 1:
            skipped["same words in both languages"] += 1
        elif f in {folded(x) for x in held_by[key][langs[0]]}:
            skipped["duplicate once folded"] += 1
        else:
            held_by[key][langs[0]].append(label)
    return Esco(labels, kept, held_by, skipped, reduced_text, full_text)


def kept_labels(esco: Esco, key: str, lang: str) -> list[str]:
    """The occupation's labels the reduced thesaurus kept, one per folded form."""
    out: dict[str, str] = {}
    for label in esco.labels[key][lang]:
        f = folded(label)
        if f and f in esco.kept[key]:
            out.setdefault(f, label)
    return list(out.values())


def plan(
    esco: Esco, occupations: int, distractors: int, seed: int
) -> tuple[list[_corpus.ContactSpec], list[Planted], list[Case]]:
    rng = random.Random(f"quality:{seed}")
    writer = _corpus.Writer(f"quality-writer:{seed}")
    eligible = sorted(
        key
        for key in esco.held
        if any(esco.held[key].values())
        and all(kept_labels(esco, key, lang) for lang in _corpus.LANGUAGES)
    )
    sampled = rng.sample(eligible, min(occupations, len(eligible)))
    specs: list[_corpus.ContactSpec] = []
    planted: list[Planted] = []
    cases: list[Case] = []

    def add(key: str, lang: str, label: str, relevant: bool) -> None:
        specs.append(writer.contact(label, lang))
        planted.append(Planted(key, lang, label, relevant))

    for key in sampled:
        # One contact per language, sometimes a third: each query has relevant contacts in its
        # own language and in the other one.
        chosen = {lang: rng.choice(kept_labels(esco, key, lang)) for lang in _corpus.LANGUAGES}
        for lang, label in chosen.items():
            add(key, lang, label, True)
        if rng.random() < 1 / 3:
            lang = rng.choice(_corpus.LANGUAGES)
            others = [x for x in kept_labels(esco, key, lang) if x != chosen[lang]]
            add(key, lang, rng.choice(others or [chosen[lang]]), True)
        for lang in _corpus.LANGUAGES:
            if esco.held[key].get(lang):
                label = rng.choice(esco.held[key][lang])
                for variant, text in variants(label, lang, rng):
                    cases.append(Case(text, variant, lang, key, label))
    others = sorted(set(esco.labels) - set(sampled))
    for _ in range(distractors):
        key = rng.choice(others)
        lang = rng.choice(_corpus.LANGUAGES)
        labels = kept_labels(esco, key, lang) or esco.labels[key][lang]
        if labels:
            add(key, lang, rng.choice(labels), False)
    # Shuffle, so that ids say nothing of relevance (the engine breaks ties by name anyway).
    order = list(range(len(specs)))
    rng.shuffle(order)
    return [specs[i] for i in order], [planted[i] for i in order], cases


# Query variants ------------------------------------------------------------------------------

_LETTERS = re.compile(r"[^\W\d_]+")
_NEIGHBOURS = "azertyuiopqsdfghjklmwxcvbn"


def variants(label: str, lang: str, rng: random.Random) -> list[tuple[str, str]]:
    out = [("base", label)]
    for variant, maker in (
        ("typo", lambda: typo(label, rng)),
        ("unaccented", lambda: unaccented(label)),
        ("part", lambda: head_word(label, lang)),
        ("plural", lambda: plural(label, lang)),
    ):
        text = maker()
        if text and text != label:
            out.append((variant, text))
    return out


def typo(label: str, rng: random.Random) -> str:
    """One edit in one word of 5 letters or more: two letters swapped, one dropped, doubled
    or replaced."""
    candidates = [m for m in _LETTERS.finditer(label) if len(m.group()) >= 5]
    if not candidates:
        return ""
    match = rng.choice(candidates)
    word = match.group()
    for _ in range(10):
        i = rng.randrange(1, len(word) - 1)
        kind = rng.choice(("swap", "drop", "double", "replace"))
        if kind == "swap":
            new = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        elif kind == "drop":
            new = word[:i] + word[i + 1 :]
        elif kind == "double":
            new = word[:i] + word[i] + word[i:]
        else:
            new = word[:i] + rng.choice(_NEIGHBOURS) + word[i + 1 :]
        if new.lower() != word.lower():
            return label[: match.start()] + new + label[match.end() :]
    return ""


def unaccented(label: str) -> str:
    decomposed = unicodedata.normalize("NFD", label)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )


def content_positions(label: str) -> list[re.Match[str]]:
    from entregent.lib.text import STOP_WORDS, fold

    return [
        m
        for m in _LETTERS.finditer(label)
        if len(m.group()) > 1 and fold(m.group()) not in STOP_WORDS
    ]


def head_word(label: str, lang: str) -> str:
    """What people shorten a job to: its head noun, first in French and last in English."""
    found = content_positions(label)
    if len(found) < 2:
        return ""
    word = (found[0] if lang == "fr" else found[-1]).group()
    return word if len(word) >= 4 else ""


def plural(label: str, lang: str) -> str:
    found = content_positions(label)
    if not found:
        return ""
    match = found[0] if lang == "fr" else found[-1]
    word = match.group()
    if len(word) < 3 or word[-1] in "sxz":
        return ""
    if lang == "fr":
        new = (
            word + "x"
            if word.endswith(("eau", "eu"))
            else word[:-2] + "aux"
            if (word.endswith("al"))
            else word + "s"
        )
    elif word.endswith(("ch", "sh")):
        new = word + "es"
    elif word.endswith("y") and word[-2:-1] not in "aeiou":
        new = word[:-1] + "ies"
    else:
        new = word + "s"
    return label[: match.start()] + new + label[match.end() :]


# Running the queries -------------------------------------------------------------------------

Ranker = Callable[[Any, str], list[int]]


def engine_ranker(thesaurus: Any) -> Ranker:
    from entregent.network.search import search

    def rank(user: Any, text: str) -> list[int]:
        results = search(user, text, limit=K, thesaurus=thesaurus, explain=False)
        return [hit.contact.pk for hit in results.hits]

    return rank


def naive_ranker(user: Any, text: str) -> list[int]:
    return _corpus.naive_search(user, text, K)


def run_cases(
    user: Any,
    cases: list[Case],
    by_key: dict[str, list[int]],
    planted: dict[int, Planted],
    ranker: Ranker,
) -> list[Outcome]:
    out = []
    for case in cases:
        relevant = by_key[case.key]
        if case.variant == "part":
            # "designer" rightly finds every designer: the contacts whose description holds the
            # word are relevant too, not only those of the occupation it was taken from.
            relevant = [*relevant, *described_with(case.text, planted, exclude=set(relevant))]
        same = [c for c in relevant if planted[c].lang == case.lang]
        cross = [c for c in relevant if planted[c].lang != case.lang]
        out.append(Outcome(case, ranker(user, case.text)[:K], relevant, same, cross))
    return out


def described_with(word: str, planted: dict[int, Planted], exclude: set[int]) -> list[int]:
    from entregent.lib.text import stems, words

    stem = stems(words(word)[0])[0]
    return [
        cid
        for cid, p in planted.items()
        if cid not in exclude and any(stems(w)[0] == stem for w in words(p.label))
    ]


def first_rank(outcome: Outcome) -> int:
    relevant = set(outcome.relevant)
    return next((i for i, cid in enumerate(outcome.ranking, 1) if cid in relevant), 0)


def scores(outcomes: Iterable[Outcome], which: str = "relevant") -> Scores:
    hits, recalls, reciprocal = [], [], []
    for o in outcomes:
        relevant = set(getattr(o, which))
        if not relevant:
            continue
        ranks = [i for i, cid in enumerate(o.ranking, 1) if cid in relevant]
        hits.append(1.0 if ranks else 0.0)
        recalls.append(len(ranks) / min(len(relevant), K))
        reciprocal.append(1 / ranks[0] if ranks else 0.0)
    if not hits:
        return Scores()
    return Scores(
        len(hits),
        round(statistics.fmean(hits), 4),
        round(statistics.fmean(recalls), 4),
        round(statistics.fmean(reciprocal), 4),
    )


def breakdown(outcomes: list[Outcome]) -> dict[str, Any]:
    return {
        "all": asdict(scores(outcomes)),
        "by_variant": {
            v: asdict(scores(o for o in outcomes if o.case.variant == v)) for v in VARIANTS
        },
        "same_language": asdict(scores(outcomes, "same")),
        "cross_language": asdict(scores(outcomes, "cross")),
        "by_query_language": {
            lang: asdict(scores(o for o in outcomes if o.case.lang == lang))
            for lang in _corpus.LANGUAGES
        },
    }


# Why the engine misses -----------------------------------------------------------------------

REASONS = {
    "no_link": "no word of the query, nor its stems, typos, parts or synonyms, in the document",
    "partial": "matches some words only: every word (or its synonyms) is required, and the "
    "index found other contacts matching them all",
    "cut": "matches every word but falls outside the {candidates} candidates the index returns",
    "ranked": "a candidate, but scored below the 10th result",
    "ranked_tie": "a candidate with the same score as the 10th result, placed after it by tie "
    "strength and name",
    "zero": "found by the index, but the Python scoring does not credit what the index "
    "matched and gives it 0",
    "no_terms": "nothing left to search once stop words are dropped",
}


@dataclass
class Diagnosis:
    stage: str  # a key of REASONS
    contact: int  # the relevant contact that got furthest
    # The index found documents matching every word but the scoring gave them all 0, so the
    # engine showed nothing and did not fall back to partial matches.
    empty_after_scoring: bool = False


def diagnose(user: Any, outcome: Outcome, thesaurus: Any) -> Diagnosis:
    """Why no relevant contact made the top K: the closest one's stage, and which one."""
    from entregent.network.models import Contact, SearchDocument
    from entregent.network.search import engine

    query, _ = engine.prepare(user, outcome.case.text, thesaurus=thesaurus)
    if not query.terms:
        return Diagnosis("no_terms", outcome.relevant[0])
    scope = engine.scope_for(user, query.filters)
    backend = engine.backend()
    every = backend.candidates(query, scope, 100_000, any_group=False)
    some = backend.candidates(query, scope, 100_000, any_group=True)
    fallback = not every and len(query.groups()) > 1
    pool = (some if fallback else every)[: engine.CANDIDATES]
    documents = dict(
        SearchDocument.objects.filter(contact_id__in={*pool, *outcome.relevant}).values_list(
            "contact_id", "fields"
        )
    )
    scored = {cid: engine.score(documents.get(cid, {}), query)[0] for cid in pool}
    contacts = Contact.objects.in_bulk(list(scored))
    ranked = sorted(
        (cid for cid, value in scored.items() if value > 0),
        key=lambda c: (-scored[c], -(contacts[c].tie_strength or 0), contacts[c].display_name),
    )
    tenth = scored[ranked[K - 1]] if len(ranked) >= K else 0.0
    order = ("ranked_tie", "ranked", "zero", "cut", "partial", "no_link")
    best: tuple[int, int] = (len(order), outcome.relevant[0])
    for cid in outcome.relevant:
        if cid in pool:
            if scored[cid] <= 0:
                stage = "zero"
            elif abs(scored[cid] - tenth) < 1e-9:
                stage = "ranked_tie"
            else:
                stage = "ranked"
        elif cid in every or (fallback and cid in some):
            stage = "cut"
        elif cid in some:
            stage = "partial"
        else:
            stage = "no_link"
        best = min(best, (order.index(stage), cid))
    return Diagnosis(order[best[0]], best[1], bool(pool) and not ranked)


class Links:
    """What could connect a query to a contact's label: a word stem they share, an occupation
    the query names and the label is tagged with (thesaurus), or nothing at all."""

    def __init__(self, user: Any, thesaurus: Any) -> None:
        self.user, self.thesaurus = user, thesaurus
        self._concepts: dict[str, set[str]] = {}

    def concepts(self, text: str) -> set[str]:
        from entregent.lib.text import content_words

        if text not in self._concepts:
            self._concepts[text] = {
                c for e in self.thesaurus.expand(content_words(text)) for c in e.concepts
            }
        return self._concepts[text]

    def __call__(self, query_text: str, label: str) -> str:
        from entregent.lib.text import content_words, stems, words

        query_stems = {s for w in content_words(query_text) for s in stems(w)}
        if query_stems & {s for w in content_words(label) for s in stems(w)}:
            return "word"
        tagged = {t.concept for t in self.thesaurus.tag(words(label))}
        if tagged & self.concepts(query_text):
            return "thesaurus"
        return "none"


# Report --------------------------------------------------------------------------------------


def run(args: argparse.Namespace, fr_text: str, en_text: str) -> Report:
    from django.db import connection

    from entregent.accounts.models import User
    from entregent.lib.thesaurus import Thesaurus
    from entregent.network.models import Interaction
    from entregent.network.search import reindex_contacts

    timings: dict[str, float] = {}
    clock = time.perf_counter()
    print(
        f"Database: {connection.vendor} ({connection.settings_dict['NAME']}); search code at "
        f"{_corpus.engine_commit()}"
    )
    pages.warn_if_busy()
    esco = load_esco(fr_text, en_text, args.holdout, args.seed)
    reduced = Thesaurus.from_text(esco.reduced_text)
    full = Thesaurus.from_text(esco.full_text)
    specs, planted_list, cases = plan(esco, args.occupations, args.distractors, args.seed)
    timings["plan"] = time.perf_counter() - clock

    clock = time.perf_counter()
    user = User.objects.create_user("quality@bench.entregent.org", None)
    ids = _corpus.insert(user, specs)
    # Documents are tagged with the occupations their words name: with the reduced thesaurus,
    # so that neither side has seen the held-out labels.
    reindex_contacts(ids, thesaurus=reduced)
    pages.analyse()
    timings["fill"] = time.perf_counter() - clock
    planted = dict(zip(ids, planted_list, strict=True))
    by_key: dict[str, list[int]] = defaultdict(list)
    for cid, p in planted.items():
        if p.relevant:
            by_key[p.key].append(cid)
    relevant_count = sum(len(v) for v in by_key.values())
    interactions = Interaction.objects.filter(owner=user).count()
    variant_counts = Counter(c.variant for c in cases)
    print(
        f"Held-out thesaurus: {args.holdout:.0%} of alternative labels left out (seed "
        f"{args.seed}); {sum(esco.skipped.values())} held-out labels skipped as queries: "
        + ", ".join(f"{n} {why}" for why, n in esco.skipped.most_common())
    )
    print(
        f"Corpus: {len(by_key)} occupations, {relevant_count} contacts described with another "
        f"label of their occupation, {len(ids) - relevant_count} distractors, "
        f"{interactions:,} interactions (filled in {timings['fill']:.1f} s)."
    )
    print(
        f"Queries: {len(cases)} ("
        + ", ".join(f"{variant_counts[v]} {VARIANT_NAMES[v]}" for v in VARIANTS)
        + ")"
    )

    systems: dict[str, tuple[str, Ranker]] = {
        "entregent": ("entregent, held-out thesaurus", engine_ranker(reduced)),
        "naive": ("naive icontains baseline", naive_ranker),
        "entregent_full_thesaurus": (
            "reference: entregent, full thesaurus (has seen the queries)",
            engine_ranker(full),
        ),
    }
    results: dict[str, list[Outcome]] = {}
    indexed = reduced
    for name in ("entregent_full_thesaurus", "entregent", "naive"):
        _, ranker = systems[name]
        wanted = full if name == "entregent_full_thesaurus" else reduced
        if wanted is not indexed:
            # The reference tags documents with the full thesaurus; the others with the reduced.
            reindex_contacts(ids, thesaurus=wanted)
            indexed = wanted
        clock = time.perf_counter()
        # The first query of a member loads its vocabulary: keep it out of the timing.
        ranker(user, "warm up")
        results[name] = run_cases(user, cases, by_key, planted, ranker)
        timings[f"queries_{name}"] = time.perf_counter() - clock
        print(f"  {len(cases)} queries for {name} in {timings[f'queries_{name}']:.0f} s")

    report = Report(
        generated_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        database=connection.vendor,
        seed=args.seed,
        holdout=args.holdout,
        occupations=len(by_key),
        contacts=relevant_count,
        distractors=len(ids) - relevant_count,
        interactions=interactions,
        queries={v: variant_counts[v] for v in VARIANTS},
        skipped_held_out=dict(esco.skipped),
        targets={"hit_rate_at_10": TARGET_HIT_RATE, "mrr_at_10": TARGET_MRR},
    )
    for name, (title, _) in systems.items():
        report.systems[name] = {"title": title, **breakdown(results[name])}
    report.per_query = [
        {
            "query": case.text,
            "variant": case.variant,
            "lang": case.lang,
            **{name: first_rank(results[name][i]) for name in systems},
        }
        for i, case in enumerate(cases)
    ]
    print_scores(report, systems)

    engine_outcomes = results["entregent"]
    report.diagnosis = print_diagnosis(user, engine_outcomes, reduced, planted, esco)
    report.misses = print_misses(user, engine_outcomes, reduced, planted, args.misses, args.seed)
    report.engine_commit = _corpus.engine_commit()
    headline = report.systems["entregent"]["all"]
    report.passed = headline["hit_rate"] >= TARGET_HIT_RATE and headline["mrr"] >= TARGET_MRR
    report.seconds = {k: round(v, 1) for k, v in timings.items()}
    print_verdict(headline)
    return report


def pct(value: float) -> str:
    return f"{value:.3f}"


def print_scores(report: Report, systems: dict[str, tuple[str, Ranker]]) -> None:
    print(
        f"\nHeadline recall@10 = share of queries with at least one relevant contact in the "
        f"top {K} (hit rate). Also: mean recall@10 = mean of (relevant contacts in the top "
        f"{K}) / min(relevant contacts, {K}); MRR@10 = mean of 1/rank of the first relevant "
        f"contact, 0 when none is in the top {K}."
    )
    header = f"{'system':<58} {'queries':>7} {'recall@10':>9} {'mean rec':>8} {'MRR@10':>7}"
    print("\n" + header + "\n" + "-" * len(header))
    for name, (title, _) in systems.items():
        s = report.systems[name]["all"]
        print(
            f"{title:<58} {s['queries']:>7} {pct(s['hit_rate']):>9} {pct(s['recall']):>8} "
            f"{pct(s['mrr']):>7}"
        )

    def row(label: str, key: str, sub: str | None = None) -> None:
        cells = []
        for name in ("entregent", "naive", "entregent_full_thesaurus"):
            data = report.systems[name][key]
            s = data[sub] if sub else data
            cells.append(f"{pct(s['hit_rate']):>7} {pct(s['mrr']):>6}")
        n = (report.systems["entregent"][key][sub] if sub else report.systems["entregent"][key])[
            "queries"
        ]
        print(f"{label:<40} {n:>6}  " + "   ".join(cells))

    header = f"{'':<40} {'':>6}  {'entregent':>14}   {'naive':>14}   {'full thesaurus':>14}"
    sub = f"{'breakdown':<40} {'n':>6}  " + "   ".join([f"{'rec@10':>7} {'MRR':>6}"] * 3)
    print("\n" + header + "\n" + sub + "\n" + "-" * len(sub))
    for variant in VARIANTS:
        row(f"variant: {VARIANT_NAMES[variant]}", "by_variant", variant)
    row("same language (relevant = same lang)", "same_language")
    row("cross-language (relevant = other lang)", "cross_language")
    for lang in _corpus.LANGUAGES:
        row(f"query in {lang}", "by_query_language", lang)
    print(
        "(same/cross language: the same queries, counting as relevant only the contacts "
        "described in the query's language, or only those in the other language.)"
    )


def print_diagnosis(
    user: Any, outcomes: list[Outcome], thesaurus: Any, planted: dict[int, Planted], esco: Esco
) -> dict[str, Any]:
    from entregent.network.search import engine

    misses = [o for o in outcomes if not set(o.ranking) & set(o.relevant)]
    reasons: Counter[str] = Counter()
    by_variant: dict[str, Counter[str]] = defaultdict(Counter)
    empty = [o for o in outcomes if not o.ranking]
    empty_after_scoring = 0
    for o in misses:
        diagnosis = diagnose(user, o, thesaurus)
        reasons[diagnosis.stage] += 1
        by_variant[o.case.variant][diagnosis.stage] += 1
        empty_after_scoring += diagnosis.empty_after_scoring
    print(
        f"\nWhy entregent misses: {len(misses)} of {len(outcomes)} queries have no relevant "
        f"contact in the top {K}. The closest relevant contact's stage:"
    )
    for reason, n in reasons.most_common():
        per_variant = ", ".join(
            f"{v} {by_variant[v][reason]}" for v in VARIANTS if by_variant[v][reason]
        )
        why = REASONS[reason].format(candidates=engine.CANDIDATES)
        print(f"  {n:>5} ({n / len(misses):.0%})  {reason}: {why}  [{per_variant}]")
    print(
        f"Empty result lists: {len(empty)} queries returned nothing; for {empty_after_scoring} "
        "of them the index had found contacts matching every word but the Python scoring gave "
        "them all 0, and the engine did not fall back to partial matches."
    )

    # What links each held-out label to each relevant contact, and how often it is found.
    link = Links(user, thesaurus)
    links: dict[str, list[int]] = defaultdict(list)
    for o in outcomes:
        if o.case.variant != "base":
            continue
        for cid in o.relevant:
            kind = link(o.case.text, planted[cid].label)
            same = "same" if planted[cid].lang == o.case.lang else "cross"
            links[f"{same}:{kind}"].append(1 if cid in o.ranking else 0)
    print(
        "\nWhat links a held-out label (base queries) to each relevant contact's label, and "
        f"the share of those contacts found in the top {K}:"
    )
    header = f"{'pair':<16} {'link':<42} {'pairs':>6} {'found':>6}"
    print(header + "\n" + "-" * len(header))
    names = {
        "word": "a word stem in common",
        "thesaurus": "no common word; the thesaurus has a synonym",
        "none": "nothing (only the held-out label would link)",
    }
    table = {}
    for same in ("same", "cross"):
        for kind in ("word", "thesaurus", "none"):
            found = links.get(f"{same}:{kind}", [])
            share = statistics.fmean(found) if found else 0.0
            table[f"{same}:{kind}"] = {"pairs": len(found), "found": round(share, 4)}
            print(f"{same + ' language':<16} {names[kind]:<42} {len(found):>6} {share:>6.1%}")
    linked = [
        o
        for o in outcomes
        if o.case.variant == "base"
        and any(link(o.case.text, planted[c].label) != "none" for c in o.relevant)
    ]
    fair = scores(linked)
    print(
        f"Base queries with at least one linkable relevant contact: {fair.queries} of "
        f"{sum(1 for o in outcomes if o.case.variant == 'base')}; on them recall@10 "
        f"{fair.hit_rate:.3f}, MRR@10 {fair.mrr:.3f}."
    )
    return {
        "misses": len(misses),
        "empty_results": len(empty),
        "empty_after_scoring": empty_after_scoring,
        "reasons": dict(reasons),
        "reasons_by_variant": {v: dict(c) for v, c in by_variant.items()},
        "links_base_queries": table,
        "linkable_base_queries": asdict(fair),
    }


def describe(contact: Any) -> str:
    parts = [contact.display_name]
    for text in (contact.headline, contact.job_title):
        if text:
            parts.append(text)
    return " | ".join(parts)


def print_misses(
    user: Any,
    outcomes: list[Outcome],
    thesaurus: Any,
    planted: dict[int, Planted],
    count: int,
    seed: int,
) -> list[dict[str, Any]]:
    from entregent.network.models import Contact

    misses = [o for o in outcomes if not set(o.ranking) & set(o.relevant)]
    rng = random.Random(f"misses:{seed}")
    sample = rng.sample(misses, min(count, len(misses)))
    print(f"\n{len(sample)} misses of entregent (a seeded sample):")
    out = []
    for o in sample:
        diagnosis = diagnose(user, o, thesaurus)
        reason, cid = diagnosis.stage, diagnosis.contact
        expected = Contact.objects.get(pk=cid)
        first = Contact.objects.get(pk=o.ranking[0]) if o.ranking else None
        entry = {
            "query": o.case.text,
            "variant": o.case.variant,
            "query_language": o.case.lang,
            "held_out_label": o.case.base,
            "expected": describe(expected),
            "expected_language": planted[cid].lang,
            "expected_label": planted[cid].label,
            "reason": reason,
            "first": describe(first) if first else "",
            "first_is": planted[first.pk].label if first else "",
        }
        out.append(entry)
        print(f'- "{o.case.text}" [{o.case.variant}, {o.case.lang}] ({reason})')
        print(f"    expected ({planted[cid].lang}): {entry['expected']}")
        print(f"    came first: {entry['first'] or '(nothing found)'}")
    return out


def print_verdict(headline: dict[str, Any]) -> None:
    print()
    for name, value, target in (
        ("recall@10 (hit rate)", headline["hit_rate"], TARGET_HIT_RATE),
        ("MRR@10", headline["mrr"], TARGET_MRR),
    ):
        verdict = "PASS" if value >= target else "FAIL"
        print(f"{verdict} entregent {name} {value:.3f} (target >= {target:.2f})")


if __name__ == "__main__":
    sys.exit(main())
