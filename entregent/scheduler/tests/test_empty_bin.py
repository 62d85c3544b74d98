"""The network's bin-emptying job (entregent/network/jobs.py), tested where jobs are tested."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from entregent.network.jobs import empty_bin
from entregent.network.models import Contact, ContactPoint
from entregent.network.tests.factories import make_contact
from entregent.scheduler.models import JobRun, JobState, Outcome
from entregent.scheduler.registry import get_job
from entregent.scheduler.runner import run_job
from entregent.test import BaseTestCase

NOW = dt.datetime(2026, 6, 1, 3, 30, tzinfo=dt.UTC)


@override_settings(BIN_RETENTION_DAYS=30)
class EmptyBinTests(BaseTestCase):
    def bin_contact(self, name: str, days_ago: int) -> Contact:
        with time_machine.travel(NOW - dt.timedelta(days=days_ago), tick=False):
            return make_contact(self.alice, name, deleted_at=timezone.now())

    def test_a_contact_binned_31_days_ago_goes_and_one_binned_29_days_ago_stays(self) -> None:
        old = self.bin_contact("Binned 31 days ago", 31)
        recent = self.bin_contact("Binned 29 days ago", 29)
        kept = make_contact(self.alice, "Not in the bin")
        with time_machine.travel(NOW, tick=False):
            self.assertEqual(empty_bin(), 1)
        self.assertFalse(Contact.objects.filter(pk=old.pk).exists())
        self.assertTrue(Contact.objects.filter(pk=recent.pk).exists())
        self.assertTrue(Contact.objects.filter(pk=kept.pk).exists())

    def test_it_purges_every_member_s_bin_in_batches(self) -> None:
        for i in range(5):
            self.bin_contact(f"Alice's {i}", 40)
        bobs = self.bin_contact("Bob's", 40)
        Contact.objects.filter(pk=bobs.pk).update(owner=self.bob)
        with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as queries:
            self.assertEqual(empty_bin(batch_size=2), 6)
        self.assertFalse(Contact.objects.exists())
        # Six contacts, two at a time: three deletes, each in a short transaction of its own.
        deletes = [q for q in queries if q["sql"].startswith('DELETE FROM "network_contact" ')]
        self.assertEqual(len(deletes), 3)

    def test_contact_points_go_with_their_contact(self) -> None:
        old = self.bin_contact("Gone", 31)
        ContactPoint.objects.create(contact=old, kind="email", raw="gone@example.org")
        with time_machine.travel(NOW, tick=False):
            empty_bin()
        self.assertFalse(ContactPoint.objects.exists())

    def test_the_scheduled_job_records_a_count_and_no_names(self) -> None:
        self.bin_contact("Ada Lovelace", 31)
        with time_machine.travel(NOW, tick=False):
            run_job(get_job("network.empty_bin"))
        run = JobRun.objects.get()
        self.assertEqual(run.outcome, Outcome.SUCCEEDED)
        self.assertEqual(run.result, "Deleted 1 contact(s) for good.")
        self.assertNotIn("Ada", run.result)
        self.assertGreater(JobState.objects.get().next_run_at or NOW, NOW)
