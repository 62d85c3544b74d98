"""Outcomes: the ones recorded from the network's writes (counting rules, as a table of worked
examples, with frozen time), and the outcome pages (list, filters, by hand, derived ones)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from entregent.accounts.models import User
from entregent.goals.models import Objective, Outcome
from entregent.goals.outcomes import record_outcomes_for_interaction, record_outcomes_for_owner
from entregent.network.models import Cadence, Contact, Interaction
from entregent.network.tests.factories import log_interaction, make_contact
from entregent.test import BaseTestCase

TODAY = dt.date(2026, 6, 15)
LONG_AGO = dt.date(2020, 1, 1)
MEETING, CALL = Interaction.Kind.MEETING, Interaction.Kind.CALL
NEW, REACTIVATION, MET = Outcome.Kind.NEW_CONTACT, Outcome.Kind.REACTIVATION, Outcome.Kind.MEETING


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def person(owner: User, name: str, last_seen: dt.date | None = None, **fields: Any) -> Contact:
    """A contact imported (no outcome of its own) the day before it was last seen, or long ago
    when never met, keeping in touch monthly unless told otherwise: dormant once more than two
    months have passed."""
    fields.setdefault("cadence", Cadence.MONTHLY)
    added = last_seen - dt.timedelta(days=1) if last_seen else LONG_AGO
    fields.setdefault("created_at", at(added))
    fields.setdefault("source", Contact.Source.IMPORT)
    contact = make_contact(owner, name, **fields)
    if last_seen is not None:
        log_interaction(owner, [contact], last_seen, summary=f"Last seen {name}", kind=CALL)
    return contact


def produced(interaction: Interaction) -> dict[str, list[str]]:
    """What an interaction produced: each outcome kind with its contacts' names."""
    return {
        outcome.kind: sorted(c.display_name for c in outcome.contacts.all())
        for outcome in Outcome.objects.filter(source_interaction=interaction)
    }


@dataclass
class Case:
    """One interaction logged on TODAY with people last seen on the given days."""

    says: str
    kind: str
    people: dict[str, dt.date | None]  # name -> last seen (None: never met)
    expected: dict[str, list[str]]
    extra: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> contact fields


SEEN_RECENTLY = dt.date(2026, 6, 1)  # within a month: alive
SEEN_LONG_AGO = dt.date(2026, 1, 10)  # more than two months: dormant

INTERACTION_CASES = [
    Case("a meeting with an active contact is a meeting", MEETING, {"Ann": SEEN_RECENTLY},
         {MET: ["Ann"]}),
    Case("a call with an active contact is nothing", CALL, {"Ann": SEEN_RECENTLY}, {}),
    Case("a call with a dormant contact is a reactivation", CALL, {"Dan": SEEN_LONG_AGO},
         {REACTIVATION: ["Dan"]}),
    Case("a meeting with a dormant contact is one meeting and one reactivation", MEETING,
         {"Dan": SEEN_LONG_AGO}, {MET: ["Dan"], REACTIVATION: ["Dan"]}),
    Case("two dormant contacts make one reactivation with both, the active one is left out",
         CALL, {"Dan": SEEN_LONG_AGO, "Dora": dt.date(2025, 3, 1), "Ann": SEEN_RECENTLY},
         {REACTIVATION: ["Dan", "Dora"]}),
    Case("a meeting with three people is one meeting with all three", MEETING,
         {"Ann": SEEN_RECENTLY, "Dan": SEEN_LONG_AGO, "Dora": SEEN_LONG_AGO},
         {MET: ["Ann", "Dan", "Dora"], REACTIVATION: ["Dan", "Dora"]}),
    Case("a contact never met, added long ago, is reactivated", CALL, {"Nina": None},
         {REACTIVATION: ["Nina"]}),
    Case("a contact added last week is not dormant", CALL, {"Noah": None},
         {}, extra={"Noah": {"created_at": at(dt.date(2026, 6, 8))}}),
    Case("an import's connection date counts when never met", CALL, {"Ivy": None},
         {}, extra={"Ivy": {"connected_on": dt.date(2026, 5, 1)}}),
    Case("a contact kept in touch with 'never' is never dormant", CALL, {"Nev": SEEN_LONG_AGO},
         {}, extra={"Nev": {"cadence": Cadence.NEVER}}),
    Case("a yearly contact seen six months ago is not dormant", CALL,
         {"Yan": SEEN_LONG_AGO}, {}, extra={"Yan": {"cadence": Cadence.YEARLY}}),
    Case("an archived contact one gets back in touch with is reactivated", CALL,
         {"Arch": SEEN_LONG_AGO}, {REACTIVATION: ["Arch"]},
         extra={"Arch": {"archived_at": at(dt.date(2026, 2, 1))}}),
]  # fmt: skip


@time_machine.travel(at(TODAY), tick=False)
class CountingRulesTests(BaseTestCase):
    def test_the_counting_rules(self) -> None:
        for case in INTERACTION_CASES:
            with self.subTest(case.says):
                owner = User.objects.create_user(f"{len(case.says)}-{id(case)}@example.org")
                people = [
                    person(owner, name, seen, **case.extra.get(name, {}))
                    for name, seen in case.people.items()
                ]
                interaction = log_interaction(owner, people, TODAY, kind=case.kind)
                self.assertEqual(produced(interaction), case.expected)
                self.assertEqual(
                    Outcome.objects.filter(owner=owner).count(),
                    len(case.expected),
                    "nothing else was recorded (the earlier calls were not outcomes)",
                )

    def test_a_contact_added_by_hand_is_a_new_contact_on_the_day_it_was_added(self) -> None:
        contact = make_contact(self.alice, "Hand Made")

        outcome = Outcome.objects.get(owner=self.alice)
        self.assertEqual(outcome.kind, NEW)
        self.assertEqual(outcome.occurred_on, TODAY)
        self.assertEqual(outcome.source_contact, contact)
        self.assertEqual(list(outcome.contacts.all()), [contact])

    def test_an_imported_contact_is_not_a_new_contact(self) -> None:
        make_contact(self.alice, "Imported", source=Contact.Source.IMPORT)
        make_contact(self.alice, "Being imported", source=Contact.Source.IMPORT, pending=True)

        self.assertFalse(Outcome.objects.filter(owner=self.alice).exists())

    def test_the_day_a_contact_was_added_is_the_members_day(self) -> None:
        self.alice.time_zone = "Pacific/Auckland"  # UTC+12 in June
        self.alice.save()
        # 15 June, 20:00 UTC is already 16 June in Auckland.
        make_contact(self.alice, "Late", created_at=dt.datetime(2026, 6, 15, 20, tzinfo=dt.UTC))

        self.assertEqual(Outcome.objects.get(owner=self.alice).occurred_on, dt.date(2026, 6, 16))

    def test_a_contact_added_through_the_quick_add_is_a_new_contact(self) -> None:
        self.client.force_login(self.alice)

        self.client.post(reverse("network:contact-quick-add"), {"display_name": "Quick One"})

        outcome = Outcome.objects.get(owner=self.alice)
        self.assertEqual((outcome.kind, str(outcome.contacts.get())), (NEW, "Quick One"))

    def test_logging_a_meeting_through_the_form_records_it(self) -> None:
        dan = person(self.alice, "Dan", SEEN_LONG_AGO)
        self.client.force_login(self.alice)

        self.client.post(
            reverse("network:interaction-create"),
            {"occurred_on": TODAY, "kind": MEETING, "summary": "Lunch", "contacts": [dan.pk]},
        )

        interaction = Interaction.objects.get(summary="Lunch")
        self.assertEqual(produced(interaction), {MET: ["Dan"], REACTIVATION: ["Dan"]})
        self.assertEqual(
            set(Outcome.objects.filter(owner=self.alice).values_list("occurred_on", flat=True)),
            {TODAY},
        )

    def test_of_two_interactions_on_one_day_only_the_first_reactivates(self) -> None:
        dan = person(self.alice, "Dan", SEEN_LONG_AGO)

        first = log_interaction(self.alice, [dan], TODAY, kind=CALL)
        second = log_interaction(self.alice, [dan], TODAY, kind=CALL)

        self.assertEqual(produced(first), {REACTIVATION: ["Dan"]})
        self.assertEqual(produced(second), {})


@time_machine.travel(at(TODAY), tick=False)
class EditingTests(BaseTestCase):
    """Editing or deleting an interaction updates what it produced, and only that."""

    dan: Contact
    ann: Contact

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        with time_machine.travel(at(TODAY), tick=False):
            cls.dan = person(cls.alice, "Dan", SEEN_LONG_AGO)
            cls.ann = person(cls.alice, "Ann", SEEN_RECENTLY)

    def test_a_meeting_turned_into_a_call_loses_its_meeting_and_keeps_its_reactivation(
        self,
    ) -> None:
        interaction = log_interaction(self.alice, [self.dan], TODAY, kind=MEETING)

        interaction.kind = CALL
        interaction.save()

        self.assertEqual(produced(interaction), {REACTIVATION: ["Dan"]})

    def test_a_call_turned_into_a_meeting_gains_a_meeting(self) -> None:
        interaction = log_interaction(self.alice, [self.ann], TODAY, kind=CALL)

        interaction.kind = MEETING
        interaction.save()

        self.assertEqual(produced(interaction), {MET: ["Ann"]})

    def test_moving_the_date_moves_the_outcomes_and_checks_dormancy_again(self) -> None:
        interaction = log_interaction(self.alice, [self.dan], TODAY, kind=MEETING)

        # On 1 February, Dan was seen on 10 January: not dormant then.
        interaction.occurred_on = dt.date(2026, 2, 1)
        interaction.save()

        self.assertEqual(produced(interaction), {MET: ["Dan"]})
        self.assertEqual(
            Outcome.objects.get(source_interaction=interaction).occurred_on, dt.date(2026, 2, 1)
        )

    def test_adding_and_removing_people_updates_the_reactivation(self) -> None:
        interaction = log_interaction(self.alice, [self.ann], TODAY, kind=MEETING)

        interaction.contacts.add(self.dan)
        self.assertEqual(produced(interaction), {MET: ["Ann", "Dan"], REACTIVATION: ["Dan"]})

        interaction.contacts.remove(self.dan)
        self.assertEqual(produced(interaction), {MET: ["Ann"]})

        interaction.contacts.clear()
        self.assertEqual(produced(interaction), {})

    def test_people_added_from_the_contacts_side_count_too(self) -> None:
        interaction = log_interaction(self.alice, [self.ann], TODAY, kind=CALL)

        self.dan.interactions.add(interaction)
        self.assertEqual(produced(interaction), {REACTIVATION: ["Dan"]})

        self.dan.interactions.remove(interaction)
        self.assertEqual(produced(interaction), {})

    def test_deleting_the_interaction_deletes_what_it_produced(self) -> None:
        interaction = log_interaction(self.alice, [self.dan], TODAY, kind=MEETING)

        interaction.delete()

        self.assertFalse(Outcome.objects.filter(owner=self.alice).exists())

    def test_a_back_dated_interaction_takes_the_reactivation_from_the_one_after_it(self) -> None:
        call = log_interaction(self.alice, [self.dan], TODAY, kind=CALL)
        self.assertEqual(produced(call), {REACTIVATION: ["Dan"]})

        lunch = log_interaction(self.alice, [self.dan], dt.date(2026, 6, 1), kind=CALL)
        self.assertEqual(produced(lunch), {REACTIVATION: ["Dan"]})
        self.assertEqual(produced(call), {}, "Dan was seen on 1 June: not dormant on 15 June")

        lunch.delete()
        self.assertEqual(produced(call), {REACTIVATION: ["Dan"]})

    def test_moving_an_interaction_away_gives_the_reactivation_back(self) -> None:
        lunch = log_interaction(self.alice, [self.dan], dt.date(2026, 6, 1), kind=CALL)
        call = log_interaction(self.alice, [self.dan], TODAY, kind=CALL)
        self.assertEqual(produced(call), {})

        lunch.occurred_on = dt.date(2025, 1, 1)
        lunch.save()

        self.assertEqual(produced(call), {REACTIVATION: ["Dan"]})

    def test_the_members_note_and_objective_survive_a_recomputation(self) -> None:
        objective = Objective.objects.create(owner=self.alice, title="Find a client")
        interaction = log_interaction(self.alice, [self.ann, self.dan], TODAY, kind=MEETING)
        Outcome.objects.filter(source_interaction=interaction).update(
            note="Promising", objective=objective
        )

        interaction.occurred_on = dt.date(2026, 6, 14)
        interaction.save()
        interaction.contacts.remove(self.ann)

        for outcome in Outcome.objects.filter(source_interaction=interaction):
            self.assertEqual((outcome.note, outcome.objective), ("Promising", objective))
            self.assertEqual(outcome.occurred_on, dt.date(2026, 6, 14))

    def test_a_deleted_outcome_stays_deleted_when_only_the_summary_changes(self) -> None:
        interaction = log_interaction(self.alice, [self.dan], TODAY, kind=MEETING)
        Outcome.objects.get(source_interaction=interaction, kind=REACTIVATION).delete()
        self.client.force_login(self.alice)

        self.client.post(
            reverse("network:interaction-edit", args=[interaction.pk]),
            {
                "occurred_on": TODAY,
                "kind": MEETING,
                "summary": "Lunch, corrected",
                "contacts": [self.dan.pk],
            },
        )

        self.assertEqual(produced(interaction), {MET: ["Dan"]})

    def test_a_deleted_outcome_comes_back_when_the_interaction_changes_what_counts(
        self,
    ) -> None:
        interaction = log_interaction(self.alice, [self.dan], TODAY, kind=MEETING)
        Outcome.objects.get(source_interaction=interaction, kind=REACTIVATION).delete()

        interaction.occurred_on = dt.date(2026, 6, 14)
        interaction.save()

        self.assertEqual(produced(interaction), {MET: ["Dan"], REACTIVATION: ["Dan"]})

    def test_outcomes_can_be_recorded_after_bulk_writes(self) -> None:
        interaction = Interaction.objects.bulk_create(
            [Interaction(owner=self.alice, occurred_on=TODAY, kind=MEETING, summary="Bulk")]
        )[0]
        Interaction.contacts.through.objects.bulk_create(
            [Interaction.contacts.through(interaction_id=interaction.pk, contact_id=self.dan.pk)]
        )
        self.assertEqual(produced(interaction), {})

        record_outcomes_for_interaction(interaction)
        self.assertEqual(produced(interaction), {MET: ["Dan"], REACTIVATION: ["Dan"]})

        Outcome.objects.all().delete()
        record_outcomes_for_owner(self.alice)
        self.assertEqual(produced(interaction), {MET: ["Dan"], REACTIVATION: ["Dan"]})

    def test_the_cost_of_moving_an_interaction_grows_only_with_its_participants(self) -> None:
        def cost(size: int) -> int:
            people = [person(self.alice, f"P{size}-{i}", SEEN_LONG_AGO) for i in range(size)]
            interaction = log_interaction(self.alice, people, TODAY, kind=MEETING)
            with CaptureQueriesContext(connection) as queries:
                interaction.occurred_on = dt.date(2026, 6, 14)
                interaction.save()
            return len(queries)

        # Per participant: its dormancy then, and its next interaction after the old and the
        # new date. Nothing grows with the rest of the network or its history.
        self.assertEqual(cost(6) - cost(3), 3 * 3)


@time_machine.travel(at(TODAY), tick=False)
class OutcomePagesTests(BaseTestCase):
    dan: Contact
    ann: Contact
    objective: Objective

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        with time_machine.travel(at(TODAY), tick=False):
            cls.dan = person(cls.alice, "Dan", SEEN_LONG_AGO)
            cls.ann = person(cls.alice, "Ann", SEEN_RECENTLY)
            cls.objective = Objective.objects.create(owner=cls.alice, title="Find a printer")

    def setUp(self) -> None:
        self.client.force_login(self.alice)

    def record(self, **data: Any) -> Any:
        values: dict[str, Any] = {
            "kind": Outcome.Kind.LEAD_CLIENT,
            "occurred_on": "2026-06-10",
            "objective": "",
            "note": "",
            "add_names": "",
        }
        values.update(data)
        return self.client.post(reverse("goals:outcome-create"), values)

    def test_an_outcome_is_recorded_by_hand_with_people_and_an_objective(self) -> None:
        response = self.record(
            contacts=[self.ann.pk], add_names="dan", objective=self.objective.pk, note="Quote"
        )

        outcome = Outcome.objects.get(owner=self.alice)
        self.assertRedirects(response, self.objective.get_absolute_url())
        self.assertEqual(
            (outcome.kind, outcome.occurred_on, outcome.objective, outcome.note),
            (Outcome.Kind.LEAD_CLIENT, dt.date(2026, 6, 10), self.objective, "Quote"),
        )
        self.assertEqual(set(outcome.contacts.all()), {self.ann, self.dan})
        self.assertFalse(outcome.is_derived)

    def test_the_form_starts_from_the_objective_it_was_opened_from(self) -> None:
        response = self.client.get(
            reverse("goals:outcome-create"),
            {"objective": self.objective.pk, "contact": self.dan.pk},
        )

        self.assertEqual(response.context["form"]["objective"].value(), self.objective.pk)
        self.assertEqual(
            [(o.contact, o.checked) for o in response.context["people"]], [(self.dan, True)]
        )

    def test_someone_elses_contact_or_objective_is_refused(self) -> None:
        bobs_contact = make_contact(self.bob, "Bob's friend")
        bobs_objective = Objective.objects.create(owner=self.bob, title="Bob's aim")

        response = self.record(contacts=[bobs_contact.pk], objective=bobs_objective.pk)

        form = response.context["form"]
        self.assertTrue(form.has_error("contacts", "invalid_choice"))
        self.assertTrue(form.has_error("objective", "invalid_choice"))
        self.assertFalse(Outcome.objects.filter(kind=Outcome.Kind.LEAD_CLIENT).exists())

    def test_an_outcome_cannot_be_in_the_future(self) -> None:
        response = self.record(occurred_on="2026-07-01")

        self.assertTrue(response.context["form"].has_error("occurred_on", "future"))

    def test_an_outcome_recorded_by_hand_can_be_changed_entirely(self) -> None:
        outcome = Outcome.objects.create(owner=self.alice, kind="other", occurred_on=TODAY)
        outcome.contacts.add(self.ann)

        self.client.post(
            reverse("goals:outcome-edit", args=[outcome.pk]),
            {"kind": "partnership", "occurred_on": "2026-05-01", "contacts": [self.dan.pk],
             "objective": self.objective.pk, "note": "Signed", "add_names": ""},
        )  # fmt: skip

        outcome.refresh_from_db()
        self.assertEqual(
            (outcome.kind, outcome.occurred_on, outcome.objective, outcome.note),
            ("partnership", dt.date(2026, 5, 1), self.objective, "Signed"),
        )
        self.assertEqual(list(outcome.contacts.all()), [self.dan])

    def test_a_derived_outcome_takes_a_note_and_an_objective_only(self) -> None:
        interaction = log_interaction(self.alice, [self.dan], TODAY, kind=MEETING, summary="Lunch")
        meeting = Outcome.objects.get(source_interaction=interaction, kind=MET)
        url = reverse("goals:outcome-edit", args=[meeting.pk])

        page = self.client.get(url)
        self.assertContains(page, "from the interaction of")
        self.assertContains(page, "“Lunch”")
        self.assertContains(page, "edit the interaction")
        self.client.post(
            url,
            {"kind": "partnership", "occurred_on": "2026-01-01", "contacts": [self.ann.pk],
             "objective": self.objective.pk, "note": "Good lunch"},
        )  # fmt: skip

        meeting.refresh_from_db()
        self.assertEqual((meeting.kind, meeting.occurred_on), (MET, TODAY))
        self.assertEqual((meeting.objective, meeting.note), (self.objective, "Good lunch"))
        self.assertEqual(list(meeting.contacts.all()), [self.dan])
        self.assertEqual(meeting.source_interaction, interaction)

    def test_a_deleted_derived_outcome_is_confirmed_and_stays_deleted(self) -> None:
        interaction = log_interaction(self.alice, [self.dan], TODAY, kind=MEETING)
        reactivation = Outcome.objects.get(source_interaction=interaction, kind=REACTIVATION)
        url = reverse("goals:outcome-delete", args=[reactivation.pk])

        page = self.client.get(url)
        self.assertContains(page, "It will not come back unless you change")
        self.assertTrue(Outcome.objects.filter(pk=reactivation.pk).exists())
        response = self.client.post(url)

        self.assertRedirects(response, reverse("goals:outcome-list"))
        interaction.summary = "Lunch, with notes"
        interaction.save()
        self.assertEqual(produced(interaction), {MET: ["Dan"]})

    def test_the_list_says_where_derived_outcomes_come_from(self) -> None:
        log_interaction(self.alice, [self.dan], TODAY, kind=CALL, summary="Catch-up call")
        make_contact(self.alice, "New Friend")

        response = self.client.get(reverse("goals:outcome-list"))

        self.assertContains(response, "from the interaction “Catch-up call”")
        self.assertContains(response, "recorded when you added them to your network")
        self.assertContains(response, "New Friend")

    def test_the_list_filters_by_kind_and_period(self) -> None:
        for day, kind in (
            (dt.date(2026, 6, 10), "partnership"),
            (dt.date(2026, 6, 1), "lead_job"),
            (dt.date(2026, 4, 20), "partnership"),
            (dt.date(2025, 12, 1), "partnership"),
        ):
            Outcome.objects.create(owner=self.alice, kind=kind, occurred_on=day)
        Outcome.objects.create(owner=self.bob, kind="partnership", occurred_on=TODAY)
        url = reverse("goals:outcome-list")

        def days(params: dict[str, str]) -> list[dt.date]:
            response = self.client.get(url, params)
            return [row.outcome.occurred_on for row in response.context["rows"]]

        self.assertEqual(len(days({})), 4)
        self.assertEqual(days({"period": "month"}), [dt.date(2026, 6, 10), dt.date(2026, 6, 1)])
        self.assertEqual(
            days({"kind": "partnership", "period": "quarter"}),
            [dt.date(2026, 6, 10), dt.date(2026, 4, 20)],
        )
        self.assertEqual(
            days({"kind": "partnership", "period": "year"}),
            days({"kind": "partnership", "start": "2026-01-01"}),
        )
        self.assertEqual(
            days({"start": "2025-11-01", "end": "2026-05-01"}),
            [dt.date(2026, 4, 20), dt.date(2025, 12, 1)],
        )
        response = self.client.get(url, {"period": "month", "kind": "partnership"})
        # The counts by kind are for the whole period, whichever kind is shown.
        counts = {value: count for value, _label, count, _url in response.context["kind_counts"]}
        self.assertEqual(counts, {"partnership": 1, "lead_job": 1})

    def test_dates_in_the_wrong_order_are_said_so(self) -> None:
        response = self.client.get(
            reverse("goals:outcome-list"), {"start": "2026-06-01", "end": "2026-05-01"}
        )

        self.assertTrue(response.context["form"].has_error("end", "order"))

    def test_the_list_costs_the_same_with_many_outcomes(self) -> None:
        def cost() -> int:
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get(reverse("goals:outcome-list"), {"period": "year"})
            self.assertEqual(response.status_code, 200)
            return len(queries)

        log_interaction(self.alice, [self.dan], TODAY, kind=MEETING)
        few = cost()
        for i in range(40):
            people = [person(self.alice, f"P{i}-{j}", SEEN_LONG_AGO) for j in range(2)]
            log_interaction(self.alice, people, TODAY, kind=MEETING)
            outcome = Outcome.objects.create(
                owner=self.alice, kind="partnership", objective=self.objective
            )
            outcome.contacts.add(*people)

        self.assertEqual(cost(), few)
