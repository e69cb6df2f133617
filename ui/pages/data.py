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
    progress = st.progress(0, text=t("data.step.read"))
    payload = upload.getvalue()
    progress.progress(30, text=t("data.step.check"))
    ok, summary = widgets.run_service(
        state.import_upload, upload.name, payload, portal=source == "portal"
    )
    progress.progress(100, text=t("data.step.done") if ok else t("data.step.failed"))
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
