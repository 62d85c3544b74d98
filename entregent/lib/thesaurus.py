"""A French/English thesaurus of occupations, derived from ESCO.

ESCO classification, © European Union, https://esco.ec.europa.eu, CC BY 4.0.

The shipped file (``data/occupations.tsv.gz``) has one line per occupation: its ESCO id, its
ISCO group (four digits), then its labels in both languages, folded (lower case, no accents),
separated by tabs, preferred labels first. ``build()`` makes that file from ESCO's CSV exports;
the search benchmark uses it to build a reduced copy that holds out some labels, so that the
evaluation queries are unseen.

The search uses it on both sides. When a document is indexed, ``tag()`` finds the occupations
its words name ("Senior graphic designer" names ESCO's graphic designer), and the document
stores one token per occupation and one per ISCO group. When a member searches, ``expand()``
finds the occupations the query names, exactly or approximately, so that "graphiste" finds the
"graphic designer" with one indexed token rather than dozens of label phrases.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import OSA

from entregent.lib.text import STOP_WORDS, stems, words

DATA_FILE = Path(__file__).parent / "data" / "occupations.tsv.gz"
ATTRIBUTION = "ESCO classification, © European Union, https://esco.ec.europa.eu, CC BY 4.0"
# Index side: a span naming more occupations than this says too little to tag a document.
MAX_TAGS_PER_SPAN = 8
# Query side: a query found inside the labels of more occupations than this is too broad.
MAX_WITHIN = 25
# How close an unseen query must be to a known label (IDF-weighted share of words in common).
MIN_SIMILARITY = 0.5
MAX_SIMILAR = 8
# What a description holding every word of the query is worth, as a similarity.
DESCRIPTION_WEIGHT = 0.5
LONGEST_SPAN = 6
# Words that open a complement: what comes after them says where or on what someone works.
PREPOSITIONS = frozenset(
    "in of for at on with by from de du des en pour chez dans sur avec au aux par".split()
)
# A word found in the labels of more occupations than this ("director", "manager", "designer",
# "engineer") is a head noun, not an occupation, when it stands alone: ESCO does list it as a
# label of one or two occupations, but "Director" on a contact means none of them in particular.
GENERIC_WORD = 50
# Neighbours (same ISCO group) only for a query naming at most this many occupations.
RELATED_MAX = 3


def split_label(label: str) -> list[str]:
    """ESCO writes gendered forms as "animateur 3D/animatrice 3D": two labels."""
    parts = [p.strip() for p in label.split("/")]
    # "UI/UX designer" is not a pair of forms: only split when each side has a space or
    # the split gives two words of a reasonable length.
    if len(parts) == 2 and all(len(p) > 3 for p in parts) and " " in label:
        return parts
    return [label.strip()]


@dataclass
class Concept:
    """One ESCO occupation as read from the CSV exports (both languages merged)."""

    preferred: list[str] = field(default_factory=list)
    alternatives: list[str] = field(default_factory=list)
    isco: str = ""
    description: str = ""  # English only: ESCO's French descriptions are empty


def read_esco(*csv_texts: str) -> dict[str, Concept]:
    """{concept id: Concept} from ESCO CSV exports."""
    concepts: dict[str, Concept] = {}
    for text in csv_texts:
        for row in csv.DictReader(io.StringIO(text)):
            uri = row.get("conceptUri", "")
            if not uri:
                continue
            concept = concepts.setdefault(uri.rsplit("/", 1)[-1], Concept())
            concept.preferred.extend(split_label(row.get("preferredLabel", "")))
            concept.alternatives.extend(
                label
                for alt in (row.get("altLabels") or "").splitlines()
                for label in split_label(alt)
            )
            concept.isco = concept.isco or (row.get("iscoGroup") or "").strip()
            concept.description = concept.description or (row.get("description") or "").strip()
    return concepts


def build(
    concepts: dict[str, Concept], holdout: float = 0.0, seed: int = 0
) -> tuple[str, list[tuple[str, str]]]:
    """The thesaurus file's text, and the (concept, label) pairs held out of it.

    A line: the occupation's id, its ISCO group, its labels, then "=" and the distinct words of
    its description.

    With ``holdout`` > 0, that share of each concept's alternative labels is left out (never a
    preferred label), for an evaluation the thesaurus has not seen.
    """
    rng = random.Random(seed)
    lines: list[str] = []
    held: list[tuple[str, str]] = []
    for key in sorted(concepts):
        concept = concepts[key]
        kept_alternatives = []
        for label in concept.alternatives:
            if holdout and rng.random() < holdout:
                held.append((key, label))
            else:
                kept_alternatives.append(label)
        seen: dict[str, None] = {}
        for label in [*concept.preferred, *kept_alternatives]:
            folded = " ".join(words(label))
            if folded:
                seen.setdefault(folded, None)
        described = sorted(
            {w for w in words(concept.description) if w not in STOP_WORDS and len(w) > 2}
        )
        fields = [key, concept.isco, *seen]
        if described:
            fields.append("=" + " ".join(described))
        lines.append("\t".join(fields))
    return "\n".join(lines) + "\n", held


def key_of(tokens: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """The comparable form of a label or query: content words reduced to their canonical stem."""
    return tuple(stems(t)[0] for t in tokens if t not in STOP_WORDS and len(t) > 1)


def concept_token(concept: str) -> str:
    """The indexed token of an occupation: letters and digits only, like every other token."""
    return "zc" + concept.replace("-", "")[:12]


def group_token(isco: str) -> str:
    return f"zg{isco}"


@dataclass(frozen=True)
class Tag:
    """An occupation a document's words name: ``words[start:end]`` say it."""

    concept: str
    start: int
    end: int
    compound: bool = False  # named by the end of a longer word ("infographiste")
    # Named in a complement, after a preposition that follows an earlier occupation: "civil
    # engineering" in "rental service representative in civil engineering machinery" says
    # what the representative rents, not what they are.
    complement: bool = False


@dataclass
class Expansion:
    """Occupations that ``span`` of the query's words names, each with a confidence (0-1)."""

    span: tuple[int, int]  # query word positions [start, end)
    concepts: dict[str, float]
    how: str  # "label", "within", "similar", "compound": for explanations and tests


@dataclass
class Thesaurus:
    labels: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)
    isco: dict[str, str] = field(default_factory=dict)
    index: dict[tuple[str, ...], set[str]] = field(default_factory=lambda: defaultdict(set))
    # stem -> occupations having a label with that word
    by_stem: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    label_keys: dict[str, set[tuple[str, ...]]] = field(default_factory=lambda: defaultdict(set))
    # The same as sets of stems, built once: comparing them is what approximate matching does.
    label_sets: dict[str, list[frozenset[str]]] = field(default_factory=dict)
    _expanded: dict[tuple[str, ...], list[Expansion]] = field(default_factory=dict, repr=False)
    _corrected: dict[str, str] = field(default_factory=dict, repr=False)
    _tagged: dict[tuple[str, ...], list[Tag]] = field(default_factory=dict, repr=False)
    idf: dict[str, float] = field(default_factory=dict)
    # The rarest stem's IDF, for stems the labels never use: computed once, as scoring one
    # query's neighbours asks for it hundreds of times.
    max_idf: float = 1.0
    by_group: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    # the stems of each occupation's description, and how rare each stem is among them
    described: dict[str, frozenset[str]] = field(default_factory=dict)
    description_idf: dict[str, float] = field(default_factory=dict)
    # the labels' words by length, to correct a typo in a query before looking it up
    words_by_length: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    longest: int = 1

    @classmethod
    def from_text(cls, text: str) -> Thesaurus:
        thesaurus = cls()
        label_words: set[str] = set()
        for line in text.splitlines():
            key, isco, *labels = line.split("\t")
            if labels and labels[-1].startswith("="):
                described = labels.pop()[1:].split()
                thesaurus.described[key] = frozenset(stems(w)[0] for w in described)
            if not labels:
                continue
            tokens = [tuple(label.split()) for label in labels]
            thesaurus.labels[key] = tokens
            thesaurus.isco[key] = isco
            if isco:
                thesaurus.by_group[isco].add(key)
            for label in tokens:
                label_words.update(label)
                k = key_of(label)
                if k:
                    thesaurus.index[k].add(key)
                    thesaurus.label_keys[key].add(k)
                    thesaurus.longest = max(thesaurus.longest, len(k))
                    for stem in k:
                        thesaurus.by_stem[stem].add(key)
        thesaurus.label_sets = {
            concept: list({frozenset(k) for k in keys})
            for concept, keys in thesaurus.label_keys.items()
        }
        count = max(len(thesaurus.labels), 1)
        thesaurus.idf = {s: math.log(count / len(c)) + 1 for s, c in thesaurus.by_stem.items()}
        thesaurus.max_idf = max(thesaurus.idf.values(), default=1.0)
        frequency: dict[str, int] = defaultdict(int)
        for bag in thesaurus.described.values():
            for stem in bag:
                frequency[stem] += 1
        thesaurus.description_idf = {s: math.log(count / n) + 1 for s, n in frequency.items()}
        for word in label_words:
            if len(word) >= 5 and word not in STOP_WORDS:
                thesaurus.words_by_length[len(word)].append(word)
        return thesaurus

    @classmethod
    def from_file(cls, path: Path = DATA_FILE) -> Thesaurus:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            return cls.from_text(handle.read())

    # --- documents ------------------------------------------------------------------------

    def tag(self, tokens: list[str]) -> list[Tag]:
        """The occupations a text's folded words name, longest spans first, not overlapping.

        Stop words inside a span are skipped ("chef de projet" is the label "chef projet"), so
        positions refer to ``tokens`` as given.
        """
        key = tuple(tokens)
        found = self._tagged.get(key)
        if found is None:
            found = self._tag(tokens)
            if len(key) <= 30:  # job titles and headlines repeat across a network; notes do not
                if len(self._tagged) > 50_000:
                    self._tagged.clear()
                self._tagged[key] = found
        return found

    def _tag(self, tokens: list[str]) -> list[Tag]:
        content = [(i, stems(t)[0]) for i, t in enumerate(tokens) if t not in STOP_WORDS]
        content = [(i, k) for i, k in content if len(tokens[i]) > 1]
        tags: list[Tag] = []

        def complement(start: int) -> bool:
            first = tags[0].end if tags else None
            return first is not None and any(t in PREPOSITIONS for t in tokens[first:start])

        n = 0
        while n < len(content):
            for size in range(min(self.longest, LONGEST_SPAN, len(content) - n), 0, -1):
                key = tuple(k for _, k in content[n : n + size])
                concepts = None if self._generic(key) else self.index.get(key)
                if concepts:
                    if len(concepts) <= MAX_TAGS_PER_SPAN:
                        start, end = content[n][0], content[n + size - 1][0] + 1
                        minor = complement(start)
                        tags.extend(Tag(c, start, end, complement=minor) for c in sorted(concepts))
                    n += size
                    break
            else:
                position = content[n][0]
                minor = complement(position)
                tags.extend(
                    Tag(c, position, position + 1, compound=True, complement=minor)
                    for c in sorted(self._compound(tokens[position]))
                )
                n += 1
        return tags

    # --- queries --------------------------------------------------------------------------

    def expand(self, query_words: list[str]) -> list[Expansion]:
        """The occupations the query names.

        Spans of the query that are a label name their occupations, longest first, never
        overlapping: "développeur web senior" expands "développeur web" as a whole. A query that
        no single label covers is also matched as a whole against labels that hold all of its
        words ("app developer" is inside "mobile app developer") or most of them, weighing rare
        words more ("horoscope teller" is close to "horoscope writer"); when that finds
        something, it replaces the partial spans. A lone word that is no label may end with one
        ("infographiste" ends with "graphiste").
        """
        cached = self._expanded.get(tuple(query_words))
        if cached is None:
            cached = self._expand(query_words)
            if len(self._expanded) > 10_000:  # as-you-type repeats queries; memory stays bounded
                self._expanded.clear()
                self._corrected.clear()
            self._expanded[tuple(query_words)] = cached
        # Copies: callers may adjust weights.
        return [Expansion(e.span, dict(e.concepts), e.how) for e in cached]

    def _expand(self, query_words: list[str]) -> list[Expansion]:
        keys = [self._known_stem(w) for w in query_words]
        expansions: list[Expansion] = []
        i = 0
        while i < len(keys):
            for size in range(min(self.longest, len(keys) - i), 0, -1):
                key = tuple(keys[i : i + size])
                concepts = None if self._generic(key) else self.index.get(key)
                if concepts:
                    weight = breadth(len(concepts))
                    expansions.append(
                        Expansion((i, i + size), dict.fromkeys(sorted(concepts), weight), "label")
                    )
                    i += size
                    break
            else:
                i += 1
        whole = len(expansions) == 1 and expansions[0].span == (0, len(keys))
        if keys and not whole:
            approximate = self._within(keys) or self._similar(keys)
            if approximate:
                expansions = [approximate]
        by_word = {e.span[0]: e for e in expansions if e.span[1] - e.span[0] == 1}
        covered = {i for e in expansions for i in range(*e.span)}
        for i, word in enumerate(query_words):
            if i in covered and i not in by_word:
                continue
            concepts = self._compound(word)
            if not concepts:
                continue
            weight = 0.8 * breadth(len(concepts))
            if i in by_word:
                # "infographiste" is an ESCO label of 3D animators, and ends with "graphiste":
                # people mean both.
                for concept in concepts:
                    by_word[i].concepts.setdefault(concept, weight)
            else:
                expansions.append(
                    Expansion((i, i + 1), dict.fromkeys(sorted(concepts), weight), "compound")
                )
        expansions.sort(key=lambda e: e.span)
        return expansions

    def related(self, expansion: Expansion) -> dict[str, float]:
        """ISCO groups of the named occupations: their neighbours are worth a little.

        Only for a query that names few occupations precisely: the neighbours of a broad word's
        dozens of occupations would be half the classification.
        """
        if expansion.how not in ("label", "similar") or len(expansion.concepts) > RELATED_MAX:
            return {}
        groups: dict[str, float] = {}
        for concept, weight in expansion.concepts.items():
            isco = self.isco.get(concept)
            if isco:
                groups[isco] = max(groups.get(isco, 0.0), weight * 0.5)
        return groups

    def neighbours(self, expansion: Expansion, query_words: list[str]) -> dict[str, float]:
        """The other occupations of the related ISCO groups, each weighed by how close its
        labels are to the query: among the graphic designer's neighbours, the "multimedia
        designer" before the "illustrator" for a query that says "designer"."""
        groups = self.related(expansion)
        if not groups:
            return {}
        keys = {self._known_stem(w) for w in query_words[slice(*expansion.span)]}
        keys = {k for k in keys if k not in STOP_WORDS}
        out: dict[str, float] = {}
        for isco, weight in groups.items():
            for concept in self.by_group.get(isco, ()):
                if concept not in expansion.concepts:
                    out[concept] = weight * (0.5 + self._closeness(keys, concept))
        return out

    def _closeness(self, keys: set[str], concept: str) -> float:
        """The best IDF-weighted Jaccard between the query's stems and one of the labels."""
        if not keys:
            return 0.0
        default_idf = self.max_idf
        best = 0.0
        for other in self.label_sets.get(concept, ()):
            shared = sum(self.idf.get(k, default_idf) for k in keys & other)
            if shared:
                union = sum(self.idf.get(k, default_idf) for k in keys | other)
                best = max(best, shared / union)
        return best

    def _generic(self, key: tuple[str, ...]) -> bool:
        return len(key) == 1 and len(self.by_stem.get(key[0], ())) > GENERIC_WORD

    def _known_stem(self, word: str) -> str:
        """The word's stem, or the stem of the label word one or two typos away from it."""
        known = self._corrected.get(word)
        if known is None:
            known = self._corrected[word] = self._correct(word)
        return known

    def _correct(self, word: str) -> str:
        stem = stems(word)[0]
        if stem in self.by_stem or len(word) < 5:
            return stem
        k = 2 if len(word) >= 9 else 1
        pool = [
            w for n in range(len(word) - k, len(word) + k + 1) for w in self.words_by_length[n]
        ]
        found = process.extractOne(word, pool, scorer=OSA.distance, score_cutoff=k)
        return stems(found[0])[0] if found else stem

    def _within(self, keys: list[str]) -> Expansion | None:
        wanted = set(keys)
        pools = [self.by_stem.get(k, set()) for k in wanted]
        concepts = set.intersection(*pools) if pools else set()
        concepts = {
            c for c in concepts if any(wanted <= label for label in self.label_sets.get(c, ()))
        }
        if not concepts or len(concepts) > MAX_WITHIN:
            return None
        weight = 0.8 * breadth(len(concepts))
        return Expansion((0, len(keys)), dict.fromkeys(sorted(concepts), weight), "within")

    def _similar(self, keys: list[str]) -> Expansion | None:
        """Occupations with a label sharing most of the query's weight (weighted Jaccard), or
        whose description holds every word of it."""
        wanted = set(keys)
        # A word no label holds ("freelance", a place, a name) must be matched as written: a
        # label close to the rest of the query does not stand for it.
        known = all(k in self.by_stem for k in wanted)
        scored = self._like_a_label(wanted) if len(wanted) >= 2 and known else {}
        # Descriptions say what labels do not ("horoscope" is in the astrologer's): weaker
        # evidence, counted only when they hold the query's every word.
        for concept, value in self._described(wanted).items():
            scored[concept] = max(scored.get(concept, 0.0), value)
        if not scored:
            return None
        top = sorted(scored, key=lambda c: (-scored[c], c))[:MAX_SIMILAR]
        return Expansion((0, len(keys)), {c: 0.8 * scored[c] for c in top}, "similar")

    def _like_a_label(self, wanted: set[str]) -> dict[str, float]:
        default_idf = self.max_idf
        weights = {k: self.idf.get(k, default_idf) for k in wanted}
        total = sum(weights.values())
        # A label must share at least half the query's weight: one of its heaviest words.
        heavy = sorted(wanted, key=lambda k: -weights[k])
        candidates: set[str] = set()
        mass = 0.0
        for k in heavy:
            candidates |= self.by_stem.get(k, set())
            mass += weights[k]
            if mass >= total * MIN_SIMILARITY:
                break
        scored: dict[str, float] = {}
        for concept in candidates:
            best = 0.0
            for other in self.label_sets.get(concept, ()):
                if other <= wanted:
                    # "graphiste" in "graphiste freelance": the label names part of the query
                    # and the rest must match as written, which spans of labels already do.
                    continue
                shared = sum(weights[k] for k in wanted & other)
                if not shared:
                    continue
                union = total + sum(self.idf.get(k, default_idf) for k in other - wanted)
                best = max(best, shared / union)
            if best >= MIN_SIMILARITY:
                scored[concept] = best
        return scored

    def _described(self, wanted: set[str]) -> dict[str, float]:
        if not self.described:
            return {}
        rarest = max(wanted, key=lambda k: self.description_idf.get(k, 0.0))
        if rarest not in self.description_idf:
            return {}
        found = {}
        for concept, bag in self.described.items():
            if rarest in bag and wanted <= bag:
                found[concept] = DESCRIPTION_WEIGHT
        if not found and rarest not in self.by_stem:
            # A word no label holds but a few descriptions do ("horoscope tellers"): it names
            # those occupations, more weakly.
            found = {
                concept: DESCRIPTION_WEIGHT * 0.7
                for concept, bag in self.described.items()
                if rarest in bag
            }
            return found if len(found) <= 3 else {}
        # A description match names the occupation only if few descriptions say as much.
        return found if len(found) <= MAX_SIMILAR else {}

    def informativeness(self, word: str) -> float:
        """How much a word says about what someone does, from 1 (in most labels, "worker")
        up: for weighing the words of a partial match."""
        return self.idf.get(stems(word)[0], self.max_idf)

    def _compound(self, word: str) -> set[str]:
        """Occupations a long word ends with: "infographiste" ends with "graphiste"."""
        if len(word) < 7:
            return set()
        for start in range(1, len(word)):
            part = word[start:]
            if len(part) < max(5, (len(word) + 1) // 2):
                break
            concepts = self.index.get((stems(part)[0],))
            if concepts:
                return concepts if len(concepts) <= MAX_TAGS_PER_SPAN else set()
        return set()


def breadth(concepts: int) -> float:
    """A span naming many occupations says less about each: "manager" names dozens."""
    return 1.0 / (1.0 + math.log2(max(concepts, 1)))


@lru_cache(maxsize=1)
def default_thesaurus() -> Thesaurus:
    return Thesaurus.from_file()
