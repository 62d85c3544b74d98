from __future__ import annotations

import datetime as dt

from django.test import TestCase, override_settings

from entregent.scheduler.jobs import prune_runs
from entregent.scheduler.models import JobRun, JobState, Outcome

NOW = dt.datetime(2026, 6, 1, 4, 15, tzinfo=dt.UTC)


@override_settings(SCHEDULER_RUN_RETENTION_DAYS=90)
class PruneRunsTests(TestCase):
    def test_it_forgets_finished_runs_past_the_retention_period(self) -> None:
        state = JobState.objects.create(name="tests.job")
        for days in (91, 92, 93):
            JobRun.objects.create(
                job=state, started_at=NOW - dt.timedelta(days=days), outcome=Outcome.SUCCEEDED
            )
        recent = JobRun.objects.create(
            job=state, started_at=NOW - dt.timedelta(days=89), outcome=Outcome.FAILED
        )
        # A run still marked running is evidence of a problem: it stays until resolved.
        stuck = JobRun.objects.create(job=state, started_at=NOW - dt.timedelta(days=100))
        self.assertEqual(prune_runs(NOW, batch_size=2), 3)
        self.assertEqual(set(JobRun.objects.all()), {recent, stuck})
