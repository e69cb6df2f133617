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
ONLINE_FLASH = "online_level_saved"


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
        carried_over=0 if missing(row.get("carried_over")) else int(row["carried_over"]),
        lang=lang(),
    )


def headline(period_text: str, totals: dict[str, Any]) -> None:
    """The period's sentence as officials publish it, and its figures as metrics."""
    name = period_text[:1].upper() + period_text[1:]
    carried = totals.get("carried_over")
    sentence = (
        t("onestop_form.sentence", period=name, received=number(totals["received"]))
        if missing(carried)
        else t(
            "onestop_form.sentence_carried",
            period=name,
            received=number(totals["received"]),
            carried=number(carried),
        )
    )
    st.markdown(sentence + f" **{published(totals)}**.")
    pending = (
        t("onestop.pending", count=number(totals["pending"]))
        if missing(totals.get("pending_overdue"))
        else t(
            "onestop_form.pending_split",
            count=number(totals["pending"]),
            within=number(totals["pending_on_time"]),
            overdue=number(totals["pending_overdue"]),
        )
    )
    metric_row(
        [
            (t("onestop.received"), number(totals["received"]), pending),
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
                number(totals["late"]),
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
    """The procedures and units with the most late dossiers (each needs a Phiếu xin lỗi)."""
    if procedures.empty and agencies.empty:
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


# --------------------------------------------------------------------------- periods, Biểu 06


def period_choices(year: int, held: list[tuple[str, str]]) -> dict[str, str]:
    """Period label → its name (``Cả năm 2026``, ``Quý 1 năm 2026`` …): the year first."""
    from catalogue.onestop.periods import parse_period

    def name(label: str) -> str:
        text = parse_period(label).text(lang())
        return text[:1].upper() + text[1:]

    out = {str(year): t("onestop_form.whole_year", year=year)}
    for code, _kind in held:
        if code != str(year):
            out[code] = name(code)
    return out


def apologies(totals: dict[str, Any]) -> None:
    """Late dossiers with and without a Phiếu xin lỗi, when the data says."""
    if totals.get("without_apology") is None:
        st.caption(t("onestop.apology"))
        return
    st.markdown(
        t(
            "onestop_form.apologies",
            late=number(totals["late"]),
            apologised=number(totals["apologised"]),
            without=number(totals["without_apology"]),
        )
    )


def late_fields(fields: pd.DataFrame) -> None:
    """The fields with the most late dossiers (resolved late and pending overdue)."""
    if fields.empty:
        return
    st.markdown(f"**{t('onestop_form.late_fields')}**")
    st.dataframe(
        pd.DataFrame(
            {
                t("catalogue.col.field"): fields["field"].fillna("—"),
                t("onestop_form.col.late_all"): fields["late"].map(number),
                t("onestop.col.late_share"): fields["late_share"].map(rate),
            }
        ),
        hide_index=True,
        width="stretch",
    )


def by_unit(frame: pd.DataFrame) -> None:
    """Performance by reporting unit (agency), in the published form."""
    _table(frame, {t("onestop_form.col.unit"): frame["agency"].fillna("—")})


def bieu06_download(period: str, make) -> None:
    """The period's Biểu 06 (bieu-06.xlsx), built when asked."""
    from ui.widgets import run_service

    if st.button(t("onestop_form.prepare"), key="onestop_bieu06"):
        ok, data = run_service(make, period)
        if ok:
            st.download_button(
                t("onestop_form.download"),
                data=data,
                file_name=f"bieu-06-{period}.xlsx",
                mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                key="onestop_bieu06_download",
            )


# --------------------------------------------------------------------------- online level


def online_level_field(procedure_id: int, role: str | None) -> None:
    """The procedure's online level (NĐ 42/2022); reviewers and admins record it."""
    from catalogue.onestop.online import online_label
    from catalogue.registry.vocab import ONLINE_LEVEL_CODES
    from ui.state import onestop as onestop_state
    from ui.widgets import run_service

    level, stated, version = onestop_state.online_level(procedure_id)
    source = t("onestop_form.online_stated") if stated else t("onestop_form.online_derived")
    st.markdown(
        f"**{t('onestop_form.online_level')}:** {online_label(level, lang=lang())}"
        + (f" ({source})" if level is not None else "")
    )
    if role not in ("reviewer", "admin"):
        return
    with st.form(f"online_level_{procedure_id}"):
        options = ["", *ONLINE_LEVEL_CODES]
        chosen = st.selectbox(
            t("onestop_form.online_level"),
            options,
            index=options.index(level) if stated and level in options else 0,
            format_func=lambda v: online_label(v or None, lang=lang()),
            key=f"online_level_pick_{procedure_id}",
        )
        submitted = st.form_submit_button(t("onestop_form.online_save"), key="online_level_save")
    if st.session_state.pop(ONLINE_FLASH, None) == procedure_id:
        st.success(t("onestop_form.online_saved"))
    if submitted:
        ok, _ = run_service(
            onestop_state.save_online_level,
            procedure_id,
            chosen or None,
            expected_version=version,
        )
        if ok:  # show the stored level from a fresh run
            st.session_state[ONLINE_FLASH] = procedure_id
            st.rerun()
