"""Costing-sheet widgets: the baseline sheet, its figures, and options compared side by side."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from ui.i18n import day, label, money, number, percent, t
from ui.problems import problem_text
from ui.state import costing as costing_state
from ui.widgets import headline, metric_row, value_axis


def baseline_sheet(procedure_id: int) -> Any:
    """The procedure's costing sheet, saying when it is an estimate; None after a message."""
    from analysis.errors import ParameterError, SheetError

    try:
        sheet = costing_state.sheet(procedure_id)
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
    result = costing_state.evaluate(
        sheet, [], reason="", abolish_reason=t("compare.abolish_reason")
    )
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
            source=sheet.population.source or "—",
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
                        axis=value_axis(),
                    ),
                    tooltip=[alt.Tooltip("option:N"), alt.Tooltip(f"{text}:N", title=title)],
                ),
                width="stretch",
            )


def evaluated(baseline: Any, changes: list[dict]) -> Any:
    """The evaluated options, or None after listing every problem of the sheet or option."""
    from analysis.errors import SheetError

    try:
        return costing_state.evaluate(
            baseline,
            changes,
            reason=t("compare.amend_reason"),
            abolish_reason=t("compare.abolish_reason"),
        )
    except SheetError as exc:
        st.error(t("compare.invalid"))
        st.markdown("\n".join(f"- {problem_text(p.path, p.message)}" for p in exc.problems))
        return None


def sensitivity_panel(baseline: Any, changes: list[dict]) -> None:
    """Savings of every option with each factor moved by ±X % (low / central / high)."""
    with st.expander(t("compare.sensitivity.title")):
        pct = st.slider(
            t("compare.sensitivity.percent"), 5, 50, 20, step=5, format="%d %%",
            key="compare_sensitivity",
        )  # fmt: skip
        frame = costing_state.sensitivity(
            baseline,
            changes,
            percent=pct,
            reason=t("compare.amend_reason"),
            abolish_reason=t("compare.abolish_reason"),
        )
        frame = frame[frame["option_id"] != "baseline"]
        wide = frame.pivot_table(
            index=["factor", "option_id"], columns="case", values="savings", aggfunc="first"
        ).reset_index()
        table = pd.DataFrame(
            {
                t("compare.sensitivity.factor"): [
                    t(f"compare.sensitivity.{f}") for f in wide["factor"]
                ],
                t("compare.sensitivity.option"): [
                    t(f"compare.option.{o}") for o in wide["option_id"]
                ],
                t("compare.sensitivity.low", pct=pct): [money(v) for v in wide["low"]],
                t("compare.sensitivity.central"): [money(v) for v in wide["central"]],
                t("compare.sensitivity.high", pct=pct): [money(v) for v in wide["high"]],
            }
        )
        st.dataframe(table, hide_index=True, width="stretch")
        st.caption(t("compare.sensitivity.note"))
