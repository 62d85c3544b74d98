from __future__ import annotations

import datetime as dt
import threading

import time_machine
from django.test import TestCase
from django.utils import timezone

from entregent.scheduler.models import Heartbeat, JobRun, JobState, Outcome, Reason
from entregent.scheduler.runner import (
    beat,
    mark_interrupted_runs,
    run_due_jobs,
    run_job,
    sync_states,
)
from entregent.scheduler.tests.helpers import failing_then_succeeding, make_job

NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)


def succeed() -> str:
    return "12 things done"


def fail() -> None:
    raise ValueError("the disk is full")


@time_machine.travel(NOW, tick=False)
class RunJobTests(TestCase):
    def test_a_successful_run_is_recorded_with_its_result(self) -> None:
        job = make_job(succeed)
        report = run_job(job)
        self.assertEqual(report.outcome, Outcome.SUCCEEDED)
        run = JobRun.objects.get()
        self.assertEqual(run.outcome, Outcome.SUCCEEDED)
        self.assertEqual(run.attempt, 1)
        self.assertEqual(run.result, "12 things done")
        self.assertEqual(run.started_at, NOW)
        self.assertEqual(run.finished_at, NOW)
        self.assertEqual(run.duration, dt.timedelta(0))
        self.assertEqual(run.reason, Reason.SCHEDULED)
        state = JobState.objects.get(name="tests.job")
        self.assertEqual(state.last_outcome, Outcome.SUCCEEDED)
        self.assertEqual(state.last_success_at, NOW)
        self.assertEqual(state.consecutive_failures, 0)
        self.assertEqual(state.next_run_at, job.next_run_after(NOW))

    def test_a_job_that_fails_twice_then_succeeds_leaves_three_attempts(self) -> None:
        job = make_job(failing_then_succeeding(2), retries=3)
        report = run_job(job)
        self.assertEqual(report.outcome, Outcome.SUCCEEDED)
        self.assertEqual(report.attempts, 3)
        runs = list(JobRun.objects.order_by("attempt"))
        self.assertEqual([r.outcome for r in runs], ["failed", "failed", "succeeded"])
        self.assertEqual([r.attempt for r in runs], [1, 2, 3])
        self.assertTrue(runs[0].will_retry)
        self.assertIn("planned failure 1", runs[0].error)
        self.assertIn("Traceback", runs[0].error)
        self.assertEqual(JobState.objects.get().consecutive_failures, 0)

    def test_a_job_failing_every_attempt_is_one_consecutive_failure(self) -> None:
        job = make_job(fail, retries=2)
        with self.assertLogs("entregent.scheduler", "ERROR") as logs:
            report = run_job(job)
        self.assertEqual(report.outcome, Outcome.FAILED)
        self.assertEqual(JobRun.objects.filter(outcome=Outcome.FAILED).count(), 3)
        self.assertFalse(JobRun.objects.order_by("-attempt").first().will_retry)  # type: ignore[union-attr]
        state = JobState.objects.get()
        self.assertEqual(state.last_outcome, Outcome.FAILED)
        self.assertEqual(state.consecutive_failures, 1)
        self.assertIn("ValueError: the disk is full", state.last_error)
        self.assertTrue(any("failed after 3 attempts" in line for line in logs.output))
        # Still scheduled: a failure does not stop the job from being tried next time.
        self.assertEqual(state.next_run_at, job.next_run_after(NOW))

        run_job(job)
        self.assertEqual(JobState.objects.get().consecutive_failures, 2)

    def test_a_success_resets_the_failure_count_and_error(self) -> None:
        JobState.objects.create(name="tests.job", consecutive_failures=4, last_error="boom")
        run_job(make_job(succeed))
        state = JobState.objects.get()
        self.assertEqual(state.consecutive_failures, 0)
        self.assertEqual(state.last_error, "")

    def test_shutdown_during_backoff_stops_retrying_and_keeps_the_run_due(self) -> None:
        JobState.objects.create(name="tests.job", next_run_at=NOW - dt.timedelta(hours=1))
        stop = threading.Event()
        stop.set()
        with self.assertLogs("entregent.scheduler", "WARNING"):
            report = run_job(make_job(fail, retries=3), stop=stop)
        self.assertTrue(report.aborted)
        self.assertEqual(JobRun.objects.count(), 1)
        state = JobState.objects.get()
        self.assertEqual(state.consecutive_failures, 0)
        self.assertEqual(state.next_run_at, NOW - dt.timedelta(hours=1))

    def test_a_manual_run_leaves_the_schedule_alone(self) -> None:
        due = NOW + dt.timedelta(hours=5)
        JobState.objects.create(name="tests.job", next_run_at=due)
        run_job(make_job(succeed), Reason.MANUAL, advance=False)
        self.assertEqual(JobState.objects.get().next_run_at, due)
        self.assertEqual(JobRun.objects.get().reason, Reason.MANUAL)


@time_machine.travel(NOW, tick=False)
class CatchUpTests(TestCase):
    def test_a_job_seen_for_the_first_time_waits_for_its_trigger(self) -> None:
        job = make_job(succeed)
        self.assertEqual(sync_states([job], NOW, refresh=False), set())
        self.assertEqual(JobState.objects.get().next_run_at, job.next_run_after(NOW))
        self.assertEqual(run_due_jobs([job]), [])

    def test_runs_missed_while_down_run_once_not_once_each(self) -> None:
        job = make_job(succeed)
        # Down for three days: three 03:30 runs missed.
        JobState.objects.create(name="tests.job", next_run_at=NOW - dt.timedelta(days=3))
        reports = run_due_jobs([job])
        self.assertEqual(len(reports), 1)
        self.assertEqual(JobRun.objects.count(), 1)
        self.assertGreater(JobState.objects.get().next_run_at or NOW, NOW)
        # Nothing left due: a second pass runs nothing.
        self.assertEqual(run_due_jobs([job]), [])
        self.assertEqual(JobRun.objects.count(), 1)

    def test_refresh_follows_a_trigger_changed_in_code(self) -> None:
        JobState.objects.create(name="tests.job", next_run_at=NOW + dt.timedelta(days=20))
        job = make_job(succeed, trigger="0 * * * *")
        sync_states([job], NOW, refresh=False)
        self.assertEqual(JobState.objects.get().next_run_at, NOW + dt.timedelta(days=20))
        sync_states([job], NOW, refresh=True)
        self.assertEqual(JobState.objects.get().next_run_at, NOW + dt.timedelta(hours=1))


class HeartbeatAndCleanupTests(TestCase):
    def test_beat_keeps_a_single_row_and_the_process_start(self) -> None:
        started = timezone.now()
        beat(started_at=started)
        with time_machine.travel(started + dt.timedelta(minutes=1)):
            beat()
        heartbeat = Heartbeat.objects.get()
        self.assertEqual(heartbeat.started_at, started)
        self.assertGreater(heartbeat.beat_at, started)
        self.assertIsNone(heartbeat.stopped_at)
        beat(stopped=True)
        self.assertIsNotNone(Heartbeat.objects.get().stopped_at)

    def test_start_up_closes_attempts_a_dead_scheduler_left_running(self) -> None:
        state = JobState.objects.create(name="tests.job", last_outcome=Outcome.RUNNING)
        JobRun.objects.create(job=state, started_at=NOW)
        manual = JobRun.objects.create(job=state, started_at=NOW, reason=Reason.MANUAL)
        self.assertEqual(mark_interrupted_runs(NOW + dt.timedelta(minutes=1)), 1)
        self.assertEqual(JobRun.objects.filter(outcome=Outcome.INTERRUPTED).count(), 1)
        manual.refresh_from_db()
        self.assertEqual(manual.outcome, Outcome.RUNNING)
        self.assertEqual(JobState.objects.get().last_outcome, Outcome.INTERRUPTED)
