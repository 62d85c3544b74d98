"""Text normalisation shared by indexing and querying, so both sides always agree.

Everything the search engines see goes through here: case and accents folded, words split the
same way, French and English stems. The databases then only compare plain ASCII-ish tokens,
which is why SQLite FTS5 and PostgreSQL's ``simple`` configuration give the same answers.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

# Letters that NFKD does not decompose into a base letter plus marks.
_LIGATURES = str.maketrans(
    {
        "œ": "oe",
        "Œ": "oe",
        "æ": "ae",
        "Æ": "ae",
        "ß": "ss",
        "ø": "o",
        "Ø": "o",
        "đ": "d",
        "Đ": "d",
        "ł": "l",
        "Ł": "l",
        "\u0131": "i",  # dotless i
    }
)
# A word: letters and digits (any script), kept together across inner apostrophes only when
# they are not French elisions (handled below).
_WORD = re.compile(r"[^\W_]+", re.UNICODE)

# Short function words that carry no meaning in a search ("de", "the", "l'", "d'").
STOP_WORDS = frozenset(
    (
        "a an and as at by de des du d en et for from in l la le les of on or ou par pour sur "
        "the to un une with au aux chez dans"
    ).split()
)

_fr = snowballstemmer.stemmer("french")
_en = snowballstemmer.stemmer("english")


# Every character with a combining class (accents and other marks), to delete with
# str.translate: done in C, it makes folding, which indexing runs over every word of every
# contact, twice as fast as testing each character in Python. The last combining character is
# below U+1E950; plane 14's variation selectors have class 0.
@lru_cache(maxsize=1)
def _marks() -> dict[int, None]:
    # Built on first use, not at import: every process imports this module, few fold text.
    return {c: None for c in range(0x300, 0x20000) if unicodedata.combining(chr(c))}


def fold(text: str) -> str:
    """Lower case, no accents, ligatures expanded: "Œuvre Développée" -> "oeuvre developpee"."""
    text = text or ""
    if text.isascii():
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return decomposed.translate(_marks()).casefold()


def words(text: str) -> list[str]:
    """The folded words of a text, in order: "UI/UX Designer" -> ["ui", "ux", "designer"]."""
    return _WORD.findall(fold(text))


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    token: str


def word_spans(text: str) -> Iterator[Span]:
    """Each word of the original text with its position and folded form, for highlighting.

    Folding can change a string's length (œ -> oe), so words are found on the original text and
    folded one by one.
    """
    for match in _WORD.finditer(text or ""):
        folded = fold(match.group())
        for part in _WORD.findall(folded):
            yield Span(match.start(), match.end(), part)


# French feminine endings of occupations and their masculine form, longest first: the
# Snowball stemmer keeps "développeuse" and "développeur" apart, a member should not.
_FEMININE = (
    ("trice", "teur"),
    ("euse", "eur"),
    ("ienne", "ien"),
    ("enne", "en"),
    ("ere", "er"),
    ("ive", "if"),
    ("ette", "et"),
    ("onne", "on"),
)


def masculine(token: str) -> str:
    """The masculine form of a folded French word ending like a feminine occupation.

    Plural feminine forms too: "directrices" -> "directeur", "régisseuses" -> "regisseur".
    """
    if len(token) < 7:
        return token
    for candidate in (token[:-1], token) if token.endswith("es") else (token,):
        for feminine, masc in _FEMININE:
            if candidate.endswith(feminine):
                return candidate[: -len(feminine)] + masc
    return token


def canonical_stem(token: str) -> str:
    """One stem per word whatever its language, number and gender.

    Each snowball stemmer is blind to the other language: the French one turns "managers" into
    "manager" but "manager" into "manag", the English one keeps "développeuse" whole. Stemming
    the masculine form and then stemming the result again with both, until it stops changing,
    brings "managers", "manager", "développeuse", "développeurs" and "developer" each to one
    stable form, which thesaurus keys and rankings compare.
    """
    stem = _fr.stemWord(masculine(token))
    for _ in range(3):
        again = _fr.stemWord(_en.stemWord(stem))
        if again == stem:
            break
        stem = again
    return stem


@lru_cache(maxsize=100_000)
def stems(token: str) -> tuple[str, ...]:
    """The stems of a folded word: its canonical stem first, then the French and English
    stems when they differ from it (documents store all of them, so any of them matches)."""
    if len(token) < 4 or token.isdigit():
        return (token,)
    return tuple(
        dict.fromkeys((canonical_stem(token), _fr.stemWord(masculine(token)), _en.stemWord(token)))
    )


def content_words(text: str) -> list[str]:
    """Words minus the stop words, unless that would leave nothing."""
    tokens = words(text)
    kept = [t for t in tokens if t not in STOP_WORDS and len(t) > 1]
    return kept or tokens


def index_tokens(text: str) -> tuple[str, ...]:
    """What a search document stores for a text: each word and its stems."""
    # Short texts repeat across a network (job titles, companies, towns, tags): an import of
    # 10,000 LinkedIn rows has a few thousand distinct ones.
    if len(text) <= 200:
        return _index_tokens(text)
    return _index_tokens.__wrapped__(text)


@lru_cache(maxsize=50_000)
def _index_tokens(text: str) -> tuple[str, ...]:
    out: list[str] = []
    for token in words(text):
        out.append(token)
        for stem in stems(token):
            if stem != token:
                out.append(stem)
    return tuple(out)
