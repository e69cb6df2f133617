"""Data: import a catalogue file with a validation report and progress, and flags to fix."""

import streamlit as st

from ui import state, widgets
from ui.i18n import number, t

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
    expected = state.expected_records(upload.name, payload, portal=portal)
    bar = st.progress(0, text=t("data.step.read"))

    def advance(read: int) -> None:
        """Called by the importer with the number of records read so far."""
        if expected:
            text = t("data.step.read_of", read=number(read), total=number(expected))
            bar.progress(min(read / expected, 0.99), text=text)
        else:
            bar.progress(0, text=t("data.step.read_count", read=number(read)))

    ok, summary = widgets.run_service(
        state.import_upload, upload.name, payload, portal=portal, progress=advance
    )
    if ok:
        bar.progress(1.0, text=t("data.step.done", read=number(summary.read)))
    else:
        bar.progress(0, text=t("data.step.failed"))
    if ok:
        state.data_changed()
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
                    flags=", ".join(f"{k}: {v}" for k, v in summary.flags.items()),
                )
            )

st.subheader(t("data.flags"))
flagged = state.flags()
if flagged.empty:
    st.info(t("data.no_flags"))
else:
    st.caption(
        t("data.flag_total", count=number(len(flagged)), procedures=number(flagged["id"].nunique()))
    )
    start, stop = widgets.pager(len(flagged), key="data_flags_page")
    st.dataframe(
        flagged.iloc[start:stop].rename(columns=lambda c: t(f"data.col.{c}")),
        hide_index=True,
        width="stretch",
    )
