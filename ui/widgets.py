"""Small reusable widgets: the sidebar, figure cards, paging and safe service calls."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from catalogue.errors import ImportFailed, ServiceError
from catalogue.workflow import SECTIONS
from ui import state
from ui.i18n import LANGUAGES, billions, day, label, lang, money, number, percent, t

log = logging.getLogger(__name__)


def sidebar() -> None:
    """Language toggle and who is signed in."""
    with st.sidebar:
        st.radio(
            t("sidebar.language"),
            LANGUAGES,
            format_func=lambda code: t(f"language.{code}"),
            horizontal=True,
            key="lang",
        )
        if state.user() is None:
            st.caption(t("sidebar.anonymous"))
        else:
            st.caption(
                t("sidebar.signed_in", user=state.username(), role=label("role", state.role()))
            )


def require_role(*roles: str) -> bool:
    """Show a message and return False unless the signed-in role is one of ``roles``."""
    if state.role() in roles:
        return True
    st.info(t("common.not_allowed"))
    return False


def not_available(what: str) -> None:
    """Say that a service this page needs has not been delivered yet."""
    st.warning(t("common.not_available", what=what))


def run_service(func: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[bool, Any]:
    """Call a service and turn its refusals into messages, never a traceback.

    Returns (ok, result). Service errors show their (user-facing) message; anything
    unexpected is logged and shown as a generic error.
    """
    try:
        return True, func(*args, **kwargs)
    except ImportFailed as exc:
        problem_table(exc.problems)
        return False, None
    except ServiceError as exc:
        st.error(str(exc))
        return False, None
    except Exception as exc:  # a page must never show a raw traceback
        log.exception("service call failed")
        st.error(t("common.unexpected", error=type(exc).__name__ + ": " + str(exc)))
        return False, None


def problem_table(problems: list) -> None:
    """A validation report: one row per problem with file, line, field and message."""
    st.error(t("data.problems", count=len(problems)))
    rows = [
        {
            t("data.col.file"): p.file,
            t("data.col.line"): p.line,
            t("data.col.field"): p.field,
            t("data.col.message"): p.message,
        }
        for p in problems
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def headline(amount: object) -> tuple[str, str | None]:
    """A money figure short enough for a metric (tỷ đồng when large) and the full amount."""
    if amount is not None and abs(amount) >= 1_000_000_000:
        return billions(amount), money(amount)
    return money(amount), None


def metric_row(items: list[tuple[str, str, str | None]]) -> None:
    """A row of metrics: (label, value, caption under it)."""
    for column, (name, value, caption) in zip(st.columns(len(items)), items, strict=True):
        with column:
            st.metric(name, value)
            if caption:
                st.caption(caption)


def pager(total: int, *, key: str, page_size: int = 50) -> tuple[int, int]:
    """Paging controls; returns the (start, stop) slice of the current page."""
    pages = max(1, -(-total // page_size))
    if st.session_state.get(key, 1) > pages:
        st.session_state[key] = 1
    page = st.number_input(
        t("common.page", pages=pages), min_value=1, max_value=pages, step=1, key=key
    )
    start = (int(page) - 1) * page_size
    return start, min(start + page_size, total)


def language_code() -> str:
    """The current language code, for services that format text themselves."""
    return lang()


def baseline_sheet(procedure_id: int) -> Any:
    """The procedure's costing sheet, saying when it is an estimate; None after a message."""
    from analysis.errors import ParameterError, SheetError

    try:
        sheet = state.sheet(procedure_id)
    except (SheetError, ParameterError) as exc:
        st.error(t("detail.sheet_invalid"))
        st.code(str(exc))
        return None
    if sheet is None:
        st.info(t("detail.none"))
        return None
    if sheet.estimated:
        st.caption(t("detail.estimated"))
    st.caption(t("detail.parameters", parameters=sheet.parameters or "—", date=day(sheet.date)))
    return sheet


def sheet_summary(procedure_id: int) -> None:
    """The procedure's costing sheet (stored or estimated) with its baseline figures."""
    sheet = baseline_sheet(procedure_id)
    if sheet is None:
        return
    result = state.evaluate(sheet, [], reason="", abolish_reason=t("compare.abolish_reason"))
    base = result.baseline
    metric_row(
        [
            (t("cost.unit_cost"), money(base.unit_cost), None),
            (t("cost.annual_cost"), money(base.annual_cost), None),
            (t("cost.deadline"), number(base.deadline_days, 2), None),
            (t("cost.documents"), number(base.documents), None),
        ]
    )
    st.caption(
        t(
            "detail.sheet_inputs",
            population=number(sheet.population.value),
            frequency=number(sheet.frequency.value, 2),
            rate=money(sheet.hourly_rate.value),
        )
    )
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("detail.col.activity"): a.name,
                    t("change.field.hours"): number(a.hours.value, 2),
                    t("change.field.people"): number(a.people.value),
                    t("change.field.out_of_pocket"): money(a.out_of_pocket.value),
                    t("change.field.channels"): ", ".join(
                        label("channel", c) for c in a.channels or ()
                    )
                    or t("detail.all_channels"),
                    t("detail.col.estimated"): "✓" if a.hours.estimated else "",
                }
                for a in sheet.activities
            ]
        ),
        hide_index=True,
        width="stretch",
    )


# Vega formats numbers the English way; swap the separators for Vietnamese (1.234,5).
VI_AXIS_LABELS = "replace(replace(replace(datum.label, ',', '_'), '.', ','), '_', '.')"

OUTCOME_ROWS = (
    ("unit_cost", "money"),
    ("annual_cost", "money"),
    ("savings", "money"),
    ("cut_rate", "percent"),
    ("deadline_days", "days"),
    ("deadline_cut_rate", "percent"),
    ("documents", "count"),
    ("activities", "count"),
)


def _fmt(value: object, kind: str) -> str:
    if kind == "money":
        return money(value)
    if kind == "percent":
        return percent(value)
    if kind == "days":
        return number(value, 2)
    return number(value)


def outcome_label(outcome: Any) -> str:
    """Column title of an outcome: the baseline or the option's action."""
    if outcome.option_id == "baseline":
        return t("common.baseline")
    return t(f"compare.option.{outcome.option_id}")


def comparison_table(result: Any) -> None:
    """Side-by-side table: one column per option, the baseline column first."""
    outcomes = [result.baseline, *result.options]
    rows = []
    for field, kind in OUTCOME_ROWS:
        row = {"": t(f"compare.row.{field}")}
        for out in outcomes:
            row[outcome_label(out)] = _fmt(getattr(out, field), kind)
        rows.append(row)
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def option_metrics(result: Any, option_id: str) -> None:
    """Headline figures of one option, each with its baseline value beside it."""
    option = next(o for o in result.options if o.option_id == option_id)
    base = result.baseline
    metric_row(
        [
            (
                t("cost.annual_cost"),
                headline(option.annual_cost)[0],
                t("compare.baseline_value", value=money(base.annual_cost)),
            ),
            (
                t("cost.savings"),
                headline(option.savings)[0],
                t("compare.cut_rate", value=percent(option.cut_rate)),
            ),
            (
                t("cost.deadline"),
                number(option.deadline_days, 2),
                t("compare.baseline_value", value=number(base.deadline_days, 2)),
            ),
            (
                t("cost.documents"),
                number(option.documents),
                t("compare.baseline_value", value=number(base.documents)),
            ),
        ]
    )


def comparison_charts(result: Any) -> None:
    """Altair charts: yearly cost, savings and deadline of every option next to the baseline."""
    import altair as alt

    outcomes = [result.baseline, *result.options]
    frame = pd.DataFrame(
        {
            "option": [outcome_label(o) for o in outcomes],
            "annual_cost": [o.annual_cost for o in outcomes],
            "savings": [o.savings or 0 for o in outcomes],
            "deadline": [float(o.deadline_days or 0) for o in outcomes],
            "annual_text": [money(o.annual_cost) for o in outcomes],
            "savings_text": [money(o.savings or 0) for o in outcomes],
            "deadline_text": [number(o.deadline_days, 2) for o in outcomes],
        }
    )
    order = frame["option"].tolist()
    charts = [
        ("annual_cost", "annual_text", t("cost.annual_cost")),
        ("savings", "savings_text", t("cost.savings")),
        ("deadline", "deadline_text", t("cost.deadline")),
    ]
    for column, (field, text, title) in zip(st.columns(3), charts, strict=True):
        with column:
            st.altair_chart(
                alt.Chart(frame, title=title)
                .mark_bar()
                .encode(
                    x=alt.X("option:N", sort=order, title=None),
                    y=alt.Y(
                        f"{field}:Q",
                        title=None,
                        axis=alt.Axis(labelExpr=VI_AXIS_LABELS if lang() == "vi" else None),
                    ),
                    tooltip=[alt.Tooltip("option:N"), alt.Tooltip(f"{text}:N", title=title)],
                ),
                width="stretch",
            )


def evaluated(baseline: Any, changes: list[dict]) -> Any:
    """The evaluated options, or None after listing every problem of the sheet or option."""
    from analysis.errors import SheetError

    try:
        return state.evaluate(
            baseline,
            changes,
            reason=t("compare.amend_reason"),
            abolish_reason=t("compare.abolish_reason"),
        )
    except SheetError as exc:
        st.error(t("compare.invalid"))
        st.markdown("\n".join(f"- `{p.path}`: {p.message}" for p in exc.problems))
        return None


def add_to_plan(rec: dict, procedure_id: int, result: Any, changes: list[dict]) -> None:
    """Put one option of this procedure into one of the reviewer's draft plans."""
    from ui.option_form import option_data

    st.subheader(t("compare.to_plan"))
    if state.role() != "reviewer":
        st.caption(t("compare.reviewer_only"))
        return
    ok, plans = run_service(state.workflow, "plans_frame")
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
        state.workflow,
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
    )
    if done:
        state.data_changed()
        st.success(t("compare.added", plan=plan_id, savings=money(proposal.savings)))


def plans_table(plans: pd.DataFrame) -> None:
    """Plans with their status, proposal counts, approved savings and decision."""
    if plans.empty:
        st.info(t("plan.none"))
        return
    view = pd.DataFrame(
        {
            t("plan.col.id"): plans["id"],
            t("plan.name"): plans["name"],
            t("plan.year"): plans["year"].astype(str),
            t("plan.programme"): plans["programme"].fillna("—"),
            t("plan.col.status"): plans["status"].map(lambda s: label("status", s)),
            t("plan.col.proposals"): plans["proposals"],
            t("plan.col.approved"): plans["approved"],
            t("plan.col.savings"): plans["savings_approved"].map(money),
            t("plan.col.decision"): plans["decision"].fillna("—"),
        }
    )
    st.dataframe(view, hide_index=True, width="stretch")


def pick_plan(plans: pd.DataFrame, *, key: str) -> int:
    """A selectbox of plans (newest first); returns the chosen plan's id."""
    names = {
        int(row.id): f"#{row.id} {row.name} ({row.year}, {label('status', row.status)})"
        for row in plans.itertuples()
    }
    return st.selectbox(t("plan.pick"), list(names), format_func=names.get, key=key)


def proposals_table(proposals: pd.DataFrame) -> None:
    """Proposals with CPTT before / after, savings, cut rate and the chair's comment."""
    view = pd.DataFrame(
        {
            t("plan.col.id"): proposals["id"],
            t("catalogue.col.code"): proposals["code"].fillna("—"),
            t("catalogue.col.name"): proposals["name"],
            t("plan.col.action"): proposals["action"].map(lambda a: label("action", a)),
            t("plan.col.status"): proposals["status"].map(lambda s: label("status", s)),
            t("plan.col.before"): proposals["cost_before"].map(money),
            t("plan.col.after"): proposals["cost_after"].map(money),
            t("plan.col.savings"): proposals["savings"].map(money),
            t("plan.col.cut_rate"): proposals["cut_rate"].map(percent),
            t("plan.col.comment"): proposals["chair_comment"].fillna(""),
        }
    )
    st.dataframe(view, hide_index=True, width="stretch")


def proposal_totals(proposals: pd.DataFrame) -> None:
    """Total CPTT before / after and savings of a set of proposals, with the cut rate."""
    from catalogue.workflow import cut_rate

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
    ok, proposals = run_service(state.workflow, "proposals_frame", plan_id=plan_id)
    if not ok:
        return
    proposals = proposals[proposals["status"] != "withdrawn"]
    if proposals.empty:
        st.info(t("plan.no_proposals"))
        return
    proposal_totals(proposals)
    proposals_table(proposals)
    open_ones = proposals[proposals["status"].isin(["draft", "returned"])]
    if state.role() != "reviewer" or open_ones.empty:
        return
    left, right = st.columns([3, 1])
    names = {int(r.id): f"#{r.id} {r.code or '—'} {r.name}" for r in open_ones.itertuples()}
    chosen = left.selectbox(
        t("plan.withdraw_pick"), list(names), format_func=names.get, key="plan_withdraw_pick"
    )
    if right.button(t("plan.withdraw"), key="plan_withdraw"):
        ok, _ = run_service(state.workflow, "withdraw_proposal", proposal_id=chosen)
        if ok:
            state.data_changed()
            st.rerun()


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
        ok, payload = run_service(state.decision_export, decision_id, fmt)
        if ok:
            column.download_button(
                t(f"decisions.download_{fmt}"),
                payload,
                file_name=f"{stem}.{fmt}",
                mime=mime,
                key=f"decisions_download_{fmt}",
            )


def savings_chart(grouped: pd.DataFrame, dimension: str) -> Any:
    """Bars of savings per group and the cumulative line; returns the Altair chart."""
    import altair as alt

    data = grouped.assign(
        savings_ty=grouped["savings"] / 1e9,
        cumulative_ty=grouped["cumulative"] / 1e9,
        savings_text=grouped["savings"].map(money),
        cumulative_text=grouped["cumulative"].map(money),
        rate_text=grouped["cut_rate"].map(percent),
    )
    x = alt.X(f"{dimension}:N", sort=None, title=t(f"savings.dimension.{dimension}"))
    tooltip = [
        alt.Tooltip(f"{dimension}:N", title=t(f"savings.dimension.{dimension}")),
        alt.Tooltip("savings_text:N", title=t("plan.col.savings")),
        alt.Tooltip("rate_text:N", title=t("plan.col.cut_rate")),
        alt.Tooltip("cumulative_text:N", title=t("savings.cumulative")),
    ]
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y(
                "savings_ty:Q",
                title=t("savings.axis"),
                axis=alt.Axis(labelExpr=VI_AXIS_LABELS if lang() == "vi" else None),
            ),
            tooltip=tooltip,
        )
    )
    line = (
        alt.Chart(data)
        .mark_line(point=True, color="#d62728")
        .encode(x=x, y="cumulative_ty:Q", tooltip=tooltip)
    )
    chart = (bars + line).properties(title=t("savings.chart_title"), width=600, height=320)
    st.altair_chart(chart, width="stretch")
    return chart


def savings_table(grouped: pd.DataFrame, dimension: str) -> None:
    """Savings per group with cost before and after, cut rate and the running total."""
    view = pd.DataFrame(
        {
            t(f"savings.dimension.{dimension}"): grouped[dimension],
            t("plan.col.before"): grouped["cost_before"].map(money),
            t("plan.col.after"): grouped["cost_after"].map(money),
            t("plan.col.savings"): grouped["savings"].map(money),
            t("plan.col.cut_rate"): grouped["cut_rate"].map(percent),
            t("savings.cumulative"): grouped["cumulative"].map(money),
        }
    )
    st.dataframe(view, hide_index=True, width="stretch")


def targets_progress(frame: pd.DataFrame) -> None:
    """Cumulative savings of each programme against its national target."""
    st.subheader(t("savings.targets"))
    progress = state.service("analysis.targets", "target_progress")
    if progress is None:
        not_available(t("savings.targets_service"))
        return
    ok, table = run_service(progress, frame, params=state.parameters())
    if ok:
        st.dataframe(table, hide_index=True, width="stretch")


def savings_downloads(frame: pd.DataFrame, grouped: pd.DataFrame, chart: Any, dimension: str):
    """Download the savings tables as Excel and the chart as PNG and SVG."""
    left, middle, right = st.columns(3)
    left.download_button(
        t("savings.download_xlsx"),
        state.excel_bytes({dimension: grouped, "proposals": frame}),
        file_name=f"tiet-kiem-{dimension}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="savings_download_xlsx",
    )
    spec = chart.to_dict()
    for column, fmt, mime in ((middle, "png", "image/png"), (right, "svg", "image/svg+xml")):
        ok, image = run_service(state.chart_image, spec, fmt)
        if ok:
            column.download_button(
                t(f"savings.download_{fmt}"),
                image,
                file_name=f"tiet-kiem-{dimension}.{fmt}",
                mime=mime,
                key=f"savings_download_{fmt}",
            )
