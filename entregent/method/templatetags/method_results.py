"""Template filters for a version's results (``method/results.py``): a release's figures in
words, its distributions as rows. ``method/_verdict.html`` loads them, so that any page can
show a verdict from a ``figures`` dict alone."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import template
from django.utils.translation import gettext as _

from entregent.goals.models import Outcome
from entregent.method import measure, results

register = template.Library()


def outcome_labels() -> dict[str, str]:
    """Every number of a debrief named in the reader's language."""
    labels = {str(kind.value): str(kind.label) for kind in Outcome.Kind}
    labels[measure.OBJECTIVES_REACHED] = _("Objective reached")
    return labels


@register.filter
def results_in_words(figures: Mapping[str, Any] | None) -> results.Presented:
    return results.present(figures, outcome_labels())


@dataclass(frozen=True)
class BucketRow:
    label: str
    members: int
    # The bar's length, in % of the distribution's members.
    width: int


@dataclass(frozen=True)
class DistributionRow:
    key: str
    label: str
    median: str
    buckets: list[BucketRow]

    @property
    def flat(self) -> bool:
        """Median 0 and one group of everybody: nothing to show but the median."""
        return self.median == "0" and len(self.buckets) <= 1


def bucket_rows(distribution: Mapping[str, Any] | None) -> list[BucketRow]:
    if not distribution:
        return []
    found = distribution.get("buckets") or []
    total = sum(b["members"] for b in found) or 1
    return [
        BucketRow(results.bucket_label(b), b["members"], round(100 * b["members"] / total))
        for b in found
    ]


@register.filter
def outcome_rows(figures: Mapping[str, Any] | None) -> list[DistributionRow]:
    """Each outcome kind and objectives reached, in the debrief form's order: median and
    buckets over every debriefing member's latest debrief."""
    outcomes = (figures or {}).get("outcomes") or {}
    labels = outcome_labels()
    rows = []
    for key in measure.KEYS:
        distribution = outcomes.get(key)
        if distribution is None:
            continue
        rows.append(
            DistributionRow(
                key=key,
                label=labels.get(key, key),
                median=results.number_label(distribution.get("median")),
                buckets=bucket_rows(distribution),
            )
        )
    return rows


@register.filter
def varied(rows: list[DistributionRow]) -> list[DistributionRow]:
    return [row for row in rows if not row.flat]


@register.filter
def flat(rows: list[DistributionRow]) -> str:
    """The outcome kinds with nothing to show but a median of 0, named in one line."""
    return ", ".join(row.label for row in rows if row.flat)


@register.filter
def verdict_rows(figures: Mapping[str, Any] | None) -> list[BucketRow]:
    """The verdict's number among counted members, in buckets."""
    verdict = (figures or {}).get("verdict") or {}
    return bucket_rows(verdict.get("distribution"))


@register.filter
def median_of(distribution: Mapping[str, Any] | None) -> str:
    return results.number_label((distribution or {}).get("median"))


def assessment_label(values: tuple[str, ...]) -> str:
    labels = {
        ("worked",): _("It worked"),
        ("partly",): _("It partly worked"),
        ("did_not",): _("It did not work"),
        # Adjacent answers merged so that no group holds fewer than five members.
        ("worked", "partly"): _("It worked, fully or partly"),
        ("partly", "did_not"): _("It partly worked, or did not"),
        ("worked", "partly", "did_not"): _("All answers together"),
    }
    return labels.get(values, ", ".join(values))


@register.filter
def assessment_rows(figures: Mapping[str, Any] | None) -> list[BucketRow]:
    """The self-assessment, in buckets of at least five members."""
    found = (figures or {}).get("assessment") or []
    total = sum(b["members"] for b in found) or 1
    return [
        BucketRow(
            assessment_label(tuple(b["values"])),
            b["members"],
            round(100 * b["members"] / total),
        )
        for b in found
    ]
