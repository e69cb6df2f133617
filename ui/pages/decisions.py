"""Published decisions with their procedure lists, and downloads of the Excel and Word exports."""

import streamlit as st

from ui import widgets, workflow_widgets
from ui.i18n import day, t
from ui.state import cycle as cycle_state

st.title(t("decisions.title"))
ok, decisions = widgets.run_service(cycle_state.workflow, "decisions_frame")
if not ok:
    st.stop()
if decisions.empty:
    st.info(t("decisions.none"))
    st.stop()
workflow_widgets.decisions_table(decisions)
names = {
    int(r.id): f"{r.number} — {day(r.signed_on)} — {r.title or ''}" for r in decisions.itertuples()
}
decision_id = st.selectbox(
    t("decisions.pick"), list(names), format_func=names.get, key="decisions_pick"
)
ok, items = widgets.run_service(
    cycle_state.workflow, "decision_items_frame", decision_id=decision_id
)
if ok:
    workflow_widgets.decision_items(items)
workflow_widgets.decision_downloads(
    decision_id, decisions.set_index("id").loc[decision_id, "number"]
)
