"""The duplicates page, its merge, undo and "not the same person", and `manage.py dedupe`."""

from __future__ import annotations

import json
from io import StringIO
from unittest import mock

from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from entregent.accounts.models import User
from entregent.network import duplicates
from entregent.network.actions import merge_contacts
from entregent.network.models import Contact, ContactPoint, DuplicateDecision, Merge
from entregent.network.tests.factories import make_contact
from entregent.test import BaseTestCase

URL = "/network/duplicates/"


def twins(
    owner: User, given: str, family: str, email: str, **fields: str
) -> tuple[Contact, Contact]:
    """The same person twice, as two imports bring them: one email in common."""
    first = make_contact(owner, f"{given} {family}", given_name=given, family_name=family)
    second = make_contact(
        owner, f"{given} {family}".upper(), given_name=given, family_name=family.upper(), **fields
    )
    for contact in (first, second):
        ContactPoint.objects.create(contact=contact, kind="email", raw=email)
    return first, second


class DuplicatesPageTests(BaseTestCase):
    def setUp(self) -> None:
        cache.clear()
        self.first, self.second = twins(
            self.alice, "Zéphyrine", "Durand", "zd@example.org", organisation="Atelier Z"
        )
        Contact.objects.filter(pk=self.first.pk).update(organisation="Studio Durand")
        self.first.refresh_from_db()
        self.client.force_login(self.alice)

    def merge_url(self) -> str:
        return reverse("network:duplicate-merge", args=[self.first.pk, self.second.pk])

    def test_the_url_map_names_it(self) -> None:
        self.assertEqual(reverse("network:duplicates"), URL)

    def test_the_page_shows_a_pair_side_by_side_with_its_score_and_reasons(self) -> None:
        response = self.client.get(URL)

        self.assertContains(response, "ZÉPHYRINE DURAND")
        self.assertContains(response, "Same email address")
        self.assertContains(response, "score 1.00")
        # Where they differ, a radio per side; the older contact's value is chosen first.
        self.assertContains(
            response, '<input type="radio" name="organisation" value="first" checked>', html=False
        )
        self.assertContains(response, "Atelier Z")
        self.assertContains(response, "1 possible duplicate among your 2 contacts.")

    def test_merging_keeps_the_chosen_values_and_offers_an_undo(self) -> None:
        response = self.client.post(self.merge_url(), {"organisation": "second", "name": "first"})

        merge = Merge.objects.get(owner=self.alice)
        self.assertRedirects(response, f"{URL}?merged={merge.pk}")
        kept = Contact.objects.get(pk=self.first.pk)
        self.assertEqual(kept.organisation, "Atelier Z")
        self.assertEqual(kept.display_name, "Zéphyrine Durand")
        self.assertFalse(Contact.objects.filter(pk=self.second.pk).exists())
        page = self.client.get(response["Location"])
        self.assertContains(page, "Zéphyrine Durand and ZÉPHYRINE DURAND are now one contact.")
        self.assertContains(page, reverse("network:merge-undo", args=[merge.pk]))
        self.assertContains(page, "No possible duplicates among your 1 contact.")

    def test_undo_brings_the_merged_contact_back(self) -> None:
        self.client.post(self.merge_url(), {"organisation": "second"})
        merge = Merge.objects.get(owner=self.alice)

        response = self.client.post(reverse("network:merge-undo", args=[merge.pk]), follow=True)

        self.assertContains(response, "The merge was undone: ZÉPHYRINE DURAND is a contact")
        self.assertEqual(Contact.objects.get(pk=self.first.pk).organisation, "Studio Durand")
        self.assertEqual(Contact.objects.get(pk=self.second.pk).organisation, "Atelier Z")
        self.assertContains(response, "undone on")
        # The pair is back on the page.
        self.assertContains(response, "1 possible duplicate among your 2 contacts.")

    def test_not_the_same_person_is_remembered(self) -> None:
        url = reverse("network:duplicate-distinct", args=[self.first.pk, self.second.pk])

        response = self.client.post(url, follow=True)

        self.assertContains(response, "are not the same person")
        self.assertTrue(
            DuplicateDecision.objects.filter(
                owner=self.alice, first=self.first, second=self.second
            ).exists()
        )
        self.assertContains(response, "No possible duplicates among your 2 contacts.")
        self.assertEqual(duplicates.compute_pairs(self.alice), [])
        # Said twice, remembered once.
        self.client.post(url)
        self.assertEqual(DuplicateDecision.objects.filter(owner=self.alice).count(), 1)

    def test_a_value_that_is_not_offered_merges_nothing(self) -> None:
        response = self.client.post(self.merge_url(), {"organisation": "both"}, follow=True)

        self.assertContains(response, "Please choose one value for each field")
        self.assertTrue(Contact.objects.filter(pk=self.second.pk).exists())

    def test_a_contact_cannot_be_paired_with_itself(self) -> None:
        url = reverse("network:duplicate-merge", args=[self.first.pk, self.first.pk])

        self.assertEqual(self.client.post(url).status_code, 404)

    def test_the_page_can_show_one_contacts_pairs(self) -> None:
        other, _ = twins(self.alice, "Octave", "Marin", "om@example.org")

        response = self.client.get(URL, {"contact": other.pk})

        self.assertContains(response, "Only the pairs with Octave Marin.")
        self.assertContains(response, "OCTAVE MARIN")
        self.assertNotContains(response, "ZÉPHYRINE DURAND")

    def test_the_contact_page_links_to_its_possible_duplicates(self) -> None:
        self.client.get(URL)  # computes the pairs

        response = self.client.get(self.first.get_absolute_url())

        self.assertContains(response, f"{URL}?contact={self.first.pk}")


class BackgroundTests(BaseTestCase):
    """A large network's pairs are computed by the worker; the page says so meanwhile."""

    def setUp(self) -> None:
        cache.clear()
        self.first, self.second = twins(self.alice, "Jean", "Dupont", "jd@example.org")
        self.client.force_login(self.alice)

    def test_the_page_says_it_is_computing_then_shows_the_pairs(self) -> None:
        with (
            mock.patch.object(duplicates, "SYNC_LIMIT", 1),
            mock.patch.object(duplicates, "compute_duplicates") as task,
        ):
            response = self.client.get(URL)
            self.client.get(URL)

        task.enqueue.assert_called_once_with(self.alice.pk)
        self.assertContains(response, "Looking for duplicates among your 2 contacts")
        self.assertContains(response, '<meta http-equiv="refresh" content="5">', html=False)
        duplicates.compute_duplicates.call(self.alice.pk)
        with mock.patch.object(duplicates, "SYNC_LIMIT", 1):
            response = self.client.get(URL)
        self.assertContains(response, "JEAN DUPONT")
        self.assertNotContains(response, "Looking for duplicates")

    def test_while_it_computes_the_last_pairs_are_shown_without_the_merged_ones(self) -> None:
        twins(self.alice, "Octave", "Marin", "om@example.org")
        duplicates.refresh(self.alice)
        merge_contacts(self.alice, self.first, self.second)

        with (
            mock.patch.object(duplicates, "SYNC_LIMIT", 1),
            mock.patch.object(duplicates, "compute_duplicates"),
        ):
            response = self.client.get(URL)

        self.assertContains(response, "may be a little out of date")
        self.assertContains(response, "OCTAVE MARIN")
        self.assertNotContains(response, f'id="pair-{self.first.pk}-{self.second.pk}"')
        self.assertNotContains(response, 'http-equiv="refresh"')

    def test_the_cache_follows_writes(self) -> None:
        duplicates.refresh(self.alice)
        self.assertIsNotNone(duplicates.cached_pairs(self.alice))

        ContactPoint.objects.create(contact=self.first, kind="phone", raw="06 11 22 33 44")

        self.assertIsNone(duplicates.cached_pairs(self.alice))


class PrivacyTests(BaseTestCase):
    def setUp(self) -> None:
        cache.clear()
        self.first, self.second = twins(self.alice, "Zéphyrine", "Secretalice", "z@alice.test")

    def test_bob_cannot_merge_alices_contacts_nor_see_them(self) -> None:
        self.client.force_login(self.bob)
        merge = reverse("network:duplicate-merge", args=[self.first.pk, self.second.pk])
        distinct = reverse("network:duplicate-distinct", args=[self.first.pk, self.second.pk])

        self.assertEqual(self.client.post(merge).status_code, 404)
        self.assertEqual(self.client.post(distinct).status_code, 404)
        self.assertNotContains(self.client.get(URL), "Secretalice")
        self.assertEqual(Contact.objects.filter(owner=self.alice).count(), 2)
        self.assertFalse(DuplicateDecision.objects.exists())

    def test_bob_cannot_pair_his_contact_with_alices(self) -> None:
        bobs = make_contact(self.bob, "Zéphyrine Secretalice")
        self.client.force_login(self.bob)

        url = reverse("network:duplicate-merge", args=[bobs.pk, self.first.pk])

        self.assertEqual(self.client.post(url).status_code, 404)

    def test_bob_cannot_undo_alices_merge(self) -> None:
        merge = merge_contacts(self.alice, self.first, self.second)
        self.client.force_login(self.bob)

        response = self.client.post(reverse("network:merge-undo", args=[merge.pk]))

        self.assertEqual(response.status_code, 404)
        merge.refresh_from_db()
        self.assertIsNone(merge.undone_at)

    def test_visitors_are_sent_to_log_in(self) -> None:
        response = self.client.get(URL)

        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("account_login")))


class QueryCountTests(BaseTestCase):
    def count_queries(self, user: User) -> int:
        self.client.force_login(user)
        self.client.get(URL)  # computes and caches the pairs
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        return len(queries)

    def test_the_page_runs_as_many_queries_for_one_pair_as_for_twenty(self) -> None:
        cache.clear()
        twins(self.alice, "Jean", "Dupont", "jd@example.org")
        for i in range(20):
            twins(self.bob, "Person", f"Number{i}x", f"p{i}@example.org", organisation=f"Org {i}")
        merge_contacts(self.bob, *twins(self.bob, "Merged", "Already", "ma@example.org"))

        alice, bob = self.count_queries(self.alice), self.count_queries(self.bob)

        self.assertEqual(alice, bob)
        self.assertLessEqual(bob, 12)


class DedupeCommandTests(BaseTestCase):
    def setUp(self) -> None:
        self.first, self.second = twins(self.alice, "Jean", "Dupont", "jd@example.org")
        make_contact(self.alice, "Someone Else")

    def run_command(self, *args: str) -> str:
        out = StringIO()
        call_command("dedupe", *args, stdout=out)
        return out.getvalue()

    def test_it_prints_the_pairs_with_their_scores_and_reasons(self) -> None:
        out = self.run_command("--user", "ALICE@example.org")

        self.assertIn(
            f"1.00  Jean Dupont (#{self.first.pk})  ~  JEAN DUPONT (#{self.second.pk})  "
            "same email address",
            out,
        )
        self.assertIn("1 possible duplicates among 3 contacts.", out)

    def test_json_lists_each_pair(self) -> None:
        rows = json.loads(self.run_command("--user", "alice@example.org", "--json"))

        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0]["first"], {"id": self.first.pk, "name": "Jean Dupont"})
        self.assertEqual(rows[0]["second"], {"id": self.second.pk, "name": "JEAN DUPONT"})
        self.assertEqual(rows[0]["score"], 1.0)
        self.assertIn("same-email", rows[0]["reasons"])

    def test_a_threshold_above_every_score_prints_nothing(self) -> None:
        Contact.objects.filter(pk=self.second.pk).update(family_name="Dupond")
        ContactPoint.objects.filter(contact=self.second).delete()

        rows = json.loads(self.run_command("--user", "alice@example.org", "--json"))
        strict = json.loads(
            self.run_command("--user", "alice@example.org", "--json", "--threshold", "0.999")
        )

        self.assertEqual(len(rows), 1)
        self.assertLess(rows[0]["score"], 0.999)
        self.assertEqual(strict, [])

    def test_an_unknown_member_exits_with_2_and_one_line(self) -> None:
        with self.assertRaises(CommandError) as caught:
            call_command("dedupe", "--user", "nobody@example.org")

        self.assertEqual(caught.exception.returncode, 2)
        self.assertEqual(
            str(caught.exception), "No member with the email address 'nobody@example.org'."
        )

    def test_a_bad_threshold_is_refused(self) -> None:
        with self.assertRaises(CommandError):
            call_command("dedupe", "--user", "alice@example.org", "--threshold", "2")
