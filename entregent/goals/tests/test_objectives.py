"""Objectives: the list, the form (people chosen among the member's own contacts), closing and
reopening, the page with "people who could help", deletion, privacy, export and erasure."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from typing import Any

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from entregent.accounts import registry
from entregent.accounts.models import User
from entregent.goals.models import Objective, Outcome
from entregent.network.actions import move_to_bin
from entregent.network.models import Contact
from entregent.network.tests.factories import make_contact
from entregent.test import BaseTestCase

TODAY = dt.date(2026, 6, 15)


def at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def objective_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": Objective.Kind.SUPPLIER,
        "title": "A printer for the catalogue",
        "criteria": "Offset, recycled paper.",
        "status": Objective.Status.OPEN,
        "target_on": "",
        "add_names": "",
    }
    data.update(changes)
    return data


@time_machine.travel(at(TODAY), tick=False)
class ObjectiveFormTests(BaseTestCase):
    ann: Contact
    dan: Contact
    bobs: Contact

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.ann = make_contact(cls.alice, "Ann Printer", headline="Offset printer")
        cls.dan = make_contact(cls.alice, "Dan Lee")
        cls.bobs = make_contact(cls.bob, "Bob's Printer")

    def setUp(self) -> None:
        self.client.force_login(self.alice)

    def post(self, url: str, **changes: Any) -> Any:
        return self.client.post(url, objective_data(**changes))

    def test_an_objective_needs_only_a_title_and_a_kind(self) -> None:
        response = self.post(reverse("goals:objective-create"), criteria="")

        objective = Objective.objects.get(owner=self.alice)
        self.assertRedirects(response, objective.get_absolute_url())
        self.assertEqual(objective.title, "A printer for the catalogue")
        self.assertIsNone(objective.target_on)
        self.assertIsNone(objective.closed_on)

    def test_the_target_date_is_optional_and_says_so(self) -> None:
        response = self.client.get(reverse("goals:objective-create"))

        self.assertContains(response, "Target date (optional)")
        self.assertContains(response, "Nothing happens when it passes.")
        self.assertFalse(response.context["form"].fields["target_on"].required)

    def test_a_past_target_date_puts_no_pressure(self) -> None:
        objective = Objective.objects.create(
            owner=self.alice, title="Find a mentor", target_on=dt.date(2026, 1, 1)
        )

        for url in (reverse("goals:objective-list"), objective.get_absolute_url()):
            response = self.client.get(url)
            for word in ("overdue", "late", "missed", "deadline"):
                self.assertNotContains(response, word)

    def test_people_are_ticked_or_named(self) -> None:
        self.post(reverse("goals:objective-create"), contacts=[self.ann.pk], add_names="dan lee")

        objective = Objective.objects.get(owner=self.alice)
        self.assertEqual(set(objective.contacts.all()), {self.ann, self.dan})

    def test_a_name_may_be_part_of_the_name(self) -> None:
        self.post(reverse("goals:objective-create"), add_names="Ann, Lee")

        objective = Objective.objects.get(owner=self.alice)
        self.assertEqual(set(objective.contacts.all()), {self.ann, self.dan})

    def test_someone_elses_contact_is_a_validation_error(self) -> None:
        response = self.post(reverse("goals:objective-create"), contacts=[self.bobs.pk])

        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].has_error("contacts", "invalid_choice"))
        self.assertFalse(Objective.objects.exists())
        self.assertNotContains(response, "Bob&#x27;s Printer")

    def test_a_name_of_someone_elses_contact_is_unknown(self) -> None:
        response = self.post(reverse("goals:objective-create"), add_names="Bob's Printer")

        self.assertTrue(response.context["form"].has_error("add_names", "unknown_name"))
        self.assertFalse(Objective.objects.exists())

    def test_an_ambiguous_name_offers_the_candidates_to_tick(self) -> None:
        other_ann = make_contact(self.alice, "Ann Printer", organisation="Lyon Print")

        response = self.post(reverse("goals:objective-create"), add_names="Ann Printer")

        self.assertTrue(response.context["form"].has_error("add_names", "ambiguous_name"))
        offered = [(o.contact, o.checked) for o in response.context["people"]]
        self.assertEqual(offered, [(self.ann, False), (other_ann, False)])
        self.assertContains(response, "Lyon Print")

        # Ticking one of them settles the name.
        self.post(
            reverse("goals:objective-create"), add_names="Ann Printer", contacts=[other_ann.pk]
        )
        self.assertEqual(list(Objective.objects.get().contacts.all()), [other_ann])

    def test_the_form_shows_only_the_people_chosen_and_a_few_suggestions(self) -> None:
        Contact.objects.bulk_create(
            Contact(owner=self.alice, display_name=f"Person {i}") for i in range(200)
        )
        objective = Objective.objects.create(owner=self.alice, title="Offset printer")
        objective.contacts.add(self.dan)

        response = self.client.get(reverse("goals:objective-edit", args=[objective.pk]))

        offered = [(o.contact, o.checked) for o in response.context["people"]]
        self.assertEqual(offered, [(self.dan, True), (self.ann, False)])
        self.assertNotContains(response, "Person 1")
        self.assertContains(response, "suggestions from your network")

    def test_reaching_closes_today_and_reopening_clears_it(self) -> None:
        objective = Objective.objects.create(owner=self.alice, title="Find a printer")
        edit = reverse("goals:objective-edit", args=[objective.pk])

        self.post(edit, status=Objective.Status.REACHED)
        objective.refresh_from_db()
        self.assertEqual((objective.status, objective.closed_on), ("reached", TODAY))

        with time_machine.travel(at(TODAY + dt.timedelta(days=3)), tick=False):
            self.post(edit, status=Objective.Status.DROPPED)
        objective.refresh_from_db()
        self.assertEqual((objective.status, objective.closed_on), ("dropped", TODAY))

        self.post(edit, status=Objective.Status.OPEN)
        objective.refresh_from_db()
        self.assertEqual((objective.status, objective.closed_on), ("open", None))

    def test_editing_keeps_the_links_to_contacts_in_the_bin(self) -> None:
        objective = Objective.objects.create(owner=self.alice, title="Find a printer")
        objective.contacts.add(self.ann, self.dan)
        move_to_bin(self.dan)

        response = self.client.get(reverse("goals:objective-edit", args=[objective.pk]))
        self.assertNotContains(response, "Dan Lee")
        self.post(reverse("goals:objective-edit", args=[objective.pk]), contacts=[])

        self.assertEqual(list(objective.contacts.all()), [self.dan])

    def test_names_are_offered_as_one_types_from_the_members_network_only(self) -> None:
        response = self.client.get(reverse("goals:objective-create"), {"people": "print"})

        self.assertEqual(list(response.context["contacts"]), [self.ann])
        self.assertContains(response, f'data-id="{self.ann.pk}"')
        self.assertNotContains(response, "Bob")
        form = self.client.get(reverse("goals:objective-create"))
        self.assertContains(form, 'data-people-suggest="/network/objectives/new/"')
        self.assertContains(form, "goals/people")

    def test_the_title_cannot_be_blank(self) -> None:
        response = self.post(reverse("goals:objective-create"), title="   ")

        self.assertTrue(response.context["form"].has_error("title"))
        self.assertFalse(Objective.objects.exists())


@time_machine.travel(at(TODAY), tick=False)
class ObjectivePagesTests(BaseTestCase):
    helene: Contact
    tom: Contact
    objective: Objective

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        with time_machine.travel(at(TODAY), tick=False):
            cls.helene = make_contact(cls.alice, "Hélène Marchand", headline="Graphiste freelance")
            cls.tom = make_contact(cls.alice, "Tom Baker", headline="Graphic designer")
            make_contact(cls.alice, "Paul Roux", headline="Plumber")
            make_contact(cls.bob, "Bob's Designer", headline="Graphic designer")
            cls.objective = Objective.objects.create(
                owner=cls.alice,
                kind=Objective.Kind.HIRE,
                title="A graphic designer for the new brand",
                criteria="Someone who could draw a logo.\nIdeally in Lyon.",
            )

    def setUp(self) -> None:
        self.client.force_login(self.alice)

    def test_the_page_shows_criteria_people_outcomes_and_who_could_help(self) -> None:
        self.objective.contacts.add(self.helene)
        Outcome.objects.create(
            owner=self.alice, kind=Outcome.Kind.LEAD_CLIENT, objective=self.objective,
            note="Asked for a quote",
        )  # fmt: skip

        response = self.client.get(self.objective.get_absolute_url())

        self.assertContains(response, "Someone who could draw a logo.<br>Ideally in Lyon.")
        self.assertContains(response, "Hélène Marchand")
        self.assertContains(response, "Asked for a quote")
        helpers = [h.contact for h in response.context["helpers"]]
        self.assertEqual(helpers[0], self.tom)
        self.assertNotIn(self.helene, helpers, "already linked")
        self.assertNotContains(response, "Bob&#x27;s Designer")
        self.assertNotContains(response, "Plumber")

    def test_one_click_links_a_suggested_person(self) -> None:
        response = self.client.post(
            self.objective.get_absolute_url(), {"action": "link", "contact": self.tom.pk}
        )

        self.assertRedirects(response, self.objective.get_absolute_url() + "#helpers")
        self.assertEqual(list(self.objective.contacts.all()), [self.tom])
        page = self.client.get(self.objective.get_absolute_url())
        self.assertNotIn(self.tom, [h.contact for h in page.context["helpers"]])

    def test_unlinking_keeps_the_contact(self) -> None:
        self.objective.contacts.add(self.tom)

        self.client.post(
            self.objective.get_absolute_url(), {"action": "unlink", "contact": self.tom.pk}
        )

        self.assertFalse(self.objective.contacts.exists())
        self.assertTrue(Contact.objects.filter(pk=self.tom.pk).exists())

    def test_someone_elses_contact_cannot_be_linked(self) -> None:
        bobs = Contact.objects.get(owner=self.bob)

        response = self.client.post(
            self.objective.get_absolute_url(), {"action": "link", "contact": bobs.pk}
        )

        self.assertEqual(response.status_code, 404)
        self.assertFalse(self.objective.contacts.exists())

    def test_a_closed_objective_asks_no_one_for_help(self) -> None:
        Objective.objects.filter(pk=self.objective.pk).update(status=Objective.Status.REACHED)

        response = self.client.get(self.objective.get_absolute_url())

        self.assertEqual(response.context["helpers"], [])
        self.assertNotContains(response, "People who could help")

    def test_the_list_shows_open_ones_first_with_counts(self) -> None:
        Objective.objects.create(
            owner=self.alice, title="Old job hunt", status="reached", closed_on=dt.date(2026, 1, 2)
        )
        Objective.objects.create(
            owner=self.alice, title="Dropped idea", status="dropped", closed_on=dt.date(2026, 3, 2)
        )
        Objective.objects.create(owner=self.bob, title="Bob's objective")
        self.objective.contacts.add(self.tom, self.helene)
        move_to_bin(self.helene)

        response = self.client.get(reverse("goals:objective-list"))

        self.assertEqual(
            [o.title for o in response.context["open_objectives"]],
            ["A graphic designer for the new brand"],
        )
        self.assertEqual(
            [o.title for o in response.context["closed_objectives"]],
            ["Dropped idea", "Old job hunt"],
        )
        self.assertEqual(response.context["counts"], {"open": 1, "reached": 1, "dropped": 1})
        self.assertEqual(response.context["open_objectives"][0].contact_count, 1)
        self.assertContains(response, "1 person linked")
        self.assertNotContains(response, "Bob&#x27;s objective")

    def test_the_list_costs_the_same_with_many_objectives(self) -> None:
        def cost() -> int:
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get(reverse("goals:objective-list"))
            self.assertEqual(response.status_code, 200)
            return len(queries)

        few = cost()
        for i in range(30):
            objective = Objective.objects.create(
                owner=self.alice, title=f"Objective {i}", status=["open", "reached"][i % 2]
            )
            objective.contacts.add(self.tom, self.helene)
            Outcome.objects.create(owner=self.alice, kind="other", objective=objective)

        self.assertEqual(cost(), few)

    def test_the_page_costs_the_same_with_many_people_and_outcomes(self) -> None:
        def cost() -> int:
            # Once to warm the search's copy of the vocabulary, which new contacts change.
            self.client.get(self.objective.get_absolute_url())
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get(self.objective.get_absolute_url())
            self.assertEqual(response.status_code, 200)
            for q in queries:
                print(q["sql"][:150])
            print("-----")
            return len(queries)

        self.objective.contacts.add(self.helene)
        Outcome.objects.create(
            owner=self.alice, kind="other", objective=self.objective
        ).contacts.add(self.helene)
        few = cost()
        people = [make_contact(self.alice, f"Person {i}") for i in range(20)]
        self.objective.contacts.add(*people)
        for person in people:
            Outcome.objects.create(
                owner=self.alice, kind="other", objective=self.objective
            ).contacts.add(person, self.tom)

        self.assertEqual(cost(), few)

    def test_deleting_asks_first_and_keeps_the_outcomes(self) -> None:
        outcome = Outcome.objects.create(
            owner=self.alice, kind=Outcome.Kind.PARTNERSHIP, objective=self.objective
        )
        url = reverse("goals:objective-delete", args=[self.objective.pk])

        page = self.client.get(url)
        self.assertContains(page, "Its outcome is kept, without an objective.")
        self.assertTrue(Objective.objects.filter(pk=self.objective.pk).exists())

        response = self.client.post(url)
        self.assertRedirects(response, reverse("goals:objective-list"))
        self.assertFalse(Objective.objects.filter(pk=self.objective.pk).exists())
        outcome.refresh_from_db()
        self.assertIsNone(outcome.objective)
        self.assertTrue(Contact.objects.filter(pk=self.tom.pk).exists())


class PrivacyTests(BaseTestCase):
    def test_bob_reaches_none_of_alices_objectives_or_outcomes(self) -> None:
        objective = Objective.objects.create(owner=self.alice, title="alice-objective-marker")
        contact = make_contact(self.alice, "Alice Friend", source=Contact.Source.IMPORT)
        objective.contacts.add(contact)
        outcome = Outcome.objects.create(
            owner=self.alice, kind="other", note="alice-outcome-marker"
        )
        self.client.force_login(self.bob)
        urls = [
            reverse("goals:objective-detail", args=[objective.pk]),
            reverse("goals:objective-edit", args=[objective.pk]),
            reverse("goals:objective-delete", args=[objective.pk]),
            reverse("goals:outcome-edit", args=[outcome.pk]),
            reverse("goals:outcome-delete", args=[outcome.pk]),
        ]
        data = {"action": "unlink", "contact": str(contact.pk), "people": "Alice"}
        for url in urls:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url, data).status_code, 404)
                self.assertEqual(self.client.post(url, data).status_code, 404)
        for url in (reverse("goals:objective-list"), reverse("goals:outcome-list")):
            response = self.client.get(url)
            self.assertNotContains(response, "alice-objective-marker")
            self.assertNotContains(response, "alice-outcome-marker")
        objective.refresh_from_db()
        self.assertEqual(list(objective.contacts.all()), [contact])
        self.assertTrue(Outcome.objects.filter(pk=outcome.pk).exists())

    def test_visitors_are_sent_to_log_in(self) -> None:
        for name in ("goals:objective-list", "goals:objective-create", "goals:outcome-list"):
            response = self.client.get(reverse(name))
            self.assertEqual(response.status_code, 302)
            self.assertIn(reverse("account_login"), response["Location"])


class ExportAndErasureTests(BaseTestCase):
    def give_goals(self, owner: User, marker: str) -> tuple[Objective, Outcome]:
        contact = make_contact(owner, f"{marker} contact")
        objective = Objective.objects.create(owner=owner, title=f"{marker} objective")
        objective.contacts.add(contact)
        outcome = Outcome.objects.create(
            owner=owner, kind="partnership", objective=objective, note=f"{marker} outcome"
        )
        outcome.contacts.add(contact)
        return objective, outcome

    def test_the_export_holds_the_members_objectives_and_outcomes_only(self) -> None:
        objective, _outcome = self.give_goals(self.alice, "alice")
        self.give_goals(self.bob, "bob")
        self.client.force_login(self.alice)

        response = self.client.post(reverse("accounts:export"))

        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            name = next(n for n in archive.namelist() if n.endswith(".json"))
            data = json.loads(archive.read(name))["data"]
        objectives = data["goals.Objective"]
        self.assertEqual([o["fields"]["title"] for o in objectives], ["alice objective"])
        self.assertEqual(
            objectives[0]["fields"]["contacts"],
            list(objective.contacts.values_list("pk", flat=True)),
        )
        outcomes = data["goals.Outcome"]
        # The one recorded for the contact added by hand, and the partnership.
        self.assertEqual(
            sorted(o["fields"]["kind"] for o in outcomes), ["new_contact", "partnership"]
        )
        self.assertIn("alice outcome", [o["fields"]["note"] for o in outcomes])
        self.assertNotIn("bob", json.dumps(data["goals.Outcome"]))

    def test_erasing_the_account_erases_them_and_leaves_bobs(self) -> None:
        self.give_goals(self.alice, "alice")
        bobs = self.give_goals(self.bob, "bob")

        registry.erase_user(self.alice)

        self.assertFalse(Objective.objects.filter(owner_id=self.alice.pk).exists())
        self.assertFalse(Outcome.objects.filter(owner_id=self.alice.pk).exists())
        self.assertFalse(Objective.contacts.through.objects.exclude(objective=bobs[0]).exists())
        self.assertEqual(Objective.objects.get(), bobs[0])
        self.assertEqual(set(Outcome.objects.values_list("owner", flat=True)), {self.bob.pk})
