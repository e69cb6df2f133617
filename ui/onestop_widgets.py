"""One-stop performance and review-priority widgets.

Counts, rates and published sentences come from :mod:`catalogue.onestop.report`, ranks and
explanations from :mod:`catalogue.onestop.priorities`; these widgets only lay them out in the
user's language (rates with one decimal, as officials publish them).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from analysis import rates
from ui.i18n import label, lang, missing, money, number, t
from ui.widgets import metric_row, value_axis

OUTCOMES = ("resolved_early", "resolved_on_time", "resolved_late")
OUTCOME_COLOURS = ("#2ca02c", "#1f77b4", "#d62728")


def rate(value: object) -> str:
    """A percentage with one decimal (``96,6 %``), as the reports publish it."""
    from catalogue.onestop.report import format_rate

    return format_rate(value, lang=lang())


def published(row: dict) -> str:
    """The published sentence of one row's counts, in the user's language."""
    from catalogue.onestop.report import published_line

    return published_line(
        int(row["received"] or 0),
        int(row["resolved_early"] or 0),
        int(row["resolved_on_time"] or 0),
        int(row["resolved_late"] or 0),
        lang=lang(),
    )


def headline(year: int, totals: dict[str, Any]) -> None:
    """The year's sentence as officials publish it, and its figures as metrics."""
    st.markdown(
        t("onestop.sentence", year=year, received=number(totals["received"]))
        + f" **{published(totals)}**."
    )
    metric_row(
        [
            (
                t("onestop.received"),
                number(totals["received"]),
                t("onestop.pending", count=number(totals["pending"])),
            ),
            (
                t("onestop.resolved"),
                number(totals["resolved"]),
                t("onestop.resolution_rate", rate=rate(totals["resolution_rate"])),
            ),
            (
                t("onestop.on_time_rate"),
                rate(totals["on_time_rate"]),
                t(
                    "onestop.early_on_time",
                    early=rate(totals["early_share"]),
                    on_time=rate(totals["on_time_share"]),
                ),
            ),
            (
                t("onestop.late"),
                number(totals["resolved_late"]),
                t("onestop.late_share", rate=rate(totals["late_share"])),
            ),
            (t("onestop.online_share"), rate(totals["online_share"]), None),
        ]
    )


def _table(frame: pd.DataFrame, first: dict[str, pd.Series]) -> None:
    rows = frame.to_dict("records")
    st.dataframe(
        pd.DataFrame(
            {
                **first,
                t("onestop.col.received"): frame["received"].map(number),
                t("onestop.col.published"): [published(r) for r in rows],
                t("onestop.col.on_time_rate"): frame["on_time_rate"].map(rate),
                t("onestop.col.late"): frame["resolved_late"].map(number),
                t("onestop.col.online_share"): frame["online_share"].map(rate),
            }
        ),
        hide_index=True,
        width="stretch",
    )


def by_level(frame: pd.DataFrame) -> None:
    """Performance by level (cấp tỉnh, huyện, xã …)."""
    _table(frame, {t("onestop.col.level"): frame["level"].map(lambda v: label("level", v))})


def by_period(frame: pd.DataFrame) -> None:
    """Early, on-time and late dossiers per period as stacked bars, then the table."""
    import altair as alt

    names = [t(f"onestop.outcome.{o}") for o in OUTCOMES]
    long = frame.melt(id_vars="period", value_vars=list(OUTCOMES), var_name="outcome")
    long["order"] = long["outcome"].map({o: i for i, o in enumerate(OUTCOMES)})
    long["outcome"] = long["outcome"].map(dict(zip(OUTCOMES, names, strict=True)))
    long["value"] = long["value"].fillna(0).astype("int64")
    long["text"] = long["value"].map(number)
    title = t("onestop.col.period")
    st.altair_chart(
        alt.Chart(long, title=t("onestop.period_chart"))
        .mark_bar()
        .encode(
            x=alt.X("period:N", title=title, sort=None),
            y=alt.Y("value:Q", title=t("onestop.axis"), axis=value_axis()),
            color=alt.Color(
                "outcome:N",
                title=None,
                sort=names,
                scale=alt.Scale(domain=names, range=list(OUTCOME_COLOURS)),
                legend=alt.Legend(orient="bottom"),
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("period:N", title=title),
                alt.Tooltip("outcome:N", title=t("onestop.col.outcome")),
                alt.Tooltip("text:N", title=t("onestop.col.count")),
            ],
        ),
        width="stretch",
    )
    _table(frame, {title: frame["period"]})


def most_late(procedures: pd.DataFrame, agencies: pd.DataFrame) -> None:
    """The procedures and agencies with the most late dossiers (each owes an apology)."""
    st.caption(t("onestop.apology"))
    if procedures.empty:
        st.info(t("onestop.no_late"))
        return
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{t('onestop.late_procedures')}**")
        st.dataframe(
            pd.DataFrame(
                {
                    t("catalogue.col.code"): procedures["code"].fillna("—"),
                    t("catalogue.col.name"): procedures["name"],
                    t("onestop.col.late"): procedures["resolved_late"].map(number),
                    t("onestop.col.late_share"): procedures["late_share"].map(rate),
                }
            ),
            hide_index=True,
            width="stretch",
        )
    with right:
        st.markdown(f"**{t('onestop.late_agencies')}**")
        st.dataframe(
            pd.DataFrame(
                {
                    t("catalogue.col.agency"): agencies["agency"].fillna("—"),
                    t("onestop.col.late"): agencies["resolved_late"].map(number),
                    t("onestop.col.late_share"): agencies["late_share"].map(rate),
                    t("onestop.col.received"): agencies["received"].map(number),
                }
            ),
            hide_index=True,
            width="stretch",
        )


def factor_label(factor: str) -> str:
    """The factor's name as the priorities service writes it, in the user's language."""
    from catalogue.onestop.priorities import FACTORS

    text = FACTORS[factor][0 if lang() == "vi" else 1]
    return text[:1].upper() + text[1:]


def weight_sliders(key: str) -> dict[str, float]:
    """One slider per factor in whole percent (defaults from the service); the weights 0–1.

    Whole percentages avoid a decimal separator, which the slider would write the English
    way.
    """
    from catalogue.onestop.priorities import DEFAULT_WEIGHTS

    def reset() -> None:
        for factor, weight in DEFAULT_WEIGHTS.items():
            st.session_state[f"{key}_{factor}"] = round(weight * 100)

    chosen: dict[str, int] = {}
    for column, (factor, default) in zip(
        st.columns(len(DEFAULT_WEIGHTS)), DEFAULT_WEIGHTS.items(), strict=True
    ):
        st.session_state.setdefault(f"{key}_{factor}", round(default * 100))
        percent = column.slider(
            factor_label(factor), 0, 100, step=5, format="%d %%", key=f"{key}_{factor}"
        )
        chosen[factor] = percent
    st.button(t("priorities.reset"), key=f"{key}_reset", on_click=reset)
    total = sum(chosen.values())
    if total > 0:
        st.caption(
            t(
                "priorities.shares",
                shares="; ".join(
                    f"{factor_label(f)} {number(rates.percent(w, total, decimals=1), 1)} %"
                    for f, w in chosen.items()
                ),
            )
        )
    return {factor: percent / 100 for factor, percent in chosen.items()}


def contributions_chart(ranked: pd.DataFrame) -> None:
    """The top procedures' priority split into each factor's points (stacked bars)."""
    import altair as alt

    from catalogue.onestop.priorities import FACTORS

    names = {f: factor_label(f) for f in FACTORS}
    rows = [
        {
            "procedure": f"{r['rank']}. {r['code'] or '—'}",
            "name": r["name"],
            "factor": names[f],
            "points": round(float(r[f"contrib_{f}"]) * 100, 1),
            "points_text": number(float(r[f"contrib_{f}"]) * 100, 1),
        }
        for r in ranked.to_dict("records")
        for f in FACTORS
    ]
    data = pd.DataFrame(rows)
    st.altair_chart(
        alt.Chart(data, title=t("priorities.chart", top=len(ranked)))
        .mark_bar()
        .encode(
            y=alt.Y("procedure:N", sort=None, title=None),
            x=alt.X("points:Q", title=t("priorities.points"), axis=value_axis()),
            color=alt.Color(
                "factor:N",
                title=None,
                sort=list(names.values()),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("name:N", title=t("catalogue.col.name")),
                alt.Tooltip("factor:N", title=t("priorities.factor")),
                alt.Tooltip("points_text:N", title=t("priorities.points")),
            ],
        )
        .properties(height=22 * len(ranked) + 60),
        width="stretch",
    )


def ranking_table(page: pd.DataFrame) -> None:
    """One page of the ranking: priority, explanation and the factor values."""
    from catalogue.onestop.priorities import explain

    rows = page.to_dict("records")
    yes, no = t("priorities.answer_yes"), t("priorities.answer_no")
    st.dataframe(
        pd.DataFrame(
            {
                t("priorities.col.rank"): page["rank"],
                t("catalogue.col.code"): page["code"].fillna("—"),
                t("catalogue.col.name"): page["name"],
                t("priorities.col.priority"): page["priority"].map(lambda v: number(v, 2)),
                t("priorities.col.explanation"): [explain(r, lang=lang()) for r in rows],
                factor_label("annual_cost"): page["annual_cost"].map(money),
                factor_label("late_rate"): page["late_rate"].map(
                    lambda v: "—" if missing(v) else rate(rates.percent(float(v), 1, decimals=1))
                ),
                factor_label("documents"): page["documents"].map(number),
                factor_label("deadline_days"): page["deadline_days"].map(lambda v: number(v, 2)),
                factor_label("no_full_online"): page["no_full_online"].map(
                    lambda v: yes if v else no
                ),
            }
        ),
        hide_index=True,
        width="stretch",
    )
