from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.core.exceptions import ImproperlyConfigured
from django.test import SimpleTestCase, override_settings

from entregent.scheduler import registry
from entregent.scheduler.registry import Job, cron, every, get_job, scheduled_job
from entregent.scheduler.tests.helpers import make_job, only_jobs

PARIS = ZoneInfo("Europe/Paris")


def nothing() -> None:
    return None


class RegistryTests(SimpleTestCase):
    def test_the_apps_declare_their_jobs_from_ready(self) -> None:
        names = {job.name for job in registry.all_jobs()}
        self.assertIn("network.empty_bin", names)
        self.assertIn("scheduler.prune_runs", names)

    def test_the_decorator_registers_the_function_and_returns_it_unchanged(self) -> None:
        with only_jobs():

            @scheduled_job("tests.decorated", cron(hour=2), retries=5, retry_delay=10)
            def decorated() -> str:
                """Say hello."""
                return "hello"

            job = get_job("tests.decorated")
        self.assertEqual(decorated(), "hello")
        self.assertIs(job.func, decorated)
        self.assertEqual(job.retries, 5)
        self.assertEqual(job.max_attempts, 6)
        self.assertEqual(job.retry_delay, dt.timedelta(seconds=10))
        self.assertEqual(job.description, "Say hello.")

    def test_it_refuses_two_functions_under_one_name(self) -> None:
        with only_jobs(make_job(nothing, "tests.taken")), self.assertRaises(ImproperlyConfigured):
            scheduled_job("tests.taken", "* * * * *")(lambda: None)

    def test_registering_the_same_function_again_replaces_it(self) -> None:
        with only_jobs():
            scheduled_job("tests.again", "* * * * *")(nothing)
            scheduled_job("tests.again", "0 * * * *")(nothing)
            self.assertIn("minute='0'", str(get_job("tests.again").trigger))

    def test_it_refuses_names_with_spaces_and_negative_retries(self) -> None:
        with only_jobs():
            with self.assertRaises(ImproperlyConfigured):
                scheduled_job("empty the bin", "* * * * *")(nothing)
            with self.assertRaises(ImproperlyConfigured):
                scheduled_job("tests.negative", "* * * * *", retries=-1)(nothing)

    def test_an_unknown_job_raises_lookup_error(self) -> None:
        with self.assertRaises(LookupError):
            get_job("tests.nobody")

    @override_settings(TIME_ZONE="Europe/Paris")
    def test_cron_follows_the_site_time_zone(self) -> None:
        job = make_job(nothing, trigger="30 3 * * *")
        # 01:00 UTC on a winter day is 02:00 in Paris: next 03:30 Paris is 02:30 UTC.
        after = dt.datetime(2026, 1, 15, 1, 0, tzinfo=dt.UTC)
        self.assertEqual(job.next_run_after(after), dt.datetime(2026, 1, 15, 3, 30, tzinfo=PARIS))
        self.assertEqual(cron(hour=3, minute=30).timezone, PARIS)
        self.assertEqual(every(minutes=5).timezone, PARIS)

    def test_next_run_is_strictly_after_the_given_moment(self) -> None:
        job = make_job(nothing, trigger="30 3 * * *")
        fire = dt.datetime(2026, 1, 15, 3, 30, tzinfo=PARIS)
        self.assertEqual(job.next_run_after(fire), fire + dt.timedelta(days=1))

    def test_backoff_doubles_at_each_retry_up_to_the_cap(self) -> None:
        job = Job(
            name="tests.backoff",
            func=nothing,
            trigger=cron(hour=1),
            retries=6,
            retry_delay=dt.timedelta(seconds=30),
            max_retry_delay=dt.timedelta(minutes=3),
        )
        delays = [job.delay_before(attempt) for attempt in range(2, 8)]
        self.assertEqual(delays, [30, 60, 120, 180, 180, 180])
