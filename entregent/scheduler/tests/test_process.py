"""The long-running process in this one, for what a subprocess test cannot time precisely."""

from __future__ import annotations

import datetime as dt
import os
import signal
import threading
from unittest import mock

from django.test import TestCase
from django.utils import timezone

from entregent.scheduler.models import Heartbeat, JobRun, JobState
from entregent.scheduler.process import SchedulerProcess
from entregent.scheduler.tests.helpers import make_job


def succeed() -> str:
    return "ok"


# The test case's transaction is not the process's to close.
@mock.patch("entregent.scheduler.process.close_old_connections")
class SchedulerProcessTests(TestCase):
    def setUp(self) -> None:
        for signum in (signal.SIGTERM, signal.SIGINT):
            self.addCleanup(signal.signal, signum, signal.getsignal(signum))

    def run_process(self, process: SchedulerProcess) -> None:
        # Should the process fail to stop, fail the test rather than hang the suite.
        guard = threading.Timer(20, lambda: process.scheduler.shutdown(wait=False))
        guard.start()
        try:
            process.run()
        finally:
            guard.cancel()

    def test_a_signal_during_start_up_stops_it_before_any_job_runs(self, _close: object) -> None:
        JobState.objects.create(name="tests.job", next_run_at=timezone.now() - dt.timedelta(1))
        process = SchedulerProcess([make_job(succeed)])
        prepare = process.prepare

        def prepare_then_signal() -> None:
            prepare()
            process._on_signal(signal.SIGTERM, None)

        with mock.patch.object(process, "prepare", prepare_then_signal):
            self.run_process(process)
        self.assertFalse(process.scheduler.running)
        self.assertFalse(JobRun.objects.exists())
        heartbeat = Heartbeat.objects.get()
        self.assertIsNotNone(heartbeat.stopped_at)

    def test_sigterm_stops_a_running_scheduler(self, _close: object) -> None:
        process = SchedulerProcess([make_job(succeed)])
        threading.Timer(0.3, os.kill, args=(os.getpid(), signal.SIGTERM)).start()
        self.run_process(process)
        self.assertTrue(process.stopping.is_set())
        self.assertIsNotNone(Heartbeat.objects.get().stopped_at)
