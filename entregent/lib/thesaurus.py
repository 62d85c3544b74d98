"""A French/English thesaurus of occupations, derived from ESCO.

ESCO classification, © European Union, https://esco.ec.europa.eu, CC BY 4.0.

The shipped file (``data/occupations.tsv.gz``) has one line per occupation: its ESCO id, then its
labels in both languages, folded (lower case, no accents), separated by tabs, preferred labels
first. ``build()`` makes that file from ESCO's CSV exports; the search benchmark uses it to build
a reduced copy that holds out some labels, so that the evaluation queries are unseen.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import random
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from entregent.lib.text import STOP_WORDS, stems, words

DATA_FILE = Path(__file__).parent / "data" / "occupations.tsv.gz"
ATTRIBUTION = "ESCO classification, © European Union, https://esco.ec.europa.eu, CC BY 4.0"


def split_label(label: str) -> list[str]:
    """ESCO writes gendered forms as "animateur 3D/animatrice 3D": two labels."""
    parts = [p.strip() for p in label.split("/")]
    # "UI/UX designer" is not a pair of forms: only split when each side has a space or
    # the split gives two words of a reasonable length.
    if len(parts) == 2 and all(len(p) > 3 for p in parts) and " " in label:
        return parts
    return [label.strip()]


def read_esco(*csv_texts: str) -> dict[str, list[list[str]]]:
    """{concept id: [[preferred labels], [alternative labels]]} from ESCO CSV exports."""
    concepts: dict[str, list[list[str]]] = {}
    for text in csv_texts:
        for row in csv.DictReader(io.StringIO(text)):
            uri = row.get("conceptUri", "")
            if not uri:
                continue
            key = uri.rsplit("/", 1)[-1]
            preferred = split_label(row.get("preferredLabel", ""))
            alternatives = [
                label
                for alt in (row.get("altLabels") or "").splitlines()
                for label in split_label(alt)
            ]
            entry = concepts.setdefault(key, [[], []])
            entry[0].extend(preferred)
            entry[1].extend(alternatives)
    return concepts


def build(
    concepts: dict[str, list[list[str]]], holdout: float = 0.0, seed: int = 0
) -> tuple[str, list[tuple[str, str]]]:
    """The thesaurus file's text, and the (concept, label) pairs held out of it.

    With ``holdout`` > 0, that share of each concept's alternative labels is left out (never a
    preferred label), for an evaluation the thesaurus has not seen.
    """
    rng = random.Random(seed)
    lines: list[str] = []
    held: list[tuple[str, str]] = []
    for key in sorted(concepts):
        preferred, alternatives = concepts[key]
        seen: dict[str, None] = {}
        kept_alternatives = []
        for label in alternatives:
            if holdout and rng.random() < holdout:
                held.append((key, label))
            else:
                kept_alternatives.append(label)
        for label in [*preferred, *kept_alternatives]:
            folded = " ".join(words(label))
            if folded:
                seen.setdefault(folded, None)
        lines.append("\t".join([key, *seen]))
    return "\n".join(lines) + "\n", held


def key_of(tokens: Iterable[str]) -> tuple[str, ...]:
    """The comparable form of a label or query: content words reduced to their first stem."""
    return tuple(stems(t)[0] for t in tokens if t not in STOP_WORDS and len(t) > 1)


@dataclass
class Expansion:
    """Other ways to say part of a query: ``labels`` say what ``span`` of it says."""

    span: tuple[int, int]  # query content-word positions [start, end)
    labels: list[tuple[str, ...]]  # each label as folded words
    concepts: int  # how many occupations the span named: broad spans weigh less

    @property
    def weight(self) -> float:
        return 1.0 / (1.0 + math.log2(self.concepts))


@dataclass
class Thesaurus:
    labels: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)
    index: dict[tuple[str, ...], set[str]] = field(default_factory=lambda: defaultdict(set))
    # stem -> occupations having a label with that word, for queries that are part of a label
    by_stem: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    # (occupation, label key) pairs, to check that one label holds every word of a query
    label_keys: dict[str, set[tuple[str, ...]]] = field(default_factory=lambda: defaultdict(set))
    longest: int = 1

    @classmethod
    def from_text(cls, text: str) -> Thesaurus:
        thesaurus = cls()
        for line in text.splitlines():
            key, *labels = line.split("\t")
            if not labels:
                continue
            tokens = [tuple(label.split()) for label in labels]
            thesaurus.labels[key] = tokens
            for label in tokens:
                k = key_of(label)
                if k:
                    thesaurus.index[k].add(key)
                    thesaurus.label_keys[key].add(k)
                    thesaurus.longest = max(thesaurus.longest, len(k))
                    for stem in k:
                        thesaurus.by_stem[stem].add(key)
        return thesaurus

    @classmethod
    def from_file(cls, path: Path = DATA_FILE) -> Thesaurus:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            return cls.from_text(handle.read())

    def expand(self, query_words: list[str], limit: int = 40) -> list[Expansion]:
        """Synonyms for the longest spans of the query that name an occupation.

        Spans are matched on stems, longest first, never overlapping: "développeur web senior"
        expands "développeur web" as a whole rather than "développeur" alone.
        """
        keys = [stems(w)[0] for w in query_words]
        expansions: list[Expansion] = []
        i = 0
        while i < len(keys):
            for size in range(min(self.longest, len(keys) - i), 0, -1):
                span_key = tuple(keys[i : i + size])
                concepts = self.index.get(span_key)
                if concepts:
                    expansions.append(self._expansion((i, i + size), span_key, concepts, limit))
                    i += size
                    break
            else:
                i += 1
        return expansions

    def expand_within(self, query_words: list[str], limit: int = 25) -> Expansion | None:
        """Occupations with a label that holds every word of the query, in any order.

        "app developer" is no ESCO label, but "mobile app developer" is: its occupation's other
        labels, in both languages, are worth searching too. Too broad a query (a word found in
        the labels of more than ``limit`` occupations) expands to nothing.
        """
        keys = [stems(w)[0] for w in query_words if w not in STOP_WORDS and len(w) > 1]
        if not keys:
            return None
        concepts = set.intersection(*(self.by_stem.get(k, set()) for k in keys))
        wanted = set(keys)
        concepts = {
            c for c in concepts if any(wanted <= set(label) for label in self.label_keys[c])
        }
        if not concepts or len(concepts) > limit:
            return None
        return self._expansion((0, len(query_words)), tuple(keys), concepts, 40)

    def expand_compound(self, word: str, limit: int = 40) -> Expansion | None:
        """Synonyms of the occupation a compound word ends with.

        "infographiste" is not an ESCO label of graphiste, but it ends with one: a search for it
        should also find the "graphic designer" and the "designer graphique". The part itself
        comes first among the labels.
        """
        if len(word) < 7:
            return None
        for start in range(1, len(word)):
            part = word[start:]
            if len(part) < max(5, (len(word) + 1) // 2):
                break
            key = (stems(part)[0],)
            concepts = self.index.get(key)
            if concepts:
                expansion = self._expansion((0, 1), key, concepts, limit)
                expansion.labels.insert(0, (part,))
                return expansion
        return None

    def _expansion(
        self, span: tuple[int, int], span_key: tuple[str, ...], concepts: set[str], limit: int
    ) -> Expansion:
        labels: dict[tuple[str, ...], None] = {}
        # A broad span gets fewer labels: they weigh little and each costs the engine a phrase.
        limit = min(limit, 40 if len(concepts) == 1 else 20 if len(concepts) <= 3 else 12)
        # Round-robin over the occupations so one with 60 labels does not crowd out the rest.
        pools = [self.labels[c] for c in sorted(concepts)]
        for batch in _round_robin(pools):
            if key_of(batch) != span_key:
                labels.setdefault(batch, None)
            if len(labels) >= limit:
                break
        return Expansion(span, list(labels), len(concepts))


def _round_robin(pools: list[list[tuple[str, ...]]]) -> Iterator[tuple[str, ...]]:
    longest = max((len(p) for p in pools), default=0)
    for i in range(longest):
        for pool in pools:
            if i < len(pool):
                yield pool[i]


@lru_cache(maxsize=1)
def default_thesaurus() -> Thesaurus:
    return Thesaurus.from_file()
