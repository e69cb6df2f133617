"""Workflow widgets: plans, proposals, the approval figures and published decisions."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from catalogue.cycle import SECTIONS
from ui import tables
from ui.i18n import day, label, money, percent, t
from ui.state import core as core_state
from ui.state import cycle as cycle_state
from ui.state import session as session_state
from ui.widgets import headline, metric_row, run_service

REVISE_KEY = "compare_revise"  # the returned proposal reopened in the compare page
ACTIONS = ("amend", "abolish", "replace", "keep")


def _actions(result: Any) -> list[str]:
    """The outcomes offered: the options the model evaluated, and replace."""
    have = {o.option_id for o in result.options}
    return [a for a in ACTIONS if a in have or a == "replace"]


def _action_name(option: str) -> str:
    return t("cycle_ui.option_replace") if option == "replace" else t(f"compare.option.{option}")


def _successor(rec: dict, procedure_id: int, *, key: str) -> int | None:
    """The procedure that replaces this one: same field, in force or a draft, not itself."""
    from ui.labels import procedure_choices
    from ui.state import catalogue as catalogue_state

    rows = catalogue_state.procedures()
    rows = rows[(rows["id"] != procedure_id) & ~rows["status"].isin(catalogue_state.RETIRED)]
    if rec.get("field"):
        rows = rows[rows["field"] == rec["field"]]
    choices = procedure_choices(rows)
    if not choices:
        st.caption(t("cycle_ui.no_successor"))
        return None
    return st.selectbox(t("cycle_ui.successor"), list(choices), format_func=choices.get, key=key)


def _proposal_values(action: str, result: Any, changes: list[dict], content: str) -> dict:
    """The option and reason of the chosen outcome (replace is costed as the amended one)."""
    from ui.option_form import option_data

    # A replacement is costed as the option built here (the successor's changes), if any.
    have = {o.option_id for o in result.options}
    costed = ("amend" if "amend" in have else "keep") if action == "replace" else action
    reason = (content.strip() or t(f"compare.{costed}_reason")) if action != "keep" else None
    option = option_data(costed, changes if costed == "amend" else [], reason)
    return {"option": option, "content": content.strip() or None, "costed": costed}


def add_to_plan(rec: dict, procedure_id: int, result: Any, changes: list[dict]) -> None:
    """Put one outcome for this procedure into one of the reviewer's draft plans: amend or
    supplement, abolish, replace (with the replacing procedure), keep; or, for a proposal
    the chair returned, save the revised option in its place."""
    st.subheader(t("compare.to_plan"))
    if session_state.role() != "reviewer":
        st.caption(t("compare.reviewer_only"))
        return
    revising = st.session_state.get(REVISE_KEY)
    if revising and revising["procedure_id"] == procedure_id:
        _revise(revising, rec, procedure_id, result, changes)
        return
    ok, plans = run_service(cycle_state.workflow, "plans_frame")
    drafts = plans[plans["status"] == "draft"] if ok else plans
    if not ok or drafts.empty:
        st.info(t("compare.no_draft_plan"))
        st.page_link("ui/pages/plan.py", label=t("nav.plan"), icon=":material/folder_open:")
        return
    plan_id = pick_plan(drafts, key="compare_plan")
    # The custom amend option first: it is what the reviewer has just built.
    action = st.radio(
        t("compare.choose"),
        ACTIONS,
        format_func=_action_name,
        horizontal=True,
        key="compare_action",
    )
    successor = (
        _successor(rec, procedure_id, key="compare_successor") if action == "replace" else None
    )
    content = st.text_area(t("compare.content"), key="compare_content")
    if not st.button(t("compare.add"), key="compare_add", type="primary"):
        return
    values = _proposal_values(action, result, changes, content)
    outcome = next(o for o in result.options if o.option_id == values["costed"])
    base = result.baseline
    done, proposal = run_service(
        cycle_state.workflow,
        "add_proposal",
        plan_id=plan_id,
        procedure_id=procedure_id,
        action=action,
        option=values["option"],
        content=values["content"],
        replacement_procedure_id=successor,
        figures={
            "cost_before": base.annual_cost,
            "cost_after": outcome.annual_cost,
            "deadline_before": base.deadline_days,
            "deadline_after": outcome.deadline_days,
        },
        figures_source="model: trang so sánh phương án (compare page)",
    )
    if done:
        core_state.data_changed()
        st.success(t("compare.added", plan=plan_id, savings=money(proposal.savings)))


def _revise(revising: dict, rec: dict, procedure_id: int, result: Any, changes: list) -> None:
    """The returned proposal, reopened: the chair's comment, the outcome, save in its place
    (the service evaluates the figures again; the reviewer then resubmits the plan)."""
    st.warning(
        t("cycle_ui.revising", id=revising["proposal_id"], comment=revising["comment"] or "—")
    )
    # The add form's key: adding a change selects "amend" (compare page), reopening the
    # proposal its own action (reopen_returned).
    action = st.radio(
        t("compare.choose"),
        _actions(result),
        format_func=_action_name,
        horizontal=True,
        key="compare_action",
    )
    successor = (
        _successor(rec, procedure_id, key="compare_revise_successor")
        if action == "replace"
        else None
    )
    content = st.text_area(
        t("compare.content"), value=revising["content"] or "", key="compare_revise_content"
    )
    left, right = st.columns(2)
    if right.button(t("cycle_ui.revise_cancel"), key="compare_revise_cancel"):
        st.session_state.pop(REVISE_KEY, None)
        st.rerun()
    if not left.button(t("cycle_ui.revise_save"), key="compare_revise_save", type="primary"):
        return
    values = _proposal_values(action, result, changes, content)
    done, proposal = run_service(
        cycle_state.workflow,
        "edit_proposal",
        proposal_id=revising["proposal_id"],
        expected_version=revising["version"],
        updates={
            "action": action,
            "option": values["option"],
            "content": values["content"],
            "reason": values["option"].get("reason"),
            "replacement_procedure_id": successor,
        },
    )
    if done:
        st.session_state.pop(REVISE_KEY, None)
        core_state.data_changed()
        from ui.widgets import flash

        flash(t("cycle_ui.revised", id=proposal.id, savings=money(proposal.savings)))


def reopen_returned(proposals: pd.DataFrame) -> None:
    """Each returned proposal with the chair's comment; reopen its option in the compare page."""
    for p in proposals[proposals["status"] == "returned"].itertuples():
        st.warning(
            t(
                "cycle_ui.returned",
                id=p.id,
                code=p.code or "—",
                name=p.name,
                comment=p.chair_comment or "—",
            )
        )
        if st.button(t("cycle_ui.reopen"), key=f"plan_reopen_{p.id}"):
            option = p.option if isinstance(p.option, dict) else {}
            st.session_state["procedure_id"] = int(p.procedure_id)
            st.session_state["compare_option"] = {
                "procedure_id": int(p.procedure_id),
                "changes": list(option.get("changes") or []),
            }
            st.session_state["compare_action"] = p.action
            st.session_state[REVISE_KEY] = {
                "proposal_id": int(p.id),
                "procedure_id": int(p.procedure_id),
                "version": int(p.version),
                "action": p.action,
                "content": None if p.content is None or p.content != p.content else p.content,
                "comment": p.chair_comment,
            }
            st.switch_page("ui/pages/compare.py")


def plans_table(plans: pd.DataFrame) -> None:
    """Plans with their status, proposal counts, approved savings and decision."""
    if plans.empty:
        st.info(t("plan.none"))
        return
    view = pd.DataFrame(
        {
            t("plan.col.id"): plans["id"].map(lambda i: f"#{i}"),
            t("plan.name"): plans["name"],
            t("plan.col.status"): plans["status"].map(lambda s: label("status", s)),
            t("plan.col.savings"): plans["savings_approved"].map(money),
            t("plan.year"): plans["year"].astype(str),
            t("plan.programme"): plans["programme"].fillna("—"),
            t("plan.col.proposals"): plans["proposals"].map(str),
            t("plan.col.approved"): plans["approved"].map(str),
            t("plan.col.decision"): plans["decision"].fillna("—"),
        }
    )
    tables.show(view, pinned=[t("plan.col.id"), t("plan.name")], money=[t("plan.col.savings")])


def pick_plan(plans: pd.DataFrame, *, key: str) -> int:
    """A selectbox of plans (newest first); returns the chosen plan's id."""
    names = {
        int(row.id): f"#{row.id} {row.name} ({row.year}, {label('status', row.status)})"
        for row in plans.itertuples()
    }
    # The plan rides in the address (?plan=…), so that a link opens this plan.
    wanted = st.query_params.get("plan")
    ids = list(names)
    if key not in st.session_state and wanted and wanted.isdigit() and int(wanted) in names:
        st.session_state[key] = int(wanted)
    chosen = st.selectbox(t("plan.pick"), ids, format_func=names.get, key=key)
    if chosen is not None and st.query_params.get("plan") != str(chosen):
        st.query_params["plan"] = str(chosen)
    return chosen


def proposals_table(proposals: pd.DataFrame) -> None:
    """Proposals with CPTT before / after, savings, cut rate and the chair's comment."""
    view = pd.DataFrame(
        {
            t("catalogue.col.code"): proposals["code"].fillna("—"),
            t("catalogue.col.name"): proposals["name"],
            t("plan.col.action"): proposals["action"].map(lambda a: label("action", a)),
            t("plan.col.status"): proposals["status"].map(lambda s: label("status", s)),
            t("plan.col.savings"): proposals["savings"].map(money),
            t("plan.col.cut_rate"): proposals["cut_rate"].map(percent),
            t("plan.col.before"): proposals["cost_before"].map(money),
            t("plan.col.after"): proposals["cost_after"].map(money),
            t("plan.col.id"): proposals["id"].map(lambda i: f"#{i}"),
            t("plan.col.comment"): proposals["chair_comment"].fillna("—").replace("", "—"),
        }
    )
    money_columns = [t(f"plan.col.{c}") for c in ("savings", "before", "after")]
    tables.show(
        view,
        pinned=[t("catalogue.col.code"), t("catalogue.col.name")],
        money=money_columns,
        long=[t("catalogue.col.name"), t("plan.col.comment")],
    )


def proposal_totals(proposals: pd.DataFrame) -> None:
    """Total CPTT before / after and savings of a set of proposals, with the cut rate."""
    from analysis.rates import cut_rate

    before = int(proposals["cost_before"].fillna(0).sum())
    after = int(proposals["cost_after"].fillna(0).sum())
    savings = int(proposals["savings"].fillna(0).sum())
    metric_row(
        [
            (t("plan.col.before"), *headline(before)),
            (t("plan.col.after"), *headline(after)),
            (t("plan.col.savings"), *headline(savings)),
            (t("plan.col.cut_rate"), percent(cut_rate(savings, before)), None),
        ]
    )


def plan_proposals(plan_id: int) -> None:
    """The proposals of one plan, their totals, and withdrawing one (reviewer)."""
    ok, proposals = run_service(cycle_state.workflow, "proposals_frame", plan_id=plan_id)
    if not ok:
        return
    proposals = proposals[proposals["status"] != "withdrawn"]
    if proposals.empty:
        st.info(t("plan.no_proposals"))
        return
    proposal_totals(proposals)
    proposals_table(proposals)
    if session_state.role() == "reviewer":
        reopen_returned(proposals)
    open_ones = proposals[proposals["status"].isin(["draft", "returned"])]
    if session_state.role() != "reviewer" or open_ones.empty:
        return
    left, right = st.columns([3, 1])
    from ui.labels import proposal_choices

    names = proposal_choices(open_ones)
    chosen = left.selectbox(
        t("plan.withdraw_pick"), list(names), format_func=names.get, key="plan_withdraw_pick"
    )
    if right.button(t("plan.withdraw"), key="plan_withdraw"):
        ok, _ = run_service(cycle_state.workflow, "withdraw_proposal", proposal_id=chosen)
        if ok:
            from ui.widgets import flash

            core_state.data_changed()
            flash(t("ux.done.withdrawn", proposal=names[chosen]))


def decisions_table(decisions: pd.DataFrame) -> None:
    """Published decisions with dates, signer and counts per section."""
    view = pd.DataFrame(
        {
            t("decisions.col.number"): decisions["number"],
            t("decisions.col.signed_on"): decisions["signed_on"].map(day),
            t("decisions.col.effective_on"): decisions["effective_on"].map(day),
            t("decisions.col.signer"): decisions["signer"],
            **{t(f"decisions.section.{s}"): decisions[s] for s in SECTIONS},
            t("decisions.col.amends"): decisions["amends_number"].fillna("—"),
        }
    )
    st.dataframe(view, hide_index=True, width="stretch")


def decision_items(items: pd.DataFrame) -> None:
    """The decision's list (Phụ lục), one table per section in the official order."""
    for section in SECTIONS:
        part = items[items["section"] == section]
        if part.empty:
            continue
        st.markdown(f"**{t(f'decisions.section.{section}')}**")
        view = pd.DataFrame(
            {
                t("decisions.col.stt"): part["position"],
                t("catalogue.col.code"): part["code"].fillna("—"),
                t("catalogue.col.name"): part["name"],
                t("catalogue.col.field"): part["field"].fillna("—"),
                t("catalogue.col.agency"): part["agency"].fillna("—"),
                t("decisions.col.legal_basis"): part["legal_basis"].fillna("—"),
            }
        )
        st.dataframe(view, hide_index=True, width="stretch")


def decision_downloads(decision_id: int, number: str) -> None:
    """Download buttons for the decision's Excel list and Word draft."""
    stem = number.replace("/", "-")
    left, right = st.columns(2)
    for column, fmt, mime in (
        (left, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (right, "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ):
        ok, payload = run_service(cycle_state.decision_export, decision_id, fmt)
        if ok:
            column.download_button(
                t(f"decisions.download_{fmt}"),
                payload,
                file_name=f"{stem}.{fmt}",
                mime=mime,
                key=f"decisions_download_{fmt}",
            )


def new_procedure_form(plan_id: int) -> None:
    """Propose a new procedure: one of the catalogue's drafts, to be issued (reviewer)."""
    from ui.labels import procedure_choices
    from ui.state import catalogue as catalogue_state
    from ui.widgets import flash

    st.markdown(f"**{t('cycle_ui.new_heading')}**")
    rows = catalogue_state.procedures()
    drafts = rows[rows["status"] == "draft"]
    if drafts.empty:
        st.caption(t("cycle_ui.no_drafts"))
        return
    choices = procedure_choices(drafts)
    with st.form("plan_new_procedure", clear_on_submit=True):
        procedure_id = st.selectbox(
            t("cycle_ui.new_pick"), list(choices), format_func=choices.get, key="plan_new_proc"
        )
        content = st.text_area(t("compare.content"), key="plan_new_content")
        reason = st.text_input(t("cycle_ui.new_reason"), key="plan_new_reason")
        added = st.form_submit_button(t("compare.add"), key="plan_new_add")
    if added:
        done, _ = run_service(
            cycle_state.workflow,
            "add_proposal",
            plan_id=plan_id,
            procedure_id=procedure_id,
            action="new",
            content=content.strip() or None,
            reason=reason.strip() or None,
        )
        if done:
            core_state.data_changed()
            flash(t("cycle_ui.new_added", line=choices[procedure_id], plan=plan_id))
