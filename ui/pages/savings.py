"""Savings report: first each programme's progress against its national target (what is
in force, within its scope, against the catalogue on its baseline day) with the pipeline
(adopted, enacted) beside it; second the cut rate of the adopted proposals (whatever their
stage now); then the savings and cut rate at each stage of the cycle; then the savings in
force by year, programme, agency, field, level and plan, with Excel, CSV and PNG/SVG
downloads. Every figure reads one definition of the stages (``catalogue.cycle.stages``)."""

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

st.subheader(t("savings.targets"))
st.caption(t("stages_ui.progress_note"))
report_widgets.programme_progress(report["programmes"])

st.subheader(t("ux.savings.adopted"))
report_widgets.adopted_proposals(report["adopted_proposals"])

st.subheader(t("ux.savings.pipeline"))
st.caption(t("ux.savings.pipeline_note"))
report_widgets.pipeline(report["by_stage"])

with st.expander(t("ux.savings.details"), expanded=False):
    charts = {"targets": report_widgets.targets_chart(report["programmes"])}
    report_widgets.targets_table(report["programmes"])

dimension = "year"
st.subheader(t("savings.by_title"))
st.caption(t("stages_ui.groupings_in_force"))
report_widgets.catalogue_baseline(report["catalogue"])
if adopted.empty:
    st.info(t("stages_ui.none_in_force"))
else:
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
