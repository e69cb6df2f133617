"""Savings report: published savings by year, programme, agency, field, level and plan,
cumulative, and each programme's cost and time cuts against its national target, with
Excel and PNG/SVG downloads."""

import streamlit as st

from ui import report_widgets
from ui.i18n import t
from ui.state import reports as reports_state
from ui.widgets import run_service

st.title(t("savings.title"))
with st.spinner(t("overview.computing")):
    ok, report = run_service(reports_state.savings_report)
if not ok:
    st.stop()
adopted = report["adopted"]
if adopted.empty:
    st.info(t("savings.none"))
else:
    report_widgets.adopted_totals(adopted)
report_widgets.catalogue_baseline(report["catalogue"])

st.subheader(t("savings.targets"))
charts = {"targets": report_widgets.targets_chart(report["programmes"])}
report_widgets.targets_table(report["programmes"])

dimension = "year"
if not adopted.empty:
    st.subheader(t("savings.by_title"))
    dimension = st.radio(
        t("savings.by"),
        report_widgets.SAVINGS_DIMENSIONS,
        format_func=lambda d: t(f"savings.dimension.{d}"),
        horizontal=True,
        key="savings_by",
    )
    grouped = report_widgets.savings_grouped(report, dimension)
    charts["savings"] = report_widgets.savings_chart(grouped, dimension)
    report_widgets.savings_table(grouped, dimension)
report_widgets.savings_downloads(report, dimension, charts)
