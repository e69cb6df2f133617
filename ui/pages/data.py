"""Data: import a catalogue file with a validation report and progress, one-stop statistics
(with a sample file to start from), and flags to fix."""

import pandas as pd
import streamlit as st

from ui import widgets
from ui.i18n import number, t
from ui.inputs import number_field
from ui.problems import flag_text, path_text
from ui.state import core as core_state
from ui.state import data_import as data_import_state

st.title(t("data.title"))
if not widgets.require_role("admin"):
    st.stop()
source = st.radio(
    t("data.source"),
    ["own", "portal"],
    format_func=lambda s: t(f"data.sources.{s}"),
    horizontal=True,
    key="data_source",
)
upload = st.file_uploader(t("data.upload"), key="data_upload")
if upload is not None and st.button(t("data.import"), key="data_import", type="primary"):
    portal = source == "portal"
    payload = upload.getvalue()
    expected = data_import_state.expected_records(upload.name, payload, portal=portal)
    bar = st.progress(0, text=t("data.step.read"))

    def advance(read: int) -> None:
        """Called by the importer with the number of records read so far."""
        if expected:
            text = t("data.step.read_of", read=number(read), total=number(expected))
            bar.progress(min(read / expected, 0.99), text=text)
        else:
            bar.progress(0, text=t("data.step.read_count", read=number(read)))

    ok, summary = widgets.run_service(
        data_import_state.import_upload, upload.name, payload, portal=portal, progress=advance
    )
    if ok:
        bar.progress(1.0, text=t("data.step.done", read=number(summary.read)))
    else:
        bar.progress(0, text=t("data.step.failed"))
    if ok:
        core_state.data_changed()
        st.success(
            t(
                "data.summary",
                read=number(summary.read),
                created=number(summary.created),
                updated=number(summary.updated),
                unchanged=number(summary.unchanged),
            )
        )
        if summary.flags:
            st.caption(
                t(
                    "data.flag_counts",
                    flags="; ".join(
                        f"{flag_text(k)}: {number(v)}" for k, v in summary.flags.items()
                    ),
                )
            )


def stats_summary(result) -> None:
    """What a statistics import stored, and the rows without a code left to confirm."""
    st.success(
        t(
            "data.stats.summary",
            stored=number(result.stored),
            rows=number(result.rows),
            procedures=number(result.procedures),
            replaced=number(result.replaced),
            volumes=number(result.volumes_written),
        )
    )
    if result.periods:
        years = ", ".join(str(y) for y in result.years)
        first, last = result.periods[0], result.periods[-1]
        st.caption(t("data.stats.periods", first=first, last=last, years=years))
    for item in result.partial_years:
        st.warning(
            t("data.stats.partial", year=item["year"], procedures=number(item["procedures"]))
        )
    if result.accepted:
        st.caption(t("data.stats.accepted", count=number(len(result.accepted))))
    if result.to_confirm:
        st.warning(t("data.stats.to_confirm", count=number(len(result.to_confirm))))
        rows = []
        for item in result.to_confirm:
            best = item["candidates"][0] if item["candidates"] else {}
            rows.append(
                {
                    t("data.stats.col.row"): item["row"],
                    t("data.stats.col.name"): item["name"],
                    t("data.stats.col.period"): item["period"],
                    t("data.stats.col.code"): best.get("code") or "—",
                    t("data.stats.col.suggested"): best.get("name") or "—",
                    t("data.stats.col.score"): number(best.get("score"), 1),
                }
            )
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


st.subheader(t("data.stats.title"))
st.caption(t("data.stats.intro"))
sample_name, make_sample = data_import_state.sample_stats()
st.download_button(
    t("ux.sample.button"),
    data=make_sample,
    file_name=sample_name,
    mime="text/csv",
    help=t("data.stats.sample_help") + " " + t("ux.sample.note"),
    on_click="ignore",
    key="data_stats_sample",
)
stats_upload = st.file_uploader(
    t("data.stats.upload"), type=["csv", "xlsx"], key="data_stats_upload"
)
accept_above = number_field(
    t("data.stats.accept"), key="data_stats_accept", decimals=1, maximum=100
)
accept_above = None if accept_above is None else float(accept_above)
if stats_upload is not None and st.button(
    t("data.stats.import"), key="data_stats_import", type="primary"
):
    ok, result = widgets.run_service(
        data_import_state.import_stats_upload,
        stats_upload.name,
        stats_upload.getvalue(),
        accept_above=accept_above,
    )
    if ok:
        core_state.data_changed()
        stats_summary(result)

st.subheader(t("data.flags"))
flagged = data_import_state.flags()
if flagged.empty:
    st.info(t("data.no_flags"))
else:
    st.caption(
        t("data.flag_total", count=number(len(flagged)), procedures=number(flagged["id"].nunique()))
    )
    start, stop = widgets.pager(len(flagged), key="data_flags_page")
    shown = flagged.iloc[start:stop]
    st.dataframe(
        {
            t("data.col.code"): shown["code"].fillna("—"),
            t("data.col.name"): shown["name"],
            t("ux.flag.col.meaning"): shown["kind"].map(flag_text),
            t("data.col.field"): shown["field"].map(path_text),
            t("ux.flag.col.raw"): shown["raw"].fillna("—"),
        },
        hide_index=True,
        width="stretch",
        column_config={t("ux.flag.col.raw"): st.column_config.TextColumn(width="large")},
    )
