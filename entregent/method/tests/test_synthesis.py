"""The synthesis of a version's feedback: the facilitators' workspace (votes, agreement with
its interval, consensus, divisive statements and opinion groups from the cached analysis),
the disposition of each suggestion and criticism, public on the step's page and beside the
diff, the synthesis text, and validating the version as it stands or a revision of it."""

from __future__ import annotations

import html
import re
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from entregent.accounts.models import User
from entregent.method import analysis, synthesis
from entregent.method.models import (
    Comment,
    Disposition,
    ImportedParticipant,
    Method,
    OpinionAnalysis,
    StepVersion,
)
from entregent.method.tests.feedback_factories import (
    FeedbackTestCase,
    make_comment,
    make_method,
    make_version,
)
from entregent.test import make_user

State = StepVersion.State


def votes(agree: int, disagree: int, passes: int) -> dict[str, Any]:
    return {"agree_count": agree, "disagree_count": disagree, "pass_count": passes}


def text(response: Any) -> str:
    """The page's text, tags dropped and spaces squeezed, for assertions on what it says."""
    content = response.content.decode()
    content = re.sub(r"<script.*?</script>", " ", content, flags=re.S)
    return squeeze(content)


def squeeze(markup: str) -> str:
    """Text without its tags, one space between words and none before punctuation."""
    flat = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())
    return re.sub(r" ([,;.])", r"\1", flat)


def fragment(response: Any, element_id: str) -> str:
    """The text of the element with ``element_id`` (a ``<tr>``, a ``<li>``), up to its end."""
    content = response.content.decode()
    start = content.index(f'id="{element_id}"')
    tag = content.rfind("<", 0, start)
    name = content[tag + 1 : content.index(" ", tag)]
    end = content.index(f"</{name}>", start)
    return squeeze(content[tag:end])


class SynthesisTestCase(FeedbackTestCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()

    def workspace_url(self, version: int | None = None, /, **query: str) -> str:
        url = reverse("methods:synthesis", args=[self.method.slug, 1])
        params = {**({"v": str(version)} if version else {}), **query}
        if params:
            url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
        return url

    def disposition_url(self, comment: Comment) -> str:
        return reverse("methods:comment-disposition", args=[self.method.slug, comment.pk])

    def as_facilitator(self) -> None:
        self.client.force_login(self.facilitator)


class StatisticsTests(SynthesisTestCase):
    def test_agreement_and_its_wilson_interval_by_hand(self) -> None:
        # 6 agree of 10 votes: p = 0.6, z = 1.96, n = 10:
        # centre = (0.6 + z²/20) / (1 + z²/10) = 0.5722; margin = z·√(0.024 + z²/400) / 1.3841
        # = 0.2596, so 31%–83%.
        a = synthesis.agreement(6, 3, 1)
        self.assertEqual(
            (a.votes, a.rate_percent, a.low_percent, a.high_percent), (10, 60, 31, 83)
        )
        self.assertAlmostEqual(a.low, 0.3127, places=4)
        self.assertAlmostEqual(a.high, 0.8318, places=4)
        # Nothing to go on: the whole range, and too few votes to say.
        none = synthesis.agreement(0, 0, 0)
        self.assertEqual((none.rate, none.low, none.high, none.enough), (0.0, 0.0, 1.0, False))
        self.assertFalse(synthesis.agreement(3, 1, 0).enough)

    def test_divisive_statements_split_the_voters(self) -> None:
        agreements = {
            1: synthesis.agreement(5, 5, 0),  # an even split: 0.5
            2: synthesis.agreement(8, 2, 0),  # 0.2 on the smaller side: not divisive
            3: synthesis.agreement(3, 3, 4),  # 0.3 on each side, passes counted: divisive
            4: synthesis.agreement(2, 2, 0),  # 4 votes: too few
            5: synthesis.agreement(6, 4, 0),  # 0.4
        }
        self.assertEqual(synthesis.divisive(agreements), [1, 5, 3])
        self.assertEqual(synthesis.divisive(agreements, top=1), [1])

    def test_the_workspace_shows_each_statements_votes_and_interval(self) -> None:
        s = make_comment(
            self.v1, self.alice, "Deux appels par semaine", "suggestion", **votes(6, 3, 1)
        )
        few = make_comment(self.v1, self.bob, "Un carnet papier", "criticism", **votes(2, 1, 0))
        self.as_facilitator()
        response = self.client.get(self.workspace_url())
        self.assertEqual(response.status_code, 200)
        row = fragment(response, f"row-{s.pk}")
        self.assertIn("6 agree 3 disagree 1 pass", row)
        self.assertIn("60% of 10 votes (95%: 31–83%)", row)
        self.assertIn("Alice", row)
        self.assertIn("Not enough votes (3)", fragment(response, f"row-{few.pk}"))
        # The bar only repeats the figures; it is hidden from screen readers.
        self.assertIn(
            'class="rate-bar" viewBox="0 0 100 12" preserveAspectRatio="none" aria-hidden="true"',
            response.content.decode(),
        )

    def test_feedback_is_grouped_by_kind_with_what_is_left_to_decide(self) -> None:
        make_comment(self.v1, self.alice, "Une suggestion", "suggestion")
        decided = make_comment(self.v1, self.bob, "Une critique", "criticism")
        make_comment(self.v1, self.bob, "Une remarque", "remark")
        make_comment(self.v1, self.bob, "Une question ?", "question")
        make_comment(self.v1, self.bob, "Retenue", "suggestion", status=Comment.Status.HELD)
        make_comment(self.v1, self.bob, "Jetée", "suggestion", status=Comment.Status.TRASHED)
        Disposition.record(decided, "deferred", "", self.facilitator)
        self.as_facilitator()
        page = text(self.client.get(self.workspace_url()))
        self.assertIn("2 suggestions and criticisms", page)
        self.assertIn("1 without a decision yet", page)
        self.assertIn("Deferred 1", page)
        self.assertIn("Suggestions (1)", page)
        self.assertIn("Criticisms (1)", page)
        self.assertIn("Remarks (1)", page)
        self.assertIn("Questions (1)", page)
        self.assertIn("1 comment waits for a moderator", page)
        self.assertNotIn("Jetée", page)
        self.assertNotIn("Retenue", page)

    def test_sorting_and_filtering_without_javascript(self) -> None:
        sure = make_comment(self.v1, self.alice, "Sûre", "suggestion", **votes(60, 20, 0))
        lucky = make_comment(self.v1, self.alice, "Chanceuse", "suggestion", **votes(5, 0, 0))
        disliked = make_comment(self.v1, self.alice, "Rejetée", "suggestion", **votes(1, 9, 0))
        Disposition.record(disliked, "rejected", "Hors du périmètre.", self.facilitator)
        self.as_facilitator()

        def order(**query: str) -> list[int]:
            content = self.client.get(self.workspace_url(**query)).content.decode()
            return [int(pk) for pk in re.findall(r'<tr id="row-(\d+)"', content)]

        # 60 of 80 (interval from 64%) before 5 of 5 (from 57%).
        self.assertEqual(order(sort="agreement"), [sure.pk, lucky.pk, disliked.pk])
        self.assertEqual(order(sort="disagreement")[0], disliked.pk)
        self.assertEqual(order(), [sure.pk, lucky.pk, disliked.pk])  # undecided first
        self.assertEqual(order(show="undecided"), [sure.pk, lucky.pk])
        self.assertEqual(order(show="rejected"), [disliked.pk])
        self.assertEqual(order(sort="nonsense", show="nonsense"), [sure.pk, lucky.pk, disliked.pk])


class AnalysisTests(SynthesisTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.a = make_comment(self.v1, self.alice, "Commencer par les collègues", "suggestion")
        self.b = make_comment(self.v1, self.bob, "Trop de théorie", "criticism")

    def cache_analysis(self, result: dict[str, Any]) -> OpinionAnalysis:
        """An analysis as the worker stores it, fresh for the votes as they are."""
        return OpinionAnalysis.objects.create(
            version=self.v1,
            signature=analysis.signature(self.v1),
            result=result,
            computed_at=timezone.now(),
        )

    def result(self, **changes: Any) -> dict[str, Any]:
        a, b = self.a.pk, self.b.pk
        result: dict[str, Any] = {
            "participants": 20,
            "statements": 2,
            "clustered": 18,
            "groups_shown": True,
            "k": 2,
            "silhouette": 0.41,
            "groups": [
                {
                    "label": "A",
                    "size": 11,
                    "members": [],
                    "representative": [
                        {
                            "statement": a,
                            "direction": "agree",
                            "agree": 9,
                            "disagree": 1,
                            "pass": 1,
                            "seen": 11,
                            "probability": 0.78,
                            "other_probability": 0.31,
                            "repness": 2.5,
                        },
                    ],
                },
                {
                    "label": "B",
                    "size": 7,
                    "members": [],
                    "representative": [
                        {
                            "statement": b,
                            "direction": "disagree",
                            "agree": 1,
                            "disagree": 6,
                            "pass": 0,
                            "seen": 7,
                            "probability": 0.8,
                            "other_probability": 0.2,
                            "repness": 2.0,
                        },
                    ],
                },
            ],
            "consensus": {
                "agree": [
                    {
                        "statement": a,
                        "agree": 12,
                        "disagree": 2,
                        "pass": 1,
                        "seen": 15,
                        "probability": 0.76,
                    }
                ],
                "disagree": [
                    {
                        "statement": b,
                        "agree": 4,
                        "disagree": 15,
                        "pass": 2,
                        "seen": 21,
                        "probability": 0.7,
                    }
                ],
            },
            "group_consensus": [{"statement": a, "probability": 0.52}],
        }
        result.update(changes)
        return result

    def test_consensus_groups_and_their_representative_statements(self) -> None:
        self.cache_analysis(self.result())
        self.as_facilitator()
        response = self.client.get(self.workspace_url())
        page = text(response)
        self.assertIn("20 participants voted on these 2 statements.", page)
        self.assertIn(
            "Consensus: agreed Commencer par les collègues 12 of 15 who saw it agree", page
        )
        self.assertIn("Consensus: disagreed Trop de théorie 15 of 21 who saw it disagree", page)
        self.assertIn("Group A · 11 participants", page)
        self.assertIn("agree: 78% in the group, 31% of the others", page)
        self.assertIn("Group B · 7 participants", page)
        self.assertIn("disagree: 80% in the group, 20% of the others", page)
        self.assertIn("52% likely to be agreed by every group", page)
        self.assertNotIn("being computed", page)
        # Each statement links to its row in the table.
        self.assertContains(response, f'href="#row-{self.a.pk}"')

    def test_groups_are_hidden_under_fifteen_participants_and_say_why(self) -> None:
        self.cache_analysis(self.result(groups_shown=False, groups=[], clustered=9, k=None))
        self.as_facilitator()
        page = text(self.client.get(self.workspace_url()))
        self.assertIn(
            "Opinion groups appear once at least 15 participants have each voted on at least "
            "7 statements: 9 so far.",
            page,
        )
        self.assertNotIn("Group A", page)

    def test_a_statement_trashed_since_the_analysis_is_left_out(self) -> None:
        self.cache_analysis(self.result())
        Comment.objects.filter(pk=self.b.pk).update(status=Comment.Status.TRASHED)
        self.as_facilitator()
        page = text(self.client.get(self.workspace_url()))
        self.assertNotIn("Trop de théorie", page)
        self.assertIn("Consensus: disagreed None so far.", page)

    def test_a_stale_analysis_is_shown_and_asked_of_the_worker_never_computed(self) -> None:
        cached = self.cache_analysis(self.result())
        cached.signature = "1:an older signature"
        cached.save(update_fields=["signature"])
        self.as_facilitator()
        with self.captureOnCommitCallbacks(execute=True):
            page = text(self.client.get(self.workspace_url()))
        self.assertIn("Votes changed since this analysis was computed", page)
        self.assertIn("Group A · 11 participants", page)  # the older figures meanwhile
        cached.refresh_from_db()
        self.assertEqual(cached.signature, "1:an older signature")  # not computed here
        tasks = DBTaskResult.objects.filter(task_path__endswith="refresh_opinion_analysis")
        self.assertEqual([t.args_kwargs["args"] for t in tasks], [[self.v1.pk]])
        # Asked once, however many times the page is seen.
        with self.captureOnCommitCallbacks(execute=True):
            self.client.get(self.workspace_url())
        self.assertEqual(tasks.count(), 1)

    def test_a_missing_analysis_is_being_computed(self) -> None:
        self.as_facilitator()
        with self.captureOnCommitCallbacks(execute=True):
            page = text(self.client.get(self.workspace_url()))
        self.assertIn(
            "The analysis of the votes (consensus and opinion groups) is being computed", page
        )
        self.assertFalse(OpinionAnalysis.objects.exists())
        self.assertTrue(
            DBTaskResult.objects.filter(task_path__endswith="refresh_opinion_analysis").exists()
        )

    def test_a_fresh_analysis_is_not_asked_again(self) -> None:
        self.cache_analysis(self.result())
        self.as_facilitator()
        with self.captureOnCommitCallbacks(execute=True):
            self.client.get(self.workspace_url())
        self.assertFalse(DBTaskResult.objects.exists())


class PermissionTests(SynthesisTestCase):
    suggestion: Comment
    inner: Method

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.suggestion = make_comment(cls.v1, cls.alice, "Deux appels", "suggestion")
        cls.inner = make_method(
            cls.facilitator, slug="interne", visibility=Method.Visibility.MEMBERS
        )
        make_version(cls.inner)
        make_version(cls.method, step_number=2, state=State.DRAFT)

    def status(
        self, user: User | None, method: str, url: str, data: dict[str, str] | None = None
    ) -> Any:
        self.client.logout()
        if user is not None:
            self.client.force_login(user)
        response = getattr(self.client, method)(url, data or {})
        if response.status_code == 302 and response["Location"].startswith(
            reverse("account_login")
        ):
            return "login"
        return response.status_code

    def test_only_facilitators_reach_the_workspace_and_decide(self) -> None:
        slug = self.method.slug
        cases = [
            ("get", reverse("methods:synthesis", args=[slug, 1]), None),
            ("post", self.disposition_url(self.suggestion), {"decision": "deferred"}),
            ("post", reverse("methods:synthesis-text", args=[slug, 1, 1]), {"synthesis": "x"}),
        ]
        expected = {None: "login", "bob": 403, "moderator": 403, "facilitator": (200, 302)}
        for method, url, data in cases:
            for who, wanted in expected.items():
                user = getattr(self, who) if who else None
                with self.subTest(url=url, who=who):
                    got = self.status(user, method, url, data)
                    if isinstance(wanted, tuple):
                        self.assertIn(got, wanted)
                    else:
                        self.assertEqual(got, wanted)
        self.assertEqual(Disposition.objects.get().decided_by, self.facilitator)
        self.assertEqual(StepVersion.objects.get(pk=self.v1.pk).synthesis, "x")

    def test_what_may_not_be_seen_is_404(self) -> None:
        # A step with only a draft, an unknown step or version, a members-only method.
        self.assertEqual(
            self.status(self.bob, "get", reverse("methods:synthesis", args=[self.method.slug, 2])),
            404,
        )
        self.assertEqual(
            self.status(
                self.facilitator, "get", reverse("methods:synthesis", args=[self.method.slug, 9])
            ),
            404,
        )
        self.assertEqual(self.status(self.facilitator, "get", self.workspace_url(7)), 404)
        self.assertEqual(self.status(self.facilitator, "get", self.workspace_url() + "?v=x"), 404)
        self.assertEqual(
            self.status(None, "get", reverse("methods:synthesis", args=["interne", 1])), "login"
        )
        self.assertEqual(
            self.status(self.bob, "get", reverse("methods:synthesis", args=["interne", 1])), 403
        )
        # A facilitator of another method is just a member here.
        other = make_user("autre@example.org", "Autre")
        make_method(other, slug="autre")
        self.assertEqual(self.status(other, "get", self.workspace_url()), 403)

    def test_a_draft_has_no_workspace(self) -> None:
        # Step 2's only version is a draft: nothing to synthesise there.
        url = reverse("methods:synthesis", args=[self.method.slug, 2])
        self.client.force_login(self.facilitator)
        response = self.client.get(url)
        self.assertContains(response, "there is no feedback to synthesise")
        self.assertEqual(self.status(self.facilitator, "get", url + "?v=1"), 404)

    def test_remarks_get_no_disposition(self) -> None:
        remark = make_comment(self.v1, self.alice, "Une remarque")
        self.client.force_login(self.facilitator)
        response = self.client.post(self.disposition_url(remark), {"decision": "deferred"})
        self.assertEqual(response.status_code, 404)
        with self.assertRaises(ValidationError):
            Disposition.record(remark, "deferred", "", self.facilitator)


class DispositionTests(SynthesisTestCase):
    suggestion: Comment

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.suggestion = make_comment(cls.v1, cls.alice, "Deux appels par semaine", "suggestion")

    def test_a_rejection_needs_a_reason(self) -> None:
        self.as_facilitator()
        response = self.client.post(
            self.disposition_url(self.suggestion), {"decision": "rejected", "reason": "   "}
        )
        self.assertEqual(response.status_code, 400)
        row = fragment(response, f"row-{self.suggestion.pk}")
        self.assertIn("Say why it is rejected: the reason is shown beside the comment.", row)
        self.assertContains(
            response,
            f'id="d{self.suggestion.pk}-reason" rows="2" aria-invalid="true"',
            status_code=400,
        )
        # The choice made is kept, checked.
        self.assertContains(
            response,
            f'value="rejected" id="d{self.suggestion.pk}-rejected" checked',
            status_code=400,
        )
        # Sent back from the form's own address, the page's forms still come back to the
        # workspace.
        self.assertContains(
            response, f'name="next" value="{self.workspace_url(1)}"', status_code=400
        )
        self.assertNotContains(response, 'href="?', status_code=400)
        self.assertFalse(Disposition.objects.exists())
        # The database refuses one too.
        with self.assertRaises(IntegrityError), transaction.atomic():
            Disposition.objects.create(comment=self.suggestion, decision="rejected", reason="")

    def test_a_decision_is_recorded_with_who_and_when_then_changed(self) -> None:
        self.as_facilitator()
        workspace = self.workspace_url(1, sort="votes")
        response = self.client.post(
            self.disposition_url(self.suggestion),
            {"decision": "integrated", "reason": "", "next": workspace},
        )
        self.assertRedirects(
            response, f"{workspace}#row-{self.suggestion.pk}", fetch_redirect_response=False
        )
        d = Disposition.objects.get()
        self.assertEqual((d.decision, d.decided_by), ("integrated", self.facilitator))
        other = make_user("co@example.org", "Coline")
        self.method.add_role(other, "facilitator")
        self.client.force_login(other)
        self.client.post(
            self.disposition_url(self.suggestion), {"decision": "rejected", "reason": "Déjà dit."}
        )
        d.refresh_from_db()
        self.assertEqual((d.decision, d.reason, d.decided_by), ("rejected", "Déjà dit.", other))
        self.assertEqual(Disposition.objects.count(), 1)
        row = fragment(self.client.get(self.workspace_url()), f"row-{self.suggestion.pk}")
        self.assertIn("Rejected Déjà dit. Coline,", row)

    def test_dispositions_are_public_beside_the_comment_and_in_a_summary(self) -> None:
        criticism = make_comment(self.v1, self.bob, "Trop long", "criticism")
        make_comment(self.v1, self.bob, "Pas encore décidée", "criticism")
        Disposition.record(
            criticism, "rejected", "La durée est le cœur de l'étape.", self.facilitator
        )
        Disposition.record(self.suggestion, "integrated", "", self.facilitator)
        self.client.logout()
        response = self.client.get(self.step_url())
        thread = fragment(response, criticism.anchor)
        self.assertIn("Decision: Rejected — La durée est le cœur de l'étape.", thread)
        self.assertIn("Fatou (facilitator)", thread)
        self.assertIn(
            "Decision: Integrated in the next version", fragment(response, self.suggestion.anchor)
        )
        summary = fragment(response, "synthesis")
        self.assertIn("What became of the suggestions and criticisms", summary)
        self.assertIn("Integrated (1), Rejected (1); 1 awaits a decision", summary)
        self.assertIn("Rejected Criticism: Trop long — La durée est le cœur de l'étape.", summary)
        self.assertContains(
            response, f'href="/methods/{self.method.slug}/steps/1/#{criticism.anchor}"'
        )

    def test_a_trashed_comment_keeps_its_disposition_out_of_sight(self) -> None:
        Disposition.record(self.suggestion, "deferred", "Plus tard.", self.facilitator)
        Comment.objects.filter(pk=self.suggestion.pk).update(status=Comment.Status.TRASHED)
        page = text(self.client.get(self.step_url()))
        self.assertNotIn("Plus tard.", page)
        self.assertNotIn("Deux appels", page)

    def test_the_step_page_reads_as_many_queries_with_dispositions(self) -> None:
        for i in range(3):
            c = make_comment(self.v1, self.bob, f"S{i}", "suggestion")
            Disposition.record(c, "deferred", "", self.facilitator)
        with CaptureQueriesContext(connection) as few:
            self.client.get(self.step_url())
        for i in range(20):
            c = make_comment(self.v1, self.bob, f"T{i}", "criticism")
            Disposition.record(c, "rejected", f"Raison {i}", self.facilitator)
        with CaptureQueriesContext(connection) as many:
            self.client.get(self.step_url())
        self.assertEqual(len(few), len(many))


class ImportedAuthorTests(SynthesisTestCase):
    def test_an_imported_comment_reads_imported_participant(self) -> None:
        participant = ImportedParticipant.objects.create(version=self.v1, external_id="17")
        comment = make_comment(
            self.v1, None, "Importée de Polis", "suggestion", imported_author=participant
        )
        erased = make_comment(self.v1, None, "", "suggestion", author_erased=True)
        page = self.client.get(self.step_url())
        self.assertIn("Imported participant", fragment(page, comment.anchor))
        self.assertNotIn("Former member", fragment(page, comment.anchor))
        self.assertIn("Former member", fragment(page, erased.anchor))
        self.as_facilitator()
        row = fragment(self.client.get(self.workspace_url()), f"row-{comment.pk}")
        self.assertIn("Imported participant", row)
        history = self.client.get(
            reverse("methods:comment-history", args=[self.method.slug, comment.pk])
        )
        self.assertContains(history, "Imported participant")


class QueriesTests(SynthesisTestCase):
    def add(self, count: int) -> None:
        kinds = ["suggestion", "criticism", "remark", "question"]
        for i in range(count):
            c = make_comment(
                self.v1, self.alice if i % 2 else self.bob, f"C{i}", kinds[i % 4], **votes(i, 2, 1)
            )
            if c.is_votable and i % 3 == 0:
                Disposition.record(c, "rejected", "Non.", self.facilitator)

    def queries(self, url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return len(queries)

    def test_the_workspace_reads_as_many_queries_for_5_and_60_comments(self) -> None:
        self.as_facilitator()
        self.add(5)
        OpinionAnalysis.objects.create(
            version=self.v1,
            signature=analysis.signature(self.v1),
            result={
                "participants": 3,
                "statements": 3,
                "clustered": 0,
                "groups_shown": False,
                "groups": [],
                "consensus": {"agree": [], "disagree": []},
                "group_consensus": [],
            },
        )
        few = self.queries(self.workspace_url())
        self.add(55)
        OpinionAnalysis.objects.filter(version=self.v1).update(
            signature=analysis.signature(self.v1)
        )
        self.assertEqual(few, self.queries(self.workspace_url()))

    def test_the_diff_reads_as_many_queries_for_2_and_30_dispositions(self) -> None:
        self.v1.close_feedback()
        v2 = make_version(self.method, number=2, state=State.DRAFT)
        StepVersion.objects.filter(pk=v2.pk).update(based_on=self.v1)
        self.add(4)
        StepVersion.objects.get(pk=v2.pk).validate()
        url = reverse("methods:diff", args=[self.method.slug, 1, 1, 2])
        few = self.queries(url)
        self.add(40)
        self.assertEqual(few, self.queries(url))


class ValidationTests(SynthesisTestCase):
    """From the workspace: validate the version as it stands, or write a revised version,
    validated directly; the previous validated version is superseded, the integrated
    dispositions point to the new one and the synthesis becomes public."""

    def setUp(self) -> None:
        super().setUp()
        self.taken = make_comment(self.v1, self.alice, "Deux appels par semaine", "suggestion")
        self.refused = make_comment(self.v1, self.bob, "Un tableur plutôt", "criticism")
        self.later = make_comment(self.v1, self.bob, "Et les amis ?", "criticism")
        Disposition.record(self.taken, "integrated", "", self.facilitator)
        Disposition.record(
            self.refused, "rejected", "Le réseau vit dans l'application.", self.facilitator
        )
        Disposition.record(self.later, "deferred", "", self.facilitator)
        self.v1.close_feedback()
        self.as_facilitator()

    def test_the_synthesis_text_is_public_once_validated(self) -> None:
        url = reverse("methods:synthesis-text", args=[self.method.slug, 1, 1])
        response = self.client.post(url, {"synthesis": "Les membres veulent **moins** d'appels."})
        self.assertRedirects(
            response, self.workspace_url(1) + "#synthesis-text", fetch_redirect_response=False
        )
        self.client.logout()
        self.assertNotContains(self.client.get(self.step_url()), "moins</strong> d'appels")
        self.v1.validate()
        response = self.client.get(self.step_url())
        self.assertIn("Les membres veulent moins d'appels.", fragment(response, "synthesis"))

    def test_validating_a_revised_version_supersedes_the_old_one_and_sets_integrated_in(
        self,
    ) -> None:
        make_version(self.method, step_number=1, number=0, state=State.VALIDATED)
        StepVersion.objects.filter(pk=self.v1.pk).update(synthesis="On garde deux appels.")
        workspace = self.client.get(self.workspace_url(1))
        new_url = (
            reverse("methods:version-new", args=[self.method.slug, 1]) + "?from=1&then=validate"
        )
        self.assertContains(workspace, new_url.replace("&", "&amp;"))
        # The revision starts from version 1's text.
        form = self.client.get(new_url)
        self.assertContains(form, "Appelez trois personnes perdues de vue.")
        self.assertContains(form, "you confirm its validation on the next page")
        response = self.client.post(
            new_url,
            {
                "title": "Renouer avec deux contacts dormants",
                "reasoning": "Un réseau se cultive.",
                "recommendation": "Appelez deux personnes perdues de vue.",
                "checklist_text": "",
            },
        )
        v2 = StepVersion.objects.get(step=self.v1.step, number=2)
        self.assertEqual((v2.state, v2.based_on_id), (State.DRAFT, self.v1.pk))
        confirm_url = reverse(
            "methods:version-transition", args=[self.method.slug, 1, 2, "validate"]
        )
        self.assertRedirects(response, confirm_url, fetch_redirect_response=False)
        confirm = text(self.client.get(confirm_url))
        self.assertIn(
            "It is validated directly, without a round of feedback of its own: it answers the "
            "feedback on version 1.",
            confirm,
        )
        self.assertIn("Version 0, validated until now, will be superseded", confirm)
        self.assertIn("Version 1, in synthesis until now, will be superseded too.", confirm)
        self.assertIn("The synthesis of the feedback on version 1 will be published", confirm)
        self.assertIn(
            "1 suggestion or criticism marked “integrated in the next version” will point to "
            "this version.",
            confirm,
        )

        response = self.client.post(confirm_url)
        self.assertRedirects(response, v2.get_absolute_url(), fetch_redirect_response=False)
        states = dict(StepVersion.objects.filter(step=self.v1.step).values_list("number", "state"))
        self.assertEqual(states, {0: State.SUPERSEDED, 1: State.SUPERSEDED, 2: State.VALIDATED})
        dispositions = {d.comment_id: d.integrated_in_id for d in Disposition.objects.all()}
        self.assertEqual(
            dispositions, {self.taken.pk: v2.pk, self.refused.pk: None, self.later.pk: None}
        )
        self.assertIsNotNone(StepVersion.objects.get(pk=self.v1.pk).synthesis_published_at)

        # The step page: version 2, the synthesis that led to it, the decisions.
        self.client.logout()
        page = self.client.get(self.step_url())
        self.assertIn(
            "On version 1, which led to this one On garde deux appels.",
            fragment(page, "synthesis"),
        )
        self.assertIn("Decision: Integrated in version 2", fragment(page, self.taken.anchor))

        # The diff: what changed, beside what caused it.
        diff = self.client.get(reverse("methods:diff", args=[self.method.slug, 1, 1, 2]))
        causes = fragment(diff, "causes")
        self.assertIn("1 suggestion or criticism integrated", causes)
        causes = text(diff)
        self.assertIn(
            "Integrated in version 2 Suggestion, on version 1: Deux appels par semaine", causes
        )
        self.assertIn("2 rejected or deferred", causes)
        self.assertIn(
            "Rejected Criticism, on version 1: Un tableur plutôt — "
            "Le réseau vit dans l'application.",
            causes,
        )
        self.assertContains(
            diff, f'href="/methods/{self.method.slug}/steps/1/#{self.taken.anchor}"'
        )
        # The versions before version 1 had nothing to do with it.
        self.assertNotIn(
            "Deux appels par semaine",
            text(self.client.get(reverse("methods:diff", args=[self.method.slug, 1, 0, 1]))),
        )

    def test_validating_as_it_stands_leaves_integrated_ones_waiting(self) -> None:
        url = reverse("methods:version-transition", args=[self.method.slug, 1, 1, "validate"])
        self.assertContains(self.client.get(self.workspace_url()), url)
        self.client.post(url)
        self.assertEqual(StepVersion.objects.get(pk=self.v1.pk).state, State.VALIDATED)
        self.assertIsNone(Disposition.objects.get(comment=self.taken).integrated_in)
        # Version 2, written later and published for feedback, then validated, takes them.
        v2 = make_version(self.method, number=2, state=State.OPEN)
        StepVersion.objects.filter(pk=v2.pk).update(based_on=self.v1)
        v2.refresh_from_db()
        self.assertTrue(v2.validate())
        self.assertEqual(Disposition.objects.get(comment=self.taken).integrated_in, v2)

    def test_a_first_draft_is_not_validated_directly(self) -> None:
        draft = make_version(self.method, step_number=2, state=State.DRAFT)
        url = reverse("methods:version-transition", args=[self.method.slug, 2, 1, "validate"])
        self.assertContains(self.client.get(url), "it cannot be validated as it stands")
        self.client.post(url)
        draft.refresh_from_db()
        self.assertEqual(draft.state, State.DRAFT)

    def test_changing_an_integrated_decision_unties_it_from_its_version(self) -> None:
        v2 = make_version(self.method, number=2, state=State.DRAFT)
        StepVersion.objects.filter(pk=v2.pk).update(based_on=self.v1)
        StepVersion.objects.get(pk=v2.pk).validate()
        Disposition.record(self.taken, "integrated", "Reformulée", self.facilitator)
        self.assertEqual(Disposition.objects.get(comment=self.taken).integrated_in_id, v2.pk)
        Disposition.record(self.taken, "deferred", "", self.facilitator)
        self.assertIsNone(Disposition.objects.get(comment=self.taken).integrated_in)

    def test_the_workspace_links_the_validated_versions_diff(self) -> None:
        v2 = make_version(self.method, number=2, state=State.DRAFT)
        StepVersion.objects.filter(pk=v2.pk).update(based_on=self.v1)
        StepVersion.objects.filter(pk=self.v1.pk).update(
            state=State.VALIDATED, validated_at=timezone.now()
        )
        StepVersion.objects.get(pk=v2.pk).validate()
        response = self.client.get(self.workspace_url(1))
        self.assertContains(response, reverse("methods:diff", args=[self.method.slug, 1, 1, 2]))
        self.assertIn("Validated version 1 → 2", text(response))
        # The default version is the latest validated one once nothing is in discussion.
        self.assertContains(
            self.client.get(self.workspace_url()), '<strong aria-current="page">Version 2</strong>'
        )
        # And the step page links facilitators to the workspace.
        self.assertContains(
            self.client.get(self.step_url()),
            reverse("methods:synthesis", args=[self.method.slug, 1]) + "?v=2",
        )
        # The workspace leads to the open formats of the version it shows.
        self.assertContains(
            self.client.get(self.workspace_url(1)),
            reverse("methods:polis-import", args=[self.method.slug, 1, 1]),
        )
