"""Merging two contacts keeps their objectives and outcomes; undoing the merge gives them back.

The merge itself walks every relation to Contact (``network/actions.py``); this checks what a
member would see of goals: nothing lost, everything on the kept contact, and back as it was.
"""

from __future__ import annotations

import datetime as dt

import time_machine
from django.utils import timezone

from entregent.goals.models import Objective, Outcome
from entregent.network.actions import merge_contacts, unmerge
from entregent.network.models import Cadence, Contact, Interaction
from entregent.network.tests.factories import log_interaction, make_contact
from entregent.network.tests.test_merge import fingerprint
from entregent.test import BaseTestCase

TODAY = dt.date(2026, 6, 15)


def at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def people_of(rows: object) -> dict[int, set[int]]:
    """Each objective's or outcome's contacts, by its id."""
    return {row.pk: {c.pk for c in row.contacts.all()} for row in rows}  # type: ignore[attr-defined]


@time_machine.travel(at(TODAY), tick=False)
class MergeKeepsGoalsTests(BaseTestCase):
    kept: Contact
    merged: Contact
    other: Contact

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        with time_machine.travel(at(TODAY), tick=False):
            alice = cls.alice
            # Both added by hand: each is a "new contact" outcome of its own.
            cls.kept = make_contact(alice, "Jean Dupont", cadence=Cadence.MONTHLY)
            cls.merged = make_contact(
                alice, "Jean Dupond", cadence=Cadence.MONTHLY, created_at=at(dt.date(2025, 1, 1))
            )
            cls.other = make_contact(alice, "Other Person", source=Contact.Source.IMPORT)
            shared = Objective.objects.create(owner=alice, title="Find a printer")
            shared.contacts.add(cls.kept, cls.merged)  # one link too many once merged
            own = Objective.objects.create(owner=alice, title="Find a partner")
            own.contacts.add(cls.merged, cls.other)
            # Meetings: one with the merged contact, one with both (for the merged contact,
            # added long ago and never met, a reactivation too).
            log_interaction(alice, [cls.merged], TODAY, kind=Interaction.Kind.MEETING)
            log_interaction(alice, [cls.kept, cls.merged], dt.date(2026, 6, 14))
            lead = Outcome.objects.create(
                owner=alice, kind=Outcome.Kind.LEAD_CLIENT, objective=own, note="A quote"
            )
            lead.contacts.add(cls.merged, cls.other)

    def test_every_objective_and_outcome_ends_up_on_the_kept_contact(self) -> None:
        objectives_before = set(Objective.objects.values_list("pk", flat=True))
        outcomes_before = set(Outcome.objects.values_list("pk", flat=True))
        with_merged = {o.pk for o in Outcome.objects.filter(contacts=self.merged)}
        self.assertTrue(with_merged)

        merge_contacts(self.alice, self.kept, self.merged)

        self.assertEqual(set(Objective.objects.values_list("pk", flat=True)), objectives_before)
        self.assertEqual(set(Outcome.objects.values_list("pk", flat=True)), outcomes_before)
        for objective in Objective.objects.all():
            self.assertIn(self.kept, objective.contacts.all(), objective.title)
        for outcome in Outcome.objects.filter(pk__in=with_merged):
            self.assertIn(self.kept, outcome.contacts.all(), outcome)
        self.assertFalse(Outcome.contacts.through.objects.filter(contact_id=self.merged.pk))
        self.assertFalse(Objective.contacts.through.objects.filter(contact_id=self.merged.pk))
        # The merged contact's "new contact" cannot point at the kept one, which has its own:
        # it stays, recorded by hand now, on the kept contact.
        new_contacts = Outcome.objects.filter(kind=Outcome.Kind.NEW_CONTACT)
        self.assertEqual(new_contacts.count(), 2)
        self.assertEqual(
            {frozenset(o.contacts.values_list("pk", flat=True)) for o in new_contacts},
            {frozenset({self.kept.pk})},
        )
        lead = Outcome.objects.select_related("objective").get(note="A quote")
        self.assertEqual(lead.objective and lead.objective.title, "Find a partner")

    def test_unmerging_gives_every_objective_and_outcome_back_as_it_was(self) -> None:
        before = fingerprint()
        objectives = people_of(Objective.objects.all())
        outcomes = people_of(Outcome.objects.all())
        sources = set(
            Outcome.objects.values_list("pk", "kind", "source_contact", "source_interaction")
        )

        merge = merge_contacts(self.alice, self.kept, self.merged)
        result = unmerge(merge)

        self.assertEqual(result.not_restored, [])
        self.assertEqual(people_of(Objective.objects.all()), objectives)
        self.assertEqual(people_of(Outcome.objects.all()), outcomes)
        self.assertEqual(
            set(Outcome.objects.values_list("pk", "kind", "source_contact", "source_interaction")),
            sources,
        )
        after = fingerprint(leave_out={merge.pk})
        for table in ("goals.Objective", "goals.Outcome"):
            self.assertEqual(after[table], before[table], table)
        for table in ("goals.Objective_contacts", "goals.Outcome_contacts"):
            self.assertEqual(
                sorted(r[1:] for r in after[table]), sorted(r[1:] for r in before[table]), table
            )

    def test_an_interaction_edited_after_the_merge_counts_the_kept_contact(self) -> None:
        interaction = Interaction.objects.get(occurred_on=TODAY)
        merge_contacts(self.alice, self.kept, self.merged)

        interaction.occurred_on = dt.date(2026, 6, 13)
        interaction.save()

        meeting = Outcome.objects.get(source_interaction=interaction, kind=Outcome.Kind.MEETING)
        self.assertEqual(meeting.occurred_on, dt.date(2026, 6, 13))
        self.assertEqual(list(meeting.contacts.all()), [self.kept])
