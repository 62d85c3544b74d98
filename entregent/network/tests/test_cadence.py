"""Keep-in-touch rules: effective cadence, due and dormant, with frozen time.

The full table of worked examples (tags, connection dates, back-dated interactions) is in
test_schedule.py; the write paths that keep the stored dates right are in
test_schedule_writes.py.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.utils import timezone

from entregent.lib.dates import months_before
from entregent.network.models import Cadence, Contact
from entregent.network.tests.factories import log_interaction, make_contact
from entregent.test import BaseTestCase

TODAY = dt.date(2026, 6, 15)


def at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


@time_machine.travel(at(TODAY), tick=False)
class DueAndDormantTests(BaseTestCase):
    def contact_seen(self, last_seen: dt.date | None, **fields: Any) -> Contact:
        contact = make_contact(self.alice, created_at=at(dt.date(2020, 1, 1)), **fields)
        if last_seen is not None:
            log_interaction(self.alice, [contact], last_seen)
        contact.refresh_from_db()
        return contact

    def assertStatus(self, contact: Contact, due: bool, dormant: bool) -> None:
        contacts = Contact.objects.owned_by(self.alice)
        self.assertEqual(contacts.due().filter(pk=contact.pk).exists(), due, "due() queryset")
        self.assertEqual(
            contacts.dormant().filter(pk=contact.pk).exists(), dormant, "dormant() queryset"
        )
        self.assertEqual(contact.is_due(TODAY), due, "is_due()")
        self.assertEqual(contact.is_dormant(TODAY), dormant, "is_dormant()")
        # Status and querysets read the stored dates: they are what the rules give.
        self.assertEqual(Contact.objects.filter(pk=contact.pk).refresh_schedule(dry_run=True), 0)

    def test_a_monthly_contact_seen_exactly_one_month_ago_is_due(self) -> None:
        contact = self.contact_seen(dt.date(2026, 5, 15), cadence=Cadence.MONTHLY)
        self.assertStatus(contact, due=True, dormant=False)

    def test_a_monthly_contact_seen_yesterday_is_not_due(self) -> None:
        contact = self.contact_seen(dt.date(2026, 6, 14), cadence=Cadence.MONTHLY)
        self.assertStatus(contact, due=False, dormant=False)

    def test_a_monthly_contact_is_dormant_only_past_two_months(self) -> None:
        exactly_two = self.contact_seen(dt.date(2026, 4, 15), cadence=Cadence.MONTHLY)
        past_two = self.contact_seen(dt.date(2026, 4, 14), cadence=Cadence.MONTHLY)
        self.assertStatus(exactly_two, due=True, dormant=False)
        self.assertStatus(past_two, due=True, dormant=True)

    def test_tie_strength_gives_the_cadence_when_none_is_chosen(self) -> None:
        close = self.contact_seen(dt.date(2026, 5, 1), tie_strength=5)  # monthly
        distant = self.contact_seen(dt.date(2026, 1, 1), tie_strength=2)  # yearly
        self.assertEqual(close.effective_cadence, Cadence.MONTHLY)
        self.assertTrue(close.cadence_is_inherited)
        self.assertStatus(close, due=True, dormant=False)
        self.assertStatus(distant, due=False, dormant=False)

    def test_a_chosen_cadence_beats_tie_strength(self) -> None:
        contact = self.contact_seen(dt.date(2026, 5, 1), tie_strength=5, cadence=Cadence.YEARLY)
        self.assertFalse(contact.cadence_is_inherited)
        self.assertStatus(contact, due=False, dormant=False)

    def test_never_is_neither_due_nor_dormant(self) -> None:
        contact = self.contact_seen(dt.date(2010, 1, 1), cadence=Cadence.NEVER)
        self.assertStatus(contact, due=False, dormant=False)
        self.assertIsNone(contact.next_due_on())

    def test_a_contact_without_interaction_is_measured_from_its_creation(self) -> None:
        old = self.contact_seen(None, cadence=Cadence.QUARTERLY)
        new = make_contact(self.alice, "New", created_at=at(dt.date(2026, 6, 1)), cadence=1)
        self.assertStatus(old, due=True, dormant=True)
        self.assertStatus(new, due=False, dormant=False)

    def test_an_archived_contact_is_never_due(self) -> None:
        contact = self.contact_seen(dt.date(2020, 1, 1), archived_at=at(dt.date(2026, 1, 1)))
        self.assertStatus(contact, due=False, dormant=False)

    def test_a_back_dated_interaction_counts_at_its_date(self) -> None:
        contact = self.contact_seen(dt.date(2026, 6, 1), cadence=Cadence.MONTHLY)
        log_interaction(self.alice, [contact], dt.date(2025, 1, 1), "older")
        contact.refresh_from_db()
        self.assertEqual(contact.last_interaction_on, dt.date(2026, 6, 1))
        self.assertStatus(contact, due=False, dormant=False)

    def test_end_of_month_is_clamped(self) -> None:
        self.assertEqual(months_before(dt.date(2026, 3, 31), 1), dt.date(2026, 2, 28))
        self.assertEqual(months_before(dt.date(2024, 3, 31), 1), dt.date(2024, 2, 29))
        self.assertEqual(months_before(dt.date(2026, 1, 31), -1), dt.date(2026, 2, 28))
        self.assertEqual(months_before(dt.date(2026, 1, 15), 12), dt.date(2025, 1, 15))

    def test_other_members_contacts_never_count(self) -> None:
        make_contact(self.bob, "Bob's old friend", created_at=at(dt.date(2019, 1, 1)))
        self.assertFalse(Contact.objects.owned_by(self.alice).due().exists())
        self.assertEqual(Contact.objects.owned_by(self.bob).due().count(), 1)


class LastInteractionTests(BaseTestCase):
    def test_it_follows_every_write_path(self) -> None:
        ada = make_contact(self.alice, "Ada")
        grace = make_contact(self.alice, "Grace")
        first = log_interaction(self.alice, [ada], dt.date(2026, 1, 10))
        second = log_interaction(self.alice, [ada, grace], dt.date(2026, 3, 1))
        ada.refresh_from_db()
        self.assertEqual(ada.last_interaction_on, dt.date(2026, 3, 1))

        second.occurred_on = dt.date(2025, 12, 1)
        second.save()
        ada.refresh_from_db()
        self.assertEqual(ada.last_interaction_on, dt.date(2026, 1, 10))

        second.contacts.remove(grace)
        grace.refresh_from_db()
        self.assertIsNone(grace.last_interaction_on)

        first.delete()
        ada.refresh_from_db()
        self.assertEqual(ada.last_interaction_on, dt.date(2025, 12, 1))

        second.contacts.clear()
        ada.refresh_from_db()
        self.assertIsNone(ada.last_interaction_on)

        grace.interactions.add(second)
        grace.refresh_from_db()
        self.assertEqual(grace.last_interaction_on, dt.date(2025, 12, 1))
