"""The demo's method, « Développer son réseau »: step 1 validated twice after a synthesis, step 2
open for feedback with opinion groups, step 3 scheduled.

Most tests load the method on its own (``load_method_demo`` creates the team it needs), which
is much faster than the whole demo; one runs the command with small networks.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
import statistics
from collections import defaultdict

from django.core.management import call_command
from django.db.models import Count, F, Q, QuerySet
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from entregent.accounts.models import User
from entregent.demo.loader import PASSWORD
from entregent.demo.method import (
    DISPOSITIONS,
    LIGHT_EMAILS,
    LIGHT_MEMBERS,
    MIN_VOTES,
    SLUG,
    load_method_demo,
)
from entregent.goals.models import Outcome
from entregent.method.models import (
    MAX_DEPTH,
    Comment,
    CommentRevision,
    Disposition,
    Flag,
    Method,
    MethodRole,
    ModerationAction,
    OpinionAnalysis,
    StepVersion,
    Subscription,
    Vote,
)

FACILITATOR = "facilitator@demo.entregent.org"
MODERATOR = "moderation@demo.entregent.org"
CAMILLE = "camille@demo.entregent.org"
SAM = "sam@demo.entregent.org"


class DemoMethodTests(TestCase):
    method: Method

    @classmethod
    def setUpTestData(cls) -> None:
        load_method_demo()
        cls.method = Method.objects.get(slug=SLUG)

    def version(self, step: int, number: int = 1) -> StepVersion:
        return StepVersion.objects.get(step__method=self.method, step__number=step, number=number)

    def open_version(self) -> StepVersion:
        return self.version(2)

    def comments(self) -> QuerySet[Comment]:
        """Step 1's first discussion: the comments on its version 1."""
        return Comment.objects.filter(version=self.version(1))

    def test_the_method_is_public_french_and_described(self) -> None:
        self.assertEqual(self.method.title, "Développer son réseau")
        self.assertEqual((self.method.language, self.method.is_public), ("fr", True))
        self.assertIn("en public, une étape à la fois", self.method.description)

    def test_the_facilitator_and_the_moderator_have_their_roles(self) -> None:
        facilitator = User.objects.get(email=FACILITATOR)
        moderator = User.objects.get(email=MODERATOR)

        self.assertTrue(self.method.is_facilitator(facilitator))
        self.assertTrue(self.method.is_moderator(moderator))
        self.assertFalse(self.method.is_facilitator(moderator))
        self.assertEqual(MethodRole.objects.filter(method=self.method).count(), 2)

    def test_about_thirty_light_members_log_in_with_the_demo_password(self) -> None:
        self.assertEqual(len(LIGHT_EMAILS), 30)
        self.assertEqual(User.objects.filter(email__in=LIGHT_EMAILS).count(), 30)
        languages = set(User.objects.filter(email__in=LIGHT_EMAILS).values_list("language"))
        self.assertEqual(languages, {("fr",), ("en",)})
        self.assertTrue(self.client.login(email=LIGHT_EMAILS[0], password=PASSWORD))

    def test_step_1_version_1_was_validated_then_superseded_by_version_2(self) -> None:
        first, second = self.version(1, 1), self.version(1, 2)

        self.assertEqual(first.state, StepVersion.State.SUPERSEDED)
        self.assertEqual(second.state, StepVersion.State.VALIDATED)
        self.assertEqual(second.based_on, first)
        assert first.published_at and first.closed_at and first.validated_at
        assert second.validated_at and first.superseded_at
        self.assertLess(first.published_at, first.closed_at)
        self.assertLess(first.closed_at, first.validated_at)
        self.assertLess(first.validated_at, second.validated_at)
        self.assertEqual(first.superseded_at, second.validated_at)
        self.assertLess(second.validated_at, timezone.now() - dt.timedelta(days=5))
        self.assertEqual(self.version(1, 2).step.current_version(), second)

    def test_step_1_versions_carry_a_measurable_expectation(self) -> None:
        for version in (self.version(1, 1), self.version(1, 2)):
            with self.subTest(version=version.number):
                self.assertTrue(4 <= len(version.checklist) <= 6)
                self.assertTrue(version.reasoning and version.recommendation)
                self.assertEqual(
                    (version.expected_kind, version.expected_count, version.expected_share),
                    (Outcome.Kind.REACTIVATION, 2, 60),
                )
                self.assertEqual(version.expected_window_days, 30)
                self.assertTrue(version.expectation_text)

    def test_version_2_differs_from_version_1_where_the_feedback_asked(self) -> None:
        first, second = self.version(1, 1), self.version(1, 2)

        self.assertNotEqual(first.title, second.title)
        self.assertLess(len(second.reasoning), len(first.reasoning) * 0.8)
        self.assertIn("strictement privée", second.recommendation)
        self.assertIn("50 à 150", second.recommendation)
        self.assertNotIn("50 à 150", first.recommendation)
        self.assertNotEqual(first.checklist, second.checklist)
        response = self.client.get(reverse("methods:diff", args=[SLUG, 1, 1, 2]))
        self.assertContains(response, "<ins", html=False)
        self.assertContains(response, "<del", html=False)

    def test_version_1_has_its_synthesis_published_with_version_2(self) -> None:
        first, second = self.version(1, 1), self.version(1, 2)

        self.assertIn("Ce qui divise", first.synthesis)
        self.assertEqual(first.synthesis_published_at, second.validated_at)
        self.assertEqual(second.synthesis, "")

    def test_every_proposal_of_version_1_has_a_disposition(self) -> None:
        proposals = self.comments().filter(
            kind__in=Comment.VOTABLE_KINDS, status=Comment.Status.PUBLISHED
        )
        dispositions = Disposition.objects.filter(comment__version=self.version(1))

        self.assertEqual(dispositions.count(), proposals.count())
        self.assertEqual(len(DISPOSITIONS), proposals.count())
        self.assertEqual(
            set(dispositions.values_list("decision", flat=True)), set(Disposition.Decision.values)
        )
        self.assertFalse(dispositions.filter(reason="").exists())
        self.assertFalse(dispositions.exclude(decided_by__email=FACILITATOR).exists())
        first, second = self.version(1, 1), self.version(1, 2)
        assert first.closed_at and second.validated_at
        self.assertFalse(dispositions.filter(decided_at__lte=first.closed_at).exists())
        self.assertFalse(dispositions.filter(decided_at__gte=second.validated_at).exists())

    def test_integrated_proposals_point_to_version_2_and_the_others_to_none(self) -> None:
        dispositions = Disposition.objects.filter(comment__version=self.version(1))
        integrated = dispositions.filter(decision=Disposition.Decision.INTEGRATED)

        self.assertGreaterEqual(integrated.count(), 5)
        self.assertFalse(integrated.exclude(integrated_in=self.version(1, 2)).exists())
        self.assertFalse(
            dispositions.exclude(decision=Disposition.Decision.INTEGRATED)
            .exclude(integrated_in=None)
            .exists()
        )

    def test_a_few_members_have_commented_on_version_2_since(self) -> None:
        second = self.version(1, 2)
        comments = Comment.objects.filter(version=second)

        self.assertTrue(2 <= comments.count() <= 6)
        assert second.validated_at is not None
        self.assertFalse(comments.filter(created_at__lte=second.validated_at).exists())

    def test_step_2_is_open_for_feedback_since_a_week(self) -> None:
        version = self.open_version()

        self.assertEqual(version.state, StepVersion.State.OPEN)
        self.assertTrue(version.takes_comments)
        validated = self.version(1, 2).validated_at
        assert version.published_at is not None and validated is not None
        self.assertLess(version.published_at, timezone.now() - dt.timedelta(days=5))
        self.assertGreater(version.published_at, validated)

    def test_step_2_has_enough_voters_for_opinion_groups(self) -> None:
        votes = Vote.objects.filter(comment__version=self.open_version())
        per_voter = dict(votes.values_list("voter").annotate(n=Count("pk")))
        statements = Comment.objects.filter(
            version=self.open_version(), kind__in=Comment.VOTABLE_KINDS
        )

        self.assertGreaterEqual(statements.count(), 12)
        self.assertGreaterEqual(sum(n >= 7 for n in per_voter.values()), 15)
        self.assertFalse(votes.filter(voter=F("comment__author")).exists())

    def test_the_analyses_are_computed_and_step_2_shows_two_or_three_groups(self) -> None:
        analysis = OpinionAnalysis.objects.get(version=self.open_version())
        result = analysis.result

        self.assertIsNotNone(analysis.computed_at)
        self.assertTrue(result["groups_shown"])
        self.assertIn(result["k"], (2, 3))
        self.assertTrue(all(group["size"] >= 2 for group in result["groups"]))
        self.assertTrue(result["consensus"]["agree"])
        self.assertTrue(OpinionAnalysis.objects.filter(version=self.version(1, 1)).exists())

    def test_step_3_is_scheduled_a_few_days_from_now_and_not_yet_public(self) -> None:
        version = self.version(3)

        self.assertEqual(version.state, StepVersion.State.SCHEDULED)
        assert version.publish_at is not None
        self.assertGreater(version.publish_at, timezone.now() + dt.timedelta(days=1))
        self.assertLess(version.publish_at, timezone.now() + dt.timedelta(days=10))
        self.assertFalse(StepVersion.objects.published().filter(pk=version.pk).exists())

    def test_the_guide_shows_step_1_version_2_and_step_2_not_validated_yet(self) -> None:
        response = self.client.get(reverse("methods:guide", args=[SLUG]))

        self.assertContains(response, "Cartographier les personnes qui comptent")
        self.assertContains(response, "Version 2, validated on")
        self.assertContains(response, "Réactiver les liens dormants")
        self.assertContains(response, "Not validated yet")
        self.assertNotContains(response, "Donner avant de demander")

    def test_there_are_40_to_70_comments_of_every_kind(self) -> None:
        comments = self.comments()

        self.assertTrue(40 <= comments.count() <= 70, comments.count())
        self.assertEqual(set(comments.values_list("kind", flat=True)), set(Comment.Kind.values))

    def test_threads_reach_depth_3_and_replies_come_after_what_they_answer(self) -> None:
        comments = Comment.objects.filter(step__method=self.method)

        self.assertEqual(max(comments.values_list("depth", flat=True)), MAX_DEPTH)
        self.assertFalse(comments.exclude(parent=None).exclude(depth=F("parent__depth") + 1))
        self.assertFalse(comments.filter(created_at__lte=F("parent__created_at")).exists())
        self.assertFalse(comments.filter(created_at__gte=timezone.now()).exists())

    def test_the_facilitator_answers_questions(self) -> None:
        answered = self.comments().filter(
            kind=Comment.Kind.QUESTION, replies__author__email=FACILITATOR
        )
        self.assertGreaterEqual(answered.count(), 2)

    def test_some_comments_are_in_english_and_some_were_edited(self) -> None:
        self.assertTrue(self.comments().filter(author__email=SAM, body__contains="the").exists())
        edited = self.comments().exclude(edited_at=None)
        self.assertGreaterEqual(edited.count(), 2)
        revisions = CommentRevision.objects.filter(comment__in=edited)
        self.assertEqual(revisions.count(), edited.count())
        for revision in revisions.select_related("comment"):
            self.assertNotEqual(revision.body, revision.comment.body)

    def test_at_least_25_members_vote_each_on_at_least_7_proposals(self) -> None:
        votes = Vote.objects.filter(comment__version=self.version(1))
        per_voter = dict(votes.values_list("voter").annotate(n=Count("pk")))

        self.assertGreaterEqual(len(per_voter), 25)
        self.assertGreaterEqual(min(per_voter.values()), MIN_VOTES)
        self.assertFalse(votes.exclude(comment__kind__in=Comment.VOTABLE_KINDS).exists())
        self.assertFalse(votes.filter(voter=F("comment__author")).exists())
        voters = User.objects.filter(pk__in=per_voter).values_list("email", flat=True)
        self.assertIn(CAMILLE, voters)
        self.assertIn(SAM, voters)

    def test_each_comments_counts_match_its_votes(self) -> None:
        for comment in Comment.objects.filter(step__method=self.method).annotate(
            agree=Count("votes", filter=Q(votes__choice="agree")),
            disagree=Count("votes", filter=Q(votes__choice="disagree")),
            passed=Count("votes", filter=Q(votes__choice="pass")),
        ):
            with self.subTest(comment=comment.pk):
                self.assertEqual(
                    (comment.agree_count, comment.disagree_count, comment.pass_count),
                    (comment.agree, comment.disagree, comment.passed),
                )
        self.assertGreater(sum(c.vote_total() for c in self.comments()), 300)

    def test_votes_fall_into_opinion_groups(self) -> None:
        """Members of a group agree with each other more than with the others' members: what
        an opinion analysis should find."""
        group = {m.email: m.group for m in LIGHT_MEMBERS}
        value = {"agree": 1, "disagree": -1, "pass": 0}
        for version in (self.version(1), self.open_version()):
            ballots: dict[str, dict[int, int]] = defaultdict(dict)
            for email, comment, choice in Vote.objects.filter(
                voter__email__in=LIGHT_EMAILS, comment__version=version
            ).values_list("voter__email", "comment", "choice"):
                ballots[email][comment] = value[choice]
            within: list[float] = []
            across: list[float] = []
            for a, b in itertools.combinations(ballots, 2):
                common = ballots[a].keys() & ballots[b].keys()
                if len(common) >= 3:
                    score = statistics.fmean(ballots[a][c] * ballots[b][c] for c in common)
                    (within if group[a] == group[b] else across).append(score)

            with self.subTest(step=version.step.number):
                self.assertGreater(statistics.fmean(within), statistics.fmean(across) + 0.15)

    def test_one_off_topic_comment_is_trashed_with_its_reason_and_logged(self) -> None:
        trashed = self.comments().get(status=Comment.Status.TRASHED)
        action = ModerationAction.objects.get(comment=trashed)

        self.assertEqual(trashed.trash_reason, Comment.TrashReason.OFF_TOPIC)
        self.assertTrue(trashed.trash_note)
        self.assertEqual(
            (action.action, action.reason, action.method_id),
            (ModerationAction.Action.TRASH, Comment.TrashReason.OFF_TOPIC, self.method.pk),
        )
        moderator = User.objects.get(email=MODERATOR)
        self.assertEqual(action.moderator, moderator)
        self.assertEqual(action.moderator_name, moderator.display_name)
        self.assertEqual(action.note, trashed.trash_note)
        flags = Flag.objects.filter(comment=trashed)
        self.assertTrue(1 <= flags.count() <= 2)
        self.assertFalse(flags.filter(resolved_at=None).exists())
        self.assertFalse(flags.filter(created_at__gt=action.created_at).exists())
        self.assertEqual(trashed.open_flag_count, 0)
        self.assertEqual(ModerationAction.objects.count(), 1)

    def test_a_visitor_reads_step_1_and_its_discussion_but_not_the_trashed_comment(self) -> None:
        response = self.client.get(reverse("methods:step", args=[SLUG, 1]))

        self.assertContains(response, "Cartographier les personnes qui comptent")
        self.assertContains(response, "Amélie Rousseau")
        self.assertContains(response, "Partir d'une page blanche", html=False)
        self.assertNotContains(response, "expert-comptable")

    def test_a_visitor_reads_step_2_open_for_feedback(self) -> None:
        response = self.client.get(reverse("methods:step", args=[SLUG, 2]))

        self.assertContains(response, "Réactiver les liens dormants")
        self.assertContains(response, "Garder le souvenir précis")

    def test_step_3_is_shown_to_its_facilitator_only_until_it_is_published(self) -> None:
        path = reverse("methods:step", args=[SLUG, 3])

        self.assertEqual(self.client.get(path).status_code, 404)
        self.client.force_login(User.objects.get(email=FACILITATOR))
        self.assertContains(self.client.get(path), "Donner avant de demander")

    def test_a_dozen_members_are_subscribed(self) -> None:
        self.assertTrue(10 <= Subscription.objects.filter(method=self.method).count() <= 15)

    def test_loading_it_again_gives_the_same_discussion_and_keeps_the_accounts(self) -> None:
        def discussion() -> list[tuple[int, int, str, str, int, int, int, int, str | None]]:
            return sorted(
                Comment.objects.filter(step__method__slug=SLUG).values_list(
                    "step__number",
                    "version__number",
                    "author__email",
                    "kind",
                    "depth",
                    "agree_count",
                    "disagree_count",
                    "pass_count",
                    "disposition__decision",
                )
            )

        before, users = discussion(), dict(User.objects.values_list("email", "pk"))

        load_method_demo()

        self.assertEqual(Method.objects.filter(slug=SLUG).count(), 1)
        self.method = Method.objects.get(slug=SLUG)
        self.assertEqual(discussion(), before)
        self.assertEqual(dict(User.objects.values_list("email", "pk")), users)
        self.assertEqual(ModerationAction.objects.count(), 1)
        self.assertEqual(OpinionAnalysis.objects.count(), 2)


class DemoCommandMethodTests(TestCase):
    def test_the_demo_command_builds_the_method_and_lists_the_moderator(self) -> None:
        out = io.StringIO()
        call_command("demo", "--contacts", "10", stdout=out)
        text = out.getvalue()

        self.assertIn(MODERATOR, text)
        self.assertIn("Développer son réseau", text)
        self.assertTrue(Method.objects.filter(slug=SLUG).exists())

        summary = io.StringIO()
        call_command("demo", "--contacts", "10", "--json", stdout=summary)
        method = json.loads(summary.getvalue())["method"]
        self.assertEqual(method["comments"], Comment.objects.count())
        self.assertEqual(method["votes"], Vote.objects.count())
        self.assertEqual(Method.objects.count(), 1)
