"""The step page reads a fixed number of queries, whatever the number of comments and votes."""

from __future__ import annotations

import itertools

from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from entregent.accounts.models import User
from entregent.method.access import get_method, get_step
from entregent.method.feedback import thread_context
from entregent.method.models import Comment, CommentRevision, Vote
from entregent.method.tests.feedback_factories import (
    FeedbackTestCase,
    make_comment,
    make_version,
)
from entregent.test import make_user

KINDS = itertools.cycle(["suggestion", "criticism", "remark", "question"])


class StepPageQueriesTests(FeedbackTestCase):
    voters: list[User]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.voters = [make_user(f"voter{i}@example.org", f"Voter {i}") for i in range(6)]

    def add_comments(self, count: int) -> None:
        """``count`` comments by several authors, a third of them replies (two levels),
        edited, trashed, held and flagged ones among them, each votable one voted on."""
        authors = [self.alice, self.bob, self.charlie, self.facilitator, *self.voters]
        made: list[Comment] = []
        for i in range(count):
            parent = made[i - 1] if i % 3 and made[i - 1].depth < 3 else None
            status = "published"
            if i % 10 == 4:
                status = "trashed"
            elif i % 10 == 7:
                status = "held"
            comment = make_comment(
                self.v1,
                authors[i % len(authors)],
                f"Commentaire **{i}**",
                next(KINDS),
                parent=parent,
                status=status,
                trash_reason="off_topic" if status == "trashed" else "",
                open_flag_count=1 if i % 10 == 9 else 0,
            )
            if i % 5 == 0:
                CommentRevision.objects.create(comment=comment, kind="remark", body="avant")
                Comment.objects.filter(pk=comment.pk).update(edited_at=comment.created_at)
            made.append(comment)
            if comment.is_votable and status == "published":
                for voter, choice in zip(
                    [self.alice, *self.voters],
                    itertools.cycle(["agree", "disagree", "pass"]),
                    strict=False,
                ):
                    Vote.cast(comment, voter, choice)

    def page_queries(self, user: User | None) -> int:
        if user is None:
            self.client.logout()
        else:
            self.client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(self.step_url())
        self.assertEqual(response.status_code, 200)
        return len(queries)

    def test_the_step_page_reads_as_many_queries_for_5_and_50_comments(self) -> None:
        self.add_comments(5)
        few = {who: self.page_queries(user) for who, user in self.readers()}
        self.add_comments(45)
        many = {who: self.page_queries(user) for who, user in self.readers()}
        self.assertEqual(few, many)

    def test_older_versions_add_no_queries(self) -> None:
        self.add_comments(5)
        before = self.page_queries(self.alice)
        self.v1.validate()
        v2 = make_version(self.method, number=2)
        for i in range(10):
            make_comment(v2, self.bob, f"Sur v2 {i}", "suggestion")
        self.assertEqual(before, self.page_queries(self.alice))

    def test_thread_context_reads_a_fixed_number_of_queries(self) -> None:
        self.add_comments(30)
        request = RequestFactory().get(self.step_url())
        request.user = self.alice
        method = get_method(request, self.method.slug)
        step = get_step(request, method, 1)
        method.is_moderator(self.alice)  # the page has read the roles already
        with CaptureQueriesContext(connection) as queries:
            context = thread_context(request, method, step, self.v1)
        # The comments, the team's roles, Alice's votes, Alice's flags.
        self.assertEqual(len(queries), 4, [q["sql"] for q in queries.captured_queries])
        self.assertGreater(len(context["feedback"].sections[0].entries), 20)

    def readers(self) -> list[tuple[str, User | None]]:
        return [
            ("visitor", None),
            ("member", self.alice),
            ("moderator", self.moderator),
        ]
