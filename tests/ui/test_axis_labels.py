"""Chart axes show Vietnamese separators on every group of digits (rendered by Vega)."""

from __future__ import annotations

import re

import altair as alt
import pandas as pd
import vl_convert as vlc

from ui.widgets import VI_AXIS_LABELS


def test_every_thousands_separator_is_swapped():
    frame = pd.DataFrame({"option": ["a", "b"], "cost": [5_000_000_000, 1_234_567.5]})
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(x="option:N", y=alt.Y("cost:Q", axis=alt.Axis(labelExpr=VI_AXIS_LABELS)))
    )
    labels = re.findall(r">([0-9.,]+)</text>", vlc.vegalite_to_svg(chart.to_json()))
    assert "5.000.000.000" in labels
    assert all("," not in label for label in labels)


# --------------------------------------------------------------------------- issue 15 leftovers
# An axis once read "0.000000": a few đồng of savings drawn on a tỷ đồng axis, where Vega's
# default format follows the tick step. Every quantitative axis now goes through
# ui.widgets.value_axis (two decimals at most, no step below 0,01) and money picks its unit.

NUMBER_LABEL = re.compile(r">(-?[0-9][0-9.,]*)</text>")
TOO_PRECISE = re.compile(r"[.,][0-9]{3,}$")  # three or more decimals after the last mark


def _labels(chart) -> list[str]:
    return NUMBER_LABEL.findall(vlc.vegalite_to_svg(chart.to_json()))


def test_tiny_values_never_print_long_decimals():
    from ui.widgets import value_axis

    for values in ([0.0, 0.0], [1e-7, 2e-7], [1e-9, 0.0], [0.004, 0.002]):
        frame = pd.DataFrame({"option": ["a", "b"], "cost": values})
        chart = (
            alt.Chart(frame).mark_bar().encode(x="option:N", y=alt.Y("cost:Q", axis=value_axis()))
        )
        labels = _labels(chart)
        assert labels, values
        assert not [x for x in labels if x.count(",") == 1 and TOO_PRECISE.search(x)], labels


def test_the_savings_chart_picks_a_readable_unit():
    from ui.report_widgets import savings_chart

    # 3 đ and 5 đ of savings: the axis is in đồng (not 0,000000003 tỷ), labels whole numbers
    grouped = pd.DataFrame(
        {"group": ["2025", "2026"], "savings": [3, 5], "cumulative": [3, 8], "cut_rate": [0.1, 0.2]}
    )
    chart = savings_chart(grouped, "year")
    svg = vlc.vegalite_to_svg(chart.to_json())
    assert "Tiết kiệm (đồng/năm)" in svg
    assert all(not TOO_PRECISE.search(x) for x in NUMBER_LABEL.findall(svg))
    # 2,5 tỷ đồng: the axis is in tỷ đồng
    big = grouped.assign(savings=[2_500_000_000, 0], cumulative=[2_500_000_000, 2_500_000_000])
    assert "Tiết kiệm (tỷ đồng/năm)" in vlc.vegalite_to_svg(savings_chart(big, "year").to_json())


def test_every_quantitative_axis_in_the_ui_uses_value_axis():
    """A scan of the chart code: each quantitative encoding (``"…:Q"``) is an ``alt.X``/
    ``alt.Y`` call with ``axis=value_axis()``, never a bare shorthand string."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "ui"
    bare = re.compile(r"\b[xy]\s*=\s*\"[^\"]+:Q\"")
    call = re.compile(r"alt\.[XY]\(\s*(?:f?\"[^\"]+:Q\")(?P<rest>[^()]*(?:\([^()]*\)[^()]*)*)\)")
    problems = []
    for path in sorted(root.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        problems += [f"{path.name}: {m.group(0)}" for m in bare.finditer(text)]
        problems += [
            f"{path.name}: {m.group(0)}"
            for m in call.finditer(text)
            if "value_axis()" not in m.group("rest")
        ]
    assert problems == []
