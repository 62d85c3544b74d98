"""My progress report (``/network/report/``) and its CSV (``/network/report.csv``).

The figures come from ``goals/report.py``; this module chooses the period from the query
string and draws the charts with ``lib/svg.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from entregent.goals.report import (
    CALENDAR_KINDS,
    HEALTH_SHARES,
    OUTCOME_ROWS,
    CountRow,
    HealthAt,
    HealthRow,
    Period,
    Report,
    ReportPeriodForm,
    Share,
    build_report,
    csv_rows,
    health_shares,
    period_containing,
)
from entregent.lib import csv_safety, svg

# One colour per outcome kind, in OUTCOME_ROWS order (Okabe and Ito's palette, told apart by
# most colour-blind readers, plus greys); the legend and the table say the same in words.
OUTCOME_COLOURS = (
    "#0072b2",  # new contact
    "#009e73",  # reactivation
    "#e69f00",  # meeting
    "#cc79a7",  # partnership
    "#56b4e9",  # lead for a job
    "#d55e00",  # lead for a client
    "#8c6d1f",  # lead for a supplier
    "#5a6275",  # introduction
    "#b0b7c3",  # other
)
HEALTH_SERIES = (
    ("known", "#0072b2"),
    ("alive", "#009e73"),
    ("due", "#e69f00"),
    ("dormant", "#d55e00"),
)


@dataclass(frozen=True)
class LegendItem:
    name: str
    key: SafeString


@require_GET
@login_required
def report(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = ReportPeriodForm(request.GET or None, today=today)
    period = form.report_period()
    data = build_report(request.user, period, today)
    outcome_chart, outcome_legend, outcome_table = _outcome_chart(data)
    health_chart, health_legend, health_table = _health_chart(data)
    return render(
        request,
        "goals/report.html",
        {
            "report": data,
            "form": form,
            "errors": form.messages(),
            "period_choices": form.fields["period"].choices,  # type: ignore[attr-defined]
            "calendar_kinds": CALENDAR_KINDS,
            "previous_url": _url("goals:report", data.previous),
            "next_url": _url("goals:report", data.next) if data.next else "",
            "csv_url": _url("goals:report-csv", period),
            "count_rows": [_count_line(row) for row in data.outcomes],
            "total_rows": [
                _count_line(data.total_outcomes),
                _count_line(data.objectives_reached),
            ],
            "health_rows": [_health_line(row) for row in data.health_rows],
            "health_label": _health_label(data.health),
            "previous_health_label": _health_label(data.previous_health),
            "outcome_chart": outcome_chart,
            "outcome_legend": outcome_legend,
            "outcome_table": outcome_table,
            "health_chart": health_chart,
            "health_legend": health_legend,
            "health_table": health_table,
        },
    )


@require_GET
@login_required
def report_csv(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = ReportPeriodForm(request.GET or None, today=today)
    if form.is_bound and not form.is_valid():
        # A script asked for something wrong: say what, rather than a report of another period.
        return HttpResponse(
            "\n".join(form.messages()) + "\n",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    period = form.report_period()
    data = build_report(request.user, period, today)
    response = HttpResponse(
        csv_safety.write_rows(csv_rows(data)), content_type="text/csv; charset=utf-8"
    )
    name = f"entregent-report-{period.start.isoformat()}-{period.end.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _url(name: str, period: Period) -> str:
    return f"{reverse(name)}?{urlencode(period.query())}"


def _health_label(at: HealthAt | None) -> str:
    if at is None:
        return ""
    if at.live:
        return _("today")
    return _("on %(date)s") % {"date": _date(at)}


def _date(at: HealthAt) -> str:
    return date_format(at.on, "DATE_FORMAT")


def percent(ratio: float) -> str:
    return _("%(percent)s%%") % {"percent": number_format(round(ratio * 100))}


@dataclass(frozen=True)
class Line:
    """One row of the figures table, as shown."""

    label: str
    current: str
    previous: str
    change: str
    # "up", "down" or "" (no change or nothing to compare): for the arrow, never the colour
    # alone.
    trend: str
    current_detail: str = ""
    previous_detail: str = ""


def _count_line(row: CountRow) -> Line:
    return Line(
        row.label,
        number_format(row.current),
        number_format(row.previous),
        _signed(row.change),
        "up" if row.change > 0 else "down" if row.change < 0 else "",
    )


def _health_line(row: HealthRow) -> Line:
    change = row.change_points
    return Line(
        row.label,
        _share(row.current),
        _share(row.previous),
        _("no data") if change is None else _("%(points)s pts") % {"points": _signed(change)},
        "" if not change else "up" if change > 0 else "down",
        _share_detail(row.current, row.denominator),
        _share_detail(row.previous, row.denominator),
    )


def _share(share: Share | None) -> str:
    if share is None:
        return _("no data")
    return _ratio(share.ratio)


def _share_detail(share: Share | None, denominator: str) -> str:
    """What a share is of: "25 of 40 active contacts"."""
    if share is None:
        return ""
    values = {"count": number_format(share.count), "total": number_format(share.of)}
    if denominator == "all":
        return (
            ngettext("%(count)s of %(total)s contact", "%(count)s of %(total)s contacts", share.of)
            % values
        )
    return (
        ngettext(
            "%(count)s of %(total)s active contact",
            "%(count)s of %(total)s active contacts",
            share.of,
        )
        % values
    )


def _signed(value: float) -> str:
    value = int(value) if float(value).is_integer() else value
    text = number_format(abs(value))
    if value > 0:
        return f"+{text}"
    if value < 0:
        return f"\u2212{text}"
    return text


# Charts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """A chart's numbers as a table: column headings, then one row per bucket."""

    columns: list[str]
    rows: list[list[str]]


def _outcome_chart(data: Report) -> tuple[str, list[LegendItem], Table]:
    labels = [b.axis_label() for b in data.buckets]
    names = [_bucket_name(b) for b in data.buckets]
    series = [
        svg.Series(str(label), data.outcomes_by_bucket[kind], colour)
        for (kind, label), colour in zip(OUTCOME_ROWS, OUTCOME_COLOURS, strict=True)
    ]
    totals = [sum(column) for column in zip(*(s.values for s in series), strict=True)]
    first, last = names[0], names[-1]
    if any(totals):
        busiest = max(range(len(totals)), key=lambda n: (totals[n], n))
        desc = ngettext(
            "%(count)s outcome recorded from %(first)s to %(last)s; the most in %(busiest)s "
            "(%(most)s).",
            "%(count)s outcomes recorded from %(first)s to %(last)s; the most in %(busiest)s "
            "(%(most)s).",
            sum(totals),
        ) % {
            "count": sum(totals),
            "first": first,
            "last": last,
            "busiest": names[busiest],
            "most": totals[busiest],
        }
    else:
        desc = _("No outcome recorded from %(first)s to %(last)s.") % {
            "first": first,
            "last": last,
        }
    chart = svg.bar_chart(
        chart_id="outcomes-chart",
        title=_("Outcomes per period, by kind"),
        desc=desc,
        labels=labels,
        series=series,
        point_titles=names,
    )
    legend = [LegendItem(s.name, mark_safe(svg.swatch(s.colour))) for s in series]
    shown = [s for s in series if any(s.values)]
    table = Table(
        [_("Period"), *(s.name for s in shown), _("All outcomes")],
        [
            [name, *(str(s.values[n]) for s in shown), str(totals[n])]
            for n, name in enumerate(names)
        ],
    )
    return mark_safe(chart), legend, table


def _health_chart(data: Report) -> tuple[str, list[LegendItem], Table]:
    labels = [b.axis_label() for b in data.buckets]
    names = [_bucket_name(b) for b in data.buckets]
    shares = [health_shares(at.health) if at else None for at in data.health_by_bucket]
    titles = dict(HEALTH_SHARES)
    series = [
        svg.Series(
            str(titles[key]),
            [s[key].ratio if s is not None else None for s in shares],
            colour,
        )
        for key, colour in HEALTH_SERIES
    ]
    known = [n for n, at in enumerate(data.health_by_bucket) if at is not None]
    if known:
        latest = data.health_by_bucket[known[-1]]
        assert latest is not None
        latest_shares = health_shares(latest.health)
        desc = _(
            "Share of the active contacts known, alive, due and dormant at the end of each "
            "period from %(first)s to %(last)s, where a snapshot exists (%(with_data)s of "
            "%(periods)s periods). Last: %(summary)s, of %(active)s active contacts."
        ) % {
            "first": names[0],
            "last": names[-1],
            "with_data": len(known),
            "periods": len(names),
            "summary": ", ".join(
                f"{titles[key]} {_ratio(latest_shares[key].ratio)}" for key, _c in HEALTH_SERIES
            ),
            "active": latest.health.active,
        }
    else:
        desc = _("No health snapshot from %(first)s to %(last)s.") % {
            "first": names[0],
            "last": names[-1],
        }
    chart = svg.line_chart(
        chart_id="health-chart",
        title=_("The network's health at the end of each period"),
        desc=desc,
        labels=labels,
        series=series,
        y_max=1.0,
        ticks=[0, 0.25, 0.5, 0.75, 1.0],
        format_value=percent,
        point_titles=names,
    )
    legend = [
        LegendItem(s.name, mark_safe(svg.line_swatch(s.colour, n))) for n, s in enumerate(series)
    ]
    rows = []
    for name, at, share in zip(names, data.health_by_bucket, shares, strict=True):
        if at is None or share is None:
            rows.append([name, _("no data"), *("" for _k in HEALTH_SERIES), ""])
            continue
        rows.append(
            [
                name,
                _("today") if at.live else _date(at),
                *(_ratio(share[key].ratio) for key, _c in HEALTH_SERIES),
                number_format(at.health.active),
            ]
        )
    table = Table(
        [_("Period"), _("Day"), *(s.name for s in series), _("Active contacts")],
        rows,
    )
    return mark_safe(chart), legend, table


def _ratio(ratio: float | None) -> str:
    return percent(ratio) if ratio is not None else _("no data")


def _bucket_name(bucket: Period) -> str:
    # A bucket cut to a custom range says its exact days.
    if period_containing(bucket.kind, bucket.start) == bucket:
        return bucket.label()
    return bucket.dates()
