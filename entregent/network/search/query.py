"""From what a member typed to a query tree both engines can run, and back to explanations.

Pure functions: a query is parsed into filters and free words; each word gets its alternatives
(the word, its stems, a prefix, known words one or two typos away, words it is part of or that
are part of it); spans of words that name an occupation get the thesaurus's other labels. The
tree renders to FTS5 or tsquery syntax from tokens that contain only letters and digits, so no
input can inject engine syntax.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from entregent.lib.text import content_words, fold, stems
from entregent.lib.thesaurus import Thesaurus, concept_token, group_token

MAX_TERMS = 8
MAX_TERM_LENGTH = 40
Kind = Literal["exact", "stem", "prefix", "typo", "part", "thesaurus"]

# How much a match of each kind is worth; a thesaurus hit ranks below any direct hit.
KIND_WEIGHTS: dict[str, float] = {
    "exact": 1.0,
    "stem": 0.9,
    "prefix": 0.7,
    "part": 0.6,
    "typo": 0.55,
    "thesaurus": 0.45,
}

_FILTER = re.compile(r"(?P<key>[^\W\d_]+):(?P<value>\"[^\"]*\"|\S+)")
# Filter names in both languages, compared folded: "étiquette:" works as well as "tag:".
_FILTER_KEYS = {
    "tag": "tag",
    "etiquette": "tag",
    "org": "organisation",
    "organisation": "organisation",
    "organization": "organisation",
    "entreprise": "organisation",
    "strength": "strength",
    "force": "strength",
    "is": "status",
    "est": "status",
}
_STATUS = {
    "due": "due",
    "relancer": "due",
    "dormant": "dormant",
    "endormi": "dormant",
    "archived": "archived",
    "archive": "archived",
    "all": "all",
    "tous": "all",
}


@dataclass
class Filters:
    tag: str = ""
    organisation: str = ""
    strength: int | None = None
    status: str = ""  # "", "due", "dormant", "archived", "all"

    def __bool__(self) -> bool:
        return bool(self.tag or self.organisation or self.strength or self.status)


def parse(text: str) -> tuple[list[str], Filters]:
    """Free words (folded, stop words dropped) and the filters written in the query."""
    text = (text or "")[:1000]
    filters = Filters()

    def take(match: re.Match[str]) -> str:
        key, value = _FILTER_KEYS.get(fold(match["key"])), match["value"].strip('"')
        if key == "tag":
            filters.tag = value
        elif key == "organisation":
            filters.organisation = value
        elif key == "strength" and value.isdigit() and 1 <= int(value) <= 5:
            filters.strength = int(value)
        elif key == "status":
            filters.status = _STATUS.get(fold(value), filters.status)
        else:
            return match.group()  # "10:30", "note:" - words, not a filter
        return " "

    free = _FILTER.sub(take, text)
    terms = [t[:MAX_TERM_LENGTH] for t in content_words(free)][:MAX_TERMS]
    return terms, filters


@dataclass
class Term:
    """One word of the query and every token that may stand for it in a document."""

    word: str
    stems: tuple[str, ...]
    typos: list[str] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    # How much the word says (rare words more): weighs the words of a partial match.
    weight: float = 1.0
    # For the word being typed: the member's words that start with it, when there are few
    # (``engine.prefix_completions``); None: the engine's own prefix operator.
    completions: list[str] | None = None
    # The word being typed: the query's last. The words before it are finished.
    last: bool = True

    @cached_property
    def all_stems(self) -> frozenset[str]:
        """The word's stems, its canonical one included: what a document word may stem to."""
        return frozenset((*self.stems, stems(self.word)[0]))

    @property
    def prefix(self) -> bool:
        """Whether the word may be the start of a longer one: only the word being typed (a
        finished word's prefix would match a large network's every "machine..." and
        "operat..."), and never one letter, which matches half the dictionary."""
        return self.last and len(self.word) >= 2

    def tokens(self) -> list[str]:
        return list(dict.fromkeys([self.word, *self.stems, *self.typos, *self.parts]))

    def direct_tokens(self) -> list[str]:
        """The word and its stems: the tokens of a direct match (no typo, part or synonym)."""
        return list(dict.fromkeys([self.word, *self.stems]))


@dataclass
class Synonyms:
    """The occupations a span of the query's terms names, as indexed tokens with weights.

    ``concepts`` are the occupations themselves; ``groups`` their ISCO groups, whose other
    occupations are neighbours worth a little ("multimedia designer" for "graphic designer").
    """

    start: int
    end: int
    concepts: dict[str, float]
    groups: dict[str, float] = field(default_factory=dict)
    how: str = "label"
    # The groups' other occupations, each weighed by how close its labels are to the query.
    neighbours: dict[str, float] = field(default_factory=dict)
    # For "similar" occupations: the best closeness of their labels to the query (0-1).
    closeness: float = 1.0

    def tokens(self) -> list[str]:
        return [*self.concepts, *self.groups]


# A term for the scoring: its word, stems, whether it is a prefix, word parts and typos.
Matcher = tuple[str, frozenset[str], bool, frozenset[str], frozenset[str]]


@dataclass
class Query:
    terms: list[Term]
    synonyms: list[Synonyms]
    filters: Filters
    # The owner tokens of the documents to search (``documents.owner_key``): the member's, and
    # where the contacts stand.
    owner_keys: list[str]
    owner_id: int = 0
    # The same documents a tie strength at a time, in rank key order (``documents.band_key``).
    bands: list[str] = field(default_factory=list)
    # What each document word is to the terms, (term index, kind of match) pairs, filled as
    # documents are scored: the same words come back in every document ("manager", "paris").
    token_kinds: dict[str, tuple[tuple[int, str], ...]] = field(
        default_factory=dict, repr=False, compare=False
    )
    # The same documents as a range of rank keys (SQLite's FTS5 rowids).
    rank_range: tuple[int, int] = (0, 0)

    @cached_property
    def matchers(self) -> list[Matcher]:
        """Each term as the scoring compares document words with it, built once the terms are
        complete (typos and parts found)."""
        return [
            (t.word, t.all_stems, t.prefix, frozenset(t.parts), frozenset(t.typos))
            for t in self.terms
        ]

    @cached_property
    def scoring_groups(self) -> list[tuple[list[int], list[Term], Synonyms | None, float]]:
        """``groups()`` as the scoring reads them, for every document: each group's terms'
        positions in ``terms``, the terms, the occupations and the terms' total weight."""
        position = {id(term): i for i, term in enumerate(self.terms)}
        return [
            ([position[id(t)] for t in terms], terms, syn, sum(t.weight for t in terms))
            for terms, syn in self.groups()
        ]

    @cached_property
    def names_occupations(self) -> bool:
        """Whether any group names occupations, which documents' tags are compared with."""
        return any(syn and syn.tokens() for _, syn in self.groups())

    def groups(self) -> list[tuple[list[Term], Synonyms | None]]:
        """The query as consecutive groups: a thesaurus span, or a single term."""
        out: list[tuple[list[Term], Synonyms | None]] = []
        by_start = {s.start: s for s in self.synonyms}
        i = 0
        while i < len(self.terms):
            syn = by_start.get(i)
            if syn:
                out.append((self.terms[syn.start : syn.end], syn))
                i = syn.end
            else:
                out.append(([self.terms[i]], None))
                i += 1
        return out


def build_terms(words: list[str]) -> list[Term]:
    return [
        Term(word=w, stems=tuple(s for s in stems(w) if s != w), last=i == len(words) - 1)
        for i, w in enumerate(words)
    ]


def expand_synonyms(words: list[str], thesaurus: Thesaurus) -> list[Synonyms]:
    out = []
    for expansion in thesaurus.expand(words):
        related = thesaurus.related(expansion)
        neighbours = thesaurus.neighbours(expansion, words)
        out.append(
            Synonyms(
                expansion.span[0],
                expansion.span[1],
                {concept_token(c): w for c, w in expansion.concepts.items()},
                {group_token(g): w for g, w in related.items()},
                expansion.how,
                {concept_token(c): w for c, w in neighbours.items()},
                max(expansion.concepts.values(), default=0.0) / 0.8
                if expansion.how == "similar"
                else 1.0,
            )
        )
    return out


# Rendering. Tokens come from lib.text.words(): letters and digits only, so quoting is enough.


def _fts_any(term: Term, prefix: bool = True) -> str:
    return "(" + " OR ".join(_fts_tokens(term.tokens(), term, prefix)) + ")"


def _fts_tokens(tokens: list[str], term: Term, prefix: bool) -> list[str]:
    parts = [f'"{t}"' for t in tokens]
    if term.prefix and prefix:
        parts += _prefix(term, lambda word: f'"{word}"*', lambda word: f'"{word}"')
    return list(dict.fromkeys(parts))


def _prefix(term: Term, operator: Callable[[str], str], token: Callable[[str], str]) -> list[str]:
    """The typed word's completions as tokens: the words the member's network holds, looked
    up one by one in the index, where the engines' prefix operator reads every entry of the
    whole index that starts with it (PostgreSQL: 4 ms for "projet:*" at 100,000 contacts, at
    each of the queries' scans); the operator when there are too many."""
    if term.completions is None:
        return [operator(term.word)]
    return [token(word) for word in term.completions]


# The fallback's OR over a long sentence would match most of a large network and cost the
# engine its ranking of them all: its most telling words are enough to find the candidates.
FALLBACK_WORDS = 3


def _fallback_terms(query: Query) -> set[int]:
    ranked = sorted(query.terms, key=lambda t: -t.weight)
    return {id(t) for t in ranked[:FALLBACK_WORDS]}


def _fts_direct(term: Term) -> str:
    return "(" + " OR ".join(_fts_tokens(term.direct_tokens(), term, True)) + ")"


def to_fts5(
    query: Query, any_group: bool = False, direct: bool = False, owners: bool = True
) -> str:
    """The FTS5 MATCH expression: every group of the query (any of them for the fallback).

    ``direct``: only the query's own words, their stems and the typed word's prefix, in the
    main fields (names, what they do, job title, organisation, tags): the matches that rank
    first, fetched first (see ``Backend.candidates``).

    ``owners``: whether the expression names the owner keys; without them, the caller
    restricts the rowids to ``query.rank_range``.
    """
    restrict = (
        "owner_key : (" + " OR ".join(f'"{k}"' for k in query.owner_keys) + ") AND "
        if owners
        else ""
    )
    if direct:
        words = " AND ".join(_fts_direct(t) for t in query.terms)
        return f"{restrict}main : ({words})"
    groups = []
    telling = _fallback_terms(query)
    for terms, syn in query.groups():
        # Any word will do for the fallback, even inside a group that the thesaurus names;
        # whole words only: a prefix of each word of a sentence matches half the network.
        if any_group:
            terms = [t for t in terms if id(t) in telling]
            if not terms and not (syn and syn.tokens()):
                continue
        own = (" OR " if any_group else " AND ").join(
            _fts_any(t, prefix=not any_group) for t in terms
        )
        if syn and syn.tokens():
            alternatives = [f"({own})"] if own else []
            alternatives += [f'"{t}"' for t in syn.tokens()]
            groups.append("(" + " OR ".join(alternatives) + ")")
        else:
            groups.append(f"({own})")
    joiner = " OR " if any_group else " AND "
    return f"{restrict}(" + joiner.join(groups) + ")"


def _ts_any(term: Term, prefix: bool = True) -> str:
    return "(" + " | ".join(_ts_tokens(term.tokens(), term, prefix)) + ")"


def _ts_tokens(tokens: list[str], term: Term, prefix: bool) -> list[str]:
    if term.prefix and prefix:
        tokens = tokens + _prefix(term, lambda word: f"{word}:*", lambda word: word)
    return list(dict.fromkeys(tokens))


def _ts_direct(term: Term) -> str:
    return "(" + " | ".join(_ts_tokens(term.direct_tokens(), term, True)) + ")"


def partial_tsqueries(query: Query) -> list[tuple[str, float]]:
    """Each word of the fallback, and each occupation the query names, as its own tsquery
    with what matching it is worth (the word's weight, rare words more; an occupation, the
    words it stands for), for PostgreSQL to gather and order partial matches as the ranking
    in Python does: ts_rank knows nothing of how rare a word is, and gave a sentence's
    common words ("machines") the page."""
    telling = _fallback_terms(query)
    out = []
    for terms, syn in query.groups():
        # Each word on its own, worth its own weight: as one group, "contracts manager" gave
        # every manager the weight of both words, above the rare word that tells
        # ("futures" in "futures contracts manager").
        out += [(" | ".join(t.tokens()), t.weight) for t in terms if id(t) in telling]
        if syn and syn.tokens():
            # The occupation the words name stands for all of them.
            out.append((" | ".join(syn.tokens()), sum(t.weight for t in terms)))
    return out


def to_tsquery(
    query: Query, any_group: bool = False, direct: bool = False, owners: bool = True
) -> str:
    """The tsquery of ``to_fts5``'s expression, for PostgreSQL (``direct``: to match the main
    fields' own tsvector; without ``owners``, the caller adds the owner tokens)."""
    restrict = "(" + " | ".join(query.owner_keys) + ") & " if owners else ""
    if direct:
        return f"{restrict}(" + " & ".join(_ts_direct(t) for t in query.terms) + ")"
    groups = []
    telling = _fallback_terms(query)
    for terms, syn in query.groups():
        if any_group:
            terms = [t for t in terms if id(t) in telling]
            if not terms and not (syn and syn.tokens()):
                continue
        own = (" | " if any_group else " & ").join(_ts_any(t, prefix=not any_group) for t in terms)
        if syn and syn.tokens():
            alternatives = [f"({own})"] if own else []
            groups.append("(" + " | ".join([*alternatives, *syn.tokens()]) + ")")
        else:
            groups.append(f"({own})")
    joiner = " | " if any_group else " & "
    return f"{restrict}(" + joiner.join(groups) + ")"
