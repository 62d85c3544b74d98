"""Building and keeping the search documents: one per contact, derived from everything about it.

``build_fields`` is a pure function; ``reindex_contacts`` writes documents for any set of
contacts in batches, a few queries per batch whatever its size (it is what imports, merges and
undos call after bulk writes); signals in ``network/signals.py`` call it on every single write.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django.core.cache import cache
from django.db import DatabaseError, connection, transaction

from entregent.lib.text import index_tokens, words
from entregent.lib.thesaurus import Thesaurus, concept_token, default_thesaurus, group_token
from entregent.network.models import Contact, Interaction, SearchDocument, SearchTerm

logger = logging.getLogger(__name__)

# Fields in the order they rank; "main" holds what a person is, "extra" what was said of them.
MAIN_FIELDS = ("names", "headline", "job_title", "organisation", "tags")
EXTRA_FIELDS = ("met", "notes", "interactions")
ALL_FIELDS = MAIN_FIELDS + EXTRA_FIELDS
# Where the words name occupations worth tagging (Mr Baker is not a baker; "interactions" are
# many and short-lived, and scanning them all would double the cost of indexing).
TAGGED_FIELDS = {
    "headline": "main",
    "job_title": "main",
    "tags": "main",
    "met": "extra",
    "notes": "extra",
}
# The key of the tagged occupations in a document's fields: one entry per occupation named,
# "field/occupation token/ISCO group token/first word/end word/kind" (kind "e" for a label,
# "c" for the end of a compound word, in upper case when named in a complement).
CONCEPTS = "concepts"
BATCH = 500
# The summaries of the latest interactions are enough to find "the one I met at the fair".
MAX_INTERACTIONS = 200


# The owner's key also says where the contact stands, so that the index itself answers "the
# member's active contacts" (the search without filters) with no join and no list of ids:
# x active, a archived, b in the bin, p written by an unfinished import.
ACTIVE, ARCHIVED, BINNED, PENDING = "x", "a", "b", "p"


# What the documents are made of changes with the code (stems, the thesaurus, occupation
# tokens): bump this when it does, and `rebuild_search_index --if-stale` (which `make setup`
# runs) rebuilds documents built by an older version.
INDEX_VERSION = "2026-12-01.1"
INDEX_VERSION_KEY = "search-index-version"

# A document's rank key: its place in the order the engines read matches in (see
# Backend.candidates), and SQLite's FTS5 rowid. From the high bits down: the owner, where the
# contact stands (``STATES``), how far the tie is (5 - tie strength: the closest first), and
# the contact id, so that the key is unique and gives the contact back without a lookup.
# A member's contacts in one state are one range of keys, which SQLite's FTS5 reads without a
# phrase for the owner: bm25 counted every document of that phrase, 5 ms a query at 100,000
# contacts (``owner_range``).
CONTACT_BITS = 37  # 137 billion contacts
STRENGTH_SHIFT = CONTACT_BITS  # 3 bits: 0 to 5
STATE_SHIFT = STRENGTH_SHIFT + 3  # 2 bits: ``STATES``
OWNER_SHIFT = STATE_SHIFT + 2  # 21 bits: 2 million members, within a signed 64-bit integer
CONTACT_MASK = (1 << CONTACT_BITS) - 1
MAX_OWNER = (1 << (63 - OWNER_SHIFT)) - 1
# Active then archived, side by side: "all my contacts" is one range too.
STATES = {ACTIVE: 0, ARCHIVED: 1, BINNED: 2, PENDING: 3}


def rank_key(owner_id: int, state: str, contact_id: int, tie_strength: int | None) -> int:
    if not (0 < owner_id <= MAX_OWNER and 0 < contact_id <= CONTACT_MASK):
        raise OverflowError(
            f"Contact {contact_id} of member {owner_id} is beyond the search index's keys "
            f"(members up to {MAX_OWNER:,}, contacts up to {CONTACT_MASK:,})."
        )
    return (
        (owner_id << OWNER_SHIFT)
        | (STATES[state] << STATE_SHIFT)
        | ((5 - (tie_strength or 0)) << STRENGTH_SHIFT)
        | contact_id
    )


def owner_range(owner_id: int, states: list[str]) -> tuple[int, int]:
    """The first and last rank keys of a member's documents in ``states`` (contiguous)."""
    codes = sorted(STATES[s] for s in states)
    if codes != list(range(codes[0], codes[-1] + 1)):
        raise ValueError(f"States {states} are not side by side in the rank key.")
    base = owner_id << OWNER_SHIFT
    return base | (codes[0] << STATE_SHIFT), base | (((codes[-1] + 1) << STATE_SHIFT) - 1)


def index_is_stale() -> bool:
    """True when the documents may have been built by an older version of this module."""
    if not SearchDocument.objects.exists():
        return False
    return cache.get(INDEX_VERSION_KEY) != INDEX_VERSION


def mark_index_current() -> None:
    cache.set(INDEX_VERSION_KEY, INDEX_VERSION, timeout=None)


# Tie strengths in the order the rank key reads them: the closest first (none counts as 0).
TIES = (5, 4, 3, 2, 1, 0)


def owner_key(owner_id: int, state: str = ACTIVE) -> str:
    """The token of a member's documents in one state ("o12x")."""
    return f"o{owner_id}{state}"


def band_key(owner_id: int, state: str, tie_strength: int | None) -> str:
    """The token of the same documents with one tie strength ("o12x5"), so that PostgreSQL
    can read them a band of the rank key at a time and stop at a page (``PostgresBackend``)."""
    return f"{owner_key(owner_id, state)}{tie_strength or 0}"


def band_keys(owner_id: int, states: list[str], ties: Iterable[int] = TIES) -> list[str]:
    """The band tokens of a member's documents in ``states``, in rank key order."""
    return [band_key(owner_id, state, tie) for state in states for tie in ties]


# What owner and band tokens look like: a document's own text never holds one, or a member
# could write another's token into a contact's notes and have it match the other's queries.
RESERVED_TOKEN = re.compile(r"o[0-9]+[xabp][0-9]?")


def _own(tokens: Iterable[str]) -> list[str]:
    return [t for t in tokens if t[:1] != "o" or not RESERVED_TOKEN.fullmatch(t)]


def state_of(contact: dict[str, Any]) -> str:
    if contact["pending"]:
        return PENDING
    if contact["deleted_at"] is not None:
        return BINNED
    if contact["archived_at"] is not None:
        return ARCHIVED
    return ACTIVE


def vocabulary_version_key(owner_id: int) -> str:
    return f"search-vocabulary-version:{owner_id}"


def field_texts(contact: dict[str, Any], tags: list[str], summaries: list[str]) -> dict[str, str]:
    """The original text of each searchable field of a contact."""
    names = " ".join(
        dict.fromkeys(
            n
            for n in (contact["display_name"], contact["given_name"], contact["family_name"])
            if n
        )
    )
    return {
        "names": names,
        "headline": contact["headline"],
        "job_title": contact["job_title"],
        "organisation": contact["organisation"],
        "tags": " ".join(tags),
        "met": contact["met_story"],
        "notes": contact["notes"],
        "interactions": "\n".join(summaries),
    }


def _folded(text: str) -> str:
    """A field's folded words; short texts (titles, companies, towns) repeat, so are cached."""
    return _folded_short(text) if len(text) <= 200 else " ".join(words(text))


@lru_cache(maxsize=50_000)
def _folded_short(text: str) -> str:
    return " ".join(words(text))


def build_fields(
    texts: dict[str, str], thesaurus: Thesaurus | None = None
) -> tuple[dict[str, str], str, str]:
    """(folded words per field and the occupations they name, main index text, extra index
    text)."""
    thesaurus = thesaurus or default_thesaurus()
    fields = {name: _folded(texts.get(name, "")) for name in ALL_FIELDS}
    index = {
        "main": _own(t for name in MAIN_FIELDS for t in index_tokens(texts.get(name, ""))),
        "extra": _own(t for name in EXTRA_FIELDS for t in index_tokens(texts.get(name, ""))),
    }
    entries = []
    for name, column in TAGGED_FIELDS.items():
        if not fields[name]:
            continue
        for tag in thesaurus.tag(fields[name].split()):
            token = concept_token(tag.concept)
            group = group_token(thesaurus.isco.get(tag.concept, "") or "0")
            # "e" a label, "c" the end of a compound word; upper case: in a complement.
            kind = "c" if tag.compound else "e"
            kind = kind.upper() if tag.complement else kind
            entries.append(f"{name}/{token}/{group}/{tag.start}/{tag.end}/{kind}")
            index[column] += [token, group]
    built = {k: v for k, v in fields.items() if v}
    if entries:
        built[CONCEPTS] = " ".join(entries)
    return built, " ".join(index["main"]), " ".join(index["extra"])


_CONTACT_FIELDS = (
    "pk",
    "owner_id",
    "tie_strength",
    "display_name",
    "given_name",
    "family_name",
    "headline",
    "job_title",
    "organisation",
    "met_story",
    "notes",
    "pending",
    "deleted_at",
    "archived_at",
)


def reindex_contacts(contact_ids: Iterable[int], thesaurus: Thesaurus | None = None) -> int:
    """Rebuild the search documents of these contacts (any owner); returns how many were built.

    Contacts that no longer exist simply lose their document (by cascade).
    """
    ids = sorted(set(contact_ids))
    built, owners = 0, set()
    for start in range(0, len(ids), BATCH):
        count, batch_owners = _reindex_batch(ids[start : start + BATCH], thesaurus)
        built += count
        owners |= batch_owners
    if built and connection.vendor == "postgresql":
        _merge_pending_entries()
    if owners:
        # Searching processes reload a member's vocabulary when its version changes.
        versions = {vocabulary_version_key(o): uuid.uuid4().hex for o in owners}
        cache.set_many(versions, timeout=None)
    return built


# PostgreSQL's GIN indexes of the search, whose new entries wait in a pending list (fastupdate).
GIN_INDEXES = (
    "network_searchdocument_tsv",
    "network_searchdocument_tsv_main",
    "network_searchterm_word_trgm",
)


def _merge_pending_entries() -> None:
    """Merge the GIN indexes' pending lists into the indexes proper, as a vacuum would.

    Every search reads a pending list whole, at every scan: after a 10,000-contact reindex
    (up to 4 MB of pending entries) searches took 2.5 times as long until autovacuum came,
    which a large table's insert threshold can put off for a long time. Merging costs 30 ms
    after 10,000 documents and 2 ms after one, and keeps the batching that makes bulk writes
    cheap. It needs the indexes' owner: without, the autovacuum does it later.
    """
    calls = ", ".join(f"gin_clean_pending_list('{index}'::regclass)" for index in GIN_INDEXES)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SELECT {calls}")
    except DatabaseError as error:
        logger.warning("Search index entries left for autovacuum to merge: %s", error)


def _reindex_batch(ids: list[int], thesaurus: Thesaurus | None) -> tuple[int, set[int]]:
    contacts = list(Contact.objects.filter(pk__in=ids).values(*_CONTACT_FIELDS))
    tags: dict[int, list[str]] = defaultdict(list)
    for contact_id, name in (
        Contact.tags.through.objects.filter(contact_id__in=ids)
        .order_by("tag__name")
        .values_list("contact_id", "tag__name")
    ):
        tags[contact_id].append(name)
    summaries = _summaries(ids)

    documents: list[tuple[int, int, int, str, str, str, str]] = []
    vocabulary: dict[int, set[str]] = defaultdict(set)
    for contact in contacts:
        texts = field_texts(contact, tags[contact["pk"]], summaries.get(contact["pk"], []))
        fields, main, extra = build_fields(texts, thesaurus)
        state = state_of(contact)
        documents.append(
            (
                contact["pk"],
                contact["owner_id"],
                rank_key(contact["owner_id"], state, contact["pk"], contact["tie_strength"]),
                f"{owner_key(contact['owner_id'], state)} "
                f"{band_key(contact['owner_id'], state, contact['tie_strength'])}",
                main,
                extra,
                json.dumps(fields, ensure_ascii=False, separators=(",", ":")),
            )
        )
        for name, text in fields.items():
            if name == CONCEPTS:
                continue
            vocabulary[contact["owner_id"]].update(text.split())

    with transaction.atomic():
        SearchDocument.objects.filter(contact_id__in=ids).delete()
        _insert(documents)
        grown = set()
        for owner_id, vocab in vocabulary.items():
            words = sorted({w[:100] for w in vocab})
            known: set[str] = set()
            for start in range(0, len(words), 900):  # under SQLite's parameter limit
                known.update(
                    SearchTerm.objects.filter(
                        owner_id=owner_id, word__in=words[start : start + 900]
                    ).values_list("word", flat=True)
                )
            new_words = [w for w in words if w not in known]
            if new_words:
                SearchTerm.objects.bulk_create(
                    (SearchTerm(owner_id=owner_id, word=w) for w in new_words),
                    batch_size=BATCH,
                    ignore_conflicts=True,
                )
                grown.add(owner_id)
    return len(documents), grown


def _summaries(ids: list[int]) -> dict[int, list[str]]:
    """The latest interactions' summaries of each contact, newest first.

    In two queries, the links then the interactions by primary key: joined in one, PostgreSQL
    hashed the whole interaction table for each batch of 500 contacts (80 ms a batch with
    550,000 interactions in the database, for 2,500 of them)."""
    links: dict[int, list[int]] = defaultdict(list)
    for contact_id, interaction_id in Interaction.contacts.through.objects.filter(
        contact_id__in=ids
    ).values_list("contact_id", "interaction_id"):
        links[contact_id].append(interaction_id)
    wanted = sorted({i for linked in links.values() for i in linked})
    interactions: dict[int, tuple[Any, str]] = {}
    for start in range(0, len(wanted), 10_000):
        interactions.update(
            (pk, (occurred_on, summary))
            for pk, occurred_on, summary in Interaction.objects.filter(
                pk__in=wanted[start : start + 10_000]
            ).values_list("pk", "occurred_on", "summary")
        )
    summaries: dict[int, list[str]] = {}
    for contact_id, linked in links.items():
        # An interaction deleted in between is simply left out.
        found = [i for i in linked if i in interactions]
        newest = sorted(found, key=lambda i: (interactions[i][0], i), reverse=True)
        summaries[contact_id] = [interactions[i][1] for i in newest[:MAX_INTERACTIONS]]
    return summaries


def _insert(documents: list[tuple[int, int, int, str, str, str, str]]) -> None:
    """The documents, written with one prepared statement (SQLite) or one COPY (PostgreSQL):
    bulk_create spent more time building model instances and SQL than the database spent
    writing, and PostgreSQL's INSERT, even pipelined, cost psycopg about 80 µs a row in
    preparing and sending each statement (0.8 s of 10,000 documents' 5.8)."""
    if not documents:
        return
    table = connection.ops.quote_name(SearchDocument._meta.db_table)
    columns = "contact_id, owner_id, rank_key, owner_key, main, extra, fields"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for document in documents:
                    copy.write_row(document)
        else:
            sql = f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s)"
            cursor.executemany(sql, documents)


def reindex_owner(owner_id: int) -> int:
    """Rebuild one member's documents and vocabulary from scratch."""
    with transaction.atomic():
        SearchTerm.objects.filter(owner_id=owner_id).delete()
        ids = list(Contact.objects.filter(owner_id=owner_id).values_list("pk", flat=True))
        return reindex_contacts(ids)
