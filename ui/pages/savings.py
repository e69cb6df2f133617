"""Savings report: approved and published savings by year, agency, field and programme,
cumulative against the national targets, with Excel and PNG/SVG downloads."""

import streamlit as st

from ui import state, widgets
from ui.i18n import t

st.title(t("savings.title"))
ok, frame = widgets.run_service(state.savings)
if not ok:
    st.stop()
if frame.empty:
    st.info(t("savings.none"))
    st.stop()
widgets.proposal_totals(frame)
dimension = st.radio(
    t("savings.by"),
    ["year", "programme", "agency", "field"],
    format_func=lambda d: t(f"savings.dimension.{d}"),
    horizontal=True,
    key="savings_by",
)
grouped = state.savings_by(frame, dimension)
chart = widgets.savings_chart(grouped, dimension)
widgets.savings_table(grouped, dimension)
widgets.targets_progress(frame)
widgets.savings_downloads(frame, grouped, chart, dimension)
