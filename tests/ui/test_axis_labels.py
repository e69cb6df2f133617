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
