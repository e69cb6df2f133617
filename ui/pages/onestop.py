"""One-stop performance: dossiers received and resolved early, on time or late, online
share, by level and period, in the published form; the procedures and agencies with the
most late dossiers."""

import streamlit as st

from ui import onestop_widgets
from ui.i18n import t
from ui.state import onestop as onestop_state
from ui.widgets import run_service

st.title(t("onestop.title"))
years = onestop_state.stats_years()
if not years:
    st.info(t("onestop.none"))
    st.stop()
year = st.selectbox(t("onestop.year"), years, key="onestop_year")
ok, report = run_service(onestop_state.onestop, year)
if not ok:
    st.stop()
onestop_widgets.headline(year, report["totals"])
st.subheader(t("onestop.by_level"))
onestop_widgets.by_level(report["by_level"])
st.subheader(t("onestop.by_period"))
onestop_widgets.by_period(report["by_period"])
st.subheader(t("onestop.most_late"))
onestop_widgets.most_late(report["late_procedures"], report["late_agencies"])
st.caption(t("onestop.source"))
