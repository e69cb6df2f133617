"""Small reusable widgets: the sidebar, figure cards, paging and safe service calls."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from catalogue.errors import ImportFailed, ServiceError
from ui import state
from ui.i18n import LANGUAGES, label, lang, money, number, percent, t

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


def sheet_summary(procedure_id: int) -> None:
    """The procedure's costing sheet (stored or estimated) with its baseline figures."""
    result = state.costing(procedure_id)
    if result is None:
        not_available(t("detail.sheet_service"))
        return
    baseline = result.baseline
    if result.sheet.estimated:
        st.caption(t("detail.estimated"))
    metric_row(
        [
            (t("cost.unit_cost"), money(baseline.unit_cost), None),
            (t("cost.annual_cost"), money(baseline.annual_cost), None),
            (t("cost.deadline"), number(baseline.deadline_days, 2), None),
            (t("cost.documents"), number(baseline.documents), None),
        ]
    )


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
                money(option.annual_cost),
                t("compare.baseline_value", value=money(base.annual_cost)),
            ),
            (
                t("cost.savings"),
                money(option.savings),
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
                    y=alt.Y(f"{field}:Q", title=None),
                    tooltip=[alt.Tooltip("option:N"), alt.Tooltip(f"{text}:N", title=title)],
                ),
                width="stretch",
            )


def evaluated(data: dict, changes: list[dict]) -> Any:
    """The evaluated options, or None after listing every problem of the sheet or option."""
    from analysis.errors import SheetError

    try:
        return state.evaluate(
            data,
            changes,
            reason=t("compare.amend_reason"),
            abolish_reason=t("compare.abolish_reason"),
        )
    except SheetError as exc:
        st.error(t("compare.invalid"))
        st.markdown("\n".join(f"- `{p.path}`: {p.message}" for p in exc.problems))
        return None


def add_to_plan(rec: dict, result: Any, changes: list[dict]) -> None:
    """Put the chosen option of this procedure into one of the reviewer's draft plans."""
    st.subheader(t("compare.to_plan"))
    not_available(t("plan.service"))
