"""Both databases must give the same answers: each engine's top 10 is checked against a
reference that scores every one of the member's documents in Python, so SQLite's FTS5 and
PostgreSQL's tsvector, each checked in its own CI pass, return the same top-10 set."""

from __future__ import annotations

import datetime as dt

from entregent.accounts.models import User
from entregent.demo import words_en, words_fr
from entregent.demo.loader import write_network
from entregent.demo.networks import plan_network
from entregent.network.models import SearchDocument
from entregent.network.search import reindex_owner, search
from entregent.network.search.engine import prepare, scope_for, score_detail
from entregent.test import BaseTestCase

# Words of the demo networks (jobs, places, events, names), typed as members type them:
# stems, plurals, prefixes, typos, no accents, two languages, several words, filters.
QUERIES = [
    "graphiste",
    "infographiste",
    "designer",
    "graphic designers",
    "développeur web",
    "developpeuse",
    "comptable",
    "accountant",
    "ingénieur",
    "engineer",
    "marketing",
    "consultante",
    "avocat",
    "lawyer",
    "journaliste",
    "photographe",
    "lyon",
    "london",
    "salon",
    "conference",
    "déjeuner",
    "coffee",
    "archit",
    "develo",
    "markting",
    "journalsite",
    "chef de projet",
    "project manager",
    "responsable marketing paris",
    "comptable zanzibar",
    "tag:clients",
    "is:due designer",
]


class EnginesAgreeWithTheReferenceTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        today = dt.date(2026, 11, 1)
        # Alice's network is French, Bob's English: the same queries run on both.
        for member, vocabulary in (
            (cls.alice, words_fr.VOCABULARY),
            (cls.bob, words_en.VOCABULARY),
        ):
            write_network(member, plan_network(vocabulary, size=200, today=today, seed="p"))
            reindex_owner(member.pk)

    def reference(self, member: User, text: str) -> list[int]:
        """The full matches' top 10 when every document in scope is scored in Python."""
        query, _ = prepare(member, text)
        scope = scope_for(member, query.filters).values("pk")
        rows = SearchDocument.objects.filter(contact__in=scope).values_list(
            "contact_id", "fields", "contact__tie_strength", "contact__display_name"
        )
        ranked = []
        for contact_id, fields, strength, name in rows:
            value, _, complete = score_detail(fields, query)
            if value > 0 and complete:
                ranked.append((-round(value, 9), -(strength or 0), name, contact_id))
        ranked.sort()
        return [row[-1] for row in ranked[:10]]

    def test_every_query_gives_the_reference_top_ten(self) -> None:
        checked = 0
        for member in (self.alice, self.bob):
            for text in QUERIES:
                with self.subTest(member=member.email, query=text):
                    results = search(member, text, limit=10, explain=False)
                    expected = self.reference(member, text)
                    found = [h.contact.pk for h in results.full_hits]
                    self.assertEqual(found, expected)
                    checked += bool(expected)
        # The corpus must exercise the engines: most queries find somebody.
        self.assertGreaterEqual(checked, len(QUERIES))
