"""``manage.py run_scheduler`` as a real process, with test jobs declared by a test app.

The subprocesses use ``entregent.scheduler.tests.settings``, which installs an app declaring
``tests.flaky`` (fails twice, then succeeds) and ``tests.tick`` (every second), and beats every
second.
"""

from __future__ import annotations

import datetime as dt
import signal
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.test import TransactionTestCase
from django.utils import timezone

from entregent.scheduler.models import Heartbeat, JobRun, JobState, Outcome, Reason
from entregent.scheduler.tests.helpers import manage, wait_until

pytestmark = pytest.mark.filedb

TEST_SETTINGS = "entregent.scheduler.tests.settings"


def runs(name: str) -> list[tuple[int, str, str]]:
    return list(
        JobRun.objects.filter(job__name=name)
        .order_by("started_at", "attempt")
        .values_list("attempt", "outcome", "reason")
    )


class SchedulerProcessTests(TransactionTestCase):
    def setUp(self) -> None:
        self.tmp = tempfile.TemporaryDirectory()
        self.log = Path(self.tmp.name) / "scheduler.log"
        self.addCleanup(self.tmp.cleanup)

    def start(self, *args: str) -> subprocess.Popen[bytes]:
        process = manage("run_scheduler", *args, settings_module=TEST_SETTINGS, output=self.log)
        self.addCleanup(_kill, process)
        return process

    def output(self) -> str:
        return self.log.read_text()

    def test_it_catches_up_retries_runs_on_schedule_beats_and_stops_cleanly(self) -> None:
        # The scheduler was down when tests.flaky was due two days ago.
        missed = timezone.now() - dt.timedelta(days=2)
        JobState.objects.create(name="tests.flaky", next_run_at=missed)
        # A previous scheduler was killed while running this attempt.
        dead = JobRun.objects.create(job=JobState.objects.create(name="tests.tick"))

        process = self.start()
        wait_until(
            lambda: JobState.objects.filter(name="tests.flaky", last_outcome="succeeded").exists(),
            message="tests.flaky to succeed",
        )
        wait_until(lambda: len(runs("tests.tick")) >= 3, message="three ticks")
        wait_until(
            lambda: (
                (hb := Heartbeat.current()) is not None
                and hb.beat_at - hb.started_at >= dt.timedelta(seconds=1)
            ),
            message="a heartbeat after the first",
        )

        # Caught up once, not once per missed day: two failed attempts, then a success.
        self.assertEqual(
            runs("tests.flaky"),
            [
                (1, Outcome.FAILED, Reason.CATCH_UP),
                (2, Outcome.FAILED, Reason.CATCH_UP),
                (3, Outcome.SUCCEEDED, Reason.CATCH_UP),
            ],
        )
        flaky = JobState.objects.get(name="tests.flaky")
        self.assertEqual(flaky.consecutive_failures, 0)
        self.assertGreater(flaky.next_run_at or missed, timezone.now())
        dead.refresh_from_db()
        self.assertEqual(dead.outcome, Outcome.INTERRUPTED)
        self.assertEqual({reason for _, _, reason in runs("tests.tick")}, {Reason.SCHEDULED})
        heartbeat = Heartbeat.current()
        assert heartbeat is not None
        self.assertEqual(heartbeat.pid, process.pid)
        self.assertIsNone(heartbeat.stopped_at)

        process.send_signal(signal.SIGTERM)
        self.assertEqual(process.wait(timeout=30), 0, self.output())
        heartbeat.refresh_from_db()
        self.assertIsNotNone(heartbeat.stopped_at)
        self.assertNotIn(Outcome.RUNNING.value, {o for _, o, _ in runs("tests.tick")})
        self.assertIn("planned failure 1", self.output())

    def test_ctrl_c_stops_it_too(self) -> None:
        process = self.start()
        wait_until(lambda: Heartbeat.current() is not None, message="a first heartbeat")
        process.send_signal(signal.SIGINT)
        self.assertEqual(process.wait(timeout=30), 0, self.output())
        heartbeat = Heartbeat.current()
        self.assertIsNotNone(heartbeat and heartbeat.stopped_at)

    def test_once_runs_the_due_job_with_its_retries_then_exits(self) -> None:
        JobState.objects.create(name="tests.flaky", next_run_at=timezone.now())
        process = self.start("--once")
        self.assertEqual(process.wait(timeout=60), 0, self.output())
        self.assertEqual(
            [outcome for _, outcome, _ in runs("tests.flaky")], ["failed", "failed", "succeeded"]
        )
        self.assertEqual(runs("tests.tick"), [])  # first seen: waits for its trigger
        self.assertIsNotNone(Heartbeat.current())


def _kill(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.kill()
        process.wait()
