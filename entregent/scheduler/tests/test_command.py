from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import time_machine
from django.core.management import CommandError, call_command
from django.test import TestCase

from entregent.scheduler.management.commands.run_scheduler import Command
from entregent.scheduler.models import Heartbeat, JobRun, JobState, Outcome
from entregent.scheduler.tests.helpers import failing_then_succeeding, make_job, only_jobs

NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)


def succeed() -> str:
    return "ok"


def fail() -> None:
    raise RuntimeError("nope")


def run(*args: str) -> str:
    out = StringIO()
    call_command("run_scheduler", *args, stdout=out)
    return out.getvalue()


@time_machine.travel(NOW, tick=False)
class OnceTests(TestCase):
    def test_once_runs_the_due_jobs_and_records_a_heartbeat(self) -> None:
        due = make_job(succeed, "tests.due")
        later = make_job(succeed, "tests.later")
        JobState.objects.create(name="tests.due", next_run_at=NOW - dt.timedelta(minutes=1))
        JobState.objects.create(name="tests.later", next_run_at=NOW + dt.timedelta(minutes=1))
        with only_jobs(due, later):
            output = run("--once")
        self.assertIn("tests.due: Succeeded after 1 attempt(s). ok", output)
        self.assertNotIn("tests.later", output)
        self.assertEqual(list(JobRun.objects.values_list("job__name", flat=True)), ["tests.due"])
        heartbeat = Heartbeat.objects.get()
        self.assertEqual(heartbeat.beat_at, NOW)
        self.assertIsNotNone(heartbeat.stopped_at)

    def test_once_retries_a_flaky_job_and_reports_it_in_json(self) -> None:
        JobState.objects.create(name="tests.flaky", next_run_at=NOW)
        with only_jobs(make_job(failing_then_succeeding(2), "tests.flaky", retries=3)):
            data = json.loads(run("--once", "--json"))
        self.assertEqual(
            data, [{"job": "tests.flaky", "outcome": "succeeded", "attempts": 3, "result": "done"}]
        )
        self.assertEqual(JobRun.objects.filter(outcome=Outcome.FAILED).count(), 2)

    def test_once_fails_loudly_when_a_job_fails(self) -> None:
        JobState.objects.create(name="tests.broken", next_run_at=NOW)
        with (
            only_jobs(make_job(fail, "tests.broken")),
            self.assertLogs("entregent.scheduler", "ERROR"),
            self.assertRaisesMessage(CommandError, "Failed: tests.broken"),
        ):
            run("--once")
        self.assertEqual(JobState.objects.get().consecutive_failures, 1)

    def test_dry_run_lists_due_jobs_and_writes_nothing(self) -> None:
        JobState.objects.create(name="tests.due", next_run_at=NOW)
        with only_jobs(make_job(succeed, "tests.due"), make_job(succeed, "tests.new")):
            self.assertEqual(
                json.loads(run("--once", "--dry-run", "--json")), {"due": ["tests.due"]}
            )
            self.assertIn("Due: tests.due", run("--once", "--dry-run"))
        self.assertFalse(JobRun.objects.exists())
        self.assertFalse(JobState.objects.filter(name="tests.new").exists())
        self.assertFalse(Heartbeat.objects.exists())

    def test_dry_run_and_json_need_their_mode(self) -> None:
        with self.assertRaises(CommandError):
            run("--dry-run")
        with self.assertRaises(CommandError):
            run("--json")


@time_machine.travel(NOW, tick=False)
class ListAndRunTests(TestCase):
    def test_list_shows_each_job_with_its_last_and_next_run(self) -> None:
        JobState.objects.create(
            name="tests.job",
            last_started_at=NOW - dt.timedelta(days=1),
            last_outcome=Outcome.FAILED,
            consecutive_failures=2,
        )
        JobState.objects.create(name="tests.gone")
        with only_jobs(make_job(succeed, "tests.job")):
            output = run("--list")
        self.assertIn("Last heartbeat: never", output)
        self.assertIn("tests.job", output)
        self.assertIn("Last run: 2026-03-09 13:00:00 CET Failed", output)
        self.assertIn("Next run: 2026-03-11 03:30:00 CET", output)
        self.assertIn("Consecutive failures: 2", output)
        self.assertIn("No longer declared in code.", output)

    def test_list_json_is_readable_by_scripts(self) -> None:
        with only_jobs(make_job(succeed, "tests.job")):
            data = json.loads(run("--list", "--json"))
        self.assertEqual(data["last_heartbeat"], None)
        self.assertFalse(data["alive"])
        (job,) = data["jobs"]
        self.assertEqual(job["name"], "tests.job")
        self.assertEqual(job["next_run_at"], "2026-03-11T02:30:00+00:00")
        self.assertEqual(job["consecutive_failures"], 0)

    def test_run_runs_one_job_by_hand(self) -> None:
        with only_jobs(make_job(succeed, "tests.job")):
            output = run("--run", "tests.job")
        self.assertIn("Succeeded", output)
        self.assertEqual(JobRun.objects.get().reason, "manual")

    def test_run_refuses_an_unknown_job(self) -> None:
        with only_jobs(), self.assertRaisesMessage(CommandError, "tests.nobody"):
            run("--run", "tests.nobody")

    def test_help_explains_the_command_and_its_options(self) -> None:
        parser = Command().create_parser("manage.py", "run_scheduler")
        text = parser.format_help()
        self.assertIn("Run a single scheduler per site.", text)
        self.assertIn("--once", text)
