"""The open formats' pages (``views_polis.py``): a version's feedback exported in Polis' CSV
shapes and a Polis conversation imported into a version, for its facilitators only; exports
name nobody; an import is whole or nothing, once per conversation and version; and a version
exported then imported elsewhere gives the same analysis."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from entregent.method import analysis, polis_io
from entregent.method.forms_polis import AlreadyImported, PolisImportForm
from entregent.method.models import (
    Comment,
    ImportedParticipant,
    Method,
    ModerationAction,
    OpinionAnalysis,
    StepVersion,
    Vote,
)
from entregent.method.tests.feedback_factories import (
    FeedbackTestCase,
    make_comment,
    make_method,
    make_version,
)
from entregent.test import make_user

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

DATA = Path(__file__).parent / "data" / "polis"
FRESHWATER = DATA / "scoop-hivemind.freshwater"
IMMEDIATE_TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default"],
    }
}
TABLES = ("comments", "votes", "participants-votes")

COMMENTS = (
    "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
    "1500000000000,,0,1,9,9,1,Moderated in.\n"
    '1500000001000,,1,2,0,0,0,"Not moderated,\nover two lines."\n'
    "1500000002000,,2,1,0,0,-1,Moderated out.\n"
)
VOTES = (
    "timestamp,datetime,comment-id,voter-id,vote\n"
    "1500000005000,,0,1,1\n"
    "1500000006000,,0,2,-1\n"
    "1500000007000,,0,2,1\n"  # voter 2 changed their mind: agree counts
    "1500000008000,,1,3,0\n"
    "1500000009000,,2,3,1\n"
)


def upload(name: str, content: str | bytes) -> SimpleUploadedFile:
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="text/csv")


class PolisPagesTestCase(FeedbackTestCase):
    def import_url(self, version: StepVersion | None = None) -> str:
        version = version or self.v1
        return reverse(
            "methods:polis-import",
            args=[version.step.method.slug, version.step.number, version.number],
        )

    def export_url(self, table: str, version: StepVersion | None = None) -> str:
        version = version or self.v1
        return reverse(
            "methods:polis-export",
            args=[version.step.method.slug, version.step.number, version.number, table],
        )

    def post_import(
        self, comments: str | bytes, votes: str | bytes, version: StepVersion | None = None
    ) -> TestResponse:
        self.client.force_login(self.facilitator)
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(
                self.import_url(version),
                {
                    "comments": upload("comments.csv", comments),
                    "votes": upload("votes.csv", votes),
                },
            )

    def export(self, table: str, version: StepVersion | None = None) -> str:
        self.client.force_login(self.facilitator)
        response = self.client.get(self.export_url(table, version))
        self.assertEqual(response.status_code, 200)
        return response.content.decode()


class PermissionTests(PolisPagesTestCase):
    def urls(self, version: StepVersion | None = None) -> list[str]:
        return [self.import_url(version)] + [self.export_url(t, version) for t in TABLES]

    def test_only_the_facilitators_reach_them(self) -> None:
        for url in self.urls():
            with self.subTest(url):
                self.client.logout()
                response = self.client.get(url)
                self.assertEqual(response.status_code, 302)
                self.assertIn("/accounts/login/", response["Location"])
                for user in (self.alice, self.moderator):
                    self.client.force_login(user)
                    self.assertEqual(self.client.get(url).status_code, 403)
                self.client.force_login(self.facilitator)
                self.assertEqual(self.client.get(url).status_code, 200)

    def test_an_import_posted_by_someone_else_is_refused_and_writes_nothing(self) -> None:
        self.client.force_login(self.moderator)
        response = self.client.post(
            self.import_url(),
            {"comments": upload("comments.csv", COMMENTS), "votes": upload("votes.csv", VOTES)},
        )
        self.assertEqual(response.status_code, 403)
        self.assertFalse(ImportedParticipant.objects.exists())

    def test_a_version_nobody_else_may_see_is_not_found(self) -> None:
        draft = make_version(self.method, number=2, state=StepVersion.State.DRAFT)
        for url in self.urls(draft):
            with self.subTest(url):
                self.client.force_login(self.alice)
                self.assertEqual(self.client.get(url).status_code, 404)
                self.client.force_login(self.facilitator)
                self.assertEqual(self.client.get(url).status_code, 200)
        self.client.force_login(self.facilitator)
        self.assertEqual(self.client.get(self.export_url("summary")).status_code, 404)
        members = make_method(self.facilitator, slug="prive", visibility=Method.Visibility.MEMBERS)
        hidden = make_version(members)
        self.client.logout()
        for url in self.urls(hidden):
            self.assertEqual(self.client.get(url).status_code, 302)


class ExportTests(PolisPagesTestCase):
    def setUp(self) -> None:
        self.s1 = make_comment(self.v1, self.alice, "Call one person a week.", kind="suggestion")
        self.s2 = make_comment(self.v1, self.bob, "Too slow.", kind="criticism")
        self.held = make_comment(self.v1, self.bob, "Held.", kind="suggestion", status="held")
        make_comment(self.v1, self.bob, "A remark is no statement.")
        self.trashed = make_comment(
            self.v1, self.charlie, "Call Zoé Martin", kind="suggestion", status="trashed"
        )
        Vote.cast(self.s1, self.bob, "agree")
        Vote.cast(self.s1, self.charlie, "disagree")
        Vote.cast(self.s2, self.alice, "pass")
        Vote.cast(self.trashed, self.alice, "agree")

    def test_the_three_files_are_polis_shaped_and_name_nobody(self) -> None:
        comments = polis_io.read_comments(self.export("comments"))
        votes = polis_io.read_votes(self.export("votes"))
        table = polis_io.read_participants_votes(self.export("participants-votes"))
        self.assertEqual(
            [(c.comment_id, c.body, c.moderated) for c in comments],
            [
                (self.s1.pk, self.s1.body, 1),
                (self.s2.pk, self.s2.body, 1),
                (self.held.pk, "Held.", 0),
            ],
        )
        self.assertEqual((comments[0].agrees, comments[0].disagrees), (1, 1))
        self.assertEqual(len(votes), 3)
        # Pseudonyms: numbers from 0, in the order people first took part, the same everywhere.
        participants = [row.participant for row in table]
        self.assertEqual(participants, [str(n) for n in range(len(participants))])
        authors = {c.author_id for c in comments}
        self.assertLessEqual(authors | {v.voter_id for v in votes}, set(participants))
        alice = comments[0].author_id
        self.assertEqual({v.vote for v in votes if v.voter_id == alice}, {0})
        everything = "".join(self.export(t) for t in TABLES)
        for user in (self.alice, self.bob, self.charlie):
            self.assertNotIn(user.email, everything)
            self.assertNotIn(user.display_name, everything)
        self.assertNotIn("Zoé Martin", everything)

    def test_the_file_is_a_download_named_after_the_version(self) -> None:
        self.client.force_login(self.facilitator)
        response = self.client.get(self.export_url("votes"))
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertEqual(
            response["Content-Disposition"], 'attachment; filename="reseau-step-1-v1-votes.csv"'
        )

    def test_participants_carry_their_opinion_group_once_analysed(self) -> None:
        self.assertTrue(
            all(
                r.group_id is None
                for r in polis_io.read_participants_votes(self.export("participants-votes"))
            )
        )
        members = {f"u{u.pk}" for u in (self.alice, self.bob)}
        OpinionAnalysis.objects.create(
            version=self.v1,
            result={
                "groups": [{"members": sorted(members)}, {"members": [f"u{self.charlie.pk}"]}]
            },
        )
        table = polis_io.read_participants_votes(self.export("participants-votes"))
        self.assertEqual(sorted(r.group_id for r in table if r.group_id is not None), [0, 0, 1])


@override_settings(TASKS=IMMEDIATE_TASKS)
class ImportTests(PolisPagesTestCase):
    def test_a_conversation_arrives_as_imported_participants_comments_and_votes(self) -> None:
        response = self.post_import(COMMENTS, VOTES)
        self.assertRedirects(response, self.import_url(), fetch_redirect_response=False)
        people = ImportedParticipant.objects.filter(version=self.v1)
        self.assertEqual(people.count(), 3)
        comments = {c.body: c for c in Comment.objects.filter(version=self.v1)}
        moderated_in = comments["Moderated in."]
        self.assertEqual(moderated_in.kind, Comment.Kind.SUGGESTION)
        self.assertEqual(moderated_in.status, Comment.Status.PUBLISHED)
        self.assertIsNone(moderated_in.author)
        self.assertIsNotNone(moderated_in.imported_author)
        self.assertTrue(moderated_in.external_id.endswith(":0"))
        # Counts from the latest votes, not the file's 9 and 9.
        self.assertEqual(
            (moderated_in.agree_count, moderated_in.disagree_count, moderated_in.pass_count),
            (2, 0, 0),
        )
        self.assertEqual(comments["Not moderated,\nover two lines."].status, "published")
        out = comments["Moderated out."]
        self.assertEqual((out.status, out.trash_reason), ("trashed", "other"))
        self.assertEqual(out.agree_count, 1)
        log = ModerationAction.objects.get(comment=out)
        self.assertEqual((log.action, log.reason, log.moderator), ("trash", "other", None))
        self.assertEqual(Vote.objects.filter(comment__version=self.v1).count(), 4)
        self.assertFalse(Vote.objects.filter(participant__isnull=True).exists())
        self.assertEqual(moderated_in.created_at.year, 2017)
        # The worker analysed it: the comment moderated out is not in it.
        cached, stale = analysis.state(self.v1)
        self.assertFalse(stale)
        assert cached is not None
        self.assertEqual((cached.result["participants"], cached.result["statements"]), (3, 2))
        page = self.client.get(self.import_url())
        self.assertContains(page, "Comments: 3 (moderated out, in the trash: 1). Votes: 4.")
        self.assertContains(page, "This version already holds 3 imported participants.")

    def test_a_second_import_of_the_same_conversation_is_refused(self) -> None:
        self.post_import(COMMENTS, VOTES)
        before = (
            Comment.objects.count(),
            Vote.objects.count(),
            ImportedParticipant.objects.count(),
        )
        response = self.post_import(COMMENTS, VOTES)
        self.assertEqual(response.status_code, 200)
        self.assertContains(
            response,
            "This conversation is already imported into version 1: importing it again would "
            "count its votes twice.",
        )
        after = (
            Comment.objects.count(),
            Vote.objects.count(),
            ImportedParticipant.objects.count(),
        )
        self.assertEqual(before, after)
        # Another conversation is welcome.
        other = COMMENTS.replace("Moderated in.", "Another conversation.")
        self.assertEqual(self.post_import(other, VOTES).status_code, 302)
        self.assertEqual(ImportedParticipant.objects.count(), 6)

    def test_a_bad_file_says_where_and_writes_nothing(self) -> None:
        bad_votes = VOTES + "1500000010000,,1,4,yes\n"
        response = self.post_import(COMMENTS, bad_votes)
        self.assertEqual(response.status_code, 200)
        self.assertContains(
            response, "votes.csv, line 7, column vote: &#x27;yes&#x27; is not a whole number."
        )
        response = self.post_import(COMMENTS, VOTES + "1500000010000,,7,4,1\n")
        self.assertContains(
            response, "votes.csv, line 7, column comment-id: comment 7 is not in comments.csv."
        )
        response = self.post_import("\xff\xfe".encode("latin-1") + b"x", VOTES)
        self.assertContains(response, "comments.csv: this is not UTF-8 text")
        self.assertFalse(ImportedParticipant.objects.exists())
        self.assertFalse(Comment.objects.exists())

    def test_a_draft_takes_no_import(self) -> None:
        draft = make_version(self.method, number=2, state=StepVersion.State.DRAFT)
        response = self.post_import(COMMENTS, VOTES, draft)
        self.assertContains(response, "this one is draft.")
        self.assertFalse(Comment.objects.exists())

    def test_an_import_that_fails_half_way_leaves_nothing_behind(self) -> None:
        form = PolisImportForm(
            data={},
            files={
                "comments": upload("comments.csv", COMMENTS),
                "votes": upload("votes.csv", VOTES),
            },
            version=self.v1,
        )
        self.assertTrue(form.is_valid())
        assert form.conversation is not None
        # Someone imported voter 3 of this conversation in between: the last participant's row
        # collides, after the others were written.
        ImportedParticipant.objects.create(
            version=self.v1, external_id=f"{form.conversation.fingerprint}:3"
        )
        with self.assertRaises(AlreadyImported):
            form.save()
        self.assertEqual(ImportedParticipant.objects.count(), 1)
        self.assertFalse(Comment.objects.exists())
        self.assertFalse(Vote.objects.exists())

    def test_a_real_conversation_is_imported_whole(self) -> None:
        response = self.post_import(
            (FRESHWATER / "comments.csv").read_bytes(), (FRESHWATER / "votes.csv").read_bytes()
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(ImportedParticipant.objects.count(), 117)
        self.assertEqual(Comment.objects.filter(status="published").count(), 51)
        self.assertEqual(Comment.objects.filter(status="trashed").count(), 29)
        self.assertEqual(Vote.objects.count(), 3972)
        cached, stale = analysis.state(self.v1)
        assert cached is not None
        self.assertFalse(stale)
        self.assertEqual(cached.result["k"], 2)
        self.assertEqual(sorted(g["size"] for g in cached.result["groups"]), [25, 75])


@override_settings(TASKS=IMMEDIATE_TASKS)
class RoundTripTests(PolisPagesTestCase):
    def test_a_version_exported_and_imported_elsewhere_gives_the_same_analysis(self) -> None:
        statements = [
            make_comment(self.v1, self.alice, f"Statement {i}", kind="suggestion")
            for i in range(8)
        ]
        voters = [make_user(f"voter{i}@example.org", f"Voter {i}") for i in range(18)]
        for i, voter in enumerate(voters):
            camp = "agree" if i % 2 else "disagree"
            for j, statement in enumerate(statements):
                if j < 3:
                    choice = camp
                elif j == 7:
                    choice = "pass" if i % 3 else "agree"
                else:
                    choice = "agree"
                if (i + j) % 9:  # a few unseen
                    Vote.cast(statement, voter, choice)
        original = analysis.refresh(self.v1.pk).result
        self.assertTrue(original["groups_shown"])

        comments, votes = self.export("comments"), self.export("votes")
        v2 = make_version(self.method, step_number=2)
        self.assertEqual(self.post_import(comments, votes, v2).status_code, 302)
        cached, stale = analysis.state(v2)
        assert cached is not None
        self.assertFalse(stale)
        imported = cached.result

        old_pk = {
            c.pk: int(c.external_id.split(":")[1]) for c in Comment.objects.filter(version=v2)
        }

        def who(result: dict[str, Any], version: StepVersion) -> list[Any]:
            # Each participant by what they voted: the names differ, the votes do not.
            votes_of: dict[str, list[tuple[int, str]]] = {}
            for vote in Vote.objects.filter(comment__version=version):
                key = f"u{vote.voter_id}" if vote.voter_id else f"i{vote.participant_id}"
                statement = old_pk.get(vote.comment_id, vote.comment_id)
                votes_of.setdefault(key, []).append((statement, vote.choice))
            return sorted(
                sorted(Counter(tuple(sorted(votes_of[m])) for m in group["members"]).items())
                for group in result["groups"]
            )

        for key in ("participants", "statements", "clustered", "groups_shown", "k", "silhouette"):
            self.assertEqual(imported[key], original[key], key)
        self.assertEqual(who(imported, v2), who(original, self.v1))
        for direction in ("agree", "disagree"):
            self.assertEqual(
                [
                    {**s, "statement": old_pk[s["statement"]]}
                    for s in imported["consensus"][direction]
                ],
                original["consensus"][direction],
            )
        self.assertEqual(
            [{**s, "statement": old_pk[s["statement"]]} for s in imported["group_consensus"]],
            original["group_consensus"],
        )
        for mine, theirs in zip(imported["groups"], original["groups"], strict=True):
            self.assertEqual(
                [{**r, "statement": old_pk[r["statement"]]} for r in mine["representative"]],
                theirs["representative"],
            )
