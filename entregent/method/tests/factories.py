"""Plain factories for the method's tests: a method with its team, steps and versions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from entregent.accounts.models import User
from entregent.method.models import Method, MethodRole, Step, StepVersion, Subscription


def make_method(
    facilitator: User,
    *,
    moderator: User | None = None,
    slug: str = "developper-son-reseau",
    title: str = "Développer son réseau",
    visibility: str = Method.Visibility.PUBLIC,
    language: str = "fr",
    description: str = "Une méthode pour développer son réseau, construite avec les membres.",
) -> Method:
    method = Method.objects.create(
        title=title,
        slug=slug,
        description=description,
        language=language,
        visibility=visibility,
        created_by=facilitator,
    )
    method.add_role(facilitator, MethodRole.Role.FACILITATOR)
    if moderator is not None:
        method.add_role(moderator, MethodRole.Role.MODERATOR)
    return method


def make_version(
    method: Method,
    step_number: int = 1,
    number: int = 1,
    *,
    state: str = StepVersion.State.DRAFT,
    title: str = "Faire l'inventaire de son réseau",
    recommendation: str = "Listez les personnes que vous connaissez.",
    **fields: Any,
) -> StepVersion:
    """A version in ``state``, with the dates that state implies."""
    step, _ = Step.objects.get_or_create(method=method, number=step_number)
    now = timezone.now()
    published = state in StepVersion.PUBLISHED_STATES
    dates: dict[str, Any] = {
        "published_at": now if published else None,
        "closed_at": now
        if state in (StepVersion.State.SYNTHESIS, StepVersion.State.VALIDATED)
        else None,
        "validated_at": now if state == StepVersion.State.VALIDATED else None,
        "publish_at": now + dt.timedelta(days=1) if state == StepVersion.State.SCHEDULED else None,
    }
    dates.update(fields)
    dates.setdefault("reasoning", "Un réseau se cultive.")
    return StepVersion.objects.create(
        step=step,
        number=number,
        title=title,
        recommendation=recommendation,
        state=state,
        **dates,
    )


def subscribe(method: Method, *users: User) -> None:
    for user in users:
        Subscription.objects.create(method=method, user=user)
