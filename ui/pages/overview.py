"""Overview: procedures in the catalogue, yearly burden, approved savings, targets."""

import altair as alt
import streamlit as st

from ui import state
from ui.i18n import label, number, t
from ui.widgets import metric_row, not_available

st.title(t("overview.title"))
frame = state.procedures()
metric_row(
    [
        (t("overview.procedures"), number(len(frame)), None),
        (t("overview.fields"), number(frame["field"].nunique()), None),
        (t("overview.agencies"), number(frame["agency"].nunique()), None),
        (t("overview.active"), number(int((frame["status"] == "active").sum())), None),
    ]
)
totals = state.totals()
if totals is None:
    not_available(t("overview.cost_service"))
else:
    from ui.widgets import burden_metrics

    burden_metrics(totals)

by_field = frame.groupby("field", dropna=False).size().reset_index(name="count")
by_field["field"] = by_field["field"].fillna("—")
st.subheader(t("overview.by_field"))
st.altair_chart(
    alt.Chart(by_field)
    .mark_bar()
    .encode(
        x=alt.X("count:Q", title=t("overview.count")),
        y=alt.Y("field:N", sort="-x", title=t("catalogue.col.field")),
        tooltip=["field", "count"],
    ),
    width="stretch",
)
by_status = frame["status"].value_counts()
st.caption(
    " · ".join(f"{label('status', code)}: {number(count)}" for code, count in by_status.items())
)
