"""The demo's year of tending: camille and sam open the tend page, their objectives and their
report on the first run and find them full (objectives, outcomes across the months, a year of
daily health, contacts to call and to prune)."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from typing import Any

import time_machine
from django.core.management import call_command
from django.db.models import Count
from django.test import TestCase

from entregent.accounts.models import Notification, User
from entregent.demo import words_en
from entregent.demo.loader import load_demo, write_network
from entregent.demo.networks import plan_network
from entregent.goals.health import network_health
from entregent.goals.models import Digest, HealthSnapshot, Objective, Outcome
from entregent.goals.outcomes import record_outcomes_for_owner, record_outcomes_in_bulk
from entregent.goals.tend import prune_queryset, queue_queryset
from entregent.network.models import Contact, Interaction
from entregent.test import make_user

CAMILLE = "camille@demo.entregent.org"
SAM = "sam@demo.entregent.org"
MEMBERS = (CAMILLE, SAM)
OTHERS = ("admin@demo.entregent.org", "facilitator@demo.entregent.org")
TODAY = dt.date(2026, 6, 15)
YEAR_AGO = TODAY - dt.timedelta(days=365)
NOON = dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC)
# Recorded by the member, not derived from the network's writes.
BY_HAND = ("partnership", "lead_job", "lead_client", "lead_supplier", "introduction", "other")


def load(**options: Any) -> None:
    with time_machine.travel(NOON, tick=False):
        load_demo(today=TODAY, **options)


def figures(email: str) -> dict[str, Any]:
    """What the member's pages are made of, by value: identical loads give identical figures
    whatever the rows' ids."""
    user = User.objects.get(email=email)
    outcomes = Outcome.objects.filter(owner=user)
    return {
        "objectives": sorted(
            Objective.objects.filter(owner=user)
            .annotate(people=Count("contacts"))
            .values_list("kind", "title", "status", "closed_on", "target_on", "people")
        ),
        "outcomes": sorted(
            outcomes.annotate(people=Count("contacts")).values_list(
                "kind", "occurred_on", "note", "objective__title", "people"
            )
        ),
        "snapshots": list(
            HealthSnapshot.objects.filter(owner=user).values_list(
                "taken_on", "total", "known", "alive", "due", "dormant", "archived"
            )
        ),
    }


class DemoTendingTests(TestCase):
    alice: User

    @classmethod
    def setUpTestData(cls) -> None:
        load()
        cls.alice = make_user("alice@example.org", "Alice")

    def user(self, email: str) -> User:
        return User.objects.get(email=email)

    def test_camille_and_sam_have_open_reached_and_dropped_objectives(self) -> None:
        for email in MEMBERS:
            with self.subTest(email=email):
                objectives = Objective.objects.filter(owner__email=email)
                self.assertIn(objectives.count(), (4, 5))
                statuses = Counter(objectives.values_list("status", flat=True))
                self.assertGreaterEqual(statuses["open"], 1)
                self.assertIn(statuses["reached"], (1, 2))
                self.assertEqual(statuses["dropped"], 1)
                self.assertFalse(objectives.filter(kind="other").exists())
                for objective in objectives.annotate(people=Count("contacts")):
                    self.assertGreaterEqual(objective.people, 3, objective.title)
                    if objective.status == "open":
                        self.assertIsNone(objective.closed_on)
                    else:
                        assert objective.closed_on is not None
                        self.assertLess(objective.closed_on, TODAY)
                        self.assertLess(objective.created_at.date(), objective.closed_on)

    def test_between_them_they_aim_for_every_kind_of_objective(self) -> None:
        kinds = set(Objective.objects.filter(owner__email__in=MEMBERS).values_list("kind"))
        self.assertEqual(
            {kind for (kind,) in kinds}, {"client", "job", "supplier", "partner", "hire", "learn"}
        )

    def test_objectives_are_in_the_members_language_with_contacts_who_fit(self) -> None:
        supplier = Objective.objects.get(owner__email=CAMILLE, kind="supplier")
        self.assertIn("graphiste", supplier.title)
        self.assertTrue(supplier.contacts.filter(display_name="Hélène Marchand").exists())
        self.assertFalse(
            supplier.contacts.exclude(headline__icontains="graphi")
            .exclude(headline__icontains="illustr")
            .exists()
        )
        job = Objective.objects.get(owner__email=SAM, kind="job")
        self.assertIn("product officer", job.title)

    def test_a_reached_objective_was_reached_by_an_outcome_on_its_closing_day(self) -> None:
        for email in MEMBERS:
            for objective in Objective.objects.filter(owner__email=email, status="reached"):
                with self.subTest(email=email, objective=objective.title):
                    assert objective.closed_on is not None
                    closing = objective.outcomes.get(occurred_on=objective.closed_on)
                    self.assertTrue(closing.note)
                    self.assertTrue(set(closing.contacts.all()) <= set(objective.contacts.all()))

    def test_outcomes_of_many_kinds_spread_over_the_year(self) -> None:
        for email in MEMBERS:
            with self.subTest(email=email):
                year = Outcome.objects.filter(owner__email=email, occurred_on__gt=YEAR_AGO)
                kinds = Counter(year.values_list("kind", flat=True))
                self.assertGreaterEqual(len(kinds), 6, kinds)
                for kind in ("new_contact", "reactivation", "meeting", "introduction"):
                    self.assertGreater(kinds[kind], 3, kind)
                months = {(d.year, d.month) for d in year.values_list("occurred_on", flat=True)}
                self.assertGreaterEqual(len(months), 12)
                for kind in ("new_contact", "reactivation", "meeting"):
                    days = year.filter(kind=kind).values_list("occurred_on", flat=True)
                    self.assertGreaterEqual(len({(d.year, d.month) for d in days}), 6, kind)

    def test_outcomes_recorded_by_hand_have_notes_and_some_serve_an_objective(self) -> None:
        for email in MEMBERS:
            with self.subTest(email=email):
                by_hand = Outcome.objects.filter(owner__email=email, kind__in=BY_HAND)
                self.assertGreater(by_hand.count(), 15)
                self.assertFalse(by_hand.filter(note="").exists())
                self.assertFalse(by_hand.annotate(people=Count("contacts")).filter(people=0))
                self.assertGreaterEqual(by_hand.exclude(objective=None).count(), 4)
                self.assertFalse(
                    by_hand.filter(source_contact__isnull=False).exists()
                    or by_hand.filter(source_interaction__isnull=False).exists()
                )
        notes = Outcome.objects.filter(owner__email=CAMILLE, kind__in=BY_HAND)
        self.assertTrue(notes.filter(note__contains="m'a ").exists())

    def test_derived_outcomes_point_at_what_produced_them(self) -> None:
        for email in MEMBERS:
            with self.subTest(email=email):
                outcomes = Outcome.objects.filter(owner__email=email)
                new = outcomes.filter(kind="new_contact")
                self.assertFalse(new.filter(source_contact=None).exists())
                self.assertFalse(new.exclude(source_contact__source="manual").exists())
                meetings = outcomes.filter(kind="meeting")
                self.assertFalse(meetings.exclude(source_interaction__kind="meeting").exists())
                self.assertEqual(
                    meetings.count(),
                    Interaction.objects.filter(owner__email=email, kind="meeting").count(),
                )

    def test_contacts_were_added_by_hand_all_year_and_imported_with_older_connections(
        self,
    ) -> None:
        for email in MEMBERS:
            with self.subTest(email=email):
                user = self.user(email)
                contacts = Contact.objects.owned_by(user)
                recent = contacts.filter(created_at__date__gt=YEAR_AGO)
                by_hand = recent.filter(source="manual").values_list("created_at", flat=True)
                self.assertGreaterEqual(len({(d.year, d.month) for d in by_hand}), 6)
                imported = recent.filter(source="import")
                self.assertGreater(imported.count(), 5)
                self.assertFalse(imported.filter(connected_on__gt=YEAR_AGO).exists())
                self.assertFalse(contacts.filter(source="import", connected_on=None).exists())
                self.assertFalse(contacts.filter(source="manual").exclude(connected_on=None))

    def test_a_year_of_daily_health_ending_with_todays(self) -> None:
        for email in MEMBERS:
            with self.subTest(email=email):
                user = self.user(email)
                snapshots = HealthSnapshot.objects.filter(owner=user)
                self.assertEqual(snapshots.count(), 365)
                days = list(snapshots.values_list("taken_on", flat=True))
                self.assertEqual(days[0], TODAY - dt.timedelta(days=364))
                self.assertEqual(days[-1], TODAY)
                last = snapshots.get(taken_on=TODAY)
                health = network_health(user, TODAY)
                self.assertEqual(
                    (last.total, last.known, last.alive, last.due, last.dormant, last.archived),
                    (
                        health.total,
                        health.known,
                        health.alive,
                        health.due,
                        health.dormant,
                        health.archived,
                    ),
                )
                first = snapshots.first()
                assert first is not None
                self.assertLess(first.total, last.total)
                self.assertNotEqual(first.dormant, last.dormant)

    def test_the_tend_page_has_people_to_call_and_to_prune(self) -> None:
        for email in MEMBERS:
            with self.subTest(email=email):
                user = self.user(email)
                queue = queue_queryset(user, TODAY)
                self.assertGreater(queue.count(), 30)
                self.assertGreater(queue.filter(dormant_on__lte=TODAY).count(), 10)
                self.assertGreater(queue.exclude(dormant_on__lte=TODAY).count(), 10)
                # Some of them could help with an open objective.
                self.assertTrue(queue.filter(objectives__status="open").exists())
                # Some were snoozed: out of the queue for now.
                snoozed = Contact.objects.owned_by(user).due(TODAY)
                self.assertTrue(snoozed.filter(snoozed_until__gt=TODAY).exists())
                prune = prune_queryset(user, TODAY)
                self.assertGreater(prune.count(), 10)
                imported = prune.filter(source="import", last_interaction_on=None)
                self.assertTrue(imported.exists())
                # Kept at the last review: not asked again.
                reviewed = Contact.objects.owned_by(user).exclude(reviewed_on=None)
                self.assertTrue(reviewed.exists())
                self.assertFalse(prune.filter(pk__in=reviewed).exists())

    def test_the_facilitator_and_the_admin_get_no_tending(self) -> None:
        for email in OTHERS:
            with self.subTest(email=email):
                user = self.user(email)
                self.assertFalse(Objective.objects.filter(owner=user).exists())
                self.assertFalse(Outcome.objects.filter(owner=user).exists())
                self.assertFalse(HealthSnapshot.objects.filter(owner=user).exists())

    def test_loading_again_gives_the_same_year(self) -> None:
        before = {email: figures(email) for email in MEMBERS}

        load()

        for email in MEMBERS:
            with self.subTest(email=email):
                self.assertEqual(figures(email), before[email])

    def test_loading_again_clears_what_the_members_did_since(self) -> None:
        camille = self.user(CAMILLE)
        Objective.objects.create(owner=camille, title="Écrire un livre", kind="other")
        Digest.objects.create(owner=camille, scheduled_for=NOON)
        Notification.objects.create(recipient=camille, kind="goals.digest", title="Sent")
        HealthSnapshot.objects.filter(owner=camille).delete()
        mine = Objective.objects.create(owner=self.alice, title="Find a mentor", kind="learn")

        load(contacts=40)

        self.assertFalse(Objective.objects.filter(owner=camille, title="Écrire un livre"))
        self.assertFalse(Digest.objects.filter(owner=camille).exists())
        self.assertFalse(Notification.objects.filter(recipient=camille).exists())
        self.assertEqual(HealthSnapshot.objects.filter(owner=camille).count(), 365)
        self.assertTrue(Objective.objects.filter(pk=mine.pk).exists())

    def test_the_summary_line_names_objectives_and_outcomes(self) -> None:
        out = io.StringIO()
        with time_machine.travel(NOON, tick=False):
            call_command("demo", "--contacts", "40", stdout=out)

        lines = {line.split()[0]: line for line in out.getvalue().splitlines()[1:]}
        camille = self.user(CAMILLE)
        self.assertIn("5 objectives (2 reached)", lines[CAMILLE])
        outcomes = Outcome.objects.filter(owner=camille).count()
        self.assertIn(f"{outcomes} outcomes", lines[CAMILLE])
        self.assertNotIn("objectives", lines["facilitator@demo.entregent.org"])


class BulkOutcomesTests(TestCase):
    """The demo records derived outcomes in bulk: the same as the goals app's own rules."""

    def recorded(self, user: User) -> set[tuple[Any, ...]]:
        return {
            (
                o.kind,
                o.occurred_on,
                o.source_contact_id,
                o.source_interaction_id,
                frozenset(c.pk for c in o.contacts.all()),
            )
            for o in Outcome.objects.filter(owner=user).prefetch_related("contacts")
        }

    def test_they_are_what_recording_one_interaction_at_a_time_gives(self) -> None:
        user = make_user("bulk@example.org", "Bulk", time_zone="Europe/London")
        with time_machine.travel(NOON, tick=False):
            plan = plan_network(words_en.VOCABULARY, size=60, today=TODAY, seed="bulk")
            write_network(user, plan)
            created = record_outcomes_in_bulk(user)
            in_bulk = self.recorded(user)
            Outcome.objects.filter(owner=user).delete()
            record_outcomes_for_owner(user)

        self.assertEqual(created, len(in_bulk))
        self.assertEqual(in_bulk, self.recorded(user))
        kinds = {kind for kind, *_rest in in_bulk}
        self.assertEqual(kinds, {"new_contact", "reactivation", "meeting"})

    def test_they_leave_what_is_recorded_alone(self) -> None:
        user = make_user("again@example.org", "Again")
        plan = plan_network(words_en.VOCABULARY, size=30, today=TODAY, seed="again")
        write_network(user, plan)
        record_outcomes_in_bulk(user)
        before = self.recorded(user)

        self.assertEqual(record_outcomes_in_bulk(user), 0)
        self.assertEqual(self.recorded(user), before)
