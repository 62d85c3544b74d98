"""Which people of the author's network a comment names: whole names, folded, found fast."""

from __future__ import annotations

import time

from django.db import connection
from django.test import SimpleTestCase
from django.test.utils import CaptureQueriesContext

from entregent.method.network_names import (
    PersonNames,
    candidate_pairs,
    find_names,
    name_forms,
    names_in_text,
)
from entregent.network.models import Contact
from entregent.network.search import reindex_contacts
from entregent.network.tests.factories import make_contact
from entregent.test import BaseTestCase

HELENE = PersonNames(1, "Hélène Dupont", "Hélène", "Dupont")
JEAN_PIERRE = PersonNames(2, "Jean-Pierre Martin", "Jean-Pierre", "Martin")
FONTAINE = PersonNames(3, "Jean de La Fontaine", "Jean", "de La Fontaine")
ACME = PersonNames(4, "Acme Conseil", "", "", "Acme Conseil")
ROSE = PersonNames(5, "Rose", "Rose", "")
NICKNAME = PersonNames(6, "Tatie Jo", "", "")


def named(text: str, *people: PersonNames) -> list[int]:
    return [p.contact_id for p in find_names(text, people or ALL)]


ALL = (HELENE, JEAN_PIERRE, FONTAINE, ACME, ROSE, NICKNAME)


class MatchingTests(SimpleTestCase):
    """The pure matching, without a database."""

    def test_case_and_accents_do_not_matter(self) -> None:
        self.assertEqual(named("j'ai appelé helene DUPONT hier"), [1])
        self.assertEqual(named("HÉLÈNE dupont"), [1])

    def test_given_and_family_names_in_either_order(self) -> None:
        self.assertEqual(named("Dupont Hélène m'a répondu"), [1])
        self.assertEqual(named("Martin Jean-Pierre"), [2])

    def test_a_first_given_name_with_the_family_name(self) -> None:
        self.assertEqual(named("Jean Martin a dit oui"), [2])
        self.assertEqual(named("jean pierre martin"), [2])

    def test_names_with_particles(self) -> None:
        self.assertEqual(named("Relisez Jean de La Fontaine."), [3])

    def test_a_display_name_alone(self) -> None:
        self.assertEqual(named("Tatie Jo viendra"), [6])

    def test_single_words_are_not_names(self) -> None:
        self.assertEqual(named("Une rose, Martin, Hélène et Dupont chacun à part"), [])

    def test_whole_words_only(self) -> None:
        self.assertEqual(named("Hélène Dupontel"), [])
        self.assertEqual(named("Marie-Hélène Dupont"), [1])

    def test_a_company_is_not_a_person(self) -> None:
        self.assertEqual(named("Chez Acme Conseil on fait ça"), [])

    def test_people_come_in_the_order_they_are_named(self) -> None:
        self.assertEqual(named("Jean Martin puis Hélène Dupont"), [2, 1])

    def test_name_forms_hold_two_real_words(self) -> None:
        self.assertEqual(name_forms(ROSE), set())
        self.assertEqual(name_forms(PersonNames(7, "Jean Le", "Jean", "Le")), set())
        self.assertIn(("jean", "martin"), name_forms(JEAN_PIERRE))

    def test_candidate_pairs_skip_stop_words(self) -> None:
        self.assertEqual(candidate_pairs("Jean de La Fontaine"), [("fontaine", "jean")])
        self.assertEqual(candidate_pairs("a b Jean", known={"jean"}), [])


class LookupTests(BaseTestCase):
    """The lookup in the member's own network, through the search index."""

    def test_it_finds_the_authors_contacts_only(self) -> None:
        make_contact(self.alice, "Hélène Dupont", given_name="Hélène", family_name="Dupont")
        make_contact(self.bob, "Paul Durand", given_name="Paul", family_name="Durand")
        archived = make_contact(self.alice, "Lucie Bernard")
        archived.archive()
        binned = make_contact(self.alice, "Marc Petit")
        Contact.objects.filter(pk=binned.pk).update(deleted_at=binned.created_at)
        reindex_contacts([binned.pk])
        found = names_in_text(
            self.alice, "helene dupont, Paul Durand, Lucie Bernard et Marc Petit"
        )
        # Archived contacts are still her network; the bin and Bob's are not.
        self.assertEqual([p.display_name for p in found], ["Hélène Dupont", "Lucie Bernard"])
        self.assertEqual(names_in_text(self.bob, "helene dupont"), [])

    def test_a_shared_pair_of_words_does_not_hide_a_name(self) -> None:
        # Thirty contacts are "chef de projet": that pair finds at most a few of them, and
        # the name further on is still found.
        Contact.objects.bulk_create(
            Contact(owner=self.alice, display_name=f"Chef {i}", headline="chef de projet")
            for i in range(30)
        )
        make_contact(self.alice, "Sarah Cohen")
        reindex_contacts(Contact.objects.filter(owner=self.alice).values_list("pk", flat=True))
        found = names_in_text(self.alice, "Le chef de projet, Sarah Cohen, a validé.")
        self.assertEqual([p.display_name for p in found], ["Sarah Cohen"])

    def test_the_queries_do_not_grow_with_the_network(self) -> None:
        text = "J'ai relancé Hélène Dupont et Person12 Family12, comme conseillé."

        def measure() -> tuple[int, float, list[str]]:
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                found = names_in_text(self.alice, text)
                elapsed = time.perf_counter() - start
            return len(queries), elapsed, [p.display_name for p in found]

        make_contact(self.alice, "Hélène Dupont", given_name="Hélène", family_name="Dupont")
        small = measure()
        Contact.objects.bulk_create(
            Contact(
                owner=self.alice,
                display_name=f"Person{i} Family{i % 500}",
                given_name=f"Person{i}",
                family_name=f"Family{i % 500}",
                headline="chef de projet",
            )
            for i in range(10_000)
        )
        reindex_contacts(Contact.objects.filter(owner=self.alice).values_list("pk", flat=True))
        large = measure()
        self.assertEqual(small[2], ["Hélène Dupont"])
        self.assertEqual(large[2], ["Hélène Dupont", "Person12 Family12"])
        self.assertEqual(small[0], large[0])
        # Three statements; on PostgreSQL the search's own query also switches its planner
        # settings around its statement (engine.PostgresBackend._ids), in a savepoint.
        self.assertLessEqual(large[0], 3 if connection.vendor == "sqlite" else 8)
        # Fast enough to run on every submit (a few ms; generous for a loaded machine).
        self.assertLess(large[1], 0.25)

    def test_a_text_without_known_words_costs_one_query(self) -> None:
        make_contact(self.alice, "Hélène Dupont")
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(names_in_text(self.alice, "Rien de connu ici, vraiment rien"), [])
        self.assertEqual(len(queries), 1)
