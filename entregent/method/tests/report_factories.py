"""Plain factories for the tests of progress reports, the feed and the guide's verdicts:
versions that set an expectation, members who applied them and debriefed, and the releases
the real rules make of them (``releases.consider_release``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from entregent.goals.models import Outcome
from entregent.method import releases
from entregent.method.models import Adoption, Debrief, Method, ResultsRelease, StepVersion
from entregent.method.tests.factories import make_version
from entregent.test import make_user

State = StepVersion.State


def expected_version(
    method: Method, step: int = 1, number: int = 1, *, state: str = State.VALIDATED, **fields: Any
) -> StepVersion:
    """A version expecting at least 2 reactivated contacts for 60% of those who apply it,
    within 30 days (validated, unless ``state`` says otherwise)."""
    fields.setdefault("title", f"Renouer avec ses liens dormants (v{number})")
    if state == State.SUPERSEDED:
        fields.setdefault("validated_at", timezone.now() - dt.timedelta(days=90))
    return make_version(
        method,
        step,
        number,
        state=state,
        expected_kind=Outcome.Kind.REACTIVATION,
        expected_count=2,
        expected_share=60,
        expected_window_days=30,
        **fields,
    )


def debriefs(version: StepVersion, numbers: list[int], prefix: str = "member") -> list[Debrief]:
    """One new member per number, who applied ``version`` 60 days ago and debriefed it
    yesterday (their window has ended: they count), with that number as the verdict's."""
    today = timezone.localdate()
    made = []
    for n, number in enumerate(numbers):
        owner = make_user(f"{prefix}-{version.pk}-{n}@example.org", f"{prefix.title()} {n}")
        adoption = Adoption.objects.create(
            owner=owner, version=version, adopted_on=today - dt.timedelta(days=60)
        )
        made.append(
            Debrief.objects.create(
                adoption=adoption,
                owner=owner,
                version=version,
                written_on=today - dt.timedelta(days=1),
                measured={"reactivation": number},
                window_measured=number,
                assessment=Debrief.Assessment.PARTLY,
                usefulness=3,
            )
        )
    return made


def release(version: StepVersion) -> ResultsRelease | None:
    """What the release rules make of ``version``'s debriefs now."""
    return releases.consider_release(version)
