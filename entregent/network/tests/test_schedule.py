"""The keep-in-touch rules as a table of worked examples, and the stored dates that follow them.

Every example is built through the ordinary write paths (a contact saved, tags added,
interactions logged) with the clock frozen on TODAY, then checked four ways: the cadence and
where it comes from, the dates stored on the contact, its status, and the due()/dormant()
querysets that the queues and the calendar read.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from io import StringIO
from typing import Any

import time_machine
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from entregent.accounts.models import User
from entregent.network.models import (
    CADENCE_FROM_STRENGTH,
    SCHEDULE_BATCH,
    Cadence,
    Contact,
    Tag,
    choose_cadence,
    schedule_for,
)
from entregent.network.tests.factories import log_interaction, make_contact
from entregent.test import BaseTestCase, make_user

TODAY = dt.date(2026, 6, 15)
D = dt.date


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@dataclass
class Example:
    """One worked example: a contact's inputs and what the rules make of them on TODAY."""

    rule: str
    # Inputs
    own: int | None = None
    tags: list[tuple[str, int | None]] = field(default_factory=list)
    strength: int | None = None
    created: dt.date = dt.date(2020, 1, 1)
    connected_on: dt.date | None = None
    seen: list[dt.date] = field(default_factory=list)
    # What the rules give
    months: int = 12
    source: str = "strength"
    due_on: dt.date | None = None
    dormant_on: dt.date | None = None
    status: str = ""  # on TODAY: "", "due" or "dormant"


EXAMPLES = [
    # Which cadence ---------------------------------------------------------------------------
    Example(
        "the contact's own cadence wins over its tags and its tie strength",
        own=12, tags=[("clients", 1)], strength=5, seen=[D(2026, 1, 10)],
        months=12, source="own", due_on=D(2027, 1, 10), dormant_on=D(2028, 1, 11),
    ),
    Example(
        "its own 'never' wins too: never due nor dormant, whatever the tags",
        own=0, tags=[("clients", 1)], seen=[D(2020, 1, 1)],
        months=0, source="own",
    ),
    Example(
        "otherwise the shortest cadence among its tags, even longer than the strength's",
        tags=[("friends", 12), ("clients", 3)], strength=5, seen=[D(2026, 3, 15)],
        months=3, source="tag clients", due_on=D(2026, 6, 15), dormant_on=D(2026, 9, 16),
        status="due",
    ),
    Example(
        "a tag without a cadence sets none: the tie strength decides",
        tags=[("mentors", None)], strength=4, seen=[D(2026, 1, 1)],
        months=3, source="strength", due_on=D(2026, 4, 1), dormant_on=D(2026, 7, 2),
        status="due",
    ),
    Example(
        "a tag's 'never' gives way to any tag with a real cadence",
        tags=[("newsletter", 0), ("clients", 6)], seen=[D(2025, 12, 1)],
        months=6, source="tag clients", due_on=D(2026, 6, 1), dormant_on=D(2026, 12, 2),
        status="due",
    ),
    Example(
        "a tag's 'never' alone beats the tie strength's default",
        tags=[("newsletter", 0)], strength=5, seen=[D(2024, 1, 1)],
        months=0, source="tag newsletter",
    ),
    Example(
        "two tags with the same shortest cadence: the first by name is named",
        tags=[("zeta", 3), ("Alpha", 3)], seen=[D(2026, 5, 1)],
        months=3, source="tag Alpha", due_on=D(2026, 8, 1), dormant_on=D(2026, 11, 2),
    ),
    Example(
        "otherwise the tie strength's default: very close is monthly",
        strength=5, seen=[D(2026, 5, 20)],
        months=1, source="strength", due_on=D(2026, 6, 20), dormant_on=D(2026, 7, 21),
    ),
    Example(
        "no tie strength at all: yearly",
        seen=[D(2025, 6, 15)],
        months=12, source="strength", due_on=D(2026, 6, 15), dormant_on=D(2027, 6, 16),
        status="due",
    ),
    # When ------------------------------------------------------------------------------------
    Example(
        "due once one full cadence has passed, the day itself included",
        own=1, seen=[D(2026, 5, 15)],
        months=1, source="own", due_on=D(2026, 6, 15), dormant_on=D(2026, 7, 16),
        status="due",
    ),
    Example(
        "exactly two cadences: still only due",
        own=1, seen=[D(2026, 4, 15)],
        months=1, source="own", due_on=D(2026, 5, 15), dormant_on=D(2026, 6, 16),
        status="due",
    ),
    Example(
        "dormant from the day after two cadences",
        own=1, seen=[D(2026, 4, 14)],
        months=1, source="own", due_on=D(2026, 5, 14), dormant_on=D(2026, 6, 15),
        status="dormant",
    ),
    Example(
        "months are calendar months, clamped to the month's end",
        own=1, seen=[D(2026, 1, 31)],
        months=1, source="own", due_on=D(2026, 2, 28), dormant_on=D(2026, 4, 1),
        status="dormant",
    ),
    # From what -------------------------------------------------------------------------------
    Example(
        "never met: measured from the day it was added",
        strength=4, created=D(2026, 1, 20),
        months=3, source="strength", due_on=D(2026, 4, 20), dormant_on=D(2026, 7, 21),
        status="due",
    ),
    Example(
        "never met, imported: measured from when the connection started",
        created=D(2026, 6, 1), connected_on=D(2023, 5, 2),
        months=12, source="strength", due_on=D(2024, 5, 2), dormant_on=D(2025, 5, 3),
        status="dormant",
    ),
    Example(
        "any interaction resets it, even with a connection date",
        connected_on=D(2015, 1, 1), seen=[D(2026, 6, 1)],
        months=12, source="strength", due_on=D(2027, 6, 1), dormant_on=D(2028, 6, 2),
    ),
    Example(
        "the latest interaction counts, not the first",
        own=1, seen=[D(2023, 1, 1), D(2026, 6, 1)],
        months=1, source="own", due_on=D(2026, 7, 1), dormant_on=D(2026, 8, 2),
    ),
    Example(
        "a back-dated interaction counts at its date, even on a contact added last week",
        strength=3, created=D(2026, 6, 8), seen=[D(2024, 1, 10)],
        months=6, source="strength", due_on=D(2024, 7, 10), dormant_on=D(2025, 1, 11),
        status="dormant",
    ),
]  # fmt: skip


@time_machine.travel(at(TODAY), tick=False)
class WorkedExamplesTests(BaseTestCase):
    def build(self, example: Example, owner: User | None = None) -> Contact:
        owner = owner or self.alice
        contact = make_contact(
            owner,
            example.rule[:60],
            cadence=example.own,
            tie_strength=example.strength,
            connected_on=example.connected_on,
            created_at=at(example.created),
        )
        for name, months in example.tags:
            tag = Tag.objects.create(owner=owner, name=name, cadence=months)
            contact.tags.add(tag)
        for day in example.seen:
            log_interaction(owner, [contact], day)
        return Contact.objects.prefetch_related("tags").get(pk=contact.pk)

    def test_the_table(self) -> None:
        for n, example in enumerate(EXAMPLES):
            with self.subTest(example.rule):
                # A member per example, so that each has its own tags.
                owner = make_user(f"example{n}@example.org")
                contact = self.build(example, owner)
                self.assertEqual(contact.effective_cadence, example.months, "cadence")
                self.assertEqual(contact.cadence_source, example.source, "source")
                self.assertEqual(
                    (contact.due_on, contact.dormant_on),
                    (example.due_on, example.dormant_on),
                    "stored dates",
                )
                self.assertEqual(contact.next_due_on(), example.due_on)
                self.assertEqual(contact.status(TODAY), example.status, "status")
                self.assertEqual(contact.is_due(), example.status in ("due", "dormant"))
                self.assertEqual(contact.is_dormant(), example.status == "dormant")
                mine = Contact.objects.owned_by(owner)
                self.assertEqual(
                    mine.due().filter(pk=contact.pk).exists(),
                    example.status in ("due", "dormant"),
                    "due() includes dormant contacts",
                )
                self.assertEqual(
                    mine.dormant().filter(pk=contact.pk).exists(), example.status == "dormant"
                )
                # What was stored along the way is what a fresh computation gives.
                self.assertEqual(contact.compute_schedule(), (example.due_on, example.dormant_on))
                self.assertEqual(Contact.objects.filter(pk=contact.pk).refresh_schedule(), 0)

    def test_the_rules_as_a_pure_function(self) -> None:
        for example in EXAMPLES:
            with self.subTest(example.rule):
                choice = choose_cadence(example.own, example.tags, example.strength)
                self.assertEqual((choice.months, str(choice)), (example.months, example.source))

    def test_every_tie_strength_has_a_default(self) -> None:
        for strength, months in CADENCE_FROM_STRENGTH.items():
            with self.subTest(strength=strength):
                self.assertEqual(choose_cadence(None, [], strength).months, months)

    def test_an_archived_contact_keeps_its_dates_but_is_in_no_queue(self) -> None:
        contact = make_contact(self.alice, cadence=1, created_at=at(D(2020, 1, 1)))
        contact.archived_at = at(D(2026, 1, 1))
        contact.save(update_fields=["archived_at"])
        contact.refresh_from_db()
        self.assertEqual(contact.due_on, D(2020, 2, 1))
        self.assertEqual(contact.status(), "archived")
        self.assertFalse(contact.is_due())
        self.assertFalse(contact.is_dormant())
        self.assertFalse(Contact.objects.owned_by(self.alice).due().exists())
        self.assertFalse(Contact.objects.owned_by(self.alice).dormant().exists())
        contact.archived_at = None
        contact.save()
        self.assertEqual(list(Contact.objects.owned_by(self.alice).dormant()), [contact])

    def test_the_day_a_contact_was_added_is_its_owners_day(self) -> None:
        # 23:30 in UTC on 31 January is already 1 February in Paris, still 31 January in
        # New York.
        added = dt.datetime(2026, 1, 31, 23, 30, tzinfo=dt.UTC)
        self.bob.time_zone = "America/New_York"
        self.bob.save()
        paris = make_contact(self.alice, cadence=1, created_at=added)
        new_york = make_contact(self.bob, cadence=1, created_at=added)
        self.assertEqual(paris.due_on, D(2026, 3, 1))
        self.assertEqual(new_york.due_on, D(2026, 2, 28))
        # The bulk path agrees with save().
        self.assertEqual(Contact.objects.refresh_schedule(), 0)

    def test_the_contact_page_says_where_the_cadence_comes_from(self) -> None:
        contact = self.build(
            Example("from a tag", tags=[("clients", 3), ("friends", 12)], seen=[D(2026, 6, 1)])
        )
        self.client.force_login(self.alice)
        page = self.client.get(contact.get_absolute_url())
        self.assertContains(page, "every 3 months, from the tag clients")
        self.assertContains(page, "next by Sept. 1, 2026")

        contact.cadence = 0
        contact.save()
        self.assertContains(self.client.get(contact.get_absolute_url()), "never, chosen for this")

        contact.cadence, contact.tie_strength = None, 5
        contact.save()
        contact.tags.clear()
        page = self.client.get(contact.get_absolute_url())
        self.assertContains(page, "every month, from the tie strength")
        self.assertContains(page, "next by July 1, 2026")

    def test_an_overdue_contact_page_says_since_when(self) -> None:
        contact = make_contact(self.alice, cadence=3, created_at=at(D(2026, 1, 2)))
        self.client.force_login(self.alice)
        self.assertContains(self.client.get(contact.get_absolute_url()), "due since April 2, 2026")

    def test_prefetched_tags_cost_no_query(self) -> None:
        self.build(Example("a", tags=[("clients", 3)]))
        self.build(Example("b", tags=[("friends", 6)], strength=2))
        contacts = list(Contact.objects.prefetch_related("tags"))
        with self.assertNumQueries(0):
            sources = sorted(c.cadence_source for c in contacts)
            displays = [c.cadence_display() for c in contacts]
        self.assertEqual(sources, ["tag clients", "tag friends"])
        self.assertIn("every 6 months, from the tag friends", displays)


@time_machine.travel(at(TODAY), tick=False)
class WasDormantOnTests(BaseTestCase):
    """Dormancy on a past day, from what came before it: how reactivations are told."""

    def setUp(self) -> None:
        self.ada = make_contact(self.alice, "Ada", cadence=1, created_at=at(D(2025, 1, 1)))

    def test_an_interaction_after_two_silent_cadences_finds_the_contact_dormant(self) -> None:
        log_interaction(self.alice, [self.ada], D(2026, 1, 10))
        back = log_interaction(self.alice, [self.ada], D(2026, 4, 1), "Back in touch")
        # Dormant from 11 March (two months after 10 January, plus a day).
        self.assertTrue(self.ada.was_dormant_on(D(2026, 4, 1), excluding_interaction=back))
        self.assertTrue(self.ada.was_dormant_on(D(2026, 3, 11)))
        self.assertFalse(self.ada.was_dormant_on(D(2026, 3, 10)))
        # The interaction itself counts for later days: by May she was not dormant.
        self.assertFalse(self.ada.was_dormant_on(D(2026, 5, 1)))

    def test_the_interaction_judged_can_be_given_by_id(self) -> None:
        log_interaction(self.alice, [self.ada], D(2026, 1, 10))
        back = log_interaction(self.alice, [self.ada], D(2026, 4, 1))
        self.assertTrue(self.ada.was_dormant_on(D(2026, 4, 1), excluding_interaction=back.pk))

    def test_of_two_interactions_on_one_day_only_the_first_reactivates(self) -> None:
        log_interaction(self.alice, [self.ada], D(2026, 1, 10))
        first = log_interaction(self.alice, [self.ada], D(2026, 4, 1), "Call")
        second = log_interaction(self.alice, [self.ada], D(2026, 4, 1), "Lunch")
        self.assertTrue(self.ada.was_dormant_on(D(2026, 4, 1), excluding_interaction=first))
        self.assertFalse(self.ada.was_dormant_on(D(2026, 4, 1), excluding_interaction=second))

    def test_a_back_dated_interaction_is_judged_by_what_came_before_it(self) -> None:
        log_interaction(self.alice, [self.ada], D(2025, 6, 1))
        log_interaction(self.alice, [self.ada], D(2026, 6, 1))
        older = log_interaction(self.alice, [self.ada], D(2026, 1, 5), "Back-dated")
        self.assertTrue(self.ada.was_dormant_on(older.occurred_on, excluding_interaction=older))

    def test_without_interactions_the_creation_counts(self) -> None:
        # Added on 1 January 2025, monthly: dormant from 2 March 2025.
        self.assertFalse(self.ada.was_dormant_on(D(2025, 3, 1)))
        self.assertTrue(self.ada.was_dormant_on(D(2025, 3, 2)))
        # Before it was added, it was not dormant at all.
        self.assertFalse(self.ada.was_dormant_on(D(2024, 1, 1)))

    def test_an_imported_contact_counts_from_the_connection(self) -> None:
        grace = make_contact(
            self.alice, "Grace", connected_on=D(2019, 1, 1), created_at=at(D(2026, 6, 1))
        )
        self.assertTrue(grace.was_dormant_on(D(2026, 6, 10)))

    def test_never_is_never_dormant(self) -> None:
        self.ada.cadence = Cadence.NEVER
        self.ada.save()
        log_interaction(self.alice, [self.ada], D(2020, 1, 1))
        self.assertFalse(self.ada.was_dormant_on(D(2026, 6, 1)))

    def test_other_contacts_interactions_do_not_count(self) -> None:
        grace = make_contact(self.alice, "Grace", created_at=at(D(2025, 1, 1)))
        log_interaction(self.alice, [grace], D(2026, 3, 1))
        self.assertTrue(self.ada.was_dormant_on(D(2026, 3, 2)))


@time_machine.travel(at(TODAY), tick=False)
class RefreshScheduleTests(BaseTestCase):
    def grow(self, size: int) -> None:
        tags = [
            Tag.objects.create(owner=self.alice, name=f"tag {size} {i}", cadence=c)
            for i, c in enumerate((None, 0, 3, 12))
        ]
        people = Contact.objects.bulk_create(
            Contact(owner=self.alice, display_name=f"P{i}", tie_strength=1 + i % 5)
            for i in range(size)
        )
        Contact.tags.through.objects.bulk_create(
            Contact.tags.through(contact=c, tag=tags[i % 4]) for i, c in enumerate(people)
        )

    def test_it_runs_a_fixed_number_of_queries_per_batch(self) -> None:
        counts = {}
        for size in (5, SCHEDULE_BATCH, 3 * SCHEDULE_BATCH):
            self.grow(size)
            with CaptureQueriesContext(connection) as queries:
                changed = Contact.objects.filter(
                    tags__name__startswith=f"tag {size} "
                ).refresh_schedule()
            counts[size] = len(queries)
            # Tagged "never" ones stay empty; everyone else gets dates.
            self.assertEqual(changed, size - (size + 2) // 4)
        # The ids, then for each batch: the contacts, their tags, one UPDATE.
        self.assertEqual(counts, {5: 4, SCHEDULE_BATCH: 4, 3 * SCHEDULE_BATCH: 10})

    def test_it_writes_only_what_changed_and_leaves_updated_at_alone(self) -> None:
        self.grow(8)
        Contact.objects.refresh_schedule()
        before = dict(Contact.objects.values_list("pk", "updated_at"))
        Contact.objects.filter(display_name="P2").update(due_on=None)
        self.assertEqual(Contact.objects.refresh_schedule(dry_run=True), 1)
        self.assertEqual(Contact.objects.filter(due_on__isnull=True).count(), 3)
        self.assertEqual(Contact.objects.refresh_schedule(), 1)
        self.assertEqual(Contact.objects.refresh_schedule(), 0)
        self.assertEqual(dict(Contact.objects.values_list("pk", "updated_at")), before)

    def test_one_contact_refreshes_itself(self) -> None:
        contact = make_contact(self.alice, cadence=3, created_at=at(D(2026, 1, 1)))
        Contact.objects.filter(pk=contact.pk).update(cadence=1)  # no signal
        contact.refresh_schedule()
        self.assertEqual(contact.due_on, D(2026, 2, 1))
        contact.refresh_from_db()
        self.assertEqual((contact.due_on, contact.dormant_on), schedule_for(D(2026, 1, 1), 1))


@time_machine.travel(at(TODAY), tick=False)
class RepairTests(BaseTestCase):
    def setUp(self) -> None:
        self.ada = make_contact(self.alice, "Ada", cadence=1, created_at=at(D(2026, 1, 1)))
        self.bea = make_contact(self.bob, "Bea", tie_strength=4, created_at=at(D(2026, 1, 1)))
        Contact.objects.update(due_on=None, dormant_on=None)  # written around the signals

    def run_command(self, *args: str) -> dict[str, Any]:
        out = StringIO()
        call_command("refresh_schedules", "--json", *args, stdout=out)
        result: dict[str, Any] = json.loads(out.getvalue())
        return result

    def test_the_command_repairs_everyone_and_can_run_again(self) -> None:
        dry = self.run_command("--dry-run")
        self.assertEqual((dry["contacts"], dry["changed"], dry["dry_run"]), (2, 2, True))
        self.assertFalse(Contact.objects.filter(due_on__isnull=False).exists())
        self.assertEqual(self.run_command()["changed"], 2)
        self.assertEqual(self.run_command()["changed"], 0)
        self.ada.refresh_from_db()
        self.bea.refresh_from_db()
        self.assertEqual(self.ada.due_on, D(2026, 2, 1))
        self.assertEqual(self.bea.due_on, D(2026, 4, 1))

    def test_the_command_can_repair_one_member(self) -> None:
        self.assertEqual(self.run_command("--user", "ALICE@example.org")["changed"], 1)
        self.assertTrue(Contact.objects.filter(owner=self.bob, due_on__isnull=True).exists())
        out = StringIO()
        call_command("refresh_schedules", stdout=out)
        self.assertIn("1 changed", out.getvalue())
        with self.assertRaises(CommandError):
            call_command("refresh_schedules", "--user", "nobody@example.org")

    def test_the_migration_backfills_existing_rows(self) -> None:
        from importlib import import_module

        migration = import_module("entregent.network.migrations.0008_backfill_contact_schedules")

        class Editor:
            connection = connection

        migration.backfill(apps, Editor())
        self.ada.refresh_from_db()
        self.assertEqual(self.ada.due_on, D(2026, 2, 1))
        self.assertEqual(Contact.objects.refresh_schedule(), 0)
