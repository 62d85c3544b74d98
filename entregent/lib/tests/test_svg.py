"""Server-drawn SVG charts (entregent/lib/svg.py): well-formed, accessible, escaped, and
drawing what the numbers say."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from entregent.lib import svg

NS = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)


def bars(**overrides: object) -> str:
    arguments: dict[str, object] = {
        "chart_id": "outcomes",
        "title": "Outcomes",
        "desc": "Three months of outcomes.",
        "labels": ["Apr", "May", "Jun"],
        "series": [
            svg.Series("Meetings", [2, 0, 4], "#e69f00"),
            svg.Series("Leads", [1, 3, 0], "#0072b2"),
        ],
    }
    arguments.update(overrides)
    return svg.bar_chart(**arguments)  # type: ignore[arg-type]


class TestNiceTicks:
    @pytest.mark.parametrize(
        ("maximum", "expected"),
        [
            (0, [0, 1]),
            (1, [0, 1]),
            (3, [0, 1, 2, 3]),
            (7, [0, 2, 4, 6, 8]),
            (21, [0, 10, 20, 30]),
            (100, [0, 25, 50, 75, 100]),
            (1234, [0, 500, 1000, 1500]),
        ],
    )
    def test_counts_get_round_integer_steps_from_zero_past_the_maximum(
        self, maximum: float, expected: list[float]
    ) -> None:
        assert svg.nice_ticks(maximum) == expected

    def test_shares_may_step_below_one(self) -> None:
        assert svg.nice_ticks(1.0, integers=False) == [0, 0.25, 0.5, 0.75, 1.0]

    def test_nonsense_gives_a_usable_scale(self) -> None:
        assert svg.nice_ticks(float("nan")) == [0, 1]
        assert svg.nice_ticks(-5) == [0, 1]


class TestBarChart:
    def test_it_is_an_image_named_by_its_title_and_described_by_its_desc(self) -> None:
        root = parse(bars())
        assert root.tag == f"{NS}svg"
        assert root.get("role") == "img"
        assert root.get("aria-labelledby") == "outcomes-title outcomes-desc"
        title = root.find(f"{NS}title")
        desc = root.find(f"{NS}desc")
        assert title is not None and title.get("id") == "outcomes-title"
        assert title.text == "Outcomes"
        assert desc is not None and desc.get("id") == "outcomes-desc"
        assert desc.text == "Three months of outcomes."

    def test_every_text_is_escaped(self) -> None:
        markup = bars(
            title='<script>alert("t")</script>',
            desc="R&D <b>",
            labels=["<i>", "a&b", '"q"'],
            series=[svg.Series("</text><script>", [1, 2, 3], "#000000")],
        )
        assert "<script>" not in markup and "<i>" not in markup and "<b>" not in markup
        root = parse(markup)  # still well-formed
        assert root.find(f"{NS}title").text == '<script>alert("t")</script>'  # type: ignore[union-attr]
        texts = ["".join(t.itertext()) for t in root.iter(f"{NS}text")]
        assert "a&b" in texts

    def test_one_segment_per_nonzero_value_with_a_tooltip(self) -> None:
        rects = list(parse(bars()).iter(f"{NS}rect"))
        # Apr: 2 meetings + 1 lead, May: 3 leads, Jun: 4 meetings.
        assert len(rects) == 4
        tooltips = [r.find(f"{NS}title").text for r in rects]  # type: ignore[union-attr]
        assert "Apr: Meetings: 2" in tooltips
        assert "May: Leads: 3" in tooltips
        assert "Jun: Meetings: 4" in tooltips

    def test_stacked_heights_are_proportional_to_the_values(self) -> None:
        rects = {
            r.find(f"{NS}title").text: float(r.get("height", 0))  # type: ignore[union-attr]
            for r in parse(bars()).iter(f"{NS}rect")
        }
        # The scale goes 0..4 (ticks 0, 1, 2, 3, 4): four meetings are twice two.
        assert rects["Jun: Meetings: 4"] == pytest.approx(2 * rects["Apr: Meetings: 2"])
        assert rects["May: Leads: 3"] == pytest.approx(3 * rects["Apr: Leads: 1"])

    def test_point_titles_name_the_bars_in_full(self) -> None:
        markup = bars(point_titles=["April 2026", "May 2026", "June 2026"])
        assert "June 2026: Meetings: 4" in markup

    def test_grouped_bars_stand_side_by_side(self) -> None:
        rects = list(parse(bars(stacked=False)).iter(f"{NS}rect"))
        apr = [r for r in rects if r.find(f"{NS}title").text.startswith("Apr")]  # type: ignore[union-attr]
        assert len(apr) == 2
        assert apr[0].get("x") != apr[1].get("x")

    def test_all_zero_still_draws_axes(self) -> None:
        markup = bars(series=[svg.Series("Meetings", [0, 0, 0], "#e69f00")])
        root = parse(markup)
        assert not list(root.iter(f"{NS}rect"))
        assert [t.text for t in root.iter(f"{NS}text")][:2] == ["0", "1"]

    def test_the_axis_keeps_the_last_label_when_thinning_crowded_labels(self) -> None:
        labels = [f"Label number {n}" for n in range(12)]
        series = [svg.Series("x", [1] * 12, "#000000")]
        root = parse(bars(labels=labels, series=series))
        x_axis = next(g for g in root.iter(f"{NS}g") if g.get("class") == "axis x")
        shown = ["".join(t.itertext()) for t in x_axis]
        assert shown[-1] == "Label number 11"
        assert len(shown) < 12

    def test_a_second_line_is_written_where_it_changes(self) -> None:
        root = parse(bars(labels=["Dec\n2025", "Jan\n2026", "Feb\n2026"]))
        x_axis = next(g for g in root.iter(f"{NS}g") if g.get("class") == "axis x")
        lines = [[s.text for s in t.iter(f"{NS}tspan")] for t in x_axis]
        assert lines == [["Dec", "2025"], ["Jan", "2026"], ["Feb"]]

    def test_thinning_never_loses_the_second_line(self) -> None:
        labels = [f"Q{n % 4 + 1}\n{2024 + n // 4}" for n in range(12)]
        series = [svg.Series("x", [1] * 12, "#000000")]
        root = parse(bars(labels=labels, series=series, width=200))
        x_axis = next(g for g in root.iter(f"{NS}g") if g.get("class") == "axis x")
        shown = [[s.text or "" for s in t.iter(f"{NS}tspan")] for t in x_axis]
        assert len(shown) < 12
        assert shown[0][1] == "2024"
        years = [line[1] for line in shown if len(line) > 1]
        assert years == sorted(set(years)) and "2026" in years

    def test_values_must_match_the_labels(self) -> None:
        with pytest.raises(ValueError, match="2 values for 3 labels"):
            bars(series=[svg.Series("Meetings", [1, 2], "#e69f00")])

    @pytest.mark.parametrize("colour", ["red", "#12", 'x" onload="alert(1)', "#0072b2;"])
    def test_colours_must_be_hex(self, colour: str) -> None:
        with pytest.raises(ValueError, match="hex colour"):
            bars(series=[svg.Series("Meetings", [1, 2, 3], colour)])

    @pytest.mark.parametrize("chart_id", ["", "1abc", 'a" onload="x', "a b"])
    def test_ids_must_be_plain(self, chart_id: str) -> None:
        with pytest.raises(ValueError, match="id"):
            bars(chart_id=chart_id)


class TestLineChart:
    def chart(self, *values: float | None, **overrides: object) -> ET.Element:
        arguments: dict[str, object] = {
            "chart_id": "health",
            "title": "Health",
            "desc": "Shares.",
            "labels": [str(n) for n in range(len(values))],
            "series": [svg.Series("Alive", list(values), "#009e73")],
            "y_max": 1.0,
        }
        arguments.update(overrides)
        return parse(svg.line_chart(**arguments))  # type: ignore[arg-type]

    def test_a_missing_value_breaks_the_line(self) -> None:
        root = self.chart(0.5, 0.6, None, 0.7, 0.8)
        assert len(list(root.iter(f"{NS}polyline"))) == 2
        assert len(list(root.iter(f"{NS}circle"))) == 4

    def test_a_lone_value_is_a_dot_without_a_line(self) -> None:
        root = self.chart(None, 0.4, None)
        assert not list(root.iter(f"{NS}polyline"))
        (dot,) = root.iter(f"{NS}circle")
        assert dot.find(f"{NS}title").text == "1: Alive: 0.4"  # type: ignore[union-attr]

    def test_values_sit_on_the_scale(self) -> None:
        root = self.chart(0.0, 1.0, 0.5)
        ys = [float(c.get("cy", 0)) for c in root.iter(f"{NS}circle")]
        # Top of the plot for 100%, bottom for 0%, half-way for 50%.
        assert ys[2] == pytest.approx((ys[0] + ys[1]) / 2)
        assert ys[1] < ys[0]

    def test_the_formatter_writes_the_ticks_and_tooltips(self) -> None:
        root = self.chart(0.25, ticks=[0, 0.5, 1.0], format_value=lambda v: f"{round(v * 100)} %")
        texts = [t.text for t in root.iter(f"{NS}text")]
        assert texts[:3] == ["0 %", "50 %", "100 %"]
        assert root.find(f".//{NS}circle/{NS}title").text == "0: Alive: 25 %"  # type: ignore[union-attr]

    def test_series_differ_by_dash_as_well_as_colour(self) -> None:
        root = self.chart(
            0.1,
            0.2,
            series=[
                svg.Series("Known", [0.1, 0.2], "#0072b2"),
                svg.Series("Alive", [0.3, 0.4], "#009e73"),
            ],
            labels=["a", "b"],
        )
        lines = list(root.iter(f"{NS}polyline"))
        assert lines[0].get("stroke-dasharray") is None
        assert lines[1].get("stroke-dasharray") == svg.DASHES[1]

    def test_no_data_at_all_draws_an_empty_frame(self) -> None:
        root = self.chart(None, None)
        assert not list(root.iter(f"{NS}circle"))
        assert root.get("role") == "img"


def test_legend_keys_are_hidden_from_screen_readers() -> None:
    for markup in (svg.swatch("#0072b2"), svg.line_swatch("#009e73", 1)):
        root = parse(markup)
        assert root.get("aria-hidden") == "true"
    assert 'stroke-dasharray="7 4"' in svg.line_swatch("#009e73", 1)
    with pytest.raises(ValueError):
        svg.swatch("url(#x)")
