"""Overview: what the tool is for, the year's cycle and the user's part in it, what waits
for this user, then the catalogue's figures, yearly burden, savings in force and by
stage, programme targets."""

import streamlit as st

from ui import overview_widgets, report_widgets
from ui.i18n import label, number, t
from ui.state import catalogue as catalogue_state
from ui.state import costing as costing_state
from ui.state import reports as reports_state
from ui.state import session as session_state
from ui.widgets import metric_row, run_service

st.title(t("overview.title"))
overview_widgets.orientation(session_state.role())
overview_widgets.waiting(session_state.role())
st.subheader(t("ux.home.figures"))
figures = catalogue_state.figures()  # counts in SQL: no 100.000-row frame for four numbers
by_status = figures["by_status"]
metric_row(
    [
        (t("overview.procedures"), number(figures["procedures"]), None),
        (t("overview.fields"), number(figures["fields"]), None),
        (t("overview.agencies"), number(figures["agencies"]), None),
        (t("overview.active"), number(by_status.get("active", 0)), None),
    ]
)
st.caption(
    " · ".join(f"{label('status', code)}: {number(count)}" for code, count in by_status.items())
)

st.subheader(t("overview.burden"))
with st.spinner(t("overview.computing")):
    ok, _ = run_service(costing_state.catalogue_costs)
if ok:
    report_widgets.burden_summary()
    report_widgets.burden_breakdown()

if ok and session_state.user() is not None:
    done, report = run_service(reports_state.savings_report)
    if done:
        st.subheader(t("stages_ui.in_force_savings"))
        if report["adopted"].empty:
            st.info(t("stages_ui.none_in_force"))
        else:
            report_widgets.adopted_totals(report["adopted"])
        st.caption(t("ux.savings.pipeline_note"))
        report_widgets.pipeline(report["by_stage"])
        st.subheader(t("savings.targets"))
        report_widgets.targets_table(report["programmes"])
        st.page_link("ui/pages/savings.py", label=t("nav.savings"), icon=":material/trending_down:")
