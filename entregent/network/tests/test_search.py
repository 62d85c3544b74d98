"""Ask my network: what a member finds, on whichever database runs the tests."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from unittest import skipUnless

from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from entregent.accounts.models import User
from entregent.lib.text import fold, stems, words
from entregent.network.models import Contact, Interaction, Relationship, SearchDocument, Tag
from entregent.network.search import Results, reindex_contacts, search
from entregent.network.search.documents import (
    GIN_INDEXES,
    INDEX_VERSION_KEY,
    band_key,
    owner_key,
)
from entregent.network.search.engine import (
    CANDIDATES,
    COMPLETIONS,
    PARTIAL_SHOWN,
    backend,
    prepare,
)
from entregent.network.search.query import parse, to_fts5, to_tsquery
from entregent.network.tests.factories import log_interaction, make_contact, make_tag
from entregent.test import BaseTestCase, make_user


def names(results: Results) -> list[str]:
    return [h.contact.display_name for h in results.hits]


class TextTests(TestCase):
    def test_fold_removes_case_accents_and_ligatures(self) -> None:
        self.assertEqual(fold("Développeuse ŒUVRE Straße"), "developpeuse oeuvre strasse")

    def test_words_split_compounds_and_punctuation(self) -> None:
        self.assertEqual(
            words("UI/UX Designer, d'Hélène"), ["ui", "ux", "designer", "d", "helene"]
        )

    def test_french_and_english_stems(self) -> None:
        self.assertEqual(stems("graphistes")[0], stems("graphiste")[0])
        self.assertIn(stems("designer")[-1], stems("designers"))


class SearchCorpus(BaseTestCase):
    """A small network in both languages, with graphic designers said many ways."""

    helene: Contact
    tom: Contact
    julie: Contact
    marc: Contact
    sophie: Contact
    paul: Contact
    anne: Contact
    louis: Contact

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        a = cls.alice
        cls.helene = make_contact(
            a, "Hélène Dubois", headline="Graphiste freelance", tie_strength=4
        )
        cls.tom = make_contact(a, "Tom Baker", headline="UI/UX Designer at Acme")
        cls.julie = make_contact(
            a, "Julie Marchand", job_title="Directrice artistique", organisation="Agence Nova"
        )
        cls.marc = make_contact(a, "Marc Petit", headline="Infographiste 3D")
        cls.sophie = make_contact(a, "Sophie Laurent", headline="Développeuse web", notes="React")
        cls.paul = make_contact(a, "Paul Graham", headline="Graphic designer", tie_strength=2)
        cls.anne = make_contact(a, "Anne Roux", headline="Comptable", organisation="Cabinet Roux")
        cls.louis = make_contact(a, "Louis Martin", headline="Boulanger")
        Relationship.objects.create(owner=a, from_contact=cls.anne, to_contact=cls.helene)
        log_interaction(a, [cls.louis], dt.date(2026, 1, 5), "Salon des artisans à Lyon")
        clients = make_tag(a, "clients")
        cls.anne.tags.add(clients)
        # Bob's network holds the same people: none of them may ever show in Alice's results.
        for contact in Contact.objects.filter(owner=a):
            make_contact(cls.bob, contact.display_name, headline=contact.headline)


class SearchTests(SearchCorpus):
    def test_infographiste_finds_the_graphic_designers_first(self) -> None:
        found = names(search(self.alice, "infographiste"))
        self.assertEqual(found[0], "Marc Petit")  # the direct hit
        self.assertIn("Hélène Dubois", found[:3])  # graphiste is part of infographiste

    def test_graphiste_finds_graphic_designer_through_the_thesaurus_below_direct_hits(
        self,
    ) -> None:
        found = names(search(self.alice, "graphiste"))
        self.assertEqual(found[0], "Hélène Dubois")
        self.assertIn("Paul Graham", found)
        self.assertLess(found.index("Hélène Dubois"), found.index("Paul Graham"))

    def test_case_and_accents_do_not_matter(self) -> None:
        self.assertEqual(names(search(self.alice, "DEVELOPPEUSE")), ["Sophie Laurent"])
        self.assertEqual(names(search(self.alice, "hélène"))[0], "Hélène Dubois")

    def test_a_compound_word_brings_the_synonyms_of_its_part(self) -> None:
        # "infographiste" ends with "graphiste", whose synonyms include "graphic designer".
        found = names(search(self.alice, "infographiste"))
        self.assertIn("Paul Graham", found)
        self.assertLess(found.index("Hélène Dubois"), found.index("Paul Graham"))

    def test_words_found_inside_a_longer_label_bring_its_synonyms(self) -> None:
        # "app developer" is no label, "mobile app developer" is; its French labels follow.
        make_contact(self.alice, "Inès Moreau", headline="Développeuse d'applications mobiles")
        results = search(self.alice, "app developer")
        self.assertEqual([h.contact.display_name for h in results.full_hits], ["Inès Moreau"])
        # A web developer matches one word of two: shown after, as a partial match.
        self.assertEqual(
            [h.contact.display_name for h in results.partial_hits], ["Sophie Laurent"]
        )
        self.assertFalse(results.partial)

    def test_feminine_and_masculine_forms_meet(self) -> None:
        self.assertEqual(names(search(self.alice, "développeur")), ["Sophie Laurent"])
        self.assertEqual(names(search(self.alice, "directeur artistique"))[:1], ["Julie Marchand"])

    def test_plurals_in_both_languages(self) -> None:
        self.assertEqual(names(search(self.alice, "graphistes"))[0], "Hélène Dubois")
        self.assertIn("Tom Baker", names(search(self.alice, "designers")))

    def test_a_word_spelt_right_only_has_typos_that_start_the_same_way(self) -> None:
        lucie = make_contact(self.alice, "Lucie Blanc", headline="Électricienne")
        log_interaction(self.alice, [lucie], dt.date(2026, 2, 3), "Relance sur la facture")
        # "relance" is two typos from "freelance", which the network holds (Hélène is one).
        self.assertEqual(names(search(self.alice, "freelance")), ["Hélène Dubois"])
        # A word the network does not hold is one: "relanse" finds "relance".
        self.assertEqual(names(search(self.alice, "relanse")), ["Lucie Blanc"])
        # A held word's neighbours that start the same way still count.
        make_contact(self.alice, "Rémi Garnier", notes="A été designer graphique en agence")
        self.assertIn("Rémi Garnier", names(search(self.alice, "graphiste")))

    def test_prefix_while_typing(self) -> None:
        self.assertEqual(names(search(self.alice, "boula")), ["Louis Martin"])
        # The word being typed is the last one.
        self.assertEqual(names(search(self.alice, "lyon boula")), ["Louis Martin"])

    def test_only_the_word_being_typed_is_a_prefix(self) -> None:
        query, _ = prepare(self.alice, "machine graphi")
        self.assertEqual([t.prefix for t in query.terms], [False, True])
        # The network's words that start with it are looked up, not a prefix of the index.
        self.assertEqual(query.terms[1].completions, ["graphic", "graphiste"])
        for rendered in (to_fts5(query), to_tsquery(query)):
            self.assertIn("graphiste", rendered)
            self.assertNotIn("machine*", rendered.replace('"', ""))
            self.assertNotIn("machine:*", rendered)
            self.assertNotIn("graphi:*", rendered)
            self.assertNotIn('"graphi"*', rendered)

    def test_a_prefix_with_many_completions_is_left_to_the_engine(self) -> None:
        notes = " ".join(f"proj{n}" for n in range(COMPLETIONS + 1))
        make_contact(self.alice, "Zoé Caron", notes=notes)
        query, _ = prepare(self.alice, "proj")
        self.assertIsNone(query.terms[0].completions)
        self.assertIn('"proj"*', to_fts5(query))
        self.assertIn("proj:*", to_tsquery(query))
        self.assertEqual(names(search(self.alice, "proj")), ["Zoé Caron"])

    def test_one_typo_in_a_word_of_five_letters_or_more(self) -> None:
        self.assertEqual(names(search(self.alice, "boulangre"))[:1], ["Louis Martin"])
        self.assertEqual(names(search(self.alice, "comptible"))[:1], ["Anne Roux"])
        self.assertEqual(names(search(self.alice, "raect")), ["Sophie Laurent"])  # swapped

    def test_a_typo_in_a_short_word_is_not_guessed(self) -> None:
        self.assertEqual(names(search(self.alice, "lyin")), [])
        self.assertEqual(names(search(self.alice, "lyon")), ["Louis Martin"])

    def test_a_name_is_not_an_occupation(self) -> None:
        # "boulanger" is "baker" in the thesaurus; Tom Baker is not one.
        self.assertEqual(names(search(self.alice, "boulanger")), ["Louis Martin"])

    def test_word_parts(self) -> None:
        self.assertIn("Tom Baker", names(search(self.alice, "designer")))

    def test_thesaurus_across_languages(self) -> None:
        self.assertEqual(names(search(self.alice, "web developer"))[:1], ["Sophie Laurent"])
        self.assertEqual(names(search(self.alice, "accountant"))[:1], ["Anne Roux"])

    def test_all_words_must_match_with_a_partial_fallback(self) -> None:
        both = search(self.alice, "comptable roux")
        self.assertEqual(names(both), ["Anne Roux"])
        self.assertFalse(both.partial)
        fallback = search(self.alice, "comptable zanzibar")
        self.assertTrue(fallback.partial)
        self.assertEqual(names(fallback)[:1], ["Anne Roux"])

    def test_below_full_matches_only_a_few_partial_ones_are_shown(self) -> None:
        for n in range(15):
            make_contact(self.alice, f"Freelance {n}", headline="Freelance")
        results = search(self.alice, "graphiste freelance", limit=50)
        self.assertEqual([h.contact.display_name for h in results.full_hits], ["Hélène Dubois"])
        self.assertEqual(len(results.partial_hits), PARTIAL_SHOWN)

    def test_a_rare_word_is_not_crowded_out_of_the_partial_matches_by_common_ones(self) -> None:
        # No one is a "kitesurf contracts manager": the one kitesurf instructor must still
        # come before the many managers, although the thesaurus reads "contracts manager"
        # as one occupation (a group of two words, worth more than the rare word alone).
        for n in range(CANDIDATES + 10):
            make_contact(self.alice, f"Manager {n}", headline=f"Project manager {n}")
        make_contact(self.alice, "Iris Kite", headline="Kitesurf instructor")
        results = search(self.alice, "kitesurf contracts manager")
        self.assertTrue(results.partial)
        self.assertEqual(names(results)[:1], ["Iris Kite"])

    def test_interactions_and_notes_are_searched(self) -> None:
        self.assertEqual(names(search(self.alice, "lyon")), ["Louis Martin"])
        self.assertEqual(names(search(self.alice, "react")), ["Sophie Laurent"])

    def test_why_it_matched_is_shown_with_the_original_text(self) -> None:
        hit = search(self.alice, "developpeuse").hits[0]
        self.assertEqual(hit.matched_fields, ["headline"])
        label, snippet = hit.snippets[0]
        self.assertEqual(str(snippet), "<mark>Développeuse</mark> web")
        self.assertEqual(label, "what they do")

    def test_second_degree_via(self) -> None:
        hit = search(self.alice, "graphiste").hits[0]
        self.assertEqual([c.display_name for c in hit.via], ["Anne Roux"])

    def test_filters_in_the_query(self) -> None:
        self.assertEqual(names(search(self.alice, "tag:clients")), [])  # no words: nothing
        self.assertEqual(names(search(self.alice, "roux tag:clients")), ["Anne Roux"])
        self.assertEqual(names(search(self.alice, "graphiste strength:2")), ["Paul Graham"])
        self.assertEqual(names(search(self.alice, "comptable org:cabinet")), ["Anne Roux"])

    def test_a_tag_filter_keeps_to_the_members_own_tag_and_the_state_asked_for(self) -> None:
        # Bob has a tag of the same name on a namesake: it must not open Alice's search.
        bob_tag = make_tag(self.bob, "CLIENTS")
        make_contact(self.bob, "Anne Rousseau", headline="comptable").tags.add(bob_tag)
        self.assertEqual(names(search(self.alice, "comptable tag:Clients")), ["Anne Roux"])
        self.anne.archive()
        self.assertEqual(names(search(self.alice, "comptable tag:clients")), [])
        self.assertEqual(
            names(search(self.alice, "comptable tag:clients is:archived")), ["Anne Roux"]
        )
        self.assertEqual(names(search(self.alice, "comptable tag:clients is:all")), ["Anne Roux"])

    def test_filters_in_french_with_accents(self) -> None:
        self.assertEqual(names(search(self.alice, "roux étiquette:clients")), ["Anne Roux"])
        self.assertEqual(names(search(self.alice, "comptable entreprise:cabinet")), ["Anne Roux"])
        # Not a filter name: the words are searched as they are.
        self.assertEqual(parse("rendez-vous 10:30")[0], ["rendez", "vous", "10", "30"])

    def test_snippets_of_notes_show_text_not_markdown(self) -> None:
        make_contact(
            self.alice, "Iris", notes="Ancienne **céramiste**, voir [son site](https://x.y)"
        )
        snippet = str(search(self.alice, "ceramiste").hits[0].snippets[0][1])
        self.assertEqual(snippet, "Ancienne <mark>céramiste</mark>, voir son site")

    def test_archived_contacts_only_when_asked(self) -> None:
        # A bulk write sends no signal: its caller reindexes, as every bulk writer must.
        Contact.objects.filter(pk=self.louis.pk).update(archived_at=self.louis.created_at)
        reindex_contacts([self.louis.pk])
        self.assertEqual(names(search(self.alice, "boulanger")), [])
        self.assertEqual(names(search(self.alice, "boulanger is:archived")), ["Louis Martin"])

    def test_it_never_returns_another_members_contacts(self) -> None:
        for query in ("graphiste", "Hélène", "comptable", "designer", "a"):
            for hit in search(self.alice, query).hits:
                self.assertEqual(hit.contact.owner_id, self.alice.pk, query)
        self.assertEqual(names(search(self.charlie, "graphiste")), [])

    def test_contacts_of_an_unfinished_import_are_not_found(self) -> None:
        Contact.objects.filter(pk=self.louis.pk).update(pending=True)
        # Found by the index or not (whether the caller reindexed), never shown.
        for reindexed in (False, True):
            if reindexed:
                reindex_contacts([self.louis.pk])
            for text in ("boulanger", "boulanger is:all", "boulanger is:due", "louis lyon"):
                self.assertNotIn("Louis Martin", names(search(self.alice, text)), text)

    def test_a_contact_archived_by_a_bulk_write_is_hidden_even_before_reindexing(self) -> None:
        Contact.objects.filter(pk=self.louis.pk).update(archived_at=self.louis.created_at)
        self.assertEqual(names(search(self.alice, "boulanger")), [])

    @skipUnless(connection.vendor == "postgresql", "PostgreSQL planner settings")
    def test_the_planner_settings_of_the_search_do_not_outlive_it(self) -> None:
        # The test runs inside a transaction, as a search inside another write would.
        search(self.alice, "graphiste")
        with connection.cursor() as cursor:
            cursor.execute("SHOW enable_seqscan")
            self.assertEqual(cursor.fetchone()[0], "on")

    def test_binned_contacts_are_not_found(self) -> None:
        self.client.force_login(self.alice)
        self.client.post(reverse("network:contact-delete", args=[self.anne.pk]))
        self.assertEqual(names(search(self.alice, "comptable")), [])


class IndexFollowsWritesTests(BaseTestCase):
    def test_every_write_path_updates_the_document(self) -> None:
        contact = make_contact(self.alice, "Zoé Perrin", headline="Architecte")
        self.assertEqual(names(search(self.alice, "architecte")), ["Zoé Perrin"])

        contact.headline = "Paysagiste"
        contact.save()
        self.assertEqual(names(search(self.alice, "architecte")), [])
        self.assertEqual(names(search(self.alice, "paysagiste")), ["Zoé Perrin"])

        tag = make_tag(self.alice, "jardins")
        contact.tags.add(tag)
        self.assertEqual(names(search(self.alice, "jardins")), ["Zoé Perrin"])
        tag.name = "parcs"
        tag.save()
        self.assertEqual(names(search(self.alice, "parcs")), ["Zoé Perrin"])
        tag.delete()
        self.assertEqual(names(search(self.alice, "parcs")), [])

        meeting = log_interaction(self.alice, [contact], dt.date(2026, 2, 1), "Visite à Giverny")
        self.assertEqual(names(search(self.alice, "giverny")), ["Zoé Perrin"])
        meeting.summary = "Visite à Versailles"
        meeting.save()
        self.assertEqual(names(search(self.alice, "versailles")), ["Zoé Perrin"])
        meeting.delete()
        self.assertEqual(names(search(self.alice, "versailles")), [])

        contact.delete()
        self.assertFalse(SearchDocument.objects.exists())

    def test_bulk_reindex_after_bulk_create_uses_batches(self) -> None:
        Contact.objects.bulk_create(
            Contact(owner=self.alice, display_name=f"Person {i}", headline="Ébéniste")
            for i in range(1200)
        )
        ids = list(Contact.objects.filter(owner=self.alice).values_list("pk", flat=True))
        with CaptureQueriesContext(connection) as queries:
            built = reindex_contacts(ids)
        self.assertEqual(built, 1200)
        # About fifteen queries per batch of 500 contacts (SQLite splits long inserts), not
        # one or more per contact.
        self.assertLess(len(queries), 3 * 15)
        # All 1,200 are found; the engine hands its best CANDIDATES to the ranking.
        self.assertEqual(search(self.alice, "ebeniste", limit=5).total, CANDIDATES)

    @skipUnless(connection.vendor == "postgresql", "PostgreSQL's GIN pending lists")
    def test_a_reindex_leaves_no_entry_pending_for_every_search_to_read(self) -> None:
        contacts = Contact.objects.bulk_create(
            Contact(owner=self.alice, display_name=f"Person {i}", headline="Ébéniste")
            for i in range(600)
        )
        reindex_contacts([c.pk for c in contacts])
        calls = ", ".join(f"gin_clean_pending_list('{index}'::regclass)" for index in GIN_INDEXES)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {calls}")
            self.assertEqual(cursor.fetchone(), (0,) * len(GIN_INDEXES))

    def test_rebuild_command_repairs_everything(self) -> None:
        make_contact(self.alice, "Irène Joliot", headline="Physicienne")
        SearchDocument.objects.all().delete()
        self.assertEqual(names(search(self.alice, "physicienne")), [])
        out = StringIO()
        call_command("rebuild_search_index", "--json", stdout=out)
        self.assertEqual(json.loads(out.getvalue())["contacts"], 1)
        self.assertEqual(names(search(self.alice, "physicienne")), ["Irène Joliot"])

    def test_rebuild_if_stale_only_rebuilds_documents_of_an_older_index(self) -> None:
        make_contact(self.alice, "Irène Joliot", headline="Physicienne")
        cache.set(INDEX_VERSION_KEY, "an older version", timeout=None)

        def rebuilt() -> int:
            out = StringIO()
            call_command("rebuild_search_index", "--if-stale", "--json", stdout=out)
            return int(json.loads(out.getvalue())["contacts"])

        self.assertEqual(rebuilt(), 1)
        self.assertEqual(rebuilt(), 0)  # up to date now


class SearchPageTests(SearchCorpus):
    def setUp(self) -> None:
        self.client.force_login(self.alice)

    def test_the_page_works_without_javascript(self) -> None:
        response = self.client.get(reverse("network:search"), {"q": "infographiste"})
        self.assertContains(response, "Marc Petit")
        self.assertContains(response, "<mark>Infographiste</mark> 3D", html=False)
        self.assertContains(response, 'role="search"', html=False)

    def test_the_partial_results_for_as_you_type(self) -> None:
        response = self.client.get(reverse("network:search"), {"q": "gra", "partial": "suggest"})
        self.assertContains(response, "Hélène Dubois")
        self.assertNotContains(response, "<html")

    def test_partial_matches_come_after_full_ones_under_their_own_heading(self) -> None:
        response = self.client.get(reverse("network:search"), {"q": "graphiste freelance"})
        page = response.content.decode()
        self.assertNotIn("No contact matches every word", page)
        heading = page.index("Matching some of your words")
        # Hélène is both; Paul is a graphic designer, not said to be freelance.
        self.assertLess(page.index("Hélène Dubois"), heading)
        self.assertGreater(page.index("Paul Graham"), heading)

    def test_filters_as_controls(self) -> None:
        tag = Tag.objects.get(owner=self.alice, name="clients")
        response = self.client.get(reverse("network:search"), {"q": "roux", "tag": str(tag.pk)})
        self.assertEqual(names(response.context["results"]), ["Anne Roux"])

    def test_an_empty_query_is_not_an_error(self) -> None:
        response = self.client.get(reverse("network:search"), {"q": ""})
        self.assertEqual(response.status_code, 200)

    def test_the_header_search_box_is_on_every_page(self) -> None:
        response = self.client.get(reverse("network:contact-list"))
        self.assertContains(response, 'id="header-search"', html=False)


class SearchCommandTests(SearchCorpus):
    def test_json_output(self) -> None:
        out = StringIO()
        call_command(
            "search", "infographiste", user="alice@example.org", limit=2, json=True, stdout=out
        )
        rows = json.loads(out.getvalue())
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows[0]["display_name"], "Marc Petit")
        self.assertEqual(
            set(rows[0]), {"id", "display_name", "headline", "score", "matched_fields"}
        )
        self.assertGreaterEqual(rows[0]["score"], rows[1]["score"])

    def test_table_output_and_unknown_user(self) -> None:
        out = StringIO()
        call_command("search", "comptable", user="alice@example.org", stdout=out)
        self.assertIn("Anne Roux", out.getvalue())
        with self.assertRaisesMessage(Exception, "No member with the email address"):
            call_command("search", "x", user="nobody@example.org")


HOSTILE = [
    "",
    " ",
    "a" * 1000,
    '"unbalanced',
    "graph*",
    "NEAR(a b)",
    "a OR b",
    "(((",
    "-graphiste",
    "^start",
    "col:value",
    "'; DROP TABLE network_contact; --",
    "1=1 OR 1=1",
    "🎨 designer 🙂",
    "дизайнер 设计师 مصمم",
    "\x00\x01",
    "AND",
    "*",
]


class BadInputTests(SearchCorpus):
    def test_hostile_queries_never_error(self) -> None:
        for text in HOSTILE:
            results = search(self.alice, text)
            for hit in results.hits:
                self.assertEqual(hit.contact.owner_id, self.alice.pk)
        self.client.force_login(self.alice)
        for text in HOSTILE:
            response = self.client.get(reverse("network:search"), {"q": text.replace("\x00", "")})
            self.assertEqual(response.status_code, 200, text)

    def test_rendered_engine_queries_contain_only_safe_tokens(self) -> None:
        from entregent.network.search.engine import prepare

        query, _ = prepare(self.alice, 'NEAR(x y) "a" -b ^c d:e OR (f)')
        for rendered in (to_fts5(query), to_tsquery(query)):
            self.assertNotIn("NEAR(", rendered)
            self.assertNotIn("^", rendered)


class SearchPropertyTests(HypothesisTestCase):
    owner: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.owner = make_user("prop@example.org")
        make_contact(cls.owner, "Hélène Dubois", headline="Graphiste")

    @settings(max_examples=60, deadline=None)
    @given(st.text(max_size=200))
    def test_any_text_searches_without_error(self, text: str) -> None:
        results = search(self.owner, text.replace("\x00", ""))
        self.assertLessEqual(len(results.hits), 1)

    @given(st.text(max_size=300))
    def test_parse_always_returns_safe_words(self, text: str) -> None:
        terms, _ = parse(text)
        for term in terms:
            self.assertRegex(term, r"^\w+$")


class CandidateOrderTests(BaseTestCase):
    def test_with_hundreds_of_matches_the_closest_ties_come_first(self) -> None:
        # More matches than the engines read: PostgreSQL reads them a tie strength at a time
        # rather than all of them, SQLite in rank key order; both must start with the closest.
        ties = [None] * 300 + [4] * 25 + [5] * 25  # the closest written last
        contacts = Contact.objects.bulk_create(
            Contact(
                owner=self.alice,
                display_name=f"Designer {n:03}",
                headline="Designer",
                tie_strength=tie,
            )
            for n, tie in enumerate(ties)
        )
        reindex_contacts([c.pk for c in contacts])
        query, _ = prepare(self.alice, "designer")
        found = backend().candidates(query, None, CANDIDATES, any_group=False)
        close = {c.pk for c in contacts if c.tie_strength}
        self.assertEqual(len(found), CANDIDATES)
        self.assertLessEqual(close, set(found))
        hits = search(self.alice, "designer").hits
        self.assertEqual([h.contact.tie_strength for h in hits], [5] * 20)
        # A strength filter reads its own band, archived contacts theirs.
        hits = search(self.alice, "designer strength:4", limit=30).hits
        self.assertEqual(len(hits), 25)
        self.assertEqual({h.contact.tie_strength for h in hits}, {4})

    def test_a_token_written_in_a_contact_cannot_reach_another_members_search(self) -> None:
        alices = [owner_key(self.alice.pk), band_key(self.alice.pk, "x", 5)]
        make_contact(self.alice, "Ada Lovelace", headline="Designer")
        intruder = make_contact(self.bob, "Mallory", headline="Designer", notes=" ".join(alices))
        document = SearchDocument.objects.get(contact=intruder)
        for token in alices:
            self.assertNotIn(token, document.main.split() + document.extra.split())
        query, _ = prepare(self.alice, "designer")
        for any_group in (False, True):
            found = backend().candidates(query, None, CANDIDATES, any_group=any_group)
            self.assertNotIn(intruder.pk, found)


class InteractionOnlyTests(BaseTestCase):
    def test_a_contact_found_only_by_an_interaction_with_several_people(self) -> None:
        ada = make_contact(self.alice, "Ada")
        bea = make_contact(self.alice, "Béa")
        interaction = Interaction.objects.create(
            owner=self.alice, occurred_on=dt.date(2026, 3, 1), summary="Atelier céramique"
        )
        interaction.contacts.set([ada, bea])
        self.assertEqual(sorted(names(search(self.alice, "ceramique"))), ["Ada", "Béa"])
        interaction.contacts.remove(bea)
        self.assertEqual(names(search(self.alice, "ceramique")), ["Ada"])
