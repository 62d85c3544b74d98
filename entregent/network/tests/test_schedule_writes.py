"""The stored keep-in-touch dates stay right on every write path: pages, signals from either
side of a relation, tag cadences, merges, imports and the demo's bulk writes."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.urls import reverse
from django.utils import timezone

from entregent.imports.tests.test_actions import csv_file, import_file
from entregent.network.actions import merge_contacts, unmerge
from entregent.network.models import Contact, Interaction, Tag
from entregent.network.tests.factories import log_interaction, make_contact
from entregent.test import BaseTestCase

TODAY = dt.date(2026, 6, 15)
D = dt.date


def at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


@time_machine.travel(at(TODAY), tick=False)
class ScheduleTestCase(BaseTestCase):
    def setUp(self) -> None:
        # Added on 1 January, never met: a yearly contact by default.
        self.ada = make_contact(self.alice, "Ada", created_at=at(D(2026, 1, 1)))
        self.clients = Tag.objects.create(owner=self.alice, name="clients", cadence=1)

    def dates(self, contact: Contact) -> tuple[dt.date | None, dt.date | None]:
        contact.refresh_from_db()
        # Whatever wrote it, the stored dates are what a full recomputation gives.
        self.assertEqual(Contact.objects.filter(pk=contact.pk).refresh_schedule(dry_run=True), 0)
        return contact.due_on, contact.dormant_on

    def due_on(self, contact: Contact) -> dt.date | None:
        return self.dates(contact)[0]


class ContactWriteTests(ScheduleTestCase):
    def test_a_new_contact_has_its_dates_at_once(self) -> None:
        self.assertEqual((self.ada.due_on, self.ada.dormant_on), (D(2027, 1, 1), D(2028, 1, 2)))
        self.assertEqual(self.dates(self.ada), (D(2027, 1, 1), D(2028, 1, 2)))

    def test_changing_the_cadence_or_the_tie_strength_moves_them(self) -> None:
        self.ada.tie_strength = 5
        self.ada.save(update_fields=["tie_strength"])
        self.assertEqual(self.due_on(self.ada), D(2026, 2, 1))
        self.ada.cadence = 6
        self.ada.save()
        self.assertEqual(self.due_on(self.ada), D(2026, 7, 1))
        self.ada.cadence = 0
        self.ada.save()
        self.assertEqual(self.dates(self.ada), (None, None))

    def test_archiving_keeps_the_dates(self) -> None:
        self.client.force_login(self.alice)
        self.client.post(reverse("network:contact-archive", args=[self.ada.pk]))
        self.ada.refresh_from_db()
        self.assertTrue(self.ada.is_archived)
        self.assertEqual(self.due_on(self.ada), D(2027, 1, 1))

    def test_the_contact_form_follows_its_cadence_and_tags(self) -> None:
        self.client.force_login(self.alice)
        data = {
            "display_name": "Grace",
            "tie_strength": "",
            "cadence": "",
            "tags": [str(self.clients.pk)],
            "points-TOTAL_FORMS": "0",
            "points-INITIAL_FORMS": "0",
        }
        self.client.post(reverse("network:contact-create"), data)
        grace = Contact.objects.get(display_name="Grace")
        self.assertEqual(self.due_on(grace), D(2026, 7, 15))  # monthly, from the tag

        data.update(cadence="3", tags=[])
        self.client.post(reverse("network:contact-edit", args=[grace.pk]), data)
        self.assertEqual(self.due_on(grace), D(2026, 9, 15))

        data.update(cadence="", new_tags="clients")  # an existing tag, by its name
        self.client.post(reverse("network:contact-edit", args=[grace.pk]), data)
        self.assertEqual(list(grace.tags.all()), [self.clients])
        self.assertEqual(self.due_on(grace), D(2026, 7, 15))


class TagWriteTests(ScheduleTestCase):
    def test_adding_and_removing_a_tag_from_the_contact(self) -> None:
        self.ada.tags.add(self.clients)
        self.assertEqual(self.due_on(self.ada), D(2026, 2, 1))
        self.ada.tags.remove(self.clients)
        self.assertEqual(self.due_on(self.ada), D(2027, 1, 1))
        self.ada.tags.set([self.clients])
        self.assertEqual(self.due_on(self.ada), D(2026, 2, 1))
        self.ada.tags.clear()
        self.assertEqual(self.due_on(self.ada), D(2027, 1, 1))

    def test_adding_and_removing_a_contact_from_the_tag(self) -> None:
        grace = make_contact(self.alice, "Grace", created_at=at(D(2026, 1, 1)))
        self.clients.contacts.add(self.ada, grace)
        self.assertEqual(self.due_on(self.ada), D(2026, 2, 1))
        self.assertEqual(self.due_on(grace), D(2026, 2, 1))
        self.clients.contacts.remove(grace)
        self.assertEqual(self.due_on(grace), D(2027, 1, 1))
        self.clients.contacts.clear()
        self.assertEqual(self.due_on(self.ada), D(2027, 1, 1))

    def test_editing_a_tags_cadence_moves_its_contacts(self) -> None:
        self.ada.tags.add(self.clients)
        self.client.force_login(self.alice)
        response = self.client.post(
            reverse("network:tag-edit", args=[self.clients.pk]),
            {"name": "Clients", "cadence": "3"},
        )
        self.assertRedirects(response, reverse("network:tag-list"))
        self.assertEqual(self.due_on(self.ada), D(2026, 4, 1))
        self.client.post(
            reverse("network:tag-edit", args=[self.clients.pk]), {"name": "Clients", "cadence": ""}
        )
        self.assertEqual(self.due_on(self.ada), D(2027, 1, 1))

    def test_renaming_a_tag_leaves_its_contacts_dates_alone(self) -> None:
        self.ada.tags.add(self.clients)
        Contact.objects.filter(pk=self.ada.pk).update(due_on=None)  # a stale row, on purpose
        self.clients.name = "customers"
        self.clients.save()
        self.ada.refresh_from_db()
        self.assertIsNone(self.ada.due_on)  # only a new cadence recomputes them
        self.clients.cadence = 3
        self.clients.save()
        self.assertEqual(self.due_on(self.ada), D(2026, 4, 1))

    def test_deleting_a_tag_lets_the_others_decide(self) -> None:
        self.ada.tags.add(self.clients)
        self.client.force_login(self.alice)
        self.client.post(reverse("network:tag-delete", args=[self.clients.pk]))
        self.assertEqual(self.due_on(self.ada), D(2027, 1, 1))

    def test_the_tag_pages_set_and_show_the_cadence(self) -> None:
        self.client.force_login(self.alice)
        self.client.post(reverse("network:tag-list"), {"name": "mentors", "cadence": "6"})
        self.assertEqual(Tag.objects.get(name="mentors").cadence, 6)
        self.client.post(reverse("network:tag-list"), {"name": "newsletter", "cadence": ""})
        self.assertIsNone(Tag.objects.get(name="newsletter").cadence)
        page = self.client.get(reverse("network:tag-list"))
        self.assertContains(page, "Every 6 months")
        self.assertContains(page, "no cadence")
        form = self.client.get(reverse("network:tag-edit", args=[self.clients.pk]))
        self.assertContains(form, '<option value="1" selected>Every month</option>', html=True)
        refused = self.client.post(reverse("network:tag-list"), {"name": "x", "cadence": "7"})
        self.assertEqual(refused.status_code, 200)
        self.assertFalse(Tag.objects.filter(name="x").exists())


class InteractionWriteTests(ScheduleTestCase):
    def test_logging_editing_and_deleting_an_interaction(self) -> None:
        interaction = log_interaction(self.alice, [self.ada], D(2026, 3, 10))
        self.assertEqual(self.due_on(self.ada), D(2027, 3, 10))
        interaction.occurred_on = D(2026, 2, 1)  # moved back
        interaction.save()
        self.assertEqual(self.due_on(self.ada), D(2027, 2, 1))
        interaction.delete()
        self.assertEqual(self.due_on(self.ada), D(2027, 1, 1))  # back to the creation

    def test_participants_changed_from_either_side(self) -> None:
        grace = make_contact(self.alice, "Grace", created_at=at(D(2026, 1, 1)))
        interaction = log_interaction(self.alice, [self.ada], D(2026, 3, 10))
        interaction.contacts.add(grace)
        self.assertEqual(self.due_on(grace), D(2027, 3, 10))
        interaction.contacts.remove(grace)
        self.assertEqual(self.due_on(grace), D(2027, 1, 1))
        grace.interactions.add(interaction)
        self.assertEqual(self.due_on(grace), D(2027, 3, 10))
        interaction.contacts.clear()
        self.assertEqual(self.due_on(grace), D(2027, 1, 1))
        self.assertEqual(self.due_on(self.ada), D(2027, 1, 1))

    def test_the_interaction_pages(self) -> None:
        self.client.force_login(self.alice)
        self.client.post(
            reverse("network:contact-interaction-create", args=[self.ada.pk]),
            {
                "occurred_on": "2026-06-01",
                "kind": "call",
                "summary": "Call",
                "contacts": self.ada.pk,
            },
        )
        self.assertEqual(self.due_on(self.ada), D(2027, 6, 1))
        interaction = Interaction.objects.get(summary="Call")
        self.client.post(
            reverse("network:interaction-edit", args=[interaction.pk]),
            {
                "occurred_on": "2026-05-01",
                "kind": "call",
                "summary": "Call",
                "contacts": self.ada.pk,
            },
        )
        self.assertEqual(self.due_on(self.ada), D(2027, 5, 1))
        self.client.post(reverse("network:interaction-delete", args=[interaction.pk]))
        self.assertEqual(self.due_on(self.ada), D(2027, 1, 1))


class BulkWriterTests(ScheduleTestCase):
    def test_a_merge_and_its_undo(self) -> None:
        grace = make_contact(self.alice, "Grace", created_at=at(D(2026, 1, 1)))
        grace.tags.add(self.clients)
        log_interaction(self.alice, [grace], D(2026, 5, 2))
        merge = merge_contacts(self.alice, self.ada, grace)
        # The kept contact wears the tag and the interaction now.
        self.assertEqual(self.due_on(self.ada), D(2026, 6, 2))
        result = unmerge(merge)
        self.assertEqual(result.not_restored, [])
        self.assertEqual(self.due_on(self.ada), D(2027, 1, 1))
        self.assertEqual(self.due_on(result.contact), D(2026, 6, 2))

    def test_an_import_counts_from_the_connection(self) -> None:
        header = "First Name,Last Name,URL,Email Address,Company,Position,Connected On"
        import_file(
            self.alice,
            csv_file("Linus,Torvalds,,,OSDL,Fellow,03 Sep 2024", header=header),
            "Connections.csv",
        )
        linus = Contact.objects.get(display_name="Linus Torvalds")
        self.assertEqual(linus.connected_on, D(2024, 9, 3))
        self.assertEqual(self.dates(linus), (D(2025, 9, 3), D(2026, 9, 4)))
        self.assertTrue(linus.is_due())

    def test_an_import_follows_the_tags_it_gives(self) -> None:
        import_file(self.alice, csv_file("Marie,Curie,,,,clients"))
        marie = Contact.objects.get(display_name="Marie Curie")
        self.assertEqual(list(marie.tags.all()), [self.clients])
        self.assertEqual(self.due_on(marie), D(2026, 7, 15))

    def test_undoing_an_import_that_tagged_a_contact(self) -> None:
        from entregent.imports.actions import start_undo, undo_import

        self.ada.points.create(kind="email", raw="ada@example.org")
        job = import_file(
            self.alice,
            csv_file("Ada,,ada@example.org,,,clients"),
        )
        self.assertEqual(list(self.ada.tags.all()), [self.clients])
        self.assertEqual(self.due_on(self.ada), D(2026, 2, 1))
        self.assertTrue(start_undo(job))
        undo_import(job)
        self.assertEqual(list(self.ada.tags.all()), [])
        self.assertEqual(self.due_on(self.ada), D(2027, 1, 1))

    def test_the_demo_networks_have_their_dates(self) -> None:
        from entregent.demo import words_en
        from entregent.demo.loader import write_network
        from entregent.demo.networks import plan_network

        plan = plan_network(words_en.VOCABULARY, size=40, today=TODAY, seed="cadence")
        write_network(self.bob, plan)
        network = Contact.objects.filter(owner=self.bob)
        self.assertTrue(network.filter(due_on__isnull=False).exists())
        self.assertEqual(network.refresh_schedule(dry_run=True), 0)
