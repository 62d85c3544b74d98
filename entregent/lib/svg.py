"""Charts drawn as SVG markup on the server: no JavaScript, no third-party library, no CDN.

Pure functions: labels and numbers in, a string of SVG out. Every piece of text is escaped
here, so callers may mark the result safe. Each chart is an accessible image: ``role="img"``
named by its ``<title>`` and described by its ``<desc>`` (``aria-labelledby``); the page is
expected to give the same numbers as a table beside it, because a description cannot hold them
all. Each bar and point also carries a ``<title>`` (a tooltip for pointer users).

Colours are given per series; the line chart also varies the dash pattern, so that the series
stay apart in print and for readers who do not tell the colours apart.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

Number = float | int
Formatter = Callable[[float], str]

# Room around the plot, in viewBox units: y-axis labels on the left, x labels below.
MARGIN_LEFT = 48
MARGIN_RIGHT = 12
MARGIN_TOP = 12
MARGIN_BOTTOM = 44
FONT_SIZE = 14
# Roughly how wide a character of the axis labels is, to thin out labels that would overlap.
CHAR_WIDTH = FONT_SIZE * 0.6
DASHES = ("", "7 4", "2 4", "10 4 2 4")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{3,8}$")
_ID = re.compile(r"^[A-Za-z][\w-]*$")


@dataclass(frozen=True)
class Series:
    """One named series: a value per label; ``None`` where there is no data (a gap)."""

    name: str
    values: Sequence[Number | None]
    colour: str = "#1f5fbf"


def _text(value: object) -> str:
    return escape(str(value), quote=True)


def _num(value: float) -> str:
    """Coordinates with at most two decimals and no trailing zeros: smaller markup."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _colour(colour: str) -> str:
    if not _COLOUR.match(colour):
        raise ValueError(f"not a hex colour: {colour!r}")
    return colour


def plain_number(value: float) -> str:
    """The default formatter: integers without decimals, others with one."""
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def nice_ticks(maximum: float, count: int = 4, integers: bool = True) -> list[float]:
    """Evenly spaced round values from 0 to at least ``maximum`` (about ``count`` steps).

    Steps are 1, 2, 2.5 or 5 times a power of ten; with ``integers`` never below 1, since
    half a meeting is not a thing.
    """
    if not math.isfinite(maximum) or maximum <= 0:
        return [0.0, 1.0]
    raw = maximum / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    if integers:
        step = max(1.0, math.ceil(step))
    steps = math.ceil(maximum / step - 1e-9)
    return [round(step * n, 10) for n in range(steps + 1)]


@dataclass(frozen=True)
class _Frame:
    width: int
    height: int

    @property
    def left(self) -> float:
        return MARGIN_LEFT

    @property
    def right(self) -> float:
        return self.width - MARGIN_RIGHT

    @property
    def top(self) -> float:
        return MARGIN_TOP

    @property
    def bottom(self) -> float:
        return self.height - MARGIN_BOTTOM

    def y(self, value: float, top_value: float) -> float:
        return self.bottom - (self.bottom - self.top) * (value / top_value if top_value else 0)


def _open(chart_id: str, title: str, desc: str, frame: _Frame, css_class: str) -> list[str]:
    if not _ID.match(chart_id):
        raise ValueError(f"not a usable id: {chart_id!r}")
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{_text(css_class)}" '
        f'viewBox="0 0 {frame.width} {frame.height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" id="{chart_id}" '
        f'font-size="{FONT_SIZE}" font-family="system-ui, sans-serif">',
        f'<title id="{chart_id}-title">{_text(title)}</title>',
        f'<desc id="{chart_id}-desc">{_text(desc)}</desc>',
    ]


def _y_axis(frame: _Frame, ticks: Sequence[float], format_value: Formatter) -> list[str]:
    top_value = ticks[-1]
    parts = ['<g class="axis y" fill="#5a6275">']
    for tick in ticks:
        y = _num(frame.y(tick, top_value))
        stroke = "#8a92a3" if tick == 0 else "#d9dde5"
        parts.append(
            f'<line x1="{_num(frame.left)}" x2="{_num(frame.right)}" y1="{y}" y2="{y}" '
            f'stroke="{stroke}" stroke-width="1"/>'
            f'<text x="{_num(frame.left - 6)}" y="{y}" text-anchor="end" '
            f'dominant-baseline="middle">{_text(format_value(tick))}</text>'
        )
    parts.append("</g>")
    return parts


def _x_labels(frame: _Frame, labels: Sequence[str], centres: Sequence[float]) -> list[str]:
    """The labels under the plot, every n-th one when they would overlap.

    A label may hold a second line after a newline (the year): it is written under the first
    label shown and then only where it changes, so thinning never loses it.
    """
    if not labels:
        return []
    slot = (frame.right - frame.left) / len(labels)
    widest = max(len(line) for label in labels for line in label.split("\n")) * CHAR_WIDTH + 6
    every = max(1, math.ceil(widest / slot))
    # Keep the last label (the current period) whatever the thinning.
    shown = {i for i in range(len(labels)) if (len(labels) - 1 - i) % every == 0}
    y = frame.bottom + FONT_SIZE + 4
    parts = ['<g class="axis x" fill="#5a6275" text-anchor="middle">']
    previous_second = None
    for i, (label, x) in enumerate(zip(labels, centres, strict=True)):
        if i not in shown:
            continue
        lines = label.split("\n")
        if len(lines) > 1:
            if lines[1] == previous_second:
                lines = lines[:1]
            else:
                previous_second = lines[1]
        spans = "".join(
            f'<tspan x="{_num(x)}" y="{_num(y + n * (FONT_SIZE + 2))}">{_text(line)}</tspan>'
            for n, line in enumerate(lines)
        )
        parts.append(f"<text>{spans}</text>")
    parts.append("</g>")
    return parts


def _check(labels: Sequence[str], series: Sequence[Series]) -> None:
    for one in series:
        if len(one.values) != len(labels):
            raise ValueError(
                f"series {one.name!r} has {len(one.values)} values for {len(labels)} labels"
            )
        _colour(one.colour)


def bar_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    series: Sequence[Series],
    stacked: bool = True,
    width: int = 480,
    height: int = 240,
    format_value: Formatter = plain_number,
    point_titles: Sequence[str] | None = None,
) -> str:
    """Bars per label, one segment (stacked) or one bar (grouped) per series.

    ``point_titles`` names each label in full for the tooltips (the axis shows ``labels``,
    which may be abbreviated). Missing values count as 0 in a bar chart.
    """
    _check(labels, series)
    frame = _Frame(width, height)
    values = [[float(v or 0) for v in one.values] for one in series]
    if stacked:
        highest = max((sum(column) for column in zip(*values, strict=True)), default=0.0)
    else:
        highest = max((v for row in values for v in row), default=0.0)
    ticks = nice_ticks(highest)
    top_value = ticks[-1]
    slot = (frame.right - frame.left) / max(1, len(labels))
    bar_width = slot * 0.7
    names = point_titles or labels

    parts = _open(chart_id, title, desc, frame, "chart bar-chart")
    parts += _y_axis(frame, ticks, format_value)
    parts.append('<g class="bars">')
    centres = []
    for i, label_name in enumerate(names):
        centre = frame.left + slot * (i + 0.5)
        centres.append(centre)
        base = 0.0
        for s, one in enumerate(series):
            value = values[s][i]
            if value <= 0:
                continue
            if stacked:
                y_top, y_bottom = frame.y(base + value, top_value), frame.y(base, top_value)
                x, w = centre - bar_width / 2, bar_width
                base += value
            else:
                w = bar_width / len(series)
                x = centre - bar_width / 2 + s * w
                y_top, y_bottom = frame.y(value, top_value), frame.bottom
            tooltip = f"{label_name}: {one.name}: {format_value(value)}"
            parts.append(
                f'<rect x="{_num(x)}" y="{_num(y_top)}" width="{_num(w)}" '
                f'height="{_num(max(0.0, y_bottom - y_top))}" fill="{one.colour}" '
                f'stroke="#ffffff" stroke-width="1"><title>{_text(tooltip)}</title></rect>'
            )
    parts.append("</g>")
    parts += _x_labels(frame, labels, centres)
    parts.append("</svg>")
    return "".join(parts)


def line_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    series: Sequence[Series],
    y_max: float | None = None,
    width: int = 480,
    height: int = 240,
    format_value: Formatter = plain_number,
    point_titles: Sequence[str] | None = None,
    ticks: Sequence[float] | None = None,
) -> str:
    """A line per series, with a dot at each known value; a missing value breaks the line.

    ``y_max`` fixes the top of the scale (1.0 for shares), ``ticks`` the grid lines.
    """
    _check(labels, series)
    frame = _Frame(width, height)
    known = [float(v) for one in series for v in one.values if v is not None]
    if ticks is None:
        ticks = nice_ticks(y_max if y_max is not None else max(known, default=0.0), integers=False)
    top_value = ticks[-1]
    slot = (frame.right - frame.left) / max(1, len(labels))
    centres = [frame.left + slot * (i + 0.5) for i in range(len(labels))]
    names = point_titles or labels

    parts = _open(chart_id, title, desc, frame, "chart line-chart")
    parts += _y_axis(frame, ticks, format_value)
    for s, one in enumerate(series):
        dash = DASHES[s % len(DASHES)]
        dash_attribute = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<g class="series" stroke="{one.colour}" fill="{one.colour}">')
        run: list[str] = []
        runs: list[list[str]] = []
        for i, value in enumerate(one.values):
            if value is None:
                if run:
                    runs.append(run)
                run = []
                continue
            run.append(f"{_num(centres[i])},{_num(frame.y(float(value), top_value))}")
        if run:
            runs.append(run)
        for points in runs:
            if len(points) > 1:
                parts.append(
                    f'<polyline points="{" ".join(points)}" fill="none" stroke-width="2.5"'
                    f' stroke-linejoin="round"{dash_attribute}/>'
                )
        for i, value in enumerate(one.values):
            if value is None:
                continue
            tooltip = f"{names[i]}: {one.name}: {format_value(float(value))}"
            parts.append(
                f'<circle cx="{_num(centres[i])}" cy="{_num(frame.y(float(value), top_value))}"'
                f' r="3.5" stroke="#ffffff" stroke-width="1"><title>{_text(tooltip)}</title>'
                "</circle>"
            )
        parts.append("</g>")
    parts += _x_labels(frame, labels, centres)
    parts.append("</svg>")
    return "".join(parts)


def swatch(colour: str, size: int = 14) -> str:
    """A legend key for a bar series: a small square of its colour."""
    _colour(colour)
    return (
        f'<svg class="swatch" width="{size}" height="{size}" viewBox="0 0 14 14" '
        f'aria-hidden="true" focusable="false"><rect width="14" height="14" rx="2" '
        f'fill="{colour}"/></svg>'
    )


def line_swatch(colour: str, index: int, size: int = 14) -> str:
    """A legend key for the ``index``-th series of a line chart: its colour and dash pattern."""
    _colour(colour)
    dash = DASHES[index % len(DASHES)]
    pattern = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<svg class="swatch" width="{size * 2}" height="{size}" viewBox="0 0 28 14" '
        f'aria-hidden="true" focusable="false"><line x1="1" y1="7" x2="27" y2="7" '
        f'stroke="{colour}" stroke-width="3"{pattern}/></svg>'
    )
