"""Approval queue (chair): decide each proposal with the money at stake, approve, publish."""

from datetime import date

import streamlit as st

from ui import queue_widgets, widgets, workflow_widgets
from ui.i18n import t
from ui.labels import proposal_choices
from ui.state import core as core_state
from ui.state import cycle as cycle_state

st.title(t("queue.title"))
if not widgets.require_role("chair"):
    st.stop()
widgets.show_flash()
ok, queue = widgets.run_service(cycle_state.workflow, "approval_queue")
if ok and queue.empty:
    st.info(t("queue.empty"))
elif ok:
    workflow_widgets.proposal_totals(queue)
    workflow_widgets.proposals_table(queue)
    files_ok, files = widgets.run_service(cycle_state.workflow, "proposal_files")
    if files_ok:
        st.subheader(t("chair_file.heading"))
        for file in files:
            queue_widgets.proposal_file(file)
    names = proposal_choices(queue)
    with st.form("queue_decide", clear_on_submit=True):
        chosen = st.selectbox(t("queue.pick"), list(names), format_func=names.get, key="queue_pick")
        verdict = st.radio(
            t("queue.verdict"),
            ["approve", "reject", "return"],
            format_func=lambda v: t(f"queue.verdicts.{v}"),
            horizontal=True,
            key="queue_verdict",
        )
        comment = st.text_input(t("queue.comment"), key="queue_comment")
        decided = st.form_submit_button(t("queue.decide"), key="queue_decide_button")
    if decided:
        ok, _ = widgets.run_service(
            cycle_state.workflow,
            "decide_proposal",
            proposal_id=chosen,
            verdict=verdict,
            comment=comment,
        )
        if ok:
            core_state.data_changed()
            widgets.flash(
                t(
                    "ux.done.decided",
                    verdict=t(f"queue.verdicts.{verdict}"),
                    proposal=names[chosen],
                )
            )

plans_ok, plans = widgets.run_service(cycle_state.workflow, "plans_frame")
if not plans_ok:
    st.stop()
submitted = plans[plans["status"] == "submitted"]
for plan in submitted.itertuples():
    st.caption(t("chair_file.downloads", name=plan.name))
    columns = st.columns(2)
    for column, fmt in zip(columns, ("docx", "xlsx"), strict=True):
        made, data = widgets.run_service(cycle_state.plan_document, int(plan.id), fmt)
        if made:
            column.download_button(
                t(f"chair_file.download_{fmt}"),
                data,
                file_name=f"phuong-an-{plan.id}.{fmt}",
                key=f"queue_plan_{fmt}_{plan.id}",
            )
if not submitted.empty:
    st.subheader(t("queue.approve_plan"))
    plan_id = workflow_widgets.pick_plan(submitted, key="queue_plan")
    ok, decided = widgets.run_service(cycle_state.workflow, "proposals_frame", plan_id=plan_id)
    if ok and not decided.empty:  # what the chair has decided so far, and what is left
        workflow_widgets.proposals_table(decided[decided["status"] != "withdrawn"])
    if st.button(t("queue.approve"), key="queue_approve", type="primary"):
        ok, _ = widgets.run_service(cycle_state.workflow, "approve_plan", plan_id=plan_id)
        if ok:
            core_state.data_changed()
            widgets.flash(t("ux.done.plan_approved", plan=plan_id))

approved = plans[plans["status"] == "approved"]
if not approved.empty:
    st.subheader(t("queue.publish"))
    plan_id = workflow_widgets.pick_plan(approved, key="queue_publish_plan")
    with st.form("queue_publish_form"):
        number = st.text_input(t("queue.number"), placeholder="123/QĐ-UBND", key="queue_number")
        signer = st.text_input(t("queue.signer"), key="queue_signer")
        signed_on = st.date_input(
            t("queue.signed_on"), date.today(), format="DD/MM/YYYY", key="queue_signed_on"
        )
        effective_on = st.date_input(
            t("queue.effective_on"), date.today(), format="DD/MM/YYYY", key="queue_effective_on"
        )
        published = st.form_submit_button(
            t("queue.publish_button"), type="primary", key="queue_publish_button"
        )
    if published:
        ok, decision = widgets.run_service(
            cycle_state.workflow,
            "publish_decision",
            plan_id=plan_id,
            number=number,
            signer=signer,
            signed_on=signed_on,
            effective_on=effective_on,
        )
        if ok:
            core_state.data_changed()
            st.success(t("queue.published", number=decision.number))
            st.page_link("ui/pages/decisions.py", label=t("nav.decisions"), icon=":material/gavel:")
