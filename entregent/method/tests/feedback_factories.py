"""Plain factories for the feedback tests: a method with its team, open versions, comments."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from entregent.accounts.models import User
from entregent.method.models import Comment, Method, MethodRole, Step, StepVersion


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
