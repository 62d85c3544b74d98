"""Plain factories for the feedback tests: a method with its team, open versions, comments;
and the base test case with a public method whose step 1 is open for feedback."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from entregent.accounts.models import User
from entregent.method.models import Comment, Method, MethodRole, Step, StepVersion
from entregent.test import BaseTestCase


def make_method(
    facilitator: User,
    moderator: User | None = None,
    slug: str = "reseau",
    visibility: str = Method.Visibility.PUBLIC,
) -> Method:
    method = Method.objects.create(
        title="Développer son réseau", slug=slug, visibility=visibility, created_by=facilitator
    )
    method.add_role(facilitator, MethodRole.Role.FACILITATOR)
    if moderator is not None:
        method.add_role(moderator, MethodRole.Role.MODERATOR)
    return method


def make_version(
    method: Method,
    step_number: int = 1,
    number: int = 1,
    state: str = StepVersion.State.OPEN,
    title: str = "Renouer avec trois contacts dormants",
) -> StepVersion:
    step, _ = Step.objects.get_or_create(method=method, number=step_number)
    now = timezone.now()
    published = state in StepVersion.PUBLISHED_STATES
    return StepVersion.objects.create(
        step=step,
        number=number,
        title=title,
        reasoning="Un réseau se cultive.",
        recommendation="Appelez trois personnes perdues de vue.",
        state=state,
        published_at=now if published else None,
        validated_at=now if state == StepVersion.State.VALIDATED else None,
    )


def make_comment(
    version: StepVersion,
    author: User | None,
    body: str = "Une remarque.",
    kind: str = Comment.Kind.REMARK,
    parent: Comment | None = None,
    **fields: Any,
) -> Comment:
    return Comment.objects.create(
        version=version,
        step_id=version.step_id,
        author=author,
        parent=parent,
        depth=parent.depth + 1 if parent else 1,
        kind=kind,
        body=body,
        **fields,
    )


class FeedbackTestCase(BaseTestCase):
    method: Method
    v1: StepVersion

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # Accounts older than the "new account" window: nothing of theirs is held.
        old = timezone.now() - dt.timedelta(days=365)
        for user in (cls.alice, cls.bob, cls.charlie, cls.facilitator, cls.moderator):
            user.date_joined = old
            user.save(update_fields=["date_joined"])
        cls.method = make_method(cls.facilitator, cls.moderator)
        cls.v1 = make_version(cls.method)

    def step_url(self, number: int = 1) -> str:
        return reverse("methods:step", args=[self.method.slug, number])

    def create_url(self, version: StepVersion | None = None) -> str:
        version = version or self.v1
        return reverse(
            "methods:comment-create",
            args=[self.method.slug, version.step.number, version.number],
        )

    def post_comment(self, body: str, kind: str = "remark", **extra: str) -> Any:
        return self.client.post(self.create_url(), {"kind": kind, "body": body, **extra})
