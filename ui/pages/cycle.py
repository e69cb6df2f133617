"""The law's sequence: adopt a phương án, record the act, publish the list, date in force.

Each form calls one service of :mod:`catalogue.cycle` as the signed-in user (the service
checks the role); signing asks for confirmation with a summary first
(:mod:`ui.cycle_widgets`).
"""

import streamlit as st

from ui import cycle_widgets, widgets
from ui.i18n import t
from ui.state import core as core_state
from ui.state import cycle as cycle_state
from ui.state import session as session_state

st.title(t("cycle_steps.title"))
widgets.show_flash()
cycle_widgets.show_warnings()
role = session_state.role()
today = core_state.today()

# The date in force is reached on load: idempotent, audited, applied as this user.
if role in ("reviewer", "chair", "admin"):
    ok, applied = widgets.run_service(cycle_state.workflow, "apply_due_changes", today=today)
    if ok and applied:
        core_state.data_changed()
        st.success(t("cycle_steps.applied", n=len(applied)))

cycle_widgets.stage_metrics(today)
if role == "chair":
    cycle_widgets.adopt_section()
if role in ("reviewer", "admin"):
    cycle_widgets.act_form()

ok, routings = widgets.run_service(cycle_state.workflow, "routings_frame")
ok_links, links = widgets.run_service(cycle_state.act_links)
if ok and ok_links and not routings.empty:
    st.header(t("cycle_steps.routings"))
    cycle_widgets.routings_table(routings, links)
    ok_acts, acts = widgets.run_service(cycle_state.workflow, "acts_frame")
    if role in ("reviewer", "admin") and ok_acts and not acts.empty:
        cycle_widgets.link_form(routings, acts)
    if role == "chair":
        cycle_widgets.publish_section(routings, links)

cycle_widgets.pending_section()
