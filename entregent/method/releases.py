"""The published results of step versions: frozen releases of their figures, made only when
the rules of small numbers allow (``method/results.py`` computes the figures).

Why releases. Figures computed live would change with every debrief, and a reader comparing
the page before and after one member's debrief would read that member's numbers in the
difference. So the figures of a version are frozen in a ``ResultsRelease``, and a new release
is made only when

- at least ``MIN_MEMBERS`` distinct members have debriefed the version (nothing is shown
  below that: if erasures or deletions bring a version under it, a release saying "not
  enough data" replaces the figures at once, which reveals nobody's numbers), and
- at least ``MIN_CHANGED`` members changed since the last release that showed figures: they
  debriefed (a first debrief, a new one or an edit) or their debriefs are gone (the member
  deleted them or erased their account).

So two releases always differ by five members at least. An erased member's numbers leave the
figures at the next release; their published texts, read live, leave the pages at once.

``consider_release(version)`` applies these rules: called after each debrief is saved or
deleted (``transaction.on_commit``), and by the scheduler's ``method.release_results`` job for
what no save announces (an erasure) and anything missed. ``latest(versions)`` reads the
current figures of many versions in one query.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from entregent.method import measure, results
from entregent.method.models import (
    Adoption,
    Debrief,
    Method,
    ResultsRelease,
    Step,
    StepVersion,
)

Figures = dict[str, Any]


def latest_debriefs(version_ids: Iterable[int]) -> dict[int, list[results.MemberDebrief]]:
    """Each member's latest debrief of each version (by date written, then by creation), as
    the results read them: one query."""
    rows = (
        Debrief.objects.filter(version_id__in=list(version_ids))
        .order_by("version_id", "owner_id", "-written_on", "-pk")
        .values_list(
            "version_id",
            "owner_id",
            "adoption__adopted_on",
            "written_on",
            *Debrief.FIGURES,
        )
    )
    found: dict[int, list[results.MemberDebrief]] = {}
    seen: set[tuple[int, int]] = set()
    for version_id, owner_id, adopted_on, written_on, *numbers in rows:
        if (version_id, owner_id) in seen:
            continue
        seen.add((version_id, owner_id))
        measured, corrected, window_measured, window_corrected, assessment, usefulness = numbers
        found.setdefault(version_id, []).append(
            results.MemberDebrief(
                adopted_on=adopted_on,
                written_on=written_on,
                measured=measured or {},
                corrected=corrected or {},
                window_measured=window_measured,
                window_corrected=window_corrected,
                assessment=assessment,
                usefulness=usefulness,
            )
        )
    return found


def compute(version: StepVersion) -> results.VersionResults:
    """The figures of ``version`` now, from the live debriefs (what the next release would
    hold). Three queries."""
    members = latest_debriefs([version.pk]).get(version.pk, [])
    adoptions = Adoption.objects.filter(version=version).aggregate(
        total=Count("pk"), abandoned=Count("pk", filter=Q(status=Adoption.Status.ABANDONED))
    )
    return results.compute(
        members,
        adopters=adoptions["total"],
        abandoned=adoptions["abandoned"],
        expectation=results.Expectation.of(version),
        keys=measure.KEYS,
    )


def changed_since(version: StepVersion, release: ResultsRelease) -> int:
    """Members whose debriefs of ``version`` changed since ``release``: who wrote one since or
    changed its numbers (not only its words or visibility: ``Debrief.figures_changed_at``),
    plus those counted then whose debriefs are gone (deleted, or erased with their account).
    Two queries."""
    debriefs = Debrief.objects.filter(version=version)
    changed = (
        debriefs.filter(figures_changed_at__gt=release.created_at)
        .values("owner_id")
        .distinct()
        .count()
    )
    still_there = (
        debriefs.filter(created_at__lte=release.created_at).values("owner_id").distinct().count()
    )
    was_there = int(release.figures.get("debriefed", 0))
    return changed + max(0, was_there - still_there)


@transaction.atomic
def consider_release(version: StepVersion) -> ResultsRelease | None:
    """Make a new release of ``version``'s figures if the rules allow it (the module's
    docstring); answer it, or None when the published figures stay as they are."""
    # One release at a time per version: a second caller waits here, then sees the first's
    # release (SQLite serialises writers anyway).
    StepVersion.objects.select_for_update().filter(pk=version.pk).values_list("pk").first()
    # Read once: the current release and, after a withdrawal, the last one that showed figures.
    releases = list(ResultsRelease.objects.filter(version=version).order_by("-created_at", "-pk"))
    current = releases[0] if releases else None
    computed = compute(version)
    if not computed.enough:
        if current is not None and current.figures.get("enough"):
            return _release(version, computed)
        return None
    shown = current if current is not None and current.figures.get("enough") else None
    if shown is None:
        # The last release that showed figures, before a withdrawal: the new figures must
        # differ from it by enough members too.
        shown = next((r for r in releases if r.figures.get("enough")), None)
    if shown is not None and changed_since(version, shown) < results.MIN_CHANGED:
        return None
    return _release(version, computed)


def _release(version: StepVersion, computed: results.VersionResults) -> ResultsRelease:
    now = timezone.now()
    figures = {**computed.to_json(), "released_at": now.isoformat()}
    return ResultsRelease.objects.create(version=version, created_at=now, figures=figures)


def latest(versions: Iterable[StepVersion | int]) -> dict[int, Figures]:
    """The published figures of each of ``versions`` that has a release: one query."""
    ids = [v if isinstance(v, int) else v.pk for v in versions]
    if not ids:
        return {}
    newest = (
        ResultsRelease.objects.filter(version_id=OuterRef("version_id"))
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )
    rows = ResultsRelease.objects.filter(version_id__in=ids, pk=Subquery(newest)).values_list(
        "version_id", "figures"
    )
    return dict(rows)


def release_all() -> int:
    """``consider_release`` for every version with debriefs or releases: the scheduled job's
    work. Answers how many releases it made."""
    versions = StepVersion.objects.filter(
        Q(pk__in=Debrief.objects.values("version_id"))
        | Q(pk__in=ResultsRelease.objects.values("version_id"))
    ).order_by("pk")
    return sum(consider_release(version) is not None for version in versions)


# The pages' reading ---------------------------------------------------------------------------

# Published debriefs shown per version on the results page; the rest one click away.
DEBRIEFS_SHOWN = 10


@dataclass(frozen=True)
class VersionResults:
    """One published version on the results pages: its released figures (empty without a
    release), and the published debriefs read live (texts leave at once when withdrawn)."""

    version: StepVersion
    figures: Figures
    debriefs: list[Debrief]
    published: int

    @property
    def anchor(self) -> str:
        return f"step-{self.version.step.number}-v{self.version.number}"

    @property
    def was_validated(self) -> bool:
        """Members apply a version once validated: one never validated has no results."""
        return self.version.validated_at is not None


@dataclass(frozen=True)
class StepResults:
    step: Step
    # Newest first.
    versions: list[VersionResults]


def published_debriefs(version_ids: list[int]) -> QuerySet[Debrief]:
    """The debriefs whose members chose to publish them, newest first. A text that names the
    member's contacts is published only once they confirmed it (the form holds to it when
    saving; reading holds to it again)."""
    return (
        Debrief.objects.filter(
            version_id__in=version_ids,
            visibility__in=Debrief.PUBLISHED,
            names_confirmed=True,
        )
        .select_related("owner")
        .only(
            "version_id",
            "written_on",
            "obtained",
            "problems",
            "solutions",
            "visibility",
            "owner__display_name",
        )
        .order_by("-written_on", "-pk")
    )


def method_results(
    method: Method,
    *,
    all_debriefs_of: int | None = None,
    debriefs_shown: int | None = DEBRIEFS_SHOWN,
) -> list[StepResults]:
    """Every published version of ``method``'s steps, with their released figures and their
    newest published debriefs (``debriefs_shown`` of each, None: all; every one for version
    ``all_debriefs_of``): three queries, whatever the number of versions and debriefs."""
    versions = list(
        StepVersion.objects.published()
        .filter(step__method=method)
        .select_related("step")
        .order_by("step__number", "-number")
    )
    ids = [v.pk for v in versions]
    figures = latest(ids)
    ranked = published_debriefs(ids).annotate(
        rank=Window(
            RowNumber(),
            partition_by=[F("version_id")],
            order_by=[F("written_on").desc(), F("pk").desc()],
        ),
        published=Window(Count("pk"), partition_by=[F("version_id")]),
    )
    if debriefs_shown is not None:
        # The newest of each version only (every one of ``all_debriefs_of``), in SQL.
        ranked = ranked.filter(Q(rank__lte=debriefs_shown) | Q(version_id=all_debriefs_of))
    shown: dict[int, list[Debrief]] = {}
    counts: dict[int, int] = {}
    for debrief in ranked if ids else ():
        counts[debrief.version_id] = debrief.published
        shown.setdefault(debrief.version_id, []).append(debrief)
    steps: dict[int, StepResults] = {}
    for version in versions:
        version.step.method = method
        row = steps.setdefault(version.step_id, StepResults(version.step, []))
        version.step = row.step
        row.versions.append(
            VersionResults(
                version=version,
                figures=figures.get(version.pk, {}),
                debriefs=shown.get(version.pk, []),
                published=counts.get(version.pk, 0),
            )
        )
    return list(steps.values())
