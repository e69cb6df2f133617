"""Overview: procedures in the catalogue, yearly burden, approved savings, targets."""

import altair as alt
import streamlit as st

from ui import state
from ui.i18n import label, number, t
from ui.widgets import metric_row, not_available, proposal_totals, run_service

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
if state.user() is not None:
    ok, approved = run_service(state.savings)
    if ok and not approved.empty:
        st.subheader(t("overview.approved_savings"))
        proposal_totals(approved)
not_available(t("overview.cost_service"))

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
