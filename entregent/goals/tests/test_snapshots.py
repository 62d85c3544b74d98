"""Daily health snapshots (goals/snapshots.py): the scheduler's job, and the backfill that
reconstructs past days for the demo."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from entregent.goals.health import network_health
from entregent.goals.models import HealthSnapshot
from entregent.goals.snapshots import backfill_snapshots, take_snapshots
from entregent.network.models import Cadence, Contact, Tag, schedule_for
from entregent.network.tests.factories import log_interaction, make_contact
from entregent.scheduler.models import JobRun
from entregent.scheduler.models import Outcome as RunOutcome
from entregent.scheduler.registry import get_job
from entregent.scheduler.runner import run_job
from entregent.test import BaseTestCase

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
TODAY = dt.date(2026, 6, 17)
# The job's time: 00:15 in the site's zone.
NOW = dt.datetime(2026, 6, 17, 0, 15, tzinfo=PARIS)
FIELDS = ("total", "known", "alive", "due", "dormant", "archived")


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=PARIS)


def figures(snapshot: HealthSnapshot) -> dict[str, int]:
    return {name: getattr(snapshot, name) for name in FIELDS}


class TakeSnapshotsTests(BaseTestCase):
    def setUp(self) -> None:
        # Alice: one alive and known, one dormant; Bob: one archived. Charlie has no contacts.
        make_contact(self.alice, "Ada", headline="Designer", created_at=at(TODAY))
        make_contact(self.alice, "Bea", tie_strength=5, created_at=at(dt.date(2025, 1, 1)))
        make_contact(self.bob, "Cy", archived_at=at(dt.date(2026, 1, 1)))

    def test_it_records_each_member_with_contacts_as_network_health_says(self) -> None:
        with time_machine.travel(NOW, tick=False):
            self.assertEqual(take_snapshots(), 2)
        self.assertFalse(HealthSnapshot.objects.filter(owner=self.charlie).exists())
        alice = HealthSnapshot.objects.get(owner=self.alice)
        self.assertEqual(alice.taken_on, TODAY)
        self.assertEqual(
            figures(alice),
            {"total": 2, "known": 1, "alive": 1, "due": 0, "dormant": 1, "archived": 0},
        )
        health = network_health(self.bob, TODAY)
        self.assertEqual(
            figures(HealthSnapshot.objects.get(owner=self.bob)),
            {name: getattr(health, name) for name in FIELDS},
        )

    def test_running_twice_a_day_keeps_the_first_snapshot(self) -> None:
        with time_machine.travel(NOW, tick=False):
            take_snapshots()
        make_contact(self.alice, "Dee", created_at=at(TODAY))
        with time_machine.travel(NOW + dt.timedelta(hours=12), tick=False):
            self.assertEqual(take_snapshots(), 0)
        self.assertEqual(HealthSnapshot.objects.count(), 2)
        self.assertEqual(HealthSnapshot.objects.get(owner=self.alice).total, 2)
        # The next day is a new snapshot, with the new contact.
        with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
            self.assertEqual(take_snapshots(), 2)
        latest = HealthSnapshot.objects.filter(owner=self.alice).latest("taken_on")
        self.assertEqual((latest.taken_on, latest.total), (TODAY + dt.timedelta(days=1), 3))

    def test_a_snapshot_taken_meanwhile_by_another_run_wins_without_error(self) -> None:
        HealthSnapshot.objects.create(
            owner=self.alice, taken_on=TODAY, total=9, known=9, alive=9, due=0, dormant=0,
            archived=0,
        )  # fmt: skip
        with time_machine.travel(NOW, tick=False):
            self.assertEqual(take_snapshots(), 1)
        self.assertEqual(HealthSnapshot.objects.get(owner=self.alice).total, 9)

    def test_members_are_written_in_short_batches(self) -> None:
        with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as queries:
            take_snapshots(batch_size=1)
        inserts = [
            q
            for q in queries
            if q["sql"].startswith("INSERT") and '"goals_healthsnapshot"' in q["sql"]
        ]
        self.assertEqual(len(inserts), 2)

    def test_members_with_only_contacts_in_the_bin_or_pending_are_skipped(self) -> None:
        make_contact(self.charlie, "Binned", deleted_at=at(TODAY))
        make_contact(self.charlie, "Pending", pending=True)
        with time_machine.travel(NOW, tick=False):
            self.assertEqual(take_snapshots(), 2)
        self.assertFalse(HealthSnapshot.objects.filter(owner=self.charlie).exists())

    def test_the_scheduled_job_runs_it_and_says_how_many(self) -> None:
        with time_machine.travel(NOW, tick=False):
            run_job(get_job("goals.health_snapshots"))
        run = JobRun.objects.get(job__name="goals.health_snapshots")
        self.assertEqual(run.outcome, RunOutcome.SUCCEEDED)
        self.assertEqual(run.result, "Took 2 health snapshot(s).")
        self.assertEqual(HealthSnapshot.objects.count(), 2)

    def test_the_job_is_daily_at_a_quarter_past_midnight(self) -> None:
        job = get_job("goals.health_snapshots")
        fire = job.trigger.get_next_fire_time(None, NOW + dt.timedelta(minutes=1))
        self.assertEqual(fire, NOW + dt.timedelta(days=1))


class BackfillTests(BaseTestCase):
    """A network with every case the rules know, reconstructed day by day."""

    start = dt.date(2024, 11, 1)

    def setUp(self) -> None:
        a = self.alice
        clients = Tag.objects.create(owner=a, name="clients", cadence=Cadence.MONTHLY)
        self.ada = make_contact(
            a, "Ada", headline="Designer", tie_strength=5, created_at=at(dt.date(2025, 1, 10))
        )
        self.bea = make_contact(a, "Bea", tie_strength=2, created_at=at(dt.date(2024, 12, 3)))
        self.bea.tags.add(clients)
        self.cy = make_contact(
            a, "Cy", job_title="Accountant", cadence=Cadence.NEVER, created_at=at(self.start)
        )
        # Archived in February 2026: counted as archived from that day.
        self.dee = make_contact(
            a,
            "Dee",
            headline="Lawyer",
            created_at=at(dt.date(2025, 3, 1)),
            archived_at=at(dt.date(2026, 2, 14), 18),
        )
        # Imported in 2026, connected since 2023: measured from the connection.
        self.eve = make_contact(
            a,
            "Eve",
            source=Contact.Source.IMPORT,
            connected_on=dt.date(2023, 5, 1),
            created_at=at(dt.date(2026, 3, 2)),
        )
        # In the bin since April 2026: counted before, not after.
        self.fay = make_contact(
            a, "Fay", tie_strength=4, created_at=at(dt.date(2025, 2, 1)), deleted_at=at(TODAY)
        )
        Contact.objects.filter(pk=self.fay.pk).update(deleted_at=at(dt.date(2026, 4, 20)))
        # Bob's contact never counts for Alice.
        make_contact(self.bob, "Bob's", created_at=at(self.start))

        # Interactions: Ada seen regularly then not since January (monthly: dormant by
        # March); Bea once (a back-dated interaction counts at its date); Dee before archiving.
        for day in (dt.date(2025, 2, 1), dt.date(2025, 6, 20), dt.date(2026, 1, 5)):
            log_interaction(a, [self.ada], day, kind="call")
        log_interaction(a, [self.bea, self.dee], dt.date(2025, 9, 9), kind="call")
        log_interaction(a, [self.fay], dt.date(2025, 8, 1), kind="call")
        for contact in Contact.objects.filter(owner=a):
            contact.refresh_schedule()

    def oracle(self, day: dt.date, contacts: list[Contact]) -> dict[str, int]:
        """The health on ``day``, judged contact by contact from the rules, naively."""
        counts = dict.fromkeys(FIELDS, 0)
        for contact in contacts:
            born = contact.created_at.astimezone(PARIS).date()
            if born > day or (
                contact.deleted_at and contact.deleted_at.astimezone(PARIS).date() <= day
            ):
                continue
            counts["total"] += 1
            if contact.archived_at and contact.archived_at.astimezone(PARIS).date() <= day:
                counts["archived"] += 1
                continue
            counts["known"] += bool(contact.headline or contact.job_title)
            seen = [i.occurred_on for i in contact.interactions.all() if i.occurred_on <= day]
            reference = max(seen) if seen else (contact.connected_on or born)
            due_on, dormant_on = schedule_for(reference, contact.effective_cadence)
            if dormant_on is not None and dormant_on <= day:
                counts["dormant"] += 1
            elif due_on is not None and due_on <= day:
                counts["due"] += 1
            else:
                counts["alive"] += 1
        return counts

    def test_the_last_day_agrees_with_todays_live_figure(self) -> None:
        backfill_snapshots(self.alice, self.start, TODAY)
        health = network_health(self.alice, TODAY)
        self.assertEqual(
            figures(HealthSnapshot.objects.get(owner=self.alice, taken_on=TODAY)),
            {name: getattr(health, name) for name in FIELDS},
        )

    def test_every_day_agrees_with_the_rules_applied_contact_by_contact(self) -> None:
        written = backfill_snapshots(self.alice, self.start, TODAY)
        snapshots = {s.taken_on: figures(s) for s in HealthSnapshot.objects.owned_by(self.alice)}
        self.assertEqual(written, len(snapshots))
        contacts = list(
            Contact.objects.filter(owner=self.alice).prefetch_related("tags", "interactions")
        )
        day = self.start
        while day <= TODAY:
            self.assertEqual(snapshots[day], self.oracle(day, contacts), day)
            day += dt.timedelta(days=1)

    def test_hand_checked_days(self) -> None:
        backfill_snapshots(self.alice, self.start, TODAY)
        by_day = {s.taken_on: s for s in HealthSnapshot.objects.owned_by(self.alice)}
        # 1 November 2024: Cy alone ("never": alive, and known).
        self.assertEqual(
            figures(by_day[self.start]),
            {"total": 1, "known": 1, "alive": 1, "due": 0, "dormant": 0, "archived": 0},
        )
        # 3 January 2025: Bea (clients tag, monthly) is due since 3 January.
        self.assertEqual(by_day[dt.date(2025, 1, 3)].due, 1)
        # 10 March 2026, Ada: last seen 5 January, monthly: due 5 February, dormant 6 March.
        # Dee archived on 14 February. Eve imported 2 March, connected 2023: dormant at once.
        day = by_day[dt.date(2026, 3, 10)]
        self.assertEqual((day.archived, day.dormant), (1, 4))  # Ada, Bea, Eve, Fay
        self.assertEqual(day.total, 6)
        # Fay went to the bin on 20 April 2026.
        self.assertEqual(
            by_day[dt.date(2026, 4, 19)].total - by_day[dt.date(2026, 4, 20)].total, 1
        )

    def test_it_is_idempotent_and_keeps_snapshots_already_taken(self) -> None:
        HealthSnapshot.objects.create(
            owner=self.alice, taken_on=TODAY, total=99, known=0, alive=99, due=0, dormant=0,
            archived=0,
        )  # fmt: skip
        first = backfill_snapshots(self.alice, TODAY - dt.timedelta(days=9), TODAY)
        self.assertEqual(first, 9)
        self.assertEqual(backfill_snapshots(self.alice, TODAY - dt.timedelta(days=9), TODAY), 0)
        self.assertEqual(HealthSnapshot.objects.get(owner=self.alice, taken_on=TODAY).total, 99)

    def test_a_contact_added_after_a_day_is_not_counted_on_it(self) -> None:
        make_contact(self.alice, "Gus", created_at=at(TODAY + dt.timedelta(days=3)))
        backfill_snapshots(self.alice, TODAY, TODAY + dt.timedelta(days=3))
        totals = HealthSnapshot.objects.owned_by(self.alice).values_list("total", flat=True)
        self.assertEqual(list(totals), [5, 5, 5, 6])

    def test_days_before_the_first_contact_get_no_snapshot(self) -> None:
        written = backfill_snapshots(self.alice, dt.date(2024, 10, 1), dt.date(2024, 11, 2))
        self.assertEqual(written, 2)
        self.assertEqual(backfill_snapshots(self.alice, TODAY, TODAY - dt.timedelta(days=1)), 0)

    def test_queries_do_not_grow_with_the_days_or_the_contacts(self) -> None:
        with CaptureQueriesContext(connection) as short:
            backfill_snapshots(self.alice, TODAY - dt.timedelta(days=10), TODAY)
        HealthSnapshot.objects.all().delete()
        for n in range(20):
            make_contact(self.alice, f"More {n}", created_at=at(dt.date(2025, 1, 1)))
        with CaptureQueriesContext(connection) as long:
            backfill_snapshots(self.alice, TODAY - dt.timedelta(days=400), TODAY)
        # One more write transaction for 400 days than for 10 (batches of 500 snapshots).
        reads = [q for q in long if q["sql"].startswith("SELECT")]
        self.assertEqual(len(reads), len([q for q in short if q["sql"].startswith("SELECT")]))
