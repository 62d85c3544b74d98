"""Ask my network: the search itself.

1. ``query.parse`` splits filters from words; each word gets its alternatives (stems, prefix,
   typos and word parts found in the member's own vocabulary), spans naming an occupation get
   the thesaurus's other labels.
2. The database's own full-text engine (SQLite FTS5 or PostgreSQL tsvector) finds the matching
   documents of this member only (every document carries its owner's key) and returns the best
   few hundred by its own rank.
3. Python scores those candidates the same way on both databases (field weight x match kind),
   explains each match with a highlighted snippet of the original text, and adds "via" contacts
   who can introduce the member.

All words, on both sides, went through ``lib.text``: the engines only compare plain tokens.
"""

from __future__ import annotations

import bisect
import contextlib
import html
import itertools
import json
import re
import threading
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db import connection, transaction
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from rapidfuzz import process
from rapidfuzz.distance import OSA

from entregent.lib.text import stems, word_spans
from entregent.lib.thesaurus import Thesaurus, default_thesaurus
from entregent.network.models import (
    Contact,
    ContactQuerySet,
    Interaction,
    Relationship,
    SearchTerm,
)
from entregent.network.search import documents
from entregent.network.search import query as q
from entregent.network.search.documents import (
    CONCEPTS,
    CONTACT_MASK,
    TIES,
    owner_key,
    vocabulary_version_key,
)

if TYPE_CHECKING:
    from entregent.accounts.models import User

# The engine's best few, ranked again in Python: three pages' worth. Scoring a candidate costs
# about 40 µs; 60 instead of 100 left the quality benchmark unchanged (recall@10 0.902, MRR
# 0.789) and took 2 ms off a search at 100,000 contacts.
CANDIDATES = 60
# Partial matches only fill what is left of a page: fewer are enough.
PARTIAL_CANDIDATES = 50
PARTIAL_SHOWN = 10
# The typed word's completions looked up one by one, up to this many (``query._prefix``).
COMPLETIONS = 32
# What a match in each field is worth: what people do first, then who they are, then what
# was said of them.
FIELD_WEIGHTS: dict[str, float] = {
    "headline": 1.0,
    "job_title": 1.0,
    "names": 0.95,
    "tags": 0.8,
    "organisation": 0.7,
    "met": 0.45,
    "notes": 0.45,
    "interactions": 0.4,
}
FIELD_LABELS = {
    "names": _("name"),
    "headline": _("what they do"),
    "job_title": _("job title"),
    "organisation": _("organisation"),
    "tags": _("tags"),
    "met": _("how we met"),
    "notes": _("notes"),
    "interactions": _("interactions"),
}


@dataclass
class Match:
    field: str
    kind: str
    tokens: set[str]


@dataclass
class Hit:
    contact: Contact
    score: float
    matches: list[Match]
    partial: bool = False  # matches some of the query's words only
    snippets: list[tuple[str, SafeString]] = field(default_factory=list)
    via: list[Contact] = field(default_factory=list)

    @property
    def matched_fields(self) -> list[str]:
        return list(dict.fromkeys(m.field for m in self.matches))


@dataclass
class Results:
    query: str
    terms: list[str]
    hits: list[Hit]
    partial: bool = False  # no contact matches every word: every hit is a partial match
    filters: q.Filters = field(default_factory=q.Filters)
    total: int = 0

    @property
    def full_hits(self) -> list[Hit]:
        return [h for h in self.hits if not h.partial]

    @property
    def partial_hits(self) -> list[Hit]:
        return [h for h in self.hits if h.partial]


# --- the member's vocabulary, kept in memory per process --------------------------------------


class _Vocabulary:
    def __init__(self, version: str) -> None:
        self.version = version
        self.words: set[str] = set()
        self.by_length: dict[int, list[str]] = defaultdict(list)
        self.stems: set[str] = set()
        self.ordered: list[str] | None = None  # sorted, on first use

    def load(self, owner_id: int) -> None:
        for word in SearchTerm.objects.filter(owner_id=owner_id).values_list("word", flat=True):
            if word not in self.words:
                self.words.add(word)
                self.by_length[len(word)].append(word)
                self.stems.add(stems(word)[0])

    def completions(self, prefix: str, limit: int) -> list[str] | None:
        """The words that start with ``prefix`` (itself aside), or None if more than ``limit``."""
        if self.ordered is None:
            self.ordered = sorted(self.words)
        found: list[str] = []
        for word in itertools.islice(self.ordered, bisect.bisect_left(self.ordered, prefix), None):
            if not word.startswith(prefix):
                break
            if word != prefix:
                if len(found) == limit:
                    return None
                found.append(word)
        return found

    def knows(self, word: str) -> bool:
        """Whether the member's contacts hold this word, or another form of it."""
        return word in self.words or stems(word)[0] in self.stems


_vocabularies: dict[int, _Vocabulary] = {}
_lock = threading.Lock()


def vocabulary(owner_id: int) -> _Vocabulary:
    """The member's vocabulary, reloaded when another write changed it (any process).

    The version lives in Django's cache: with the database cache it rolls back with the words
    it describes, so a cached vocabulary never outlives a rolled-back write.
    """
    version = cache.get(vocabulary_version_key(owner_id))
    if version is None:
        version = uuid.uuid4().hex
        cache.add(vocabulary_version_key(owner_id), version, timeout=None)
    with _lock:
        vocab = _vocabularies.get(owner_id)
        if vocab is None or vocab.version != version:
            vocab = _Vocabulary(version)
            vocab.load(owner_id)
            _vocabularies[owner_id] = vocab
        return vocab


def max_typos(word: str) -> int:
    """One typo in words of 5 letters or more, two in 9 or more.

    A typo is an insertion, a deletion, a substitution or two neighbours swapped (optimal
    string alignment distance), so "raect" is one typo away from "react".
    """
    return 2 if len(word) >= 9 else 1 if len(word) >= 5 else 0


def typo_candidates(word: str, vocab: _Vocabulary, limit: int = 12) -> list[str]:
    k = max_typos(word)
    if not k:
        return []
    pool = [w for n in range(len(word) - k, len(word) + k + 1) for w in vocab.by_length.get(n, [])]
    found = process.extract(word, pool, scorer=OSA.distance, score_cutoff=k, limit=limit * 3)
    # Closest first; a typo must not also be a mere prefix or the word itself.
    ranked = sorted((dist, w) for w, dist, _ in found if w != word)
    return [w for _, w in ranked[:limit]]


def contained_parts(word: str, vocab: _Vocabulary) -> list[str]:
    """Known words inside this one: "infographiste" contains "graphiste"."""
    if len(word) < 6:
        return []
    smallest = max(5, (len(word) + 1) // 2)
    found = []
    for size in range(len(word) - 1, smallest - 1, -1):
        for start in range(0, len(word) - size + 1):
            piece = word[start : start + size]
            if piece in vocab.words:
                found.append(piece)
    return found[:6]


# --- engines ----------------------------------------------------------------------------------


# How many matches, read in rank key order, the engine's ranking function looks at: bm25 and
# ts_rank cost about 1 µs per matching row and word, so a word that 28,000 of 100,000
# documents hold cost 35 ms to rank in full; in a window of 2,000 it costs about 3, and
# below 2,000 matches (most queries, every query of a small network) nothing is left out.
RANKED_WINDOW = 2000


# Set while PostgreSQL's candidate queries run with their planner settings (``planner()``).
_PLANNER_SET: ContextVar[bool] = ContextVar("search_planner_set", default=False)


class Backend:
    def candidates(
        self, query: q.Query, scope: ContactQuerySet | None, limit: int, any_group: bool
    ) -> list[int]:
        """Up to ``limit`` matching contacts within ``scope`` (None: the member's active
        contacts, the search without filters), for the ranking in Python to order.

        Two tiers. First the query's own words (and stems, and the typed word's prefix) in
        the main fields, from an index of the main fields alone: the direct hits, which rank
        first, read in rank key order (closest ties first) and stopped at ``limit``. Then,
        if there is room, every match, best first by the engine's ranking function (bm25,
        ts_rank: it weighs rare words, such as an occupation's token, above common ones)
        within the first ``RANKED_WINDOW`` matches in rank key order.
        """
        if any_group:
            return self.ranked(query, scope, limit, any_group=True)
        found = self.direct(query, scope, limit)
        if len(found) < limit:
            seen = set(found)
            more = self.ranked(query, scope, limit, any_group=False)
            found += [i for i in more if i not in seen][: limit - len(found)]
        return found

    def direct(self, query: q.Query, scope: ContactQuerySet | None, limit: int) -> list[int]:
        """The first ``limit`` direct hits in the main fields, in rank key order."""
        raise NotImplementedError

    def ranked(
        self, query: q.Query, scope: ContactQuerySet | None, limit: int, *, any_group: bool
    ) -> list[int]:
        """The best ``limit`` matches by the engine's rank, within ``RANKED_WINDOW``."""
        raise NotImplementedError

    def containing(self, owner_id: int, wanted: list[list[str]]) -> list[list[str]]:
        """For each list of pieces, the member's known words that contain one of them (pieces
        of 3 letters or more), shortest first, 20 a piece: in one query."""
        arms, params = [], []
        for n, pieces in enumerate(wanted):
            pieces = [p for p in pieces if len(p) >= 3]
            if pieces:
                sql, arm_params = self._containing(owner_id, pieces, 20 * len(pieces))
                arms.append(f"SELECT {n}, word FROM ({sql}) arm{n}")
                params += arm_params
        found: list[list[str]] = [[] for _ in wanted]
        if arms:
            with connection.cursor() as cursor:
                cursor.execute(" UNION ALL ".join(arms), params)
                for n, word in cursor.fetchall():
                    found[n].append(word)
        return [sorted(words, key=lambda w: (len(w), w)) for words in found]

    def _containing(self, owner_id: int, pieces: list[str], limit: int) -> tuple[str, list[Any]]:
        """The query of the member's words that contain one of ``pieces``, as ``word``."""
        raise NotImplementedError


class SQLiteBackend(Backend):
    # The member's documents are a range of rowids (``documents.owner_range``), which FTS5
    # walks directly: an owner phrase in MATCH made bm25 count every document of the member
    # (5 ms a query at 100,000 contacts), and read the owner's doclist in every query.

    def direct(self, query: q.Query, scope: ContactQuerySet | None, limit: int) -> list[int]:
        # The main fields' own table (migration 0009), walked in rowid (rank key) order,
        # which LIMIT stops.
        table = "network_search_main"
        where, params = self._where(
            table, q.to_fts5(query, direct=True, owners=False), query, scope
        )
        sql = f"SELECT rowid FROM {table} WHERE {where} ORDER BY rowid LIMIT %s"
        return self._ids(sql, [*params, limit])

    def ranked(
        self, query: q.Query, scope: ContactQuerySet | None, limit: int, *, any_group: bool
    ) -> list[int]:
        table = "network_search_fts"
        where, params = self._where(table, q.to_fts5(query, any_group, owners=False), query, scope)
        sql = (
            f"SELECT rowid FROM (SELECT rowid, bm25({table}, 0.0, 4.0, 1.0) AS score "
            f"FROM {table} WHERE {where} ORDER BY rowid LIMIT %s) ORDER BY score LIMIT %s"
        )
        return self._ids(sql, [*params, RANKED_WINDOW, limit])

    @staticmethod
    def _where(
        table: str, match: str, query: q.Query, scope: ContactQuerySet | None
    ) -> tuple[str, list[Any]]:
        first, last = query.rank_range
        condition = f"{table} MATCH %s AND {table}.rowid BETWEEN %s AND %s"
        if scope is None:
            # The range says "the member's active contacts": the index alone answers.
            return condition, [match, first, last]
        scope_sql, scope_params = scope.order_by().values("pk").query.sql_with_params()
        # MATCH drives, and each match is looked up in the scope by its primary key until
        # the page is full. "IN (scope)" would build the whole scope first (every dormant
        # contact: 43 ms at 100,000 contacts, against 0.6), and "rowid IN (...)" would be
        # handed to FTS5, which then looks each contact of the scope up in the index.
        return (
            f"{condition} AND EXISTS (SELECT 1 FROM ({scope_sql}) scope "
            f"WHERE scope.pk = ({table}.rowid & {CONTACT_MASK}))",
            [match, first, last, *scope_params],
        )

    @staticmethod
    def _ids(sql: str, params: list[Any]) -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [row[0] & CONTACT_MASK for row in cursor.fetchall()]

    def _containing(self, owner_id: int, pieces: list[str], limit: int) -> tuple[str, list[Any]]:
        sql = (
            "SELECT t.word FROM network_searchterm_tri f "
            "JOIN network_searchterm t ON t.id = f.rowid "
            "WHERE network_searchterm_tri MATCH %s AND t.owner_id = %s "
            "ORDER BY length(t.word), t.word LIMIT %s"
        )
        return sql, [" OR ".join(f'"{p}"' for p in pieces), owner_id, limit]


# The expression of migration 0009's index over the main fields, for its queries to use it.
MAIN_TSVECTOR = "(to_tsvector('simple', d.owner_key) || to_tsvector('simple', d.main))"


class PostgresBackend(Backend):
    # GIN gives matches in no useful order: "ORDER BY rank_key LIMIT 60" read every match's
    # row to sort them (5,400 rows and 12 to 44 ms for "manager" at 100,000 contacts, against
    # 2 ms for any 60 of them). So each query first reads a few more matches than it needs,
    # in no order (``_first``): when that is all of them, they are sorted; when there are
    # more, the rank key order is read a band at a time, closest ties first, as the owner
    # tokens also name the tie strength (``documents.owner_key``): the arms of a UNION ALL,
    # which PostgreSQL runs in turn (parallel plans are off, ``planner()``) until the LIMIT,
    # each arm stopping at its own. Bands cost a scan of the GIN index each, which is why
    # they are kept for queries with many matches. Within a band, matches come in the
    # table's order rather than the contact id's: which of more than a page of equally close
    # matches are read is as arbitrary as before.

    # Half SQLite's window: ts_rank reads and decompresses each row's whole tsvector, where
    # bm25 reads the positions of the query's words only. Measured at 100,000 contacts: p50
    # 27 -> 24 ms, p95 98 -> 81, for one query of the quality benchmark's 1,976 (recall@10
    # 0.898 -> 0.897).
    WINDOW = RANKED_WINDOW // 2
    # How many more matches than asked for a query first reads, unordered (``_first``).
    PROBE = 100
    # The partial tier's windows, shared among the query's words: its matches are then each
    # checked against every word and ts_ranked, 8 µs a row. 300 rather than 1,000: the long
    # sentences' p95 at 10,000 contacts, for recall@10 0.904 -> 0.903 (quality benchmark).
    PARTIAL_WINDOW = 300

    def direct(self, query: q.Query, scope: ContactQuerySet | None, limit: int) -> list[int]:
        # The main fields' own index (migration 0009), on this very expression.
        words = q.to_tsquery(query, direct=True, owners=False)
        sql, params = self._first(MAIN_TSVECTOR, words, query, scope, ["contact_id"], limit)
        return self._ids(sql, params)

    def ranked(
        self, query: q.Query, scope: ContactQuerySet | None, limit: int, *, any_group: bool
    ) -> list[int]:
        groups = q.partial_tsqueries(query) if any_group else []
        if len(groups) > 1:
            return self._ranked_partial(query, scope, limit, groups)
        words = q.to_tsquery(query, any_group, owners=False)
        window, params = self._first(
            "d.tsv", words, query, scope, ["contact_id", "tsv", "rank_key"], self.WINDOW
        )
        sql = f"SELECT contact_id FROM ({window}) w ORDER BY {self.RANK}, w.rank_key LIMIT %s"
        return self._ids(sql, [*params, q.to_tsquery(query, any_group), limit])

    # ts_rank's weights are D (the owner key, worth nothing), C (other fields), B (unused) and
    # A (main fields): main fields count four times the others, as in SQLite's bm25.
    RANK = "ts_rank('{0, 0.25, 0.4, 1}', w.tsv, to_tsquery('simple', %s), 1) DESC"

    def _ranked_partial(
        self,
        query: q.Query,
        scope: ContactQuerySet | None,
        limit: int,
        groups: list[tuple[str, float]],
    ) -> list[int]:
        """Partial matches, with a window per group of words rather than one for all: in a
        single window in rank key order, the matches of a common word ("manager": thousands)
        fill it before those of the rare one that tells ("futures"), which bm25's IDF would
        have brought up but ts_rank cannot. Then the best first by the weight of the words
        they match, as in Python, and ts_rank among equals."""
        per_group = max(self.PARTIAL_WINDOW // len(groups), 100)
        windows, params = [], []
        for tsquery, _weight in groups:
            window, window_params = self._first(
                "d.tsv", tsquery, query, scope, ["contact_id"], per_group
            )
            windows.append(f"({window})")
            params += window_params
        order, order_params = "", []
        for tsquery, weight in groups:
            order += "CASE WHEN w.tsv @@ to_tsquery('simple', %s) THEN %s ELSE 0 END + "
            order_params += [tsquery, weight]
        sql = (
            "SELECT w.contact_id FROM network_searchdocument w WHERE w.contact_id IN "
            f"({' UNION '.join(windows)}) ORDER BY ({order}0) DESC, {self.RANK}, "
            "w.rank_key LIMIT %s"
        )
        match = q.to_tsquery(query, any_group=True)
        return self._ids(sql, [*params, *order_params, match, limit])

    def _first(
        self,
        vector: str,
        words: str,
        query: q.Query,
        scope: ContactQuerySet | None,
        columns: list[str],
        limit: int,
    ) -> tuple[str, list[Any]]:
        """The first ``limit`` documents in rank key order whose ``vector`` matches ``words``,
        as ``columns``: the probe's matches sorted when it holds them all, else band by band."""
        selected = ", ".join(f"d.{c}" for c in columns)
        owners = " | ".join(query.owner_keys)
        where, params = self._where(vector, f"({owners}) & ({words})", query, scope)
        if self._filtered(query, scope):
            # A filter narrows the matches: sorting them is cheaper than a scan of the
            # filter's rows and of the index per band.
            sql = f"SELECT {selected} FROM network_searchdocument d WHERE {where} "
            return sql + "ORDER BY d.rank_key LIMIT %s", [*params, limit]
        probe = limit + self.PROBE
        params += [probe, probe, limit]
        arms = []
        for key in query.bands:
            arm_where, arm_params = self._where(vector, f"{key} & ({words})", query, scope)
            arms.append(
                f"(SELECT {selected} FROM network_searchdocument d WHERE {arm_where} LIMIT %s)"
            )
            params += [*arm_params, limit]
        sql = (
            f"WITH probe AS MATERIALIZED (SELECT {selected}, d.rank_key AS probe_key "
            f"FROM network_searchdocument d WHERE {where} LIMIT %s) "
            f"(SELECT {', '.join(columns)} FROM probe WHERE (SELECT count(*) FROM probe) < %s "
            "ORDER BY probe_key LIMIT %s) UNION ALL "
            f"(SELECT * FROM ({' UNION ALL '.join(arms)}) banded "
            "WHERE (SELECT count(*) FROM probe) >= %s LIMIT %s)"
        )
        return sql, [*params, probe, limit]

    @staticmethod
    def _filtered(query: q.Query, scope: ContactQuerySet | None) -> bool:
        """Whether the search needs its scope beside the owner tokens, which already say whose
        documents, in which state and how close a tie (the status "archived" or "all", and a
        strength filter, need nothing more)."""
        filters = query.filters
        return scope is not None and bool(
            filters.tag or filters.organisation or filters.status in ("due", "dormant")
        )

    @staticmethod
    def _where(
        vector: str, match: str, query: q.Query, scope: ContactQuerySet | None
    ) -> tuple[str, list[Any]]:
        condition = f"{vector} @@ to_tsquery('simple', %s)"
        if scope is None or not PostgresBackend._filtered(query, scope):
            return condition, [match]
        filters = query.filters
        if filters.tag and not filters.organisation and filters.status not in ("due", "dormant"):
            # A tag, and what the tokens say: the tag's own rows are the whole filter, read
            # from their index, rather than every contact of the member hashed first (13 ->
            # 2.6 ms at 10,000 contacts).
            tagged = Contact.tags.through.objects.filter(
                tag__owner_id=query.owner_id, tag__name__iexact=filters.tag
            ).values("contact_id")
            scope_sql, scope_params = tagged.query.sql_with_params()
        else:
            scope_sql, scope_params = scope.order_by().values("pk").query.sql_with_params()
        return f"{condition} AND d.contact_id IN ({scope_sql})", [match, *scope_params]

    def candidates(
        self, query: q.Query, scope: ContactQuerySet | None, limit: int, any_group: bool
    ) -> list[int]:
        # Both tiers under one setting of the planner: one transaction, not one per tier.
        with self.planner():
            return super().candidates(query, scope, limit, any_group)

    @staticmethod
    @contextlib.contextmanager
    def planner() -> Iterator[None]:
        """PostgreSQL's cost model does not count reading each row's tsvector out of TOAST,
        so it prefers scanning every document to the GIN index (22 ms instead of 7 at 10,000
        contacts), and starts parallel workers for a few hundred rows: both are switched off
        for the candidate queries, in a transaction, and the previous values put back."""
        if _PLANNER_SET.get():
            yield
            return
        outer = connection.in_atomic_block
        with transaction.atomic(), connection.cursor() as cursor:
            if outer:
                # Inside someone else's transaction the settings would outlive this block.
                cursor.execute(
                    "SELECT current_setting('enable_seqscan'), "
                    "current_setting('max_parallel_workers_per_gather')"
                )
                previous = cursor.fetchone()
            cursor.execute(
                "SELECT set_config('enable_seqscan', 'off', true), "
                "set_config('max_parallel_workers_per_gather', '0', true)"
            )
            token = _PLANNER_SET.set(True)
            try:
                yield
            finally:
                _PLANNER_SET.reset(token)
                if outer:
                    cursor.execute(
                        "SELECT set_config('enable_seqscan', %s, true), "
                        "set_config('max_parallel_workers_per_gather', %s, true)",
                        list(previous),
                    )

    @staticmethod
    def _ids(sql: str, params: list[Any]) -> list[int]:
        with PostgresBackend.planner(), connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [row[0] for row in cursor.fetchall()]

    def _containing(self, owner_id: int, pieces: list[str], limit: int) -> tuple[str, list[Any]]:
        likes = " OR ".join(["word LIKE %s"] * len(pieces))
        sql = (
            f"SELECT word FROM network_searchterm WHERE owner_id = %s AND ({likes}) "
            "ORDER BY length(word), word LIMIT %s"
        )
        return sql, [owner_id, *(f"%{p}%" for p in pieces), limit]


def backend() -> Backend:
    return PostgresBackend() if connection.vendor == "postgresql" else SQLiteBackend()


# --- scoring ----------------------------------------------------------------------------------


def _classify(token: str, matchers: list[q.Matcher]) -> tuple[tuple[int, str], ...]:
    """What a document's word is to each term of the query: (term index, kind of match)."""
    token_stems: frozenset[str] | None = None
    out = []
    for i, (word, wanted, prefix, parts, typos) in enumerate(matchers):
        if token == word:
            out.append((i, "exact"))
            continue
        if token_stems is None:
            token_stems = frozenset(stems(token))
        if token in wanted or not wanted.isdisjoint(token_stems):
            out.append((i, "stem"))
        elif prefix and token.startswith(word):
            out.append((i, "prefix"))
        elif token in parts:
            out.append((i, "part"))
        elif token in typos:
            out.append((i, "typo"))
    return tuple(out)


_FIELD_ORDER = sorted(FIELD_WEIGHTS, key=lambda name: -FIELD_WEIGHTS[name])


class _Words(dict[str, list[str]]):
    """A document's words by field, split on first use: most candidates never need their
    long fields (notes, interactions), whose weight cannot beat a match found before them."""

    def __init__(self, texts: dict[str, str]) -> None:
        super().__init__()
        self.texts = texts
        # Heaviest first, whatever order the database kept (jsonb sorts keys by length), so
        # that lighter fields are skipped as soon as they cannot win.
        self.names = [name for name in _FIELD_ORDER if name in texts]

    def __missing__(self, name: str) -> list[str]:
        words = self[name] = self.texts.get(name, "").split()
        return words


def _best_term_matches(fields: _Words, query: q.Query) -> tuple[list[float], list[Match | None]]:
    """Each term's best match in the document: its field's weight times its kind of match,
    and the words matched, aligned with ``query.terms``.

    One pass over each field's words for all the terms (a pass per term cost a long sentence
    its words times the candidates' words in dictionary lookups); what each word is to each
    term is worked out once per query (``Query.token_kinds``).
    """
    terms = query.terms
    best = [0.0] * len(terms)
    best_match: list[Match | None] = [None] * len(terms)
    cache = query.token_kinds
    for name in fields.names:
        weight = FIELD_WEIGHTS.get(name, 0.3)
        # The most this field can give, with its specificity bonus: terms already matched
        # better elsewhere skip it, and the field is not even split when none is left.
        bound = weight * 1.1
        active = {i for i in range(len(terms)) if bound > best[i]}
        if not active:
            continue
        tokens = fields[name]
        # Per term: the field's best kind of match, its weight and its words.
        found: dict[int, tuple[str, float, set[str]]] = {}
        for token in tokens:
            hits = cache.get(token)
            if hits is None:
                hits = cache[token] = _classify(token, query.matchers)
            for i, kind in hits:
                kind_weight = q.KIND_WEIGHTS[kind]
                current = found.get(i)
                if current is None or kind_weight > current[1]:
                    found[i] = (kind, kind_weight, {token})
                elif kind == current[0]:
                    current[2].add(token)
        for i, (kind, kind_weight, words) in found.items():
            if i not in active:
                continue
            # A word in a short field says more than the same word in a long one
            # ("Supervisor" beats "Ultrasonic metal welder supervisor"): a small bonus, enough
            # to break ties, computed here rather than taken from the engine so both
            # databases agree.
            value = weight * kind_weight * (1 + 0.1 / len(tokens))
            if value > best[i]:
                best[i], best_match[i] = value, Match(name, kind, words)
    return best, best_match


# What a tag is worth by kind: a label, the end of a compound word, the same in a complement.
_TAG_KINDS = {"e": 1.0, "c": 0.8, "E": 0.5, "C": 0.4}


def _concept_entries(text: str) -> list[tuple[str, str, str, int, int, float]]:
    """A document's tagged occupations: (field, occupation, group, start, end, worth)."""
    out = []
    for entry in text.split():
        name, concept, group, start, end, kind = entry.split("/")
        out.append((name, concept, group, int(start), int(end), _TAG_KINDS.get(kind, 1.0)))
    return out


def _concept_match(
    entries: list[tuple[str, str, str, int, int, float]],
    fields: _Words,
    syn: q.Synonyms,
) -> tuple[float, Match | None]:
    best, best_match = 0.0, None
    for name, concept, group, start, end, worth in entries:
        weight = syn.concepts.get(concept) or syn.neighbours.get(concept) or syn.groups.get(group)
        if not weight:
            continue
        tokens = fields[name]
        value = FIELD_WEIGHTS.get(name, 0.3) * q.KIND_WEIGHTS["thesaurus"] * weight
        # As for words: an occupation that is the whole field says more than one among many.
        value *= worth * (1 + 0.1 * (end - start) / max(len(tokens), 1))
        if value > best:
            best, best_match = value, Match(name, "thesaurus", set(tokens[start:end]))
    return best, best_match


def score(document_fields: dict[str, str], query: q.Query) -> tuple[float, list[Match]]:
    """A document's score for the query and what matched; a document matching some groups
    only gets that share of its score."""
    value, matches, _ = score_detail(document_fields, query)
    return value, matches


def score_detail(
    document_fields: dict[str, str], query: q.Query
) -> tuple[float, list[Match], bool]:
    """``score()``, and whether the document matches every group of the query."""
    fields = _Words(document_fields)
    concepts = document_fields.get(CONCEPTS, "")
    entries = _concept_entries(concepts) if concepts and query.names_occupations else []
    total, matches, matched_groups = 0.0, [], 0.0
    complete = True
    best, best_match = _best_term_matches(fields, query)
    for positions, terms, syn, weights in query.scoring_groups:
        direct = [(best[i], best_match[i]) for i in positions]
        group_matches = [m for _, m in direct if m]
        # Words matched directly count for what they are: a partial match of a group scores
        # its share, so that the fallback can rank "auto electrician" for "van electricians".
        group_score = sum(s * t.weight for (s, _), t in zip(direct, terms, strict=True)) / weights
        share = sum(t.weight for (_, m), t in zip(direct, terms, strict=True) if m) / weights
        if syn and entries:
            value, match = _concept_match(entries, fields, syn)
            # An occupation close to the query, not named by it ("similar"), stands for the
            # words it shares only: a partial match, ranked with the others by score.
            covered = syn.closeness if syn.how == "similar" else 1.0
            if value * covered > group_score * share and match:
                group_score, group_matches, share = value, [match], covered
        complete = complete and share == 1.0
        matched_groups += share
        total += group_score * len(terms)
        matches.extend(group_matches)
    query_groups = query.scoring_groups
    groups = len(query_groups)
    # Every group matched in one field (a phrase-like hit) is worth a little more.
    if matches and groups > 1 and len({m.field for m in matches}) == 1:
        total *= 1.15
    value = total * (matched_groups / groups if groups else 0)
    return value, matches, bool(groups) and complete


# --- snippets ---------------------------------------------------------------------------------

_SNIPPET_CHARS = 160


def highlight(text: str, tokens: set[str], prefixes: tuple[str, ...] = ()) -> SafeString:
    """The text (cut around the first match when long), matched words wrapped in <mark>."""
    spans = [
        s
        for s in word_spans(text)
        if s.token in tokens or (prefixes and s.token.startswith(prefixes))
    ]
    if not spans:
        return mark_safe(html.escape(_shorten(text, 0)))
    start = 0
    if len(text) > _SNIPPET_CHARS:
        start = max(0, spans[0].start - 40)
        # Start on a word boundary.
        space = text.rfind(" ", 0, start)
        start = 0 if space < 0 else space + 1
    end = min(len(text), start + _SNIPPET_CHARS)
    out, cursor = [], start
    for span in spans:
        if span.start < cursor or span.end > end:
            continue
        out.append(html.escape(text[cursor : span.start]))
        out.append(f"<mark>{html.escape(text[span.start : span.end])}</mark>")
        cursor = span.end
    out.append(html.escape(text[cursor:end]))
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(prefix + "".join(out) + suffix)


def _shorten(text: str, start: int) -> str:
    piece = text[start : start + _SNIPPET_CHARS]
    return piece + ("…" if len(text) > start + _SNIPPET_CHARS else "")


_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKDOWN_MARKS = re.compile(r"(?m)^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+\.\s+)|[*_`~]+")


def plain_text(markdown: str) -> str:
    """Markdown as a reader sees it, for snippets: "**designer** [site](u)" -> "designer site"."""
    text = _MARKDOWN_LINK.sub(r"\1", markdown)
    return " ".join(_MARKDOWN_MARKS.sub("", text).split())


def _original_text(contact: Contact, field_name: str) -> str:
    if field_name == "names":
        names = (contact.display_name, contact.given_name, contact.family_name)
        return " · ".join(dict.fromkeys(n for n in names if n))
    if field_name == "met":
        return contact.met_story
    if field_name == "notes":
        return plain_text(contact.notes)
    return str(getattr(contact, field_name, ""))


# --- the search -------------------------------------------------------------------------------


def scope_for(user: User, filters: q.Filters) -> ContactQuerySet:
    contacts = Contact.objects.owned_by(user).with_status(filters.status)
    if filters.tag:
        contacts = contacts.filter(tags__name__iexact=filters.tag)
    if filters.organisation:
        contacts = contacts.filter(organisation__icontains=filters.organisation)
    if filters.strength:
        contacts = contacts.filter(tie_strength=filters.strength)
    return contacts


def prepare(
    user: User, text: str, filters: q.Filters | None = None, thesaurus: Thesaurus | None = None
) -> tuple[q.Query, list[str]]:
    words, parsed = q.parse(text)
    if filters:
        for name in ("tag", "organisation", "strength", "status"):
            if getattr(filters, name):
                setattr(parsed, name, getattr(filters, name))
    terms = q.build_terms(words)
    if terms:
        vocab = vocabulary(user.pk)
        engine = backend()
        wanted_parts = []
        for term in terms:
            term.typos = typo_candidates(term.word, vocab)
            if vocab.knows(term.word):
                # A word the network holds is spelt right: its near neighbours still count
                # ("graphiste" finds "designer graphique"), but only those that start the
                # same way, as a prefix length does in other engines: "freelance" must not
                # also find "relance sur la facture".
                term.typos = [w for w in term.typos if w[:3] == term.word[:3]]
            # Words containing the word or its stem: "graphistes" finds "infographiste". A
            # stem is a part only from five letters: "operator" stems to "oper", which
            # "developer" and "cooper" also end with.
            wanted_parts.append(
                list(
                    dict.fromkeys(
                        [term.word] * (len(term.word) >= 4)
                        + [s for s in term.stems if len(s) >= 5]
                    )
                )
            )
            if term.prefix:
                term.completions = vocab.completions(term.word, COMPLETIONS)
        # Every term's in one query: a long sentence made one round trip per word.
        for term, found in zip(terms, engine.containing(user.pk, wanted_parts), strict=True):
            parts = contained_parts(term.word, vocab) + [w for w in found if w != term.word]
            term.parts = list(dict.fromkeys(parts))
    thesaurus = thesaurus or default_thesaurus()
    synonyms = q.expand_synonyms(words, thesaurus) if words else []
    for term in terms:
        term.weight = thesaurus.informativeness(term.word)
    states = {"archived": [documents.ARCHIVED], "all": [documents.ACTIVE, documents.ARCHIVED]}
    wanted = states.get(parsed.status, [documents.ACTIVE])
    keys = [owner_key(user.pk, state) for state in wanted]
    bands = documents.band_keys(user.pk, wanted, [parsed.strength] if parsed.strength else TIES)
    if parsed.strength:
        # The strength asked for is a band: PostgreSQL needs no other scope for it.
        keys = bands
    span = documents.owner_range(user.pk, wanted)
    query = q.Query(terms, synonyms, parsed, keys, owner_id=user.pk, rank_range=span, bands=bands)
    return query, words


def search(
    user: User,
    text: str,
    *,
    limit: int = 20,
    filters: q.Filters | None = None,
    thesaurus: Thesaurus | None = None,
    explain: bool = True,
) -> Results:
    """The member's contacts that match, best first, each with why it matched."""
    query, words = prepare(user, text, filters, thesaurus)
    scope = scope_for(user, query.filters) if query.filters else None
    if not query.terms:
        return Results(text, words, [], filters=query.filters)
    engine = backend()
    ids = engine.candidates(query, scope, CANDIDATES, any_group=False)
    scored = _score(ids, query)
    if sum(not s.partial for s in scored) < limit and len(query.terms) > 1:
        # Fewer full matches than a page: the best partial ones follow them, said so, rather
        # than a short or empty page ("graceful fallback").
        more = engine.candidates(query, scope, PARTIAL_CANDIDATES, any_group=True)
        seen = set(ids)
        scored += _score([i for i in more if i not in seen], query)
        scored.sort(key=_rank)
    full = [s for s in scored if not s.partial]
    # Below full matches, a few partial ones are a hint; a page of them is noise.
    room = limit - len(full) if not full else min(limit - len(full), PARTIAL_SHOWN)
    top = full[:limit] + [s for s in scored if s.partial][: max(room, 0)]
    contacts = _contacts([s.contact_id for s in top])
    hits = [Hit(contacts[s.contact_id], round(s.value, 4), s.matches, s.partial) for s in top]
    if explain and hits:
        _explain(hits, query)
        _add_via(user, hits)
    partial = bool(hits) and all(h.partial for h in hits)
    return Results(text, words, hits, partial, query.filters, total=len(full) or len(scored))


def _contacts(ids: list[int]) -> dict[int, Contact]:
    """The page's contacts by id: ``in_bulk`` without the ORM's compiling of its query, which
    took as long as the database and the models together (0.85 ms against 0.48 for 20)."""
    if not ids:
        return {}
    listed = ", ".join(["%s"] * len(ids))
    found = Contact.objects.raw(
        f"SELECT * FROM {Contact._meta.db_table} WHERE id IN ({listed})", ids
    )
    return {contact.pk: contact for contact in found}


@dataclass
class _Scored:
    value: float
    contact_id: int
    matches: list[Match]
    partial: bool
    ties: tuple[int, str]


def _score(ids: list[int], query: q.Query) -> list[_Scored]:
    """The candidates that score, best first (see ``_rank``)."""
    if not ids:
        return []
    # The index found these by their owner key; the contact rows have the last word, should a
    # document lag behind its contact. Written out: the ORM spent 0.7 ms building this query,
    # a sixth of a search at 100,000 contacts on SQLite.
    archived = {"archived": "IS NOT NULL", "all": ""}.get(query.filters.status, "IS NULL")
    sql = (
        "SELECT d.contact_id, d.fields, c.tie_strength, c.display_name "
        "FROM network_searchdocument d JOIN network_contact c ON c.id = d.contact_id "
        f"WHERE d.contact_id IN ({', '.join(['%s'] * len(ids))}) AND c.owner_id = %s "
        "AND NOT c.pending AND c.deleted_at IS NULL"
        + (f" AND c.archived_at {archived}" if archived else "")
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*ids, query.owner_id])
        rows = [
            (contact_id, fields if isinstance(fields, dict) else json.loads(fields), *rest)
            for contact_id, fields, *rest in cursor.fetchall()
        ]
    scored = []
    for contact_id, fields, strength, name in rows:
        value, matches, complete = score_detail(fields, query)
        if value > 0:
            ties = (-(strength or 0), name)
            scored.append(_Scored(value, contact_id, matches, not complete, ties))
    scored.sort(key=_rank)
    return scored


def _rank(s: _Scored) -> tuple[bool, float, int, str, int]:
    # Full matches first; ties go to the closer contact, then the name, then the id, so that
    # two namesakes come out in the same order on both databases.
    return (s.partial, -s.value, *s.ties, s.contact_id)


def _explain(hits: list[Hit], query: q.Query) -> None:
    wants_tags = {h.contact.pk for h in hits if any(m.field == "tags" for m in h.matches)}
    tags: dict[int, list[str]] = defaultdict(list)
    if wants_tags:
        for contact_id, name in Contact.tags.through.objects.filter(
            contact_id__in=wants_tags
        ).values_list("contact_id", "tag__name"):
            tags[contact_id].append(name)
    wants_interactions = {
        h.contact.pk for h in hits if any(m.field == "interactions" for m in h.matches)
    }
    summaries: dict[int, list[str]] = defaultdict(list)
    if wants_interactions:
        for contact_id, summary in (
            Interaction.contacts.through.objects.filter(contact_id__in=wants_interactions)
            .order_by("-interaction__occurred_on")
            .values_list("contact_id", "interaction__summary")
        ):
            summaries[contact_id].append(summary)
    prefixes = tuple(t.word for t in query.terms if t.prefix)
    for hit in hits:
        # One snippet per field, with every word that matched in it.
        merged: dict[str, Match] = {}
        for m in hit.matches:
            if m.field in merged:
                merged[m.field].tokens |= m.tokens
                if m.kind == "prefix":
                    merged[m.field].kind = "prefix"
            else:
                merged[m.field] = Match(m.field, m.kind, set(m.tokens))
        for match in merged.values():
            label = str(FIELD_LABELS.get(match.field, match.field))
            if match.field == "interactions":
                for summary in summaries[hit.contact.pk]:
                    snippet = highlight(
                        summary, match.tokens, prefixes if match.kind == "prefix" else ()
                    )
                    if "<mark>" in snippet:
                        hit.snippets.append((label, snippet))
                        break
                continue
            if match.field == "tags":
                text = ", ".join(sorted(tags[hit.contact.pk]))
            else:
                text = _original_text(hit.contact, match.field)
            snippet = highlight(text, match.tokens, prefixes if match.kind == "prefix" else ())
            if (label, snippet) not in hit.snippets:
                hit.snippets.append((label, snippet))


def _add_via(user: User, hits: list[Hit]) -> None:
    """Contacts linked to each hit: who could introduce the member, strongest ties first."""
    ids = {h.contact.pk for h in hits}
    linked: dict[int, set[int]] = defaultdict(set)
    # The links as pairs of ids first: most hits have none, and building the contacts of
    # every relationship with its two ends would cost more than the search itself. Written
    # out: the ORM took longer to build this query than the database to answer it.
    listed = ", ".join(["%s"] * len(ids))
    sql = (
        f"SELECT from_contact_id, to_contact_id FROM {Relationship._meta.db_table} "
        f"WHERE owner_id = %s AND (from_contact_id IN ({listed}) OR to_contact_id IN ({listed}))"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, *ids, *ids])
        pairs = cursor.fetchall()
    for from_id, to_id in pairs:
        if from_id in ids:
            linked[from_id].add(to_id)
        if to_id in ids:
            linked[to_id].add(from_id)
    # Who introduced each hit is on the hit itself.
    for hit in hits:
        if hit.contact.introduced_by_id is not None:
            linked[hit.contact.pk].add(hit.contact.introduced_by_id)
    wanted = {pk for hit_id, others in linked.items() for pk in others if pk != hit_id}
    if not wanted:
        return
    # Only what the "via" line shows (a name and a link), of contacts still in the network.
    people = (
        Contact.objects.owned_by(user)
        .filter(pk__in=wanted, deleted_at__isnull=True)
        .only("pk", "display_name", "tie_strength")
        .in_bulk()
    )
    for hit in hits:
        via = [people[pk] for pk in linked.get(hit.contact.pk, ()) if pk in people]
        via = [c for c in via if c.pk != hit.contact.pk]
        via.sort(key=lambda c: (-(c.tie_strength or 0), c.display_name))
        hit.via = via[:3]
