"""Report widgets: the catalogue's yearly burden and the savings report with its downloads."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from analysis import rates
from ui import tables
from ui.i18n import day, label, missing, money, number, percent, t
from ui.state import costing as costing_state
from ui.state import reports as reports_state
from ui.widgets import headline, metric_row, money_unit, pager, value_axis

# Groups shown as bars; the table below the chart lists every group.
TOP_GROUPS = 15
# Groupings of the savings report, as the radio offers them (frame ``by_<name>``).
SAVINGS_DIMENSIONS = ("year", "programme", "agency", "field", "level", "plan")
# Column of each grouping in its ``by_<name>`` frame (analysis.aggregate.GROUPINGS).
GROUP_COLUMNS = {"plan": "plan_id"}


def _group_text(dimension: str, value: object) -> str:
    """A group as users read it: levels and statuses by their names, plans as #id."""
    if dimension in ("level", "status"):
        return label(dimension, value)
    if dimension == "plan":
        return f"#{value}"
    return "—" if missing(value) else str(value)


def burden_summary() -> None:
    """The catalogue's yearly burden, and how much of it is still an estimate."""
    summary = costing_state.burden()
    procedures, estimated = summary["procedures"], summary["estimated_procedures"]
    annual, annual_estimated = summary["annual_cost"], summary["estimated_annual_cost"]
    metric_row(
        [
            (t("overview.burden"), *headline(annual)),
            (t("overview.average"), *headline(annual // procedures if procedures else 0)),
            (
                t("overview.estimated"),
                f"{number(estimated)}/{number(procedures)}",
                t(
                    "overview.estimated_share",
                    share=percent(rates.percent(annual_estimated, annual)),
                ),
            ),
        ]
    )
    if estimated:
        st.caption(t("overview.estimated_note", cost=money(annual_estimated)))


def burden_breakdown() -> None:
    """Yearly burden by field, agency or level: the largest groups as bars, all in a table."""
    import altair as alt

    by = st.radio(
        t("overview.breakdown"),
        ["field", "agency", "level"],
        format_func=lambda d: t(f"overview.by.{d}"),
        horizontal=True,
        key="overview_by",
    )
    totals = costing_state.cost_totals(by)
    names = [_group_text(by, v) for v in totals[by]]
    top = totals.head(TOP_GROUPS)
    divisor, unit = money_unit(top["annual_cost"])
    data = pd.DataFrame(
        {
            "group": names[: len(top)],
            "cost_ty": top["annual_cost"] / divisor,
            "cost_text": top["annual_cost"].map(money),
            "procedures": top["procedures"].map(number),
            "estimated": top["estimated"].map(number),
        }
    )
    title = t(f"overview.by.{by}")
    st.altair_chart(
        alt.Chart(data, title=t("overview.breakdown_chart", top=len(top)))
        .mark_bar()
        .encode(
            x=alt.X("cost_ty:Q", title=t("stages_ui.axis_cost", unit=unit), axis=value_axis()),
            y=alt.Y("group:N", sort="-x", title=title),
            tooltip=[
                alt.Tooltip("group:N", title=title),
                alt.Tooltip("cost_text:N", title=t("cost.annual_cost")),
                alt.Tooltip("procedures:N", title=t("overview.count")),
                alt.Tooltip("estimated:N", title=t("overview.col.estimated")),
            ],
        ),
        width="stretch",
    )
    start, stop = pager(len(totals), key="overview_page")
    page = totals.iloc[start:stop]
    st.dataframe(
        pd.DataFrame(
            {
                title: names[start:stop],
                t("overview.count"): page["procedures"].map(number),
                t("cost.annual_cost"): page["annual_cost"].map(money),
                t("overview.col.estimated"): page["estimated"].map(number),
            }
        ),
        hide_index=True,
        width="stretch",
    )


def adopted_totals(adopted: pd.DataFrame) -> None:
    """CPTT before / after and savings of the adopted proposals, with their cut rate."""
    from analysis.rates import cut_rate

    before = int(adopted["baseline_annual_cost"].fillna(0).sum())
    after = int(adopted["annual_cost"].fillna(0).sum())
    savings = int(adopted["savings"].fillna(0).sum())
    metric_row(
        [
            (t("plan.col.before"), *headline(before)),
            (t("plan.col.after"), *headline(after)),
            (t("plan.col.savings"), *headline(savings)),
            (t("plan.col.cut_rate"), percent(cut_rate(savings, before)), None),
        ]
    )


def adopted_proposals(totals: pd.DataFrame) -> None:
    """CPTT before / after, savings and cut rate of every proposal the chair adopted,
    whatever its stage now (``catalogue.cycle.stages.adopted_totals``)."""
    row = totals.to_dict("records")[0]
    metric_row(
        [
            (t("plan.col.before"), *headline(row["cost_before"])),
            (t("plan.col.after"), *headline(row["cost_after"])),
            (t("plan.col.savings"), *headline(row["savings"])),
            (t("plan.col.cut_rate"), percent(row["cut_rate"]), None),
        ]
    )
    st.caption(t("stages_ui.adopted_note", n=number(row["procedures"])))


def catalogue_baseline(catalogue: pd.DataFrame) -> None:
    """One line: today's catalogue the groupings' cut rates are measured against (the
    programmes have their own baseline day), and its estimated part."""
    row = catalogue.to_dict("records")[0]  # plain Python numbers for the formatters
    st.caption(
        t(
            "stages_ui.current_catalogue",
            procedures=number(row["procedures"]),
            cost=money(row["baseline_annual_cost"]),
            days=number(row["baseline_deadline_days"], 2),
            estimated=number(row["estimated_procedures"]),
            estimated_cost=money(row["estimated_annual_cost"]),
        )
    )


def _met(value: object) -> str:
    if missing(value):
        return "—"
    return "✓" if bool(value) else "✗"


def targets_chart(programmes: pd.DataFrame) -> Any:
    """Achieved cost and time cuts per programme as bars, each target as a black tick."""
    import altair as alt

    rows = []
    for row in programmes.itertuples():
        for measure, achieved, target in (
            ("cost", row.cut_rate, row.target_cut_rate),
            ("time", row.time_cut_rate, row.target_time_cut_rate),
        ):
            has_target = not missing(target)
            rows.append(
                {
                    "row": f"{row.programme} · {t(f'savings.measure.{measure}')}",
                    "name": row.name,
                    "measure": t(f"savings.measure.{measure}"),
                    "achieved": float(achieved or 0),
                    "target": float(target) if has_target else None,
                    "achieved_text": percent(achieved or 0),
                    "target_text": percent(target) if has_target else "—",
                }
            )
    data = pd.DataFrame(rows)
    # One row per programme × measure: grouped bars (yOffset) ignore a fixed height.
    y = alt.Y("row:N", sort=None, title=None, axis=alt.Axis(labelLimit=260))
    measures = [t("savings.measure.cost"), t("savings.measure.time")]
    tooltip = [
        alt.Tooltip("name:N", title=t("savings.dimension.programme")),
        alt.Tooltip("measure:N", title=t("savings.col.measure")),
        alt.Tooltip("achieved_text:N", title=t("savings.col.achieved")),
        alt.Tooltip("target_text:N", title=t("savings.col.target")),
    ]
    scale = alt.Scale(domain=[0, max(100.0, float(data["achieved"].max() or 0))])
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("achieved:Q", title=t("savings.target_axis"), scale=scale, axis=value_axis()),
            y=y,
            color=alt.Color(
                "measure:N", title=None, legend=alt.Legend(orient="bottom"), sort=measures
            ),
            tooltip=tooltip,
        )
    )
    ticks = (
        alt.Chart(data)
        .transform_filter("isValid(datum.target)")
        .mark_tick(color="black", thickness=3)
        .encode(x=alt.X("target:Q", scale=scale, axis=value_axis()), y=y, tooltip=tooltip)
    )
    height = 32 * max(1, len(data))
    chart = (bars + ticks).properties(title=t("savings.targets_chart"), width=600, height=height)
    # Streamlit sizes layered charts itself unless told the height (title, axis, legend).
    st.altair_chart(chart, width="stretch", height=height + 110)
    return chart


def targets_table(programmes: pd.DataFrame) -> None:
    """Per programme: cost and time cut in force against the target, gap and whether met,
    the pipeline (adopted, enacted) and the baseline day."""
    st.caption(t("stages_ui.counts_in_force"))
    tables.show(
        pd.DataFrame(
            {
                t("savings.col.programme"): programmes["programme"],
                t("savings.col.cut_rate"): programmes["cut_rate"].map(percent),
                t("savings.col.target_cut_rate"): programmes["target_cut_rate"].map(_rate),
                t("savings.col.cost_met"): programmes["cost_met"].map(_met),
                t("savings.col.cost_gap"): programmes["cost_gap"].map(_points),
                t("plan.col.savings"): programmes["savings"].map(money),
                t("stages_ui.col.adopted"): programmes["pipeline_adopted"].map(money),
                t("stages_ui.col.enacted"): programmes["pipeline_enacted"].map(money),
                t("savings.col.baseline"): programmes["baseline_annual_cost"].map(money),
                t("stages_ui.col.baseline_day"): programmes["baseline_day"].map(day),
                t("savings.col.procedures"): programmes["procedures"].map(number),
                t("savings.col.name"): programmes["name"],
                t("savings.col.days_saved"): programmes["deadline_saved_days"].map(
                    lambda v: number(v, 2)
                ),
                t("savings.col.time_cut_rate"): programmes["time_cut_rate"].map(percent),
                t("savings.col.target_time_cut_rate"): programmes["target_time_cut_rate"].map(
                    _rate
                ),
                t("savings.col.time_gap"): programmes["time_gap"].map(_points),
                t("savings.col.time_met"): programmes["time_met"].map(_met),
            }
        ),
        pinned=[t("savings.col.programme")],
        money=[
            t("plan.col.savings"),
            t("savings.col.baseline"),
            t("stages_ui.col.adopted"),
            t("stages_ui.col.enacted"),
        ],
        long=[t("savings.col.name")],
    )
    st.caption(" · ".join(f"**{r.programme}**: {r.legal_basis}" for r in programmes.itertuples()))


def _rate(value: object) -> str:
    return "—" if missing(value) else percent(value)


def _points(value: object) -> str:
    """A gap in percentage points; zero or below means the target is reached."""
    if missing(value):
        return "—"
    return t("savings.points", value=number(max(float(value), 0.0), 2))


def savings_grouped(report: dict[str, pd.DataFrame], dimension: str) -> pd.DataFrame:
    """The report's totals by ``dimension`` with display names and a running total."""
    grouped = report[f"by_{dimension}"]
    column = GROUP_COLUMNS.get(dimension, dimension)
    return grouped.assign(
        group=[_group_text(dimension, v) for v in grouped[column]],
        cumulative=grouped["savings"].cumsum(),
    )


def savings_chart(grouped: pd.DataFrame, dimension: str) -> Any:
    """Bars of savings per group and the cumulative line; returns the Altair chart."""
    import altair as alt

    divisor, unit = money_unit([*grouped["savings"], *grouped["cumulative"]])
    data = pd.DataFrame(
        {
            "group": grouped["group"],
            "savings_ty": grouped["savings"] / divisor,
            "cumulative_ty": grouped["cumulative"] / divisor,
            "savings_text": grouped["savings"].map(money),
            "cumulative_text": grouped["cumulative"].map(money),
            "rate_text": grouped["cut_rate"].map(percent),
        }
    )
    title = t(f"savings.dimension.{dimension}")
    x = alt.X("group:N", sort=None, title=title)
    tooltip = [
        alt.Tooltip("group:N", title=title),
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
                "savings_ty:Q", title=t("stages_ui.axis_savings", unit=unit), axis=value_axis()
            ),
            tooltip=tooltip,
        )
    )
    line = (
        alt.Chart(data)
        .mark_line(point=True, color="#d62728")
        .encode(x=x, y=alt.Y("cumulative_ty:Q", axis=value_axis()), tooltip=tooltip)
    )
    chart = (bars + line).properties(title=t("savings.chart_title"), width=600, height=320)
    st.altair_chart(chart, width="stretch", height=420)
    return chart


def savings_view(grouped: pd.DataFrame, dimension: str) -> pd.DataFrame:
    """The grouped savings as people read them (Vietnamese headers and figures): the table
    on the page and its CSV download."""
    return pd.DataFrame(
        {
            t(f"savings.dimension.{dimension}"): grouped["group"],
            t("plan.col.savings"): grouped["savings"].map(money),
            t("plan.col.cut_rate"): grouped["cut_rate"].map(percent),
            t("plan.col.before"): grouped["baseline_annual_cost"].map(money),
            t("plan.col.after"): grouped["annual_cost"].map(money),
            t("savings.col.procedures"): grouped["procedures"].map(number),
            t("savings.col.days_saved"): grouped["deadline_saved_days"].map(lambda v: number(v, 2)),
            t("savings.cumulative"): grouped["cumulative"].map(money),
        }
    )


def savings_table(grouped: pd.DataFrame, dimension: str) -> None:
    """Savings per group with cost before and after, cut rate, days saved, running total."""
    tables.show(
        savings_view(grouped, dimension),
        pinned=[t(f"savings.dimension.{dimension}")],
        money=[t(f"plan.col.{c}") for c in ("savings", "before", "after")]
        + [t("savings.cumulative")],
    )


def _slug(text: str) -> str:
    """A file-name part from a Vietnamese word: ``Lĩnh vực`` → ``linh-vuc``."""
    from catalogue.quality.textnorm import fold

    return "-".join(fold(text).split())


def _image(spec: dict, fmt: str):
    """Deferred rendering: the image is made only when its button is clicked."""
    return lambda: reports_state.chart_image(spec, fmt)


def savings_downloads(
    report: dict[str, pd.DataFrame], dimension: str, charts: dict[str, Any]
) -> None:
    """The savings report workbook (the document officials file), the grouped table as CSV,
    and each chart as PNG and SVG."""
    st.download_button(
        t("savings.download_xlsx"),
        reports_state.savings_workbook,
        file_name="bao-cao-tiet-kiem.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="savings_download_xlsx",
    )
    st.download_button(
        t("savings.download_csv"),
        lambda: reports_state.csv_bytes(
            savings_view(savings_grouped(report, dimension), dimension)
        ),
        file_name=f"tiet-kiem-da-co-hieu-luc-theo-{_slug(t(f'savings.dimension.{dimension}'))}.csv",
        mime="text/csv",
        key="savings_download_csv",
    )
    for name, chart in charts.items():
        spec = chart.to_dict()
        left, right = st.columns(2)
        for column, fmt, mime in ((left, "png", "image/png"), (right, "svg", "image/svg+xml")):
            column.download_button(
                t(f"savings.download_{fmt}", chart=t(f"savings.chart.{name}")),
                _image(spec, fmt),
                file_name=f"{name}-{dimension}.{fmt}" if name == "savings" else f"{name}.{fmt}",
                mime=mime,
                key=f"savings_download_{name}_{fmt}",
            )


def programme_progress(programmes: pd.DataFrame) -> None:
    """Each programme's cut **in force** against its target, first and large: a bar per
    measure that fills as the cut approaches the target, the words "1,85 % / mục tiêu
    50 %", then the pipeline (adopted, enacted) against the same baseline, never added."""
    for row in programmes.itertuples():
        st.markdown(t("ux.savings.programme", programme=row.programme, name=row.name))
        columns = st.columns(2)
        for column, measure, achieved, target in (
            (columns[0], "cost", row.cut_rate, row.target_cut_rate),
            (columns[1], "time", row.time_cut_rate, row.target_time_cut_rate),
        ):
            with column:
                done = 0.0 if missing(achieved) else float(achieved)
                if missing(target):
                    st.metric(t(f"savings.measure.{measure}"), percent(done))
                    st.caption(t("ux.savings.no_target"))
                    continue
                st.metric(
                    t(f"savings.measure.{measure}"),
                    t("ux.savings.of_target", achieved=percent(done), target=percent(target)),
                )
                share = min(max(done / float(target), 0.0), 1.0) if float(target) else 1.0
                st.progress(share, text=t("ux.savings.share_of_target", share=percent(share * 100)))
        st.caption(
            t(
                "stages_ui.programme_line",
                savings=money(row.savings_in_force),
                n=number(row.procedures_in_force),
                baseline=money(row.baseline_annual_cost),
                day=day(row.baseline_day),
                adopted=money(row.pipeline_adopted),
                adopted_rate=percent(row.cut_rate_adopted),
                enacted=money(row.pipeline_enacted),
                enacted_rate=percent(row.cut_rate_enacted),
            )
        )


def pipeline(stages: pd.DataFrame) -> None:
    """Savings and cut rate at each stage of the cycle (proposed, adopted, enacted, in
    force: ``catalogue.cycle.stage_totals``), never added across stages."""
    columns = st.columns(len(stages))
    for column, row in zip(columns, stages.itertuples(), strict=True):
        column.metric(t(f"cycle_steps.stage.{row.stage}"), headline(row.savings)[0])
        column.caption(t("cycle_steps.stage_caption", n=row.procedures, rate=percent(row.cut_rate)))
