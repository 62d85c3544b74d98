"""The digest end to end with the real processes: the scheduler's job makes it, the task
worker sends it (to files, through Django's file-based mail backend), against the test
database."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import os
import tempfile
from pathlib import Path
from unittest import mock

import pytest
from django.test import TransactionTestCase
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from entregent.accounts.models import Notification, User
from entregent.goals.digests import JOB_NAME
from entregent.goals.models import Digest
from entregent.lib import weekly
from entregent.network.models import Contact
from entregent.network.tests.factories import make_contact
from entregent.scheduler.models import JobRun
from entregent.scheduler.models import Outcome as RunOutcome
from entregent.scheduler.tests.helpers import manage
from entregent.test import make_user

pytestmark = pytest.mark.filedb

SETTINGS = "entregent.goals.tests.settings"


class DigestWorkerTests(TransactionTestCase):
    def test_the_scheduler_makes_the_digest_and_the_worker_sends_it(self) -> None:
        alice = make_user("alice@example.org", "Alice")
        # Her digest was due ten minutes ago, in her own time zone.
        zone = weekly.zone_named("America/New_York")
        due = timezone.now().astimezone(zone) - dt.timedelta(minutes=10)
        User.objects.filter(pk=alice.pk).update(
            time_zone="America/New_York",
            digest_weekday=due.weekday(),
            digest_time=due.time().replace(second=0, microsecond=0),
        )
        dora = make_contact(alice, "Dora Dormant", tie_strength=4)
        today = timezone.now().astimezone(zone).date()
        Contact.objects.filter(pk=dora.pk).update(
            due_on=today - dt.timedelta(days=90), dormant_on=today - dt.timedelta(days=30)
        )

        with tempfile.TemporaryDirectory() as tmp:
            outbox = Path(tmp) / "mail"
            outbox.mkdir()
            with mock.patch.dict(os.environ, {"ENTREGENT_TEST_MAIL_DIR": str(outbox)}):
                log = Path(tmp) / "processes.log"
                scheduler = manage(
                    "run_scheduler", "--run", JOB_NAME, settings_module=SETTINGS, output=log
                )
                self.assertEqual(scheduler.wait(timeout=60), 0, log.read_text())
                digest = Digest.objects.get(owner=alice)
                self.assertEqual(digest.status, Digest.Status.PENDING)

                worker = manage(
                    "db_worker",
                    "--batch",
                    "--no-reload",
                    "--no-startup-delay",
                    settings_module=SETTINGS,
                    output=log,
                )
                self.assertEqual(worker.wait(timeout=60), 0, log.read_text())
            files = sorted(outbox.iterdir())
            self.assertEqual(len(files), 1, log.read_text())
            raw = files[0].read_bytes()

        run = JobRun.objects.get(job__name=JOB_NAME)
        self.assertEqual(run.outcome, RunOutcome.SUCCEEDED)
        self.assertEqual(run.result, "Queued 1 new digest(s), 0 retry(ies).")
        task = DBTaskResult.objects.get(task_path="entregent.goals.digests.send_digest")
        self.assertEqual(task.status, TaskResultStatus.SUCCESSFUL, task.traceback)
        self.assertEqual(task.return_value, "sent")

        digest.refresh_from_db()
        self.assertEqual((digest.status, digest.attempts), (Digest.Status.SENT, 1))
        self.assertIsNotNone(digest.sent_at)
        self.assertTrue(Notification.objects.filter(recipient=alice, kind="goals.digest").exists())

        # The file holds the message as a mail server would receive it; the log line after
        # it is the backend's separator.
        message = email.message_from_bytes(
            raw.split(b"\n" + b"-" * 79)[0], policy=email.policy.default
        )
        self.assertEqual(message["To"], "alice@example.org")
        self.assertEqual(
            message["Subject"], "Your network this week: 1 person to get back in touch with"
        )
        text = message.get_body(("plain",))
        html = message.get_body(("html",))
        assert text is not None and html is not None
        self.assertIn("Dora Dormant — drifting away", text.get_content())
        self.assertIn("Dora Dormant", html.get_content())
