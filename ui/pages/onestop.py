"""One-stop performance of one reporting period (Biểu 06, TT 01/2020/TT-VPCP): dossiers
received (online, direct and postal, carried over), resolved early, on time or late,
pending within time or overdue, in the published form; by level, period and unit; the
procedures, units and fields with the most late dossiers and the apologies owed; the
period's Biểu 06 as an Excel workbook. Periods of different years are never added."""

import streamlit as st

from ui import onestop_widgets
from ui.i18n import lang, t
from ui.state import onestop as onestop_state
from ui.widgets import run_service

st.title(t("onestop.title"))
years = onestop_state.stats_years()
if not years:
    st.info(t("onestop.none"))
    st.stop()
left, right = st.columns(2)
year = left.selectbox(t("onestop.year"), years, key="onestop_year")
choices = onestop_widgets.period_choices(year, onestop_state.periods(year))
period = right.selectbox(
    t("onestop_form.period"),
    list(choices),
    format_func=choices.get,
    key=f"onestop_period_{year}",
)
ok, report = run_service(onestop_state.period_report, period, lang())
if not ok:
    st.stop()
onestop_widgets.headline(report["period_text"], report["totals"])
onestop_widgets.apologies(report["totals"])
st.subheader(t("onestop.by_level"))
onestop_widgets.by_level(report["by_level"])
st.subheader(t("onestop.by_period"))
onestop_widgets.by_period(report["by_period"])
st.subheader(t("onestop.most_late"))
onestop_widgets.most_late(report["late_procedures"], report["late_agencies"])
onestop_widgets.late_fields(report["late_fields"])
st.subheader(t("onestop_form.by_unit"))
onestop_widgets.by_unit(report["by_agency"])
onestop_widgets.bieu06_download(period, onestop_state.bieu06)
st.caption(t("onestop.source"))
st.caption(t("onestop_form.basis"))
