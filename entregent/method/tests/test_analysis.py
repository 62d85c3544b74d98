"""The opinion analysis of a version's votes, cached (``method/analysis.py``): what goes into
the matrix, when the cached analysis is stale (a vote, a change of vote, a trash, a restore,
an erased voter, a new statement), and who refreshes it (the worker when a page asks, the
scheduler's job every few minutes), never the page itself."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time

from django.test import SimpleTestCase, override_settings
from django.utils import timezone

from entregent.method import analysis, moderation
from entregent.method.models import (
    Comment,
    ImportedParticipant,
    OpinionAnalysis,
    StepVersion,
    Vote,
)
from entregent.method.tasks import refresh_opinion_analysis
from entregent.method.tests.feedback_factories import FeedbackTestCase, make_comment, make_version
from entregent.scheduler.registry import get_job
from entregent.scheduler.runner import run_job

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
IMMEDIATE_TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default"],
    }
}


class MatrixTests(FeedbackTestCase):
    def test_it_holds_the_versions_statements_and_every_vote_on_them(self) -> None:
        s1 = make_comment(self.v1, self.alice, "Suggestion", kind=Comment.Kind.SUGGESTION)
        s2 = make_comment(self.v1, self.bob, "Criticism", kind=Comment.Kind.CRITICISM)
        remark = make_comment(self.v1, self.bob, "Remark")
        trashed = make_comment(
            self.v1, self.bob, "Off topic", kind=Comment.Kind.SUGGESTION, status="trashed"
        )
        v2 = make_version(self.method, step_number=2)
        elsewhere = make_comment(v2, self.alice, "Other step", kind=Comment.Kind.SUGGESTION)
        imported = ImportedParticipant.objects.create(version=self.v1, external_id="x:1")
        Vote.cast(s1, self.alice, "agree")
        Vote.cast(s1, self.bob, "disagree")
        Vote.cast(trashed, self.alice, "agree")
        Vote.cast(elsewhere, self.bob, "agree")
        Vote.objects.create(comment=s2, participant=imported, choice="pass")
        # An erased member's vote stays in the counts but has no row of its own.
        Vote.objects.create(comment=s1, voter=None, choice="agree")
        matrix = analysis.matrix(self.v1)
        self.assertEqual(matrix.statements, (s1.pk, s2.pk))
        self.assertNotIn(remark.pk, matrix.statements)
        self.assertEqual(
            matrix.participants, (f"i{imported.pk}", f"u{self.alice.pk}", f"u{self.bob.pk}")
        )
        self.assertEqual(matrix.values[1, 0], 1)
        self.assertEqual(matrix.values[2, 0], -1)
        self.assertEqual(matrix.values[0, 1], 0)


class StalenessTests(FeedbackTestCase):
    def setUp(self) -> None:
        self.s1 = make_comment(self.v1, self.alice, "Suggestion", kind=Comment.Kind.SUGGESTION)
        self.s2 = make_comment(self.v1, self.bob, "Criticism", kind=Comment.Kind.CRITICISM)
        Vote.cast(self.s1, self.alice, "agree")

    def assertFresh(self) -> OpinionAnalysis:
        cached, stale = analysis.state(self.v1)
        self.assertFalse(stale)
        assert cached is not None
        return cached

    def assertStale(self) -> None:
        self.assertTrue(analysis.state(self.v1)[1])

    def test_never_computed_is_stale_and_a_refresh_makes_it_fresh(self) -> None:
        self.assertEqual(analysis.state(self.v1), (None, True))
        analysis.refresh(self.v1.pk)
        cached = self.assertFresh()
        self.assertEqual(cached.result["participants"], 1)
        self.assertEqual(cached.result["statements"], 2)
        self.assertIsNotNone(cached.computed_at)

    def test_a_vote_and_a_changed_vote_make_it_stale(self) -> None:
        analysis.refresh(self.v1.pk)
        Vote.cast(self.s2, self.bob, "agree")
        self.assertStale()
        analysis.refresh(self.v1.pk)
        self.assertFresh()
        Vote.cast(self.s2, self.bob, "disagree")
        self.assertStale()
        analysis.refresh(self.v1.pk)
        disagreed = self.assertFresh().result["consensus"]["disagree"]
        self.assertEqual([s["statement"] for s in disagreed], [self.s2.pk])

    def test_a_trash_and_a_restore_make_it_stale(self) -> None:
        analysis.refresh(self.v1.pk)
        moderation.trash(self.s1, self.moderator, Comment.TrashReason.OFF_TOPIC)
        self.assertStale()
        analysis.refresh(self.v1.pk)
        self.assertEqual(self.assertFresh().result["statements"], 1)
        self.s1.refresh_from_db()
        moderation.restore(self.s1, self.moderator)
        self.assertStale()
        analysis.refresh(self.v1.pk)
        self.assertEqual(self.assertFresh().result["statements"], 2)

    def test_an_erased_voter_and_a_new_statement_make_it_stale(self) -> None:
        analysis.refresh(self.v1.pk)
        Vote.objects.filter(voter=self.alice).update(voter=None)
        self.assertStale()
        analysis.refresh(self.v1.pk)
        self.assertEqual(self.assertFresh().result["participants"], 0)
        make_comment(self.v1, self.charlie, "Another", kind=Comment.Kind.SUGGESTION)
        self.assertStale()

    def test_a_remark_or_another_versions_vote_does_not(self) -> None:
        analysis.refresh(self.v1.pk)
        make_comment(self.v1, self.charlie, "Just a remark")
        v2 = make_version(self.method, step_number=2)
        Vote.cast(make_comment(v2, self.bob, "Yes", kind="suggestion"), self.alice, "agree")
        self.assertFresh()

    def test_refreshing_replaces_the_cached_analysis(self) -> None:
        analysis.refresh(self.v1.pk)
        Vote.cast(self.s2, self.bob, "agree")
        analysis.refresh(self.v1.pk)
        self.assertEqual(OpinionAnalysis.objects.filter(version=self.v1).count(), 1)
        self.assertEqual(self.assertFresh().result["participants"], 2)


class RefreshRequestTests(FeedbackTestCase):
    def setUp(self) -> None:
        comment = make_comment(self.v1, self.alice, "Suggestion", kind=Comment.Kind.SUGGESTION)
        Vote.cast(comment, self.bob, "agree")

    @override_settings(TASKS=DUMMY_TASKS)
    def test_pages_asking_again_and_again_queue_one_refresh(self) -> None:
        from django_tasks import default_task_backend

        for _ in range(3):
            with self.captureOnCommitCallbacks(execute=True):
                analysis.request_refresh(self.v1)
        queued = default_task_backend.results  # type: ignore[attr-defined]
        self.assertEqual(len(queued), 1)
        self.assertEqual(queued[0].args, [self.v1.pk])
        # Nothing was computed in the request.
        self.assertFalse(OpinionAnalysis.objects.exists())
        # Once the worker has refreshed it, the next stale page can ask again.
        analysis.refresh(self.v1.pk)
        with self.captureOnCommitCallbacks(execute=True):
            analysis.request_refresh(self.v1)
        self.assertEqual(len(queued), 2)

    @override_settings(TASKS=IMMEDIATE_TASKS)
    def test_the_worker_computes_it_once_and_says_when_it_was_already_fresh(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            analysis.request_refresh(self.v1)
        self.assertFalse(analysis.state(self.v1)[1])
        self.assertIn("already fresh", refresh_opinion_analysis.call(self.v1.pk))

    def test_a_version_deleted_before_the_worker_came_is_skipped(self) -> None:
        pk = self.v1.pk
        StepVersion.objects.filter(pk=pk).delete()
        self.assertFalse(analysis.refresh_if_stale(pk))
        self.assertFalse(OpinionAnalysis.objects.exists())


class ScheduledJobTests(FeedbackTestCase):
    def test_the_job_refreshes_the_stale_analyses_of_versions_in_discussion(self) -> None:
        comment = make_comment(self.v1, self.alice, "Suggestion", kind=Comment.Kind.SUGGESTION)
        Vote.cast(comment, self.bob, "agree")
        draft = make_version(self.method, number=2, state=StepVersion.State.DRAFT)
        make_comment(draft, self.alice, "Draft's", kind=Comment.Kind.SUGGESTION)
        synthesis = make_version(self.method, step_number=2, state=StepVersion.State.SYNTHESIS)
        make_comment(synthesis, self.alice, "In synthesis", kind=Comment.Kind.CRITICISM)
        job = get_job("method.refresh_opinions")
        report = run_job(job)
        self.assertEqual(report.result, "Refreshed 2 opinion analysis(es).")
        self.assertFalse(analysis.state(self.v1)[1])
        self.assertFalse(analysis.state(synthesis)[1])
        self.assertFalse(OpinionAnalysis.objects.filter(version=draft).exists())
        # Run again at once: nothing changed, nothing computed.
        self.assertEqual(run_job(job).result, "Refreshed 0 opinion analysis(es).")
        Vote.cast(comment, self.charlie, "disagree")
        self.assertEqual(run_job(job).result, "Refreshed 1 opinion analysis(es).")


class SizeTests(FeedbackTestCase):
    def test_500_participants_and_200_statements_take_well_under_a_few_seconds(self) -> None:
        rng = random.Random(5)
        now = timezone.now()
        statements = Comment.objects.bulk_create(
            [
                Comment(
                    version=self.v1,
                    step=self.v1.step,
                    kind=Comment.Kind.SUGGESTION,
                    body=f"Statement {i}",
                    created_at=now,
                )
                for i in range(200)
            ]
        )
        people = ImportedParticipant.objects.bulk_create(
            [ImportedParticipant(version=self.v1, external_id=f"t:{i}") for i in range(500)]
        )
        choices = ("agree", "agree", "disagree", "pass")
        votes = [
            Vote(comment=s, participant=p, choice=rng.choice(choices))
            for p in people
            for s in statements
            if rng.random() < 0.3
        ]
        Vote.objects.bulk_create(votes, batch_size=2000)
        started = time.perf_counter()
        cached = analysis.refresh(self.v1.pk)
        elapsed = time.perf_counter() - started
        self.assertEqual(cached.result["participants"], 500)
        self.assertEqual(cached.result["statements"], 200)
        self.assertTrue(cached.result["groups_shown"])
        # Generous for a busy test machine; bench/opinions.py measures it.
        self.assertLess(elapsed, 10, f"refresh took {elapsed:.1f} s")


class ImportCostTests(SimpleTestCase):
    def test_the_web_pages_do_not_load_numpy(self) -> None:
        # Only the worker computes the analysis: a web process reads the cached result, and
        # states the thresholds and intervals without numpy (entregent/lib/stats.py,
        # method/polis_rules.py).
        code = (
            "import sys, django; django.setup(); import entregent.urls, entregent.wsgi; "
            "print(sorted(m for m in ('numpy', 'sklearn') if m in sys.modules))"
        )
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "entregent.settings"}
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        self.assertEqual(done.stdout.strip().splitlines()[-1], "[]")
