"""My progress report: what a member's networking produced over a period, beside the period
before it, and the network's health at the end of each.

- Periods (``Period``) are calendar weeks (Monday to Sunday), months, quarters, or any range
  of at most five years; the previous period is the calendar one before, or the range of the
  same length just before. Their arithmetic is plain Python, with no database.
- Figures are counted from ``Outcome`` rows (kind, ``occurred_on``), objectives reached
  (``Objective.closed_on``) and the daily ``HealthSnapshot``s, with aggregate queries whose
  number does not depend on the data: one per source, each counting every window at once (this
  period, the previous one and the charts' twelve buckets) with filtered ``COUNT``s.
- Health at the end of a period is the last snapshot taken within it (today's, for the
  current period, once the daily job has run), or today's live figure when the period includes
  today and has no snapshot yet. A past period with no snapshot has no health figure ("no
  data"), never zeros.
- Imported contacts are not contacts gained (the issue counts contacts added by hand, which
  are what ``new_contact`` outcomes record), and are not counted apart either: counting them
  by creation date would read every contact (10 ms at 10,000 contacts) for a figure the
  imports page already gives.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from entregent.goals.health import Health, network_health
from entregent.goals.models import HealthSnapshot, Objective, Outcome
from entregent.lib.dates import months_before

WEEK, MONTH, QUARTER, CUSTOM = "week", "month", "quarter", "custom"
CALENDAR_KINDS = (WEEK, MONTH, QUARTER)
PERIOD_CHOICES = (
    (WEEK, gettext_lazy("Week")),
    (MONTH, gettext_lazy("Month")),
    (QUARTER, gettext_lazy("Quarter")),
    (CUSTOM, gettext_lazy("Custom range")),
)
DEFAULT_KIND = MONTH
MAX_YEARS = 5
# Far enough for any real network, near enough that twelve periods back or one ahead stays a
# valid date.
FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2999, 12, 31)
CHART_PERIODS = 12
HEALTH_FIELDS = ("total", "known", "alive", "due", "dormant", "archived")

# What the report counts, in the order it shows them: the list (contacts gained,
# reactivated, meetings, partnerships, leads by kind), then the rest of the kinds.
OUTCOME_ROWS: tuple[tuple[str, Promise], ...] = (
    (Outcome.Kind.NEW_CONTACT, gettext_lazy("Contacts gained")),
    (Outcome.Kind.REACTIVATION, gettext_lazy("Contacts reactivated")),
    (Outcome.Kind.MEETING, gettext_lazy("Meetings")),
    (Outcome.Kind.PARTNERSHIP, gettext_lazy("Partnerships")),
    (Outcome.Kind.LEAD_JOB, gettext_lazy("Leads for a job")),
    (Outcome.Kind.LEAD_CLIENT, gettext_lazy("Leads for a client")),
    (Outcome.Kind.LEAD_SUPPLIER, gettext_lazy("Leads for a supplier")),
    (Outcome.Kind.INTRODUCTION, gettext_lazy("Introductions and recommendations")),
    (Outcome.Kind.OTHER, gettext_lazy("Other outcomes")),
)


# Periods -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date
    end: dt.date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def previous(self) -> Period:
        if self.kind in CALENDAR_KINDS:
            return period_containing(self.kind, self.start - dt.timedelta(days=1))
        end = self.start - dt.timedelta(days=1)
        return Period(CUSTOM, end - dt.timedelta(days=self.days - 1), end)

    def next(self) -> Period:
        if self.kind in CALENDAR_KINDS:
            return period_containing(self.kind, self.end + dt.timedelta(days=1))
        start = self.end + dt.timedelta(days=1)
        return Period(CUSTOM, start, start + dt.timedelta(days=self.days - 1))

    def query(self) -> dict[str, str]:
        """The report's query parameters that show this period."""
        if self.kind in CALENDAR_KINDS:
            return {"period": self.kind, "on": self.start.isoformat()}
        return {"period": CUSTOM, "start": self.start.isoformat(), "end": self.end.isoformat()}

    def label(self) -> str:
        """How the page names the period: "June 2026", "Q2 2026", "Week of 1 June 2026"."""
        if self.kind == MONTH:
            return date_format(self.start, "YEAR_MONTH_FORMAT")
        if self.kind == QUARTER:
            return _("Q%(quarter)s %(year)s") % {
                "quarter": quarter_of(self.start),
                "year": self.start.year,
            }
        if self.kind == WEEK:
            return _("Week of %(date)s") % {"date": date_format(self.start, "DATE_FORMAT")}
        return self.dates()

    def dates(self) -> str:
        return _("%(start)s to %(end)s") % {
            "start": date_format(self.start, "DATE_FORMAT"),
            "end": date_format(self.end, "DATE_FORMAT"),
        }

    def axis_label(self) -> str:
        """A short label under a chart's bar, the year on a second line (the chart writes it
        only where it changes)."""
        if self.kind == MONTH:
            text = date_format(self.start, "N")
        elif self.kind == QUARTER:
            text = _("Q%(quarter)s") % {"quarter": quarter_of(self.start)}
        else:
            text = date_format(self.start, "j N")
        return f"{text}\n{self.start.year}"


def quarter_of(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


def period_containing(kind: str, day: dt.date) -> Period:
    """The calendar week (from Monday), month or quarter that ``day`` falls in."""
    if kind == WEEK:
        start = day - dt.timedelta(days=day.weekday())
        return Period(WEEK, start, start + dt.timedelta(days=6))
    months = 3 if kind == QUARTER else 1
    first_month = (day.month - 1) // months * months + 1
    start = dt.date(day.year, first_month, 1)
    end = months_before(start, -months) - dt.timedelta(days=1)
    return Period(QUARTER if kind == QUARTER else MONTH, start, end)


def chart_buckets(period: Period) -> list[Period]:
    """The bars of the charts: the twelve calendar periods ending with this one, or a custom
    range cut into weeks, months or quarters (the first and last cut to the range)."""
    if period.kind in CALENDAR_KINDS:
        buckets = [period]
        while len(buckets) < CHART_PERIODS:
            buckets.append(buckets[-1].previous())
        return buckets[::-1]
    unit = WEEK if period.days <= 7 * 14 else MONTH if period.days <= 731 else QUARTER
    buckets = []
    current = period_containing(unit, period.start)
    while current.start <= period.end:
        buckets.append(
            Period(unit, max(current.start, period.start), min(current.end, period.end))
        )
        current = current.next()
    return buckets


def default_period(today: dt.date) -> Period:
    return period_containing(DEFAULT_KIND, today)


class ReportPeriodForm(forms.Form):
    """The report's period, from the query string: ``?period=week|month|quarter`` (with ``on``,
    a day within it, today by default) or ``?start=...&end=...`` for any range."""

    DATE_ERRORS = {"invalid": gettext_lazy("Enter a date as YYYY-MM-DD, such as 2026-03-31.")}

    period = forms.ChoiceField(
        label=gettext_lazy("Period"), choices=PERIOD_CHOICES, required=False
    )
    on = forms.DateField(required=False, input_formats=["%Y-%m-%d"], error_messages=DATE_ERRORS)
    start = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages=DATE_ERRORS,
    )
    end = forms.DateField(
        label=gettext_lazy("To"),
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages=DATE_ERRORS,
    )

    def __init__(self, data: Mapping[str, Any] | None, *, today: dt.date) -> None:
        super().__init__(data)
        self.today = today

    def _clean_day(self, name: str) -> dt.date | None:
        day: dt.date | None = self.cleaned_data.get(name)
        if day is not None and not FIRST_DAY <= day <= LAST_DAY:
            raise forms.ValidationError(
                _("Choose a date between %(first)s and %(last)s.")
                % {"first": FIRST_DAY.year, "last": LAST_DAY.year},
                code="out_of_range",
            )
        return day

    def clean_on(self) -> dt.date | None:
        return self._clean_day("on")

    def clean_start(self) -> dt.date | None:
        return self._clean_day("start")

    def clean_end(self) -> dt.date | None:
        return self._clean_day("end")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("period") or ""
        start, end = data.get("start"), data.get("end")
        if not kind:
            kind = CUSTOM if (start or end) else DEFAULT_KIND
        if kind in CALENDAR_KINDS:
            data["report_period"] = period_containing(kind, data.get("on") or self.today)
            return data
        if self.errors:
            return data
        if start is None or end is None:
            raise forms.ValidationError(
                _("A custom range needs both a start and an end date."), code="incomplete"
            )
        if end < start:
            raise forms.ValidationError(
                _("The end (%(end)s) is before the start (%(start)s).")
                % {
                    "end": date_format(end, "DATE_FORMAT"),
                    "start": date_format(start, "DATE_FORMAT"),
                },
                code="reversed",
            )
        if start < months_before(end + dt.timedelta(days=1), 12 * MAX_YEARS):
            raise forms.ValidationError(
                _("A report covers at most %(years)s years: choose a shorter range.")
                % {"years": MAX_YEARS},
                code="too_long",
            )
        data["report_period"] = Period(CUSTOM, start, end)
        return data

    def report_period(self) -> Period:
        """The period asked for, or this month when the parameters are wrong."""
        if self.is_bound and self.is_valid():
            period: Period = self.cleaned_data["report_period"]
            return period
        return default_period(self.today)

    def messages(self) -> list[str]:
        """Every error, said with the field it is about."""
        messages = []
        for name, errors in self.errors.items():
            prefix = "" if name == "__all__" else f"{self.fields[name].label or name}: "
            messages += [f"{prefix}{error}" for error in errors]
        return messages


# Figures -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CountRow:
    key: str
    label: str
    current: int
    previous: int

    @property
    def change(self) -> int:
        return self.current - self.previous


@dataclass(frozen=True)
class HealthAt:
    """The network's health on a day: from that day's snapshot, or live for today."""

    health: Health
    on: dt.date
    live: bool


@dataclass(frozen=True)
class Share:
    count: int
    of: int

    @property
    def ratio(self) -> float | None:
        return self.count / self.of if self.of else None


@dataclass(frozen=True)
class HealthRow:
    key: str
    label: str
    # What the share is of, said beside every figure: "active" contacts or "all" of them.
    denominator: str
    current: Share | None  # None: no data for the period
    previous: Share | None

    @property
    def change_points(self) -> float | None:
        """The difference of the two shares, in percentage points."""
        if self.current is None or self.previous is None:
            return None
        now, before = self.current.ratio, self.previous.ratio
        if now is None or before is None:
            return None
        return round((now - before) * 100, 1)


HEALTH_SHARES: tuple[tuple[str, Promise], ...] = (
    ("known", gettext_lazy("Known (what they do is noted)")),
    ("alive", gettext_lazy("Alive (within their cadence)")),
    ("due", gettext_lazy("Due for a contact")),
    ("dormant", gettext_lazy("Dormant")),
    ("archived", gettext_lazy("Archived")),
)


def health_shares(health: Health) -> dict[str, Share]:
    """Known, alive, due and dormant are shares of the active contacts; archived of all."""
    return {
        "known": Share(health.known, health.active),
        "alive": Share(health.alive, health.active),
        "due": Share(health.due, health.active),
        "dormant": Share(health.dormant, health.active),
        "archived": Share(health.archived, health.total),
    }


@dataclass
class Report:
    period: Period
    previous: Period
    today: dt.date
    outcomes: list[CountRow]
    objectives_reached: CountRow
    health: HealthAt | None
    previous_health: HealthAt | None
    buckets: list[Period]
    # Per outcome kind, a count per bucket.
    outcomes_by_bucket: dict[str, list[int]]
    health_by_bucket: list[HealthAt | None]
    health_rows: list[HealthRow] = field(default_factory=list)

    @property
    def total_outcomes(self) -> CountRow:
        return CountRow(
            "total",
            _("All outcomes"),
            sum(row.current for row in self.outcomes),
            sum(row.previous for row in self.outcomes),
        )

    @property
    def next(self) -> Period | None:
        """The period after this one, unless it has not started yet."""
        following = self.period.next()
        return following if following.start <= self.today else None

    @property
    def has_outcomes_in_chart(self) -> bool:
        return any(any(counts) for counts in self.outcomes_by_bucket.values())

    @property
    def has_health_in_chart(self) -> bool:
        return any(point is not None for point in self.health_by_bucket)


def _windows(period: Period, previous: Period, buckets: list[Period]) -> dict[str, Period]:
    windows = {"current": period, "previous": previous}
    windows.update({f"b{n}": bucket for n, bucket in enumerate(buckets)})
    return windows


def build_report(user: Any, period: Period, today: dt.date | None = None) -> Report:
    """Every figure of the report, in three queries (four when today's health is computed
    live) whatever the size of the network."""
    today = today or timezone.localdate()
    previous = period.previous()
    buckets = chart_buckets(period)
    windows = _windows(period, previous, buckets)
    first = min(w.start for w in windows.values())
    last = max(w.end for w in windows.values())

    # Outcomes: one row per kind, a filtered count per window.
    outcome_counts: dict[str, dict[str, int]] = {
        row["kind"]: row
        for row in Outcome.objects.owned_by(user)
        .filter(occurred_on__range=(first, last))
        .order_by()
        .values("kind")
        .annotate(
            **{
                name: Count("pk", filter=Q(occurred_on__range=(w.start, w.end)))
                for name, w in windows.items()
            }
        )
    }
    outcomes = []
    by_bucket = {}
    for kind, label in OUTCOME_ROWS:
        counts = outcome_counts.get(kind, {})
        outcomes.append(
            CountRow(kind, str(label), counts.get("current", 0), counts.get("previous", 0))
        )
        by_bucket[kind] = [counts.get(f"b{n}", 0) for n in range(len(buckets))]

    reached = Objective.objects.owned_by(user).aggregate(
        current=Count(
            "pk",
            filter=Q(status=Objective.Status.REACHED, closed_on__range=(period.start, period.end)),
        ),
        previous=Count(
            "pk",
            filter=Q(
                status=Objective.Status.REACHED, closed_on__range=(previous.start, previous.end)
            ),
        ),
    )
    health_by_window = _health(user, windows, today)
    report = Report(
        period=period,
        previous=previous,
        today=today,
        outcomes=outcomes,
        objectives_reached=CountRow(
            "objectives_reached", _("Objectives reached"), reached["current"], reached["previous"]
        ),
        health=health_by_window["current"],
        previous_health=health_by_window["previous"],
        buckets=buckets,
        outcomes_by_bucket=by_bucket,
        health_by_bucket=[health_by_window[f"b{n}"] for n in range(len(buckets))],
    )
    report.health_rows = _health_rows(report.health, report.previous_health)
    return report


def _health(user: Any, windows: dict[str, Period], today: dt.date) -> dict[str, HealthAt | None]:
    """Each window's health at its end: the last snapshot taken within it; for a window that
    includes today and has none yet (a new member, a scheduler that has not run), today's
    live figure; else None. One query, two when the live figure is needed.

    The snapshots of the windows' whole span are read as plain tuples (one a day: a few hundred
    rows, 3,650 at most for a five-year range and the one before) and each window takes its last
    by bisection: cheaper than a filtered MAX() per window, which the ORM is slow to build. The
    live figure reads every contact (12 ms at 10,000 on SQLite): today's snapshot, taken at a
    quarter past midnight, spares it.
    """
    rows = list(
        HealthSnapshot.objects.owned_by(user)
        .filter(
            taken_on__range=(
                min(w.start for w in windows.values()),
                max(w.end for w in windows.values()),
            )
        )
        .order_by("taken_on")
        .values_list("taken_on", *HEALTH_FIELDS)
    )
    days = [row[0] for row in rows]
    live: HealthAt | None = None
    result: dict[str, HealthAt | None] = {}
    for name, window in windows.items():
        last = bisect_right(days, window.end) - 1
        if last >= 0 and days[last] >= window.start:
            taken_on, *counts = rows[last]
            health = Health(**dict(zip(HEALTH_FIELDS, counts, strict=True)))
            result[name] = HealthAt(health, taken_on, live=False)
        elif window.contains(today):
            live = live or HealthAt(network_health(user, today), today, live=True)
            result[name] = live
        else:
            result[name] = None
    return result


def _health_rows(current: HealthAt | None, previous: HealthAt | None) -> list[HealthRow]:
    now = health_shares(current.health) if current else {}
    before = health_shares(previous.health) if previous else {}
    rows = []
    for key, label in HEALTH_SHARES:
        rows.append(
            HealthRow(
                key,
                str(label),
                "all" if key == "archived" else "active",
                now.get(key),
                before.get(key),
            )
        )
    return rows


# CSV ---------------------------------------------------------------------------------------


def csv_rows(report: Report) -> list[list[object]]:
    """The report as rows (figure, this period, previous period): counts only, with the
    denominators as rows of their own, so a spreadsheet can compute any share."""
    no_data = _("no data")
    rows: list[list[object]] = [
        [
            _("Figure"),
            f"{report.period.start.isoformat()} / {report.period.end.isoformat()}",
            f"{report.previous.start.isoformat()} / {report.previous.end.isoformat()}",
        ]
    ]
    for row in [*report.outcomes, report.objectives_reached]:
        rows.append([row.label, row.current, row.previous])

    def day(at: HealthAt | None) -> object:
        return at.on.isoformat() if at else no_data

    def count(at: HealthAt | None, name: str) -> object:
        return getattr(at.health, name) if at else no_data

    rows.append([_("Health on"), day(report.health), day(report.previous_health)])
    for name, label in (
        ("total", _("Contacts")),
        ("active", _("Active contacts")),
        ("known", _("Known")),
        ("alive", _("Alive")),
        ("due", _("Due")),
        ("dormant", _("Dormant")),
        ("archived", _("Archived")),
    ):
        rows.append([label, count(report.health, name), count(report.previous_health, name)])
    return rows
