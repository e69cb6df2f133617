"""The law's sequence: adopt a phương án, record the act, publish the list, date in force.

Each form calls one service of :mod:`catalogue.cycle` as the signed-in user (the
service checks the role); signing asks for confirmation with a summary first.
"""

from datetime import date

import streamlit as st

from ui import widgets
from ui.i18n import day, money, percent, t
from ui.state import cycle as cycle_state
from ui.state import session as session_state

st.title(t("cycle_steps.title"))
role = session_state.role()

# The date in force is reached on load: idempotent, audited, applied as this user.
if role in ("reviewer", "chair", "admin"):
    ok, applied = widgets.run_service(cycle_state.workflow, "apply_due_changes", today=date.today())
    if ok and applied:
        st.success(t("cycle_steps.applied", n=len(applied)))

ok, stages = widgets.run_service(cycle_state.workflow, "savings_by_stage", today=date.today())
if ok:
    from catalogue.cycle import stage_totals

    totals = stage_totals(stages)
    columns = st.columns(len(totals))
    for column, row in zip(columns, totals.itertuples(), strict=True):
        column.metric(t(f"cycle_steps.stage.{row.stage}"), money(row.savings))
        column.caption(t("cycle_steps.stage_caption", n=row.procedures, rate=percent(row.cut_rate)))

if role == "chair":
    st.header(t("cycle_steps.adopt"))
    ok, plans = widgets.run_service(cycle_state.workflow, "plans_frame")
    submitted = plans[plans["status"] == "submitted"] if ok else plans
    if ok and not submitted.empty:
        names = {int(r.id): f"#{r.id} {r.name} ({r.year})" for r in submitted.itertuples()}
        plan_id = st.selectbox(t("cycle_steps.plan"), list(names), format_func=names.get,
                               key="cycle_adopt_plan")  # fmt: skip
        ok, proposals = widgets.run_service(
            cycle_state.workflow, "proposals_frame", plan_id=plan_id, status="approved"
        )
        routes = {}
        for p in proposals.itertuples() if ok else []:
            if p.action == "keep":
                continue
            st.markdown(f"**{p.code} — {p.name}** ({p.action}; {money(p.savings)})")
            kind = st.radio(t("cycle_steps.route"), ["recommendation", "province"],
                            format_func=lambda k: t(f"cycle_steps.route_{k}"),
                            key=f"cycle_route_{p.id}", horizontal=True)  # fmt: skip
            if kind == "province":
                routes[int(p.id)] = {
                    "route": kind,
                    "department": st.text_input(t("cycle_steps.department"),
                                                key=f"cycle_dept_{p.id}"),
                    "due_on": st.date_input(t("cycle_steps.due_on"), key=f"cycle_due_{p.id}"),
                }  # fmt: skip
            else:
                routes[int(p.id)] = {
                    "route": kind,
                    "addressee": st.text_input(t("cycle_steps.addressee"),
                                               key=f"cycle_to_{p.id}"),
                }  # fmt: skip
        number = st.text_input(t("cycle_steps.number"), key="cycle_adopt_number",
                               placeholder="125/QĐ-UBND")  # fmt: skip
        signed_on = st.date_input(t("cycle_steps.signed_on"), key="cycle_adopt_signed")
        signer = st.text_input(t("cycle_steps.signer"), key="cycle_adopt_signer")
        st.info(t("cycle_steps.adopt_summary", n=len(routes)))
        sure = st.checkbox(t("cycle_steps.confirm"), key="cycle_adopt_sure")
        if st.button(t("cycle_steps.adopt_button"), key="cycle_adopt", disabled=not sure):
            ok, adoption = widgets.run_service(
                cycle_state.workflow, "adopt_plan", plan_id=plan_id, number=number,
                signed_on=signed_on, signer=signer, routes=routes,
            )  # fmt: skip
            if ok:
                st.success(t("cycle_steps.adopted", number=adoption.number))
    else:
        st.caption(t("cycle_steps.none_to_adopt"))

if role in ("reviewer", "admin"):
    st.header(t("cycle_steps.act"))
    with st.form("cycle_act_form"):
        values = {
            "number": st.text_input(t("cycle_steps.act_number"), key="cycle_act_number"),
            "title": st.text_input(t("cycle_steps.act_title"), key="cycle_act_title"),
            "issuer": st.text_input(t("cycle_steps.act_issuer"), key="cycle_act_issuer"),
            "issued_on": st.date_input(t("cycle_steps.issued_on"), key="cycle_act_issued"),
            "in_force_on": st.date_input(t("cycle_steps.in_force_on"), key="cycle_act_force"),
            "ministry_decision": st.text_input(t("cycle_steps.ministry_decision"),
                                               key="cycle_act_ministry") or None,
        }  # fmt: skip
        if st.form_submit_button(t("cycle_steps.act_button")):
            ok, act = widgets.run_service(cycle_state.workflow, "record_act", **values)
            if ok:
                st.success(t("cycle_steps.act_recorded", number=act.number))

ok, routings = widgets.run_service(cycle_state.workflow, "routings_frame")
if ok and not routings.empty:
    st.header(t("cycle_steps.routings"))
    st.dataframe(routings.drop(columns=["adoption_id"]), hide_index=True, key="cycle_routings")
    ok_acts, acts = widgets.run_service(cycle_state.workflow, "acts_frame")
    if role in ("reviewer", "admin") and ok_acts and not acts.empty:
        act_ids = {int(a.id): a.number for a in acts.itertuples()}
        with st.form("cycle_link_form"):
            act_id = st.selectbox(t("cycle_steps.act"), list(act_ids), format_func=act_ids.get,
                                  key="cycle_link_act")  # fmt: skip
            routing_id = st.selectbox(t("cycle_steps.routing"), list(routings["id"]),
                                      key="cycle_link_routing")  # fmt: skip
            extent = st.radio(t("cycle_steps.extent"), ["whole", "part", "declined"],
                              key="cycle_link_extent", horizontal=True)  # fmt: skip
            note = st.text_input(t("cycle_steps.note"), key="cycle_link_note") or None
            if st.form_submit_button(t("cycle_steps.link_button")):
                ok, _ = widgets.run_service(
                    cycle_state.workflow, "link_act", act_id=act_id,
                    routing_id=int(routing_id), extent=extent, note=note,
                )  # fmt: skip
                if ok:
                    st.success(t("cycle_steps.linked"))
    if role == "chair" and ok_acts and not acts.empty:
        st.header(t("cycle_steps.publish"))
        linked = routings[routings["acts"].str.contains("whole|part", regex=True)]
        numbers = {a.number: int(a.id) for a in acts.itertuples()}
        choices = {
            int(r.id): f"#{r.id} {r.code} {r.action} — {r.acts}" for r in linked.itertuples()
        }
        chosen = st.multiselect(t("cycle_steps.entries"), list(choices),
                                format_func=choices.get, key="cycle_publish_entries")  # fmt: skip
        entries = []
        for rid in chosen:
            act = linked.set_index("id").loc[rid, "acts"].split(" (")[0]
            entries.append({"routing_id": rid, "act_id": numbers[act]})
        number = st.text_input(t("cycle_steps.number"), key="cycle_publish_number",
                               placeholder="200/QĐ-UBND")  # fmt: skip
        signed_on = st.date_input(t("cycle_steps.signed_on"), key="cycle_publish_signed")
        signer = st.text_input(t("cycle_steps.signer"), key="cycle_publish_signer")
        st.info(t("cycle_steps.publish_summary", n=len(entries)))
        sure = st.checkbox(t("cycle_steps.confirm"), key="cycle_publish_sure")
        if st.button(t("cycle_steps.publish_button"), key="cycle_publish", disabled=not sure):
            ok, result = widgets.run_service(
                cycle_state.workflow, "publish_list", number=number, signed_on=signed_on,
                signer=signer, entries=entries,
            )  # fmt: skip
            if ok:
                st.success(t("cycle_steps.published", number=result.decision.number))
                for warning in result.warnings:
                    st.warning(warning)

st.header(t("cycle_steps.pending"))
code = st.text_input(t("cycle_steps.pending_code"), key="cycle_pending_code")
if code:
    ok, pid = widgets.run_service(cycle_state.workflow, "find_procedure_id", ref=code)
    if ok:
        ok, pending = widgets.run_service(cycle_state.workflow, "pending_changes", procedure_id=pid)
        for change in pending if ok else []:
            when = day(change["in_force_on"]) if change["in_force_on"] else "—"
            stage = t(f"cycle_steps.stage.{change['stage']}")
            st.markdown(f"**{stage}** · {when}")
            for line in change["changes"]:
                st.markdown(f"- {line}")
        if ok and not pending:
            st.caption(t("cycle_steps.none_pending"))
