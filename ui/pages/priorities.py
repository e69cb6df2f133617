"""Review priorities: procedures in force ranked by yearly burden, late rate, documents,
deadline and the lack of a full online channel, each rank explained; weights adjustable."""

import streamlit as st

from ui import onestop_widgets
from ui.i18n import number, t
from ui.labels import procedure_line
from ui.state import catalogue as catalogue_state
from ui.state import onestop as onestop_state
from ui.state import session as session_state
from ui.widgets import pager, run_service

st.title(t("priorities.title"))
st.caption(t("priorities.intro"))
with st.expander(t("priorities.weights"), expanded=True):
    weights = onestop_widgets.weight_sliders("priorities_weight")
if sum(weights.values()) <= 0:
    st.warning(t("priorities.no_weight"))
    st.stop()
with st.spinner(t("overview.computing")):
    ok, ranked = run_service(onestop_state.priorities, weights)
if not ok:
    st.stop()
st.caption(t("priorities.count", count=number(len(ranked))))
onestop_widgets.contributions_chart(ranked.head(20))
start, stop = pager(len(ranked), key="priorities_page")
page = ranked.iloc[start:stop]
onestop_widgets.ranking_table(page)
if len(page):
    described = catalogue_state.procedure_rows(page["procedure_id"].astype(int).tolist())
    names = {
        int(r.procedure_id): procedure_line(described.loc[int(r.procedure_id)], f"{r.rank}. ")
        for r in page.itertuples()
        if int(r.procedure_id) in described.index
    }
    picked = st.selectbox(
        t("catalogue.pick"), list(names), format_func=names.get, key="priorities_pick"
    )
    left, right = st.columns(2)
    if left.button(t("catalogue.open"), key="priorities_open"):
        st.session_state["procedure_id"] = int(picked)
        st.switch_page("ui/pages/detail.py")
    if session_state.role() in ("reviewer", "chair", "admin") and right.button(
        t("catalogue.compare"), key="priorities_compare"
    ):
        st.session_state["procedure_id"] = int(picked)
        st.switch_page("ui/pages/compare.py")
