"""The results of a step version: what the members who applied it obtained, and its verdict.

Pure functions and dataclasses, no database: ``method/releases.py`` reads each member's latest
debrief of a version into a ``MemberDebrief`` and freezes ``compute(...).to_json()`` into a
``ResultsRelease``; the pages read the release back (``present()`` puts words on it).

The verdict. A member *counts* once the version's expected window (N days from their adoption
date) has ended and they debriefed on or after its end (its first day after the window),
abandoned adoptions included: giving up is a result too. A counted member *succeeded* when
their outcomes of the expected kind within the window reach the expected count (the number
their log measured, or the one they corrected it to: then it is flagged as corrected). The
share of counted members who succeeded gets a 95% Wilson interval; the version **succeeded**
when the interval's lower bound reaches the expected share, **failed** when its upper bound is
below it, and is **inconclusive** otherwise. A version that sets no complete expectation (kind,
count, share and window) gets "no expectation". The self-assessment ("it worked", "partly",
"it did not") is reported beside the verdict, never mixed into it.

Small numbers. Nothing at all is computed below ``MIN_MEMBERS`` distinct debriefing members;
the share and verdict need ``MIN_MEMBERS`` counted members; every distribution is cut into
buckets of at least ``MIN_BUCKET`` members (adjacent buckets merged; a distribution of fewer
members is left out). ``releases.py`` adds the rule over time (a new release only after
``MIN_CHANGED`` members changed), so that comparing two releases never isolates one member.

``VersionResults.to_json()``, what a release's ``figures`` holds (schema 1; keys are stable,
new keys may be added, none removed or renamed)::

    {
      "schema": 1,
      "enough": true,            # false: fewer than 5 debriefing members, and no other key
                                 # but "schema" and "released_at"
      "released_at": "2026-05-04T10:00:00+00:00",   # added by releases.py
      "adopters": 40,            # members who applied the version (abandoned included)
      "abandoned": 6,            # ... of whom gave it up
      "debriefed": 25,           # distinct members who debriefed it (latest debrief each)
      "silent": 15,              # adopters who never debriefed it: shown, not counted
      "expectation": {"kind": "reactivation", "count": 2, "share": 60, "window_days": 30},
                                 # null when the version sets no complete expectation
      "verdict": {
        "status": "succeeded" | "failed" | "inconclusive" | "no_expectation"
                  | "not_enough_data",   # fewer than 5 counted members
        "counted": 20,           # members whose window ended and who debriefed after it
        "waiting": 5,            # debriefed members not counted (window not over then)
        "succeeded": 15,         # null unless status is succeeded, failed or inconclusive
        "share": 0.75, "low": 0.5313, "high": 0.8881,   # the same; 95% Wilson interval
        "corrected": 2,          # counted members whose verdict number is their correction
        "distribution": {"median": 3, "buckets": [{"from": 0, "to": 1, "members": 5},
                                                  {"from": 2, "to": null, "members": 15}]}
                                 # the verdict's number among counted members, or null
      },
      "outcomes": {              # each outcome kind and "objectives_reached", over every
        "meeting": {"median": 2, "buckets": [...]},   # debriefing member's latest debrief
        ...                      # (corrected numbers as corrected)
      },
      "assessment": [{"values": ["worked"], "members": 12},          # self-assessment,
                     {"values": ["partly", "did_not"], "members": 13}],   # buckets >= 5
      "usefulness": {"median": 4, "buckets": [...]} | null,   # 1 to 5, null under 5 answers
      "corrected": {"numbers": 7, "members": 4}   # numbers corrected, by how many members
    }

A bucket is ``{"from": low, "to": high, "members": n}``, both ends included, ``"to": null``
for the last one (open-ended): the edges come from fixed steps (0, 1, 2, 3, 5, 10, 20, 50,
100), never from the members' own values.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from entregent.lib.stats import wilson

SCHEMA = 1
# Nothing is shown of a version below this many distinct debriefing members, and the share
# and verdict need this many counted members.
MIN_MEMBERS = 5
# No bucket of a distribution holds fewer members than this.
MIN_BUCKET = 5
# A new release of a version's figures needs this many members whose debrief changed (new,
# rewritten or gone) since the previous one (``releases.py``).
MIN_CHANGED = 5
CONFIDENCE = 0.95
# The first value of each bucket before merging: 0, 1, 2, 3-4, 5-9, 10-19, 20-49, 50-99, 100+.
EDGES: tuple[int, ...] = (0, 1, 2, 3, 5, 10, 20, 50, 100)
USEFULNESS_EDGES: tuple[int, ...] = (1, 2, 3, 4, 5)
# The self-assessment, in order: merged buckets join neighbours ("worked or partly").
ASSESSMENTS: tuple[str, ...] = ("worked", "partly", "did_not")


class Verdict(StrEnum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    INCONCLUSIVE = "inconclusive"
    NO_EXPECTATION = "no_expectation"
    NOT_ENOUGH_DATA = "not_enough_data"


JUDGED = (Verdict.SUCCEEDED, Verdict.FAILED, Verdict.INCONCLUSIVE)


@dataclass(frozen=True)
class Expectation:
    """What a version said it would bring: at least ``count`` outcomes of ``kind`` for
    ``share``% of those who apply it, within ``window_days`` days."""

    kind: str
    count: int
    share: int
    window_days: int

    @classmethod
    def of(cls, version: Any) -> Expectation | None:
        """The expectation of a ``StepVersion`` (or anything with its fields), or None
        unless all four parts are set: a verdict needs every one of them."""
        kind = getattr(version, "expected_kind", "")
        count = getattr(version, "expected_count", None)
        share = getattr(version, "expected_share", None)
        days = getattr(version, "expected_window_days", None)
        if not kind or not count or share is None or not days:
            return None
        return cls(kind=kind, count=count, share=share, window_days=days)

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Expectation | None:
        if not data:
            return None
        return cls(
            kind=str(data["kind"]),
            count=int(data["count"]),
            share=int(data["share"]),
            window_days=int(data["window_days"]),
        )

    def window_end(self, adopted_on: dt.date) -> dt.date:
        """The first day after the window (as ``measure.window_end``)."""
        return adopted_on + dt.timedelta(days=self.window_days)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "count": self.count,
            "share": self.share,
            "window_days": self.window_days,
        }


@dataclass(frozen=True)
class MemberDebrief:
    """One member's latest debrief of a version, as results read it."""

    adopted_on: dt.date
    written_on: dt.date
    measured: Mapping[str, int] = field(default_factory=dict)
    corrected: Mapping[str, int] = field(default_factory=dict)
    window_measured: int | None = None
    window_corrected: int | None = None
    assessment: str = ""
    usefulness: int | None = None

    def number(self, key: str) -> int:
        """The member's number for ``key``: their correction if they made one."""
        value = self.corrected.get(key, self.measured.get(key, 0))
        return max(0, int(value or 0))

    @property
    def corrected_keys(self) -> tuple[str, ...]:
        """The numbers the member changed (a "correction" to the same value is none)."""
        return tuple(
            key
            for key, value in self.corrected.items()
            if value is not None and value != self.measured.get(key, 0)
        )

    @property
    def window_number(self) -> int | None:
        return self.window_corrected if self.window_corrected is not None else self.window_measured

    @property
    def window_was_corrected(self) -> bool:
        return self.window_corrected is not None and self.window_corrected != self.window_measured


def counts(member: MemberDebrief, expectation: Expectation) -> bool:
    """Whether ``member`` counts in the verdict: the window from their adoption has ended and
    they debriefed on or after its end (so that their window number is known)."""
    return (
        member.written_on >= expectation.window_end(member.adopted_on)
        and member.window_number is not None
    )


def succeeded(member: MemberDebrief, expectation: Expectation) -> bool:
    """Whether a counted member reached the expected count within the window."""
    number = member.window_number
    return number is not None and number >= expectation.count


# Statistics ----------------------------------------------------------------------------------


def median(values: Sequence[float]) -> float | None:
    """The median, or None without values (the mean of the two middle ones for an even
    count: 1, 2, 3, 10 gives 2.5)."""
    return float(statistics.median(values)) if values else None


@dataclass(frozen=True)
class Bucket:
    """``members`` members whose value is in [low, high] (high None: no upper end)."""

    low: int
    high: int | None
    members: int

    def to_json(self) -> dict[str, Any]:
        return {"from": self.low, "to": self.high, "members": self.members}


def buckets(
    values: Iterable[int], edges: Sequence[int] = EDGES, minimum: int = MIN_BUCKET
) -> tuple[Bucket, ...]:
    """``values`` counted in the buckets that ``edges`` start, then adjacent buckets merged
    from the lowest up until each holds at least ``minimum`` members; what remains at the top
    joins the last bucket, which is open-ended. Fewer than ``minimum`` values in all: no
    buckets at all (suppressed). Values below the first edge count in the first bucket."""
    values = list(values)
    if len(values) < minimum:
        return ()
    tally = [0] * len(edges)
    for value in values:
        index = 0
        for position, edge in enumerate(edges):
            if value >= edge:
                index = position
        tally[index] += 1
    merged: list[Bucket] = []
    low, members = edges[0], 0
    for position, count in enumerate(tally):
        members += count
        if members >= minimum:
            high = edges[position + 1] - 1 if position + 1 < len(edges) else None
            merged.append(Bucket(low, high, members))
            if position + 1 < len(edges):
                low = edges[position + 1]
            members = 0
    # The top: whatever is left (fewer than ``minimum``, maybe none) joins the last bucket,
    # which then reaches to the end, so that the buckets cover every value.
    last = merged[-1]
    merged[-1] = Bucket(last.low, None, last.members + members)
    return tuple(merged)


@dataclass(frozen=True)
class CategoryBucket:
    """``members`` members who gave one of ``values`` (adjacent categories merged)."""

    values: tuple[str, ...]
    members: int

    def to_json(self) -> dict[str, Any]:
        return {"values": list(self.values), "members": self.members}


def category_buckets(
    values: Iterable[str], order: Sequence[str] = ASSESSMENTS, minimum: int = MIN_BUCKET
) -> tuple[CategoryBucket, ...]:
    """The same rule as ``buckets`` for ordered categories: "worked" (3) and "partly" (4)
    become "worked or partly" (7). Values not in ``order`` are left out."""
    tally = dict.fromkeys(order, 0)
    for value in values:
        if value in tally:
            tally[value] += 1
    if sum(tally.values()) < minimum:
        return ()
    merged: list[CategoryBucket] = []
    pending: list[str] = []
    members = 0
    for category in order:
        pending.append(category)
        members += tally[category]
        if members >= minimum:
            merged.append(CategoryBucket(tuple(pending), members))
            pending, members = [], 0
    if pending:
        last = merged[-1]
        merged[-1] = CategoryBucket((*last.values, *pending), last.members + members)
    return tuple(merged)


@dataclass(frozen=True)
class Distribution:
    median: float | None
    buckets: tuple[Bucket, ...]

    @classmethod
    def of(cls, values: Sequence[int], edges: Sequence[int] = EDGES) -> Distribution | None:
        """Median and buckets of ``values``; None under ``MIN_MEMBERS`` values."""
        if len(values) < MIN_MEMBERS:
            return None
        return cls(median(values), buckets(values, edges))

    def to_json(self) -> dict[str, Any]:
        return {
            "median": _number(self.median),
            "buckets": [bucket.to_json() for bucket in self.buckets],
        }


def _number(value: float | None) -> float | int | None:
    """2.0 as 2 in the JSON; 2.5 as 2.5."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(value, 4)


# The verdict ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Judgement:
    status: Verdict
    counted: int = 0
    waiting: int = 0
    succeeded: int | None = None
    share: float | None = None
    low: float | None = None
    high: float | None = None
    corrected: int = 0
    distribution: Distribution | None = None

    def to_json(self) -> dict[str, Any]:
        def rounded(value: float | None) -> float | None:
            return None if value is None else round(value, 4)

        return {
            "status": str(self.status),
            "counted": self.counted,
            "waiting": self.waiting,
            "succeeded": self.succeeded,
            "share": rounded(self.share),
            "low": rounded(self.low),
            "high": rounded(self.high),
            "corrected": self.corrected,
            "distribution": self.distribution.to_json() if self.distribution else None,
        }


def verdict_of(succeeded_count: int, counted: int, expected_share: int) -> Verdict:
    """The rule on the interval: succeeded when its lower bound reaches the expected share,
    failed when its upper bound is below it, inconclusive when it straddles it."""
    if counted < MIN_MEMBERS:
        return Verdict.NOT_ENOUGH_DATA
    low, high = wilson(succeeded_count, counted)
    target = expected_share / 100
    if low >= target:
        return Verdict.SUCCEEDED
    if high < target:
        return Verdict.FAILED
    return Verdict.INCONCLUSIVE


def judge(members: Sequence[MemberDebrief], expectation: Expectation | None) -> Judgement:
    """The verdict over ``members`` (each member's latest debrief)."""
    if expectation is None:
        return Judgement(Verdict.NO_EXPECTATION)
    counted = [m for m in members if counts(m, expectation)]
    waiting = len(members) - len(counted)
    corrected = sum(m.window_was_corrected for m in counted)
    wins = sum(succeeded(m, expectation) for m in counted)
    status = verdict_of(wins, len(counted), expectation.share)
    if status == Verdict.NOT_ENOUGH_DATA:
        return Judgement(status, counted=len(counted), waiting=waiting, corrected=corrected)
    low, high = wilson(wins, len(counted))
    numbers = [m.window_number or 0 for m in counted]
    return Judgement(
        status,
        counted=len(counted),
        waiting=waiting,
        succeeded=wins,
        share=wins / len(counted),
        low=low,
        high=high,
        corrected=corrected,
        distribution=Distribution.of(numbers),
    )


# A version's results --------------------------------------------------------------------------


@dataclass(frozen=True)
class VersionResults:
    enough: bool
    adopters: int = 0
    abandoned: int = 0
    debriefed: int = 0
    expectation: Expectation | None = None
    judgement: Judgement | None = None
    outcomes: Mapping[str, Distribution | None] = field(default_factory=dict)
    assessment: tuple[CategoryBucket, ...] = ()
    usefulness: Distribution | None = None
    numbers_corrected: int = 0
    members_corrected: int = 0

    @property
    def silent(self) -> int:
        return max(0, self.adopters - self.debriefed)

    def to_json(self) -> dict[str, Any]:
        """What a release freezes (the module's docstring documents every key)."""
        if not self.enough:
            return {"schema": SCHEMA, "enough": False}
        return {
            "schema": SCHEMA,
            "enough": True,
            "adopters": self.adopters,
            "abandoned": self.abandoned,
            "debriefed": self.debriefed,
            "silent": self.silent,
            "expectation": self.expectation.to_json() if self.expectation else None,
            "verdict": (self.judgement or Judgement(Verdict.NO_EXPECTATION)).to_json(),
            "outcomes": {
                key: distribution.to_json() if distribution else None
                for key, distribution in self.outcomes.items()
            },
            "assessment": [bucket.to_json() for bucket in self.assessment],
            "usefulness": self.usefulness.to_json() if self.usefulness else None,
            "corrected": {"numbers": self.numbers_corrected, "members": self.members_corrected},
        }


def compute(
    members: Sequence[MemberDebrief],
    *,
    adopters: int,
    abandoned: int,
    expectation: Expectation | None,
    keys: Sequence[str],
) -> VersionResults:
    """The results of a version from each debriefing member's latest debrief (one per
    member), ``adopters`` and ``abandoned`` counted by the caller, the outcome ``keys`` to
    report (``measure.KEYS``). Below ``MIN_MEMBERS`` members: nothing but "not enough"."""
    if len(members) < MIN_MEMBERS:
        return VersionResults(enough=False)
    useful = [m.usefulness for m in members if m.usefulness is not None]
    corrected = [m.corrected_keys for m in members]
    return VersionResults(
        enough=True,
        adopters=max(adopters, len(members)),
        abandoned=abandoned,
        debriefed=len(members),
        expectation=expectation,
        judgement=judge(members, expectation),
        outcomes={key: Distribution.of([m.number(key) for m in members]) for key in keys},
        assessment=category_buckets(m.assessment for m in members),
        usefulness=Distribution.of([int(u) for u in useful], USEFULNESS_EDGES),
        numbers_corrected=sum(len(keys_) for keys_ in corrected),
        members_corrected=sum(bool(keys_) for keys_ in corrected),
    )


# Words ---------------------------------------------------------------------------------------


def rule_text(expectation: Expectation | None, kind_label: str = "") -> str:
    """The verdict's rule in plain words, with the version's numbers: shown beside every
    verdict. ``kind_label`` names the expected outcome kind in the reader's language."""
    if expectation is None:
        return _(
            "This version sets no complete expectation (an outcome, a count, a share of "
            "members and a number of days), so it gets no verdict: its figures are shown as "
            "they are."
        )
    values = {
        "days": expectation.window_days,
        "count": expectation.count,
        "what": kind_label or expectation.kind,
        "share": expectation.share,
        "minimum": MIN_MEMBERS,
    }
    counted = ngettext(
        "A member counts once %(days)d day has passed since they started applying the "
        "version and they have debriefed since, even if they gave it up.",
        "A member counts once %(days)d days have passed since they started applying the "
        "version and they have debriefed since, even if they gave it up.",
        expectation.window_days,
    )
    reached = ngettext(
        "They succeeded if their log shows at least %(count)d outcome “%(what)s” in those "
        "days (or their own correction of that number, counted as corrected).",
        "They succeeded if their log shows at least %(count)d outcomes “%(what)s” in those "
        "days (or their own correction of that number, counted as corrected).",
        expectation.count,
    )
    judged = _(
        "The version succeeded if the 95%% confidence interval of the share of counted "
        "members who succeeded lies at or above %(share)d%%, failed if it lies below, and "
        "is inconclusive otherwise. No verdict under %(minimum)d counted members."
    )
    return " ".join(text % values for text in (counted, reached, judged))


def general_rule_text() -> str:
    """How every verdict is computed, in plain words (the rule of each version adds its own
    numbers: ``rule_text``)."""
    return _(
        "Each version says what it should bring: at least a number of outcomes of one kind, "
        "for a share of the members who apply it, within a number of days. A member counts "
        "once those days have passed since they started applying it and they have debriefed "
        "since, even if they gave it up; members who never debriefed are shown beside, not "
        "counted. A counted member succeeded if their own log (or their correction of it, "
        "counted as such) reaches the number. The share of counted members who succeeded "
        "comes with its 95%% confidence interval: the version succeeded if the whole interval "
        "is at or above the expected share, failed if it is below, and is inconclusive "
        "otherwise. Nothing is shown under %(minimum)d members who debriefed, no group of a "
        "distribution holds fewer than %(bucket)d, and the figures change only once "
        "%(changed)d more members have debriefed, so that nobody's own numbers can be read "
        "from them."
    ) % {"minimum": MIN_MEMBERS, "bucket": MIN_BUCKET, "changed": MIN_CHANGED}


def verdict_label(status: str) -> str:
    labels: dict[str, str] = {
        Verdict.SUCCEEDED: _("Succeeded"),
        Verdict.FAILED: _("Failed"),
        Verdict.INCONCLUSIVE: _("Inconclusive"),
        Verdict.NO_EXPECTATION: _("No expectation"),
    }
    return labels.get(status, _("Not enough data yet"))


def percent(value: float | None) -> str:
    """0.6667 as "67%" (in French, "67 %": the translation places the sign)."""
    return "" if value is None else _("%(percent)d%%") % {"percent": round(value * 100)}


def bucket_label(bucket: Mapping[str, Any]) -> str:
    """{"from": 3, "to": 4} as "3–4"; {"from": 20, "to": null} as "20 or more"."""
    low, high = bucket["from"], bucket["to"]
    if high is None:
        return _("%(low)d or more") % {"low": low}
    if high == low:
        return str(low)
    return f"{low}–{high}"


def number_label(value: float | None) -> str:
    """A median: 2 as "2", 2.5 as "2.5" (in French, "2,5"), none as "–"."""
    if value is None:
        return "–"
    if float(value).is_integer():
        return str(int(value))
    return number_format(value, decimal_pos=1)


@dataclass(frozen=True)
class Presented:
    """A release's figures (``to_json()``) in words, for the pages: what ``_verdict.html``
    shows wherever a version's verdict appears."""

    figures: Mapping[str, Any]
    enough: bool
    status: str
    label: str
    # The verdict in one sentence, with its denominator and interval.
    summary: str
    # The rule, with the version's numbers.
    rule: str
    released_at: dt.datetime | None
    # The interval and the expected share as a picture (aria-hidden: ``summary`` says it).
    bar: SafeString


def present(figures: Mapping[str, Any] | None, kind_labels: Mapping[str, str]) -> Presented:
    """``figures`` (a release's, or None when the version has none yet) in words;
    ``kind_labels`` names the outcome kinds in the reader's language."""
    figures = figures or {}
    released = figures.get("released_at")
    released_at = dt.datetime.fromisoformat(released) if released else None
    if not figures.get("enough"):
        return Presented(
            figures=figures,
            enough=False,
            status=str(Verdict.NOT_ENOUGH_DATA),
            label=verdict_label(Verdict.NOT_ENOUGH_DATA),
            summary=_(
                "Results appear once %(minimum)d members have debriefed this version: fewer "
                "would say too much about each of them."
            )
            % {"minimum": MIN_MEMBERS},
            rule="",
            released_at=released_at,
            bar=SafeString(""),
        )
    expectation = Expectation.from_json(figures.get("expectation"))
    verdict = figures.get("verdict") or {}
    status = str(verdict.get("status", Verdict.NO_EXPECTATION))
    label = kind_labels.get(expectation.kind, expectation.kind) if expectation else ""
    bar = SafeString("")
    if status in JUDGED and expectation is not None:
        summary = ngettext(
            "%(succeeded)d of %(counted)d counted member reached the expected count: "
            "%(share)s (95%% confidence interval: %(low)s to %(high)s), against "
            "%(expected)d%% expected.",
            "%(succeeded)d of %(counted)d counted members reached the expected count: "
            "%(share)s (95%% confidence interval: %(low)s to %(high)s), against "
            "%(expected)d%% expected.",
            verdict["counted"],
        ) % {
            "succeeded": verdict["succeeded"],
            "counted": verdict["counted"],
            "share": percent(verdict["share"]),
            "low": percent(verdict["low"]),
            "high": percent(verdict["high"]),
            "expected": expectation.share,
        }
        bar = interval_svg(verdict["share"], verdict["low"], verdict["high"], expectation.share)
    elif status == Verdict.NOT_ENOUGH_DATA:
        summary = ngettext(
            "%(counted)d member counts so far: a verdict needs %(minimum)d. Members count once "
            "their window has ended and they have debriefed since.",
            "%(counted)d members count so far: a verdict needs %(minimum)d. Members count once "
            "their window has ended and they have debriefed since.",
            verdict.get("counted", 0),
        ) % {"counted": verdict.get("counted", 0), "minimum": MIN_MEMBERS}
    else:
        summary = _("This version sets no complete expectation to judge it against.")
    return Presented(
        figures=figures,
        enough=True,
        status=status,
        label=verdict_label(status),
        summary=summary,
        rule=rule_text(expectation, label),
        released_at=released_at,
        bar=bar,
    )


def interval_svg(share: float, low: float, high: float, expected: int) -> SafeString:
    """The share as a point on a 0-100% track, its interval as a band, the expected share as
    a line: inline SVG, no script, hidden from screen readers (the sentence beside says it
    all). Numbers only: nothing to escape."""

    def x(value: float) -> str:
        return f"{max(0.0, min(100.0, value * 100)):.1f}"

    width = f"{max(0.5, (high - low) * 100):.1f}"
    return mark_safe(
        '<svg class="interval-chart" viewBox="0 0 100 16" preserveAspectRatio="none" '
        'aria-hidden="true" focusable="false">'
        '<rect class="interval-track" x="0" y="5" width="100" height="6"/>'
        f'<rect class="interval-band" x="{x(low)}" y="5" width="{width}" height="6"/>'
        f'<line class="interval-expected" x1="{x(expected / 100)}" x2="{x(expected / 100)}" '
        'y1="0" y2="16"/>'
        f'<rect class="interval-point" x="{float(x(share)) - 0.75:.2f}" y="3" width="1.5" '
        'height="10"/>'
        "</svg>"
    )
