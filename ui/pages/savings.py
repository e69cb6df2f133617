"""Savings report: first each programme's progress against its national target (what is
in force) and the pipeline of the cycle (proposed, adopted, enacted), then the cut rate of
the adopted proposals, savings by year, programme, agency, field, level and plan, with
Excel, CSV and PNG/SVG downloads."""

from datetime import date

import streamlit as st

from ui import report_widgets
from ui.i18n import t
from ui.state import cycle as cycle_state
from ui.state import reports as reports_state
from ui.widgets import run_service

st.title(t("savings.title"))
with st.spinner(t("overview.computing")):
    ok, report = run_service(reports_state.savings_report)
if not ok:
    st.stop()
adopted = report["adopted"]

st.subheader(t("savings.targets"))
report_widgets.programme_progress(report["programmes"])
report_widgets.catalogue_baseline(report["catalogue"])
ok, stages = run_service(cycle_state.stage_totals, date.today())
if ok:
    st.subheader(t("ux.savings.pipeline"))
    st.caption(t("ux.savings.pipeline_note"))
    report_widgets.pipeline(stages)

st.subheader(t("ux.savings.adopted"))
if adopted.empty:
    st.info(t("savings.none"))
else:
    report_widgets.adopted_totals(adopted)

with st.expander(t("ux.savings.details"), expanded=False):
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
