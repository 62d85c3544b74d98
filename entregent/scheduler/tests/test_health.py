from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import time_machine
from django.core.checks import run_checks
from django.template.loader import render_to_string
from django.test import TestCase, override_settings
from django.utils import translation

from entregent.scheduler.checks import check_scheduler_health
from entregent.scheduler.health import scheduler_health
from entregent.scheduler.models import Heartbeat, JobState, Outcome
from entregent.scheduler.tests.helpers import make_job, only_jobs

NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)


def nothing() -> None:
    return None


def beat_at(moment: dt.datetime) -> None:
    Heartbeat.objects.create(pk=Heartbeat.SINGLETON_PK, beat_at=moment, started_at=moment)


def ids(databases: list[str] | None = None) -> list[str]:
    return [m.id for m in check_scheduler_health(databases=databases) if m.id]


@time_machine.travel(NOW, tick=False)
@override_settings(SCHEDULER_STALE_MINUTES=15)
class CheckTests(TestCase):
    def test_it_warns_when_the_scheduler_never_ran(self) -> None:
        self.assertEqual(ids(["default"]), ["entregent.W010"])

    def test_it_warns_when_the_heartbeat_is_stale(self) -> None:
        beat_at(NOW - dt.timedelta(minutes=16))
        (message,) = check_scheduler_health(databases=["default"])
        self.assertEqual(message.id, "entregent.W010")
        self.assertIn("more than 15 minutes", message.msg)

    def test_it_is_quiet_while_the_scheduler_beats(self) -> None:
        beat_at(NOW - dt.timedelta(minutes=14))
        self.assertEqual(ids(["default"]), [])

    def test_it_warns_about_each_failing_job(self) -> None:
        beat_at(NOW)
        JobState.objects.create(name="tests.job", consecutive_failures=3)
        (message,) = check_scheduler_health(databases=["default"])
        self.assertEqual(message.id, "entregent.W011")
        self.assertIn("tests.job failed its last 3 runs", message.msg)

    def test_it_stays_quiet_without_a_database(self) -> None:
        # `manage.py check` with no --database: no query, no warning.
        with self.assertNumQueries(0):
            self.assertEqual(ids(None), [])

    def test_it_is_registered_under_the_database_tag(self) -> None:
        self.assertIn(
            "entregent.W010", [m.id for m in run_checks(tags=["database"], databases=["default"])]
        )


@time_machine.travel(NOW, tick=False)
class HealthTests(TestCase):
    def test_health_lists_declared_jobs_and_forgotten_ones(self) -> None:
        beat_at(NOW - dt.timedelta(minutes=1))
        JobState.objects.create(
            name="tests.job",
            last_started_at=NOW - dt.timedelta(hours=1),
            last_outcome=Outcome.FAILED,
            consecutive_failures=1,
            next_run_at=NOW + dt.timedelta(hours=2),
        )
        JobState.objects.create(name="tests.removed")
        jobs = (make_job(nothing, "tests.job"), make_job(nothing, "tests.fresh"))
        with only_jobs(*jobs), self.assertNumQueries(2):
            health = scheduler_health()
        self.assertTrue(health.is_alive)
        self.assertFalse(health.is_healthy)
        self.assertEqual(
            [j.name for j in health.jobs], ["tests.fresh", "tests.job", "tests.removed"]
        )
        fresh, failing, removed = health.jobs
        self.assertIsNotNone(fresh.next_run_at)
        self.assertEqual(failing.next_run_at, NOW + dt.timedelta(hours=2))
        self.assertEqual(health.failing_jobs, [failing])
        self.assertFalse(removed.declared)


@time_machine.travel(NOW, tick=False)
class HealthPartialTests(TestCase):
    def render(self, staff: bool = True) -> str:
        """The partial as an operator sees it (the job table), or as a member (a summary)."""
        user = SimpleNamespace(is_staff=staff)
        context = {"scheduler_health": scheduler_health(), "user": user}
        return render_to_string("scheduler/_health.html", context)

    def test_members_see_a_summary_without_job_names(self) -> None:
        beat_at(NOW - dt.timedelta(minutes=1))
        JobState.objects.create(name="tests.job", consecutive_failures=2)
        with only_jobs(make_job(nothing, "tests.job")):
            html = self.render(staff=False)
        self.assertIn("1 background job failed at its last run.", html)
        self.assertNotIn("tests.job", html)

    def test_the_partial_says_when_the_scheduler_never_ran(self) -> None:
        with only_jobs(make_job(nothing, "tests.job")):
            html = self.render()
        self.assertIn("The scheduler has never run", html)
        self.assertIn("tests.job", html)

    def test_the_partial_shows_failures_but_never_the_error_text(self) -> None:
        beat_at(NOW - dt.timedelta(minutes=1))
        JobState.objects.create(
            name="tests.job",
            last_started_at=NOW - dt.timedelta(hours=1),
            last_outcome=Outcome.FAILED,
            consecutive_failures=2,
            last_error="IntegrityError: Ada Lovelace <ada@example.org>",
        )
        with only_jobs(make_job(nothing, "tests.job")):
            html = self.render()
        self.assertIn("running", html)
        self.assertIn("failed 2 times in a row", html)
        self.assertNotIn("Ada Lovelace", html)

    def test_the_partial_tells_a_pass_under_cron_from_a_running_scheduler(self) -> None:
        beat_at(NOW - dt.timedelta(minutes=3))
        Heartbeat.objects.update(stopped_at=NOW - dt.timedelta(minutes=3))
        with only_jobs():
            html = self.render()
        self.assertIn("Last pass 3\xa0minutes ago", html)
        self.assertNotIn("Last heartbeat", html)

    def test_the_partial_says_when_the_scheduler_went_silent(self) -> None:
        beat_at(NOW - dt.timedelta(hours=2))
        with only_jobs():
            html = self.render()
        self.assertIn("silent since 2\xa0hours ago", html)

    def test_the_partial_renders_in_french(self) -> None:
        # No catalogue yet: this checks the strings go through translation without breaking.
        with only_jobs(make_job(nothing, "tests.job")), translation.override("fr"):
            self.assertIn("tests.job", self.render())
