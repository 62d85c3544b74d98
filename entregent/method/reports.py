"""Progress reports (compte rendu) of a method: its facilitators' text, and the results'
figures at the time of publication, frozen there.

A report is a draft, seen by the method's facilitators only, until one of them publishes it.
Publishing copies the published figures (``releases.latest()``) of every version of the method
that was ever validated into ``ProgressReport.figures``: a later release changes the results
page, never what a published report quoted. A version with no release yet is frozen as "not
enough data" (``{"schema": 1, "enough": false}``), so a report never says more than the results
did, and the rules of small numbers (``method/results.py``, ``releases.py``) hold in it too.

Publishing is one conditional UPDATE (only a draft is published), so that a double click or two
facilitators publish it once, with the figures of that one moment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from entregent.method import releases, results
from entregent.method.models import Method, ProgressReport, StepVersion

Figures = dict[str, Any]

# Reports shown on the method's page; the rest are on the reports' page.
ON_METHOD_PAGE = 3


def published(method: Method) -> QuerySet[ProgressReport]:
    """The method's published reports, newest first."""
    return (
        ProgressReport.objects.filter(method=method, published_at__isnull=False)
        .select_related("author")
        .order_by("-published_at", "-pk")
    )


def drafts(method: Method) -> QuerySet[ProgressReport]:
    """The method's drafts, for its facilitators: last changed first."""
    return (
        ProgressReport.objects.filter(method=method, published_at__isnull=True)
        .select_related("author")
        .order_by("-updated_at", "-pk")
    )


def current_figures(method: Method) -> dict[str, Figures]:
    """What a report published now would quote: the latest released figures of each version
    of ``method`` that was ever validated (members apply validated versions only), "not
    enough data" for one without a release. Keys are the versions' ids as strings (JSON).
    Two queries."""
    ids = list(
        StepVersion.objects.filter(step__method=method, validated_at__isnull=False)
        .order_by("step__number", "number")
        .values_list("pk", flat=True)
    )
    released = releases.latest(ids)
    return {str(pk): released.get(pk) or not_enough() for pk in ids}


def not_enough() -> Figures:
    return {"schema": results.SCHEMA, "enough": False}


def publish(report: ProgressReport, now: dt.datetime | None = None) -> bool:
    """Publish a draft now, freezing the figures of this moment in it. Answers whether it
    happened (False: it was published already, by this request's twin or another
    facilitator, and keeps the figures it was published with)."""
    now = now or timezone.now()
    figures = current_figures(report.method)
    changed = ProgressReport.objects.filter(pk=report.pk, published_at__isnull=True).update(
        published_at=now, figures=figures, updated_at=now
    )
    if changed:
        report.published_at, report.figures, report.updated_at = now, figures, now
    return bool(changed)


def url(report: ProgressReport) -> str:
    return reverse("methods:report-detail", args=[report.method.slug, report.pk])


def was_edited(report: ProgressReport) -> bool:
    """Whether its text changed after it was published (said beside its date)."""
    if report.published_at is None:
        return False
    return report.updated_at - report.published_at > dt.timedelta(minutes=1)


# Reading the figures a report quotes -----------------------------------------------------------


@dataclass(frozen=True)
class Quoted:
    """One version's figures as a report quotes them."""

    version: StepVersion
    figures: Figures


@dataclass(frozen=True)
class QuotedStep:
    number: int
    versions: list[Quoted]


def quoted(
    reports: Iterable[ProgressReport], method: Method, live: bool = False
) -> dict[int, list[QuotedStep]]:
    """The versions each report quotes, by step then version, with its figures: frozen in a
    published report, those a draft would freeze now (``live``: for drafts, the facilitator's
    preview). One query for the versions of them all (two more with ``live``)."""
    reports = list(reports)
    figures_of: dict[int, dict[str, Figures]] = {}
    current: dict[str, Figures] | None = None
    for report in reports:
        if report.published_at is None and live:
            if current is None:
                current = current_figures(method)
            figures_of[report.pk] = current
        else:
            figures_of[report.pk] = report.figures or {}
    ids = {int(key) for figures in figures_of.values() for key in figures if key.isdigit()}
    versions = {
        v.pk: v
        for v in StepVersion.objects.filter(pk__in=ids, step__method=method).select_related("step")
    }
    for version in versions.values():
        version.step.method = method
    found: dict[int, list[QuotedStep]] = {}
    for report in reports:
        rows = sorted(
            (
                Quoted(versions[int(key)], figures)
                for key, figures in figures_of[report.pk].items()
                if key.isdigit() and int(key) in versions
            ),
            key=lambda q: (q.version.step.number, q.version.number),
        )
        steps: list[QuotedStep] = []
        for row in rows:
            if not steps or steps[-1].number != row.version.step.number:
                steps.append(QuotedStep(row.version.step.number, []))
            steps[-1].versions.append(row)
        found[report.pk] = steps
    return found


@dataclass(frozen=True)
class Listed:
    """A published report in a list, with the versions it quotes."""

    report: ProgressReport
    steps: list[QuotedStep]


def listed(method: Method, limit: int | None = None) -> list[Listed]:
    """The method's published reports (the ``limit`` newest, or all), each with what it
    quotes: two queries."""
    rows = published(method)
    found = list(rows[:limit] if limit is not None else rows)
    for report in found:
        report.method = method
    steps = quoted(found, method)
    return [Listed(report, steps[report.pk]) for report in found]
