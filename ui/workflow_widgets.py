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


def add_to_plan(rec: dict, procedure_id: int, result: Any, changes: list[dict]) -> None:
    """Put one option of this procedure into one of the reviewer's draft plans."""
    from ui.option_form import option_data

    st.subheader(t("compare.to_plan"))
    if session_state.role() != "reviewer":
        st.caption(t("compare.reviewer_only"))
        return
    ok, plans = run_service(cycle_state.workflow, "plans_frame")
    drafts = plans[plans["status"] == "draft"] if ok else plans
    if not ok or drafts.empty:
        st.info(t("compare.no_draft_plan"))
        st.page_link("ui/pages/plan.py", label=t("nav.plan"), icon=":material/folder_open:")
        return
    plan_id = pick_plan(drafts, key="compare_plan")
    # The custom amend option first: it is what the reviewer has just built.
    choices = sorted((o.option_id for o in result.options), key=lambda o: o != "amend")
    action = st.radio(
        t("compare.choose"),
        choices,
        format_func=lambda o: t(f"compare.option.{o}"),
        horizontal=True,
        key="compare_action",
    )
    content = st.text_area(t("compare.content"), key="compare_content")
    if not st.button(t("compare.add"), key="compare_add", type="primary"):
        return
    outcome = next(o for o in result.options if o.option_id == action)
    base = result.baseline
    reason = content.strip() or t(f"compare.{action}_reason") if action != "keep" else None
    done, proposal = run_service(
        cycle_state.workflow,
        "add_proposal",
        plan_id=plan_id,
        procedure_id=procedure_id,
        action=action,
        option=option_data(action, changes if action == "amend" else [], reason),
        content=content.strip() or None,
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
