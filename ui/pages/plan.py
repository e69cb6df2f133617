"""Plan builder: create a plan, see its proposals with their figures and the chair's
comments, reopen a returned one in the compare page, propose a new procedure, withdraw,
submit (amend, abolish and replace are proposed from the compare page)."""

from datetime import date

import streamlit as st

from ui import widgets, workflow_widgets
from ui.i18n import t
from ui.state import core as core_state
from ui.state import cycle as cycle_state
from ui.state import session as session_state

st.title(t("plan.title"))
if not widgets.require_role("reviewer", "admin"):
    st.stop()
widgets.show_flash()
ok, plans = widgets.run_service(cycle_state.workflow, "plans_frame")
if not ok:
    st.stop()
workflow_widgets.plans_table(plans)

if session_state.role() == "reviewer":
    with st.form("plan_new", clear_on_submit=True):
        st.markdown(f"**{t('plan.new')}**")
        name = st.text_input(t("plan.name"), key="plan_name")
        year = st.number_input(t("plan.year"), 2000, 2100, date.today().year, key="plan_year")
        programme = st.selectbox(
            t("plan.programme"), cycle_state.programmes(), key="plan_programme"
        )
        scope = st.text_input(t("plan.scope"), key="plan_scope")
        created = st.form_submit_button(t("plan.create"), key="plan_create")
    if created:
        ok, _ = widgets.run_service(
            cycle_state.workflow,
            "create_plan",
            name=name,
            year=int(year),
            programme=programme,
            agency_scope=scope or None,
        )
        if ok:
            core_state.data_changed()
            widgets.flash(t("ux.done.plan_created", name=name))

if plans.empty:
    st.stop()
plan_id = workflow_widgets.pick_plan(plans, key="plan_pick")
workflow_widgets.plan_proposals(plan_id)
plan = plans.set_index("id").loc[plan_id]
if session_state.role() == "reviewer" and plan["status"] == "draft":
    workflow_widgets.new_procedure_form(plan_id)
if session_state.role() == "reviewer" and plan["status"] in ("draft", "submitted"):
    if st.button(t("plan.submit"), key="plan_submit", type="primary"):
        ok, _ = widgets.run_service(cycle_state.workflow, "submit_plan", plan_id=plan_id)
        if ok:
            core_state.data_changed()
            widgets.flash(t("plan.submitted"))
