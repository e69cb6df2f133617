"""Duplicates and matching: near-identical procedures across agencies and levels, and a
local list without codes matched to national codes for a reviewer to accept or reject."""

import hashlib
from pathlib import Path

import streamlit as st

from catalogue.quality.matching import accepted_codes, auto_decisions
from ui import quality_widgets as qw
from ui import widgets
from ui.i18n import number, t
from ui.state import quality as quality_state

st.title(t("quality.title"))
if not widgets.require_role("reviewer", "admin"):
    st.stop()

st.subheader(t("quality.dup.title"))
st.caption(t("quality.dup.intro"))
left, right = st.columns([2, 1], vertical_alignment="bottom")
threshold = left.slider(
    t("quality.dup.threshold"),
    min_value=80,
    max_value=100,
    value=90,
    key="quality_threshold",
    help=t("quality.dup.threshold_help"),
)
same_code = right.checkbox(
    t("quality.dup.same_code"), key="quality_same_code", help=t("quality.dup.same_code_help")
)
groups = quality_state.duplicates(threshold, same_code)
widgets.metric_row(
    [
        (t("quality.dup.groups"), number(len(groups)), None),
        (t("quality.dup.procedures"), number(sum(len(g["members"]) for g in groups)), None),
    ]
)
if not groups:
    st.info(t("quality.dup.none"))
start, stop = qw.page_of(len(groups), key="quality_dup_page")
for group in groups[start:stop]:
    qw.duplicate_group(group)

st.subheader(t("quality.match.title"))
st.caption(t("quality.match.intro"))
upload = st.file_uploader(t("quality.match.upload"), type=["csv", "xlsx"], key="quality_upload")
if upload is None:
    qw.forget_results()
    st.stop()
payload = upload.getvalue()
ok, columns = qw.read_safely(quality_state.upload_columns, upload.name, payload)
if not ok:
    qw.forget_results()
    st.stop()
column = st.selectbox(
    t("quality.match.column"), columns, index=qw.name_column(columns), key="quality_column"
)
auto_score = st.number_input(
    t("quality.match.auto"),
    min_value=0,
    max_value=100,
    value=90,
    step=1,
    key="quality_auto",
    help=t("quality.match.auto_help"),
)
signature = (upload.name, hashlib.sha256(payload).hexdigest(), column)
stored = st.session_state.get(qw.RESULTS_KEY)
if stored is not None and stored["signature"] != signature:
    qw.forget_results()
if st.button(t("quality.match.run"), key="quality_run", type="primary"):
    qw.forget_results()
    with st.spinner(t("quality.match.running")):
        ok, matched = qw.read_safely(quality_state.match_upload, upload.name, payload, column)
    if ok:
        st.session_state[qw.RESULTS_KEY] = {"signature": signature, "results": matched}
stored = st.session_state.get(qw.RESULTS_KEY)
if stored is None:
    st.stop()
results = stored["results"]
if not results:
    st.warning(t("quality.match.empty"))
    st.stop()

counts = {status: sum(r.status == status for r in results) for status in qw.STATUSES}
widgets.metric_row(
    [(t("quality.match.rows"), number(len(results)), None)]
    + [(t(f"quality.match.status_count.{s}"), number(n), None) for s, n in counts.items()]
)
made = qw.decisions(results, auto_score)
qw.results_table(results, made)

st.markdown(f"**{t('quality.match.review')}**")
automatic = {d.row: d.code for d in auto_decisions(results, min_score=auto_score)}
scope = st.radio(
    t("quality.match.scope"),
    ["open", "all"],
    format_func=lambda s: t(f"quality.match.scopes.{s}"),
    horizontal=True,
    key="quality_scope",
)
shown = results if scope == "all" else [r for r in results if r.row not in automatic]
if not shown:
    st.info(t("quality.match.nothing_to_review"))
start, stop = qw.page_of(len(shown), key="quality_review_page")
for result in shown[start:stop]:
    qw.review_row(result, automatic.get(result.row))

codes = accepted_codes(results, made)
accepted = sum(code is not None for code in codes.values())
st.caption(
    t(
        "quality.match.summary",
        accepted=number(accepted),
        rejected=number(len(codes) - accepted),
        pending=number(len(results) - len(codes)),
    )
)
ok, written = qw.read_safely(quality_state.matched_file, upload.name, payload, column, codes)
if ok:
    source = Path(upload.name)
    st.download_button(
        t("quality.match.download"),
        data=written,
        file_name=f"{source.stem}-ma-tthc{source.suffix}",
        mime=upload.type or "application/octet-stream",
        help=t("quality.match.download_help"),
        on_click="ignore",
        key="quality_download",
        type="primary",
    )
