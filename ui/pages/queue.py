"""Approval queue (chair): decide each proposal with the money at stake, read the file he
signs, download the phương án, and go on to the Quyết định thông qua (cycle page)."""

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
    # The chair decides here; the phương án is adopted on the cycle page (Quyết định thông
    # qua), which routes each proposal and changes no catalogue record.
    st.subheader(t("cycle_steps.adopt"))
    ok, proposals = widgets.run_service(cycle_state.workflow, "proposals_frame")
    for plan in submitted.itertuples() if ok else []:
        mine = proposals[(proposals["plan_id"] == plan.id) & (proposals["status"] != "withdrawn")]
        undecided = int(mine["status"].isin(["draft", "submitted", "returned"]).sum())
        approved = int((mine["status"] == "approved").sum())
        key = "queue_plan_open" if undecided else "queue_plan_ready"
        st.markdown(
            t(f"cycle_ui.{key}", name=plan.name, n=len(mine), approved=approved, open=undecided)
        )
        if not mine.empty:  # what the chair has decided so far, and what is left
            workflow_widgets.proposals_table(mine)
    st.page_link("ui/pages/cycle.py", label=t("cycle_ui.to_adopt"), icon=":material/account_tree:")
