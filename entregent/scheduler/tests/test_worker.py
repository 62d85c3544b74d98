"""The real task worker, as a separate process, against the test database."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

import pytest
from django.test import TransactionTestCase
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from entregent.network.models import Contact
from entregent.network.tests.factories import make_contact
from entregent.scheduler.models import JobRun, Outcome, Reason
from entregent.scheduler.tasks import run_job_now
from entregent.scheduler.tests.helpers import manage
from entregent.test import make_user

pytestmark = pytest.mark.filedb


class WorkerTests(TransactionTestCase):
    def test_the_worker_runs_a_queued_job_and_the_run_is_recorded(self) -> None:
        alice = make_user("alice@example.org", "Alice")
        expired = make_contact(alice, "Old", deleted_at=timezone.now() - dt.timedelta(days=45))
        fresh = make_contact(alice, "Recent", deleted_at=timezone.now() - dt.timedelta(days=2))
        result = run_job_now.enqueue("network.empty_bin")

        with tempfile.TemporaryDirectory() as tmp:
            log = Path(tmp) / "worker.log"
            worker = manage(
                "db_worker", "--batch", "--no-reload", "--no-startup-delay", output=log
            )
            returncode = worker.wait(timeout=60)
            output = log.read_text()
        self.assertEqual(returncode, 0, output)

        task = DBTaskResult.objects.get(pk=result.id)
        self.assertEqual(task.status, TaskResultStatus.SUCCESSFUL, task.traceback)
        self.assertEqual(task.return_value, "succeeded")
        self.assertFalse(Contact.objects.filter(pk=expired.pk).exists())
        self.assertTrue(Contact.objects.filter(pk=fresh.pk).exists())
        run = JobRun.objects.get(job__name="network.empty_bin")
        self.assertEqual(run.reason, Reason.MANUAL)
        self.assertEqual(run.outcome, Outcome.SUCCEEDED)
        self.assertEqual(run.result, "Deleted 1 contact(s) for good.")
        # Written by the worker process, not by this one.
        self.assertNotEqual(run.runner.rsplit(":", 1)[1], str(os.getpid()))
