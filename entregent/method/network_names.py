"""Names from the author's own network in a comment they are about to publish.

A comment is public (or read by every member); the people in a member's network never gave
us their names for that. Before a comment is posted, the author is told which of their
contacts it names, and posts only after saying so (``forms_feedback.CommentForm``).

What counts as naming someone: one of the contact's whole names, two words at least, as
consecutive words of the text, compared folded (case, accents, ligatures: "helene DUPONT"
names "Hélène Dupont"). A name's forms are its display name, given then family name, family
then given name, and the first given name with the family name ("Jean Martin" for
"Jean-Pierre Martin"). A lone word never counts: "Martin" or "Rose" are too often just words,
and a member with a contact named "Paris" would be warned about every comment on the capital.

Finding them must stay fast at 10,000 contacts without reading the network. The network's
search index already holds every contact's names as folded words, so the lookup is three
queries whatever the size of the network or of the comment:

1. which of the comment's words the member's network knows at all (``SearchTerm``, one row
   per word, unique per member: an index lookup per word);
2. the contacts whose names index holds both words of one of the comment's pairs of
   consecutive known words (the search's index of the main fields, at most
   ``PER_PAIR`` contacts per pair, all pairs in one statement);
3. those contacts' names, through ``Contact.objects.owned_by``, compared by ``find_names``,
   a pure function.

A text with fewer than two words the network knows stops after the first query, which is
what most comments do.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import connection

from entregent.lib.text import STOP_WORDS, words

if TYPE_CHECKING:
    from entregent.accounts.models import User

# Pairs of consecutive known words looked up at most (a long comment that reads like a
# contact list has said enough by then), and contacts per pair: a pair that many contacts
# share ("chef projet" in their job titles) is not a name, and must not crowd out one that is.
MAX_PAIRS = 60
PER_PAIR = 20
# SearchTerm's column holds 100 characters; SQLite's default limit of parameters is 999.
MAX_WORD = 100
WORDS_PER_QUERY = 900


@dataclass(frozen=True)
class PersonNames:
    """A contact's names as the member typed them."""

    contact_id: int
    display_name: str
    given_name: str = ""
    family_name: str = ""
    organisation: str = ""


def _is_content(word: str) -> bool:
    return len(word) > 1 and word not in STOP_WORDS


def name_forms(person: PersonNames) -> set[tuple[str, ...]]:
    """The folded word sequences that name ``person``: two words at least each."""
    given, family = words(person.given_name), words(person.family_name)
    forms = {tuple(given + family), tuple(family + given)}
    if len(given) > 1:
        forms.add((given[0], *family))
    display = words(person.display_name)
    # A display name built from the organisation names a company, not a person.
    if given or family or person.display_name.strip() != person.organisation.strip():
        forms.add(tuple(display))
    # A form must hold two real words: "Jean Le" is "jean" and a stop word.
    return {f for f in forms if len(f) >= 2 and sum(_is_content(w) for w in f) >= 2}


def find_names(text: str, people: Iterable[PersonNames]) -> list[PersonNames]:
    """The people ``text`` names, in the order of their first mention."""
    tokens = words(text)
    positions: dict[str, list[int]] = {}
    for i, token in enumerate(tokens):
        positions.setdefault(token, []).append(i)
    found: list[tuple[int, PersonNames]] = []
    for person in people:
        first = _first_mention(tokens, positions, name_forms(person))
        if first is not None:
            found.append((first, person))
    found.sort(key=lambda pair: (pair[0], pair[1].display_name))
    return [person for _, person in found]


def _first_mention(
    tokens: Sequence[str], positions: dict[str, list[int]], forms: set[tuple[str, ...]]
) -> int | None:
    best: int | None = None
    for form in forms:
        for start in positions.get(form[0], ()):
            if tuple(tokens[start : start + len(form)]) == form:
                best = start if best is None else min(best, start)
                break
    return best


def candidate_pairs(text: str, known: set[str] | None = None) -> list[tuple[str, str]]:
    """Consecutive content words of ``text`` (stop words skipped, so "Jean de La Fontaine"
    gives ("jean", "fontaine")), both in ``known`` when it is given; each pair once."""
    content = [w[:MAX_WORD] for w in words(text) if _is_content(w)]
    pairs: dict[tuple[str, str], None] = {}
    for first, second in itertools.pairwise(content):
        if known is not None and not (first in known and second in known):
            continue
        pair = (first, second) if first <= second else (second, first)
        if first != second:
            pairs[pair] = None
    return list(pairs)[:MAX_PAIRS]


def names_in_text(user: User, text: str) -> list[PersonNames]:
    """The contacts of ``user``'s network (active and archived) that ``text`` names."""
    from entregent.network.models import Contact, SearchTerm

    content = sorted({w[:MAX_WORD] for w in words(text) if _is_content(w)})
    if len(content) < 2 or not getattr(user, "is_authenticated", False):
        return []
    known: set[str] = set()
    for start in range(0, len(content), WORDS_PER_QUERY):
        known.update(
            SearchTerm.objects.filter(
                owner=user, word__in=content[start : start + WORDS_PER_QUERY]
            ).values_list("word", flat=True)
        )
    pairs = candidate_pairs(text, known)
    if not pairs:
        return []
    ids = _contacts_with_pairs(user.pk, pairs)
    if not ids:
        return []
    people = [
        PersonNames(
            row["pk"],
            row["display_name"],
            row["given_name"],
            row["family_name"],
            row["organisation"],
        )
        for row in Contact.objects.owned_by(user)
        .filter(pk__in=ids)
        .values("pk", "display_name", "given_name", "family_name", "organisation")
    ]
    return find_names(text, people)


def _contacts_with_pairs(owner_id: int, pairs: list[tuple[str, str]]) -> list[int]:
    """Ids of the member's contacts (active or archived) whose main fields hold both words
    of a pair, from the search's index of the main fields (``network/migrations/0009``).

    Words come from ``lib.text.words``: letters and digits only, so quoting them is enough
    for either engine's syntax.
    """
    from entregent.network.search.documents import ACTIVE, ARCHIVED, owner_key, owner_range
    from entregent.network.search.engine import MAIN_TSVECTOR, PostgresBackend, SQLiteBackend

    params: list[object] = []
    if connection.vendor == "postgresql":
        owners = " | ".join([owner_key(owner_id, ACTIVE), owner_key(owner_id, ARCHIVED)])
        arms = []
        for first, second in pairs:
            arms.append(
                "(SELECT d.contact_id FROM network_searchdocument d "
                f"WHERE {MAIN_TSVECTOR} @@ to_tsquery('simple', %s) LIMIT %s)"
            )
            params += [f"({owners}) & {first} & {second}", PER_PAIR]
    else:
        # The member's documents are a range of rowids, as the search reads them.
        first_key, last_key = owner_range(owner_id, [ACTIVE, ARCHIVED])
        arms = []
        for first, second in pairs:
            arms.append(
                "SELECT rowid FROM (SELECT rowid FROM network_search_main "
                "WHERE network_search_main MATCH %s AND rowid BETWEEN %s AND %s LIMIT %s)"
            )
            params += [f'main : ("{first}" AND "{second}")', first_key, last_key, PER_PAIR]
    # The engine's own way of running a candidate query: contact ids back from either
    # engine (SQLite's rowid is a rank key), PostgreSQL kept on its index.
    engine = PostgresBackend if connection.vendor == "postgresql" else SQLiteBackend
    return sorted(set(engine._ids(" UNION ".join(arms), params)))
