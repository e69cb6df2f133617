"""Procedure detail: channels, deadlines, fees, documents, steps, legal basis, volumes,
revision history and the costing sheet (edited and saved by reviewers and admins)."""

import pandas as pd
import streamlit as st

from ui import not_found, onestop_widgets
from ui.i18n import day, label, missing, money, number, t
from ui.problems import path_text
from ui.sheet_editor import sheet_editor
from ui.sheet_widgets import sheet_summary
from ui.state import catalogue as catalogue_state
from ui.state import session as session_state

st.title(t("detail.title"))
pid = catalogue_state.selected_procedure()
rec = catalogue_state.record(pid) if pid is not None else None
if rec is None:
    if pid is not None:  # an id in the address that names no procedure
        not_found.not_found_id("procedure", pid)
    st.info(t("detail.none"))
    st.page_link("ui/pages/catalogue.py", label=t("nav.catalogue"), icon=":material/search:")
    st.stop()

st.subheader(f"{rec['code'] or '—'} · {rec['name']}")
st.markdown(
    "  \n".join(
        [
            f"**{t('catalogue.col.field')}:** {rec['field'] or '—'}",
            f"**{t('catalogue.col.agency')}:** {rec['agency'] or '—'}",
            f"**{t('catalogue.col.levels')}:** "
            + ", ".join(label("level", lv) for lv in rec["levels"]),
            f"**{t('catalogue.col.status')}:** {label('status', rec['status'])}",
            f"**{t('detail.subjects')}:** {', '.join(rec['subjects']) or '—'}",
            f"**{t('detail.decision')}:** {rec['decision'] or '—'}",
        ]
    )
)
if rec["status"] in ("amended", "replaced", "abolished"):
    # Which decision and act changed it: the decisions page lists both with their dates.
    st.warning(t("ux.detail.changed_by", status=label("status", rec["status"]),
                 decision=rec["decision"] or "—"))  # fmt: skip
    if session_state.role() is not None:
        st.page_link("ui/pages/decisions.py", label=t("nav.decisions"), icon=":material/gavel:")
onestop_widgets.online_level_field(pid, session_state.role())
tabs = st.tabs(
    [
        t(f"detail.tab.{name}")
        for name in ("channels", "documents", "steps", "legal", "volumes", "history", "sheet")
    ]
)


def fee_text(fee: dict, rate: object) -> str:
    """A fee as stated: free, an amount in đồng, or USD with its value in đồng."""
    if fee["free"]:
        return t("detail.free")
    if fee["amount"] is None:
        return fee["raw"] or "—"
    if fee.get("currency") == "USD":
        vnd = money(fee["amount"] * rate) if rate else "—"
        return t("ux.detail.usd", amount=number(fee["amount"], 2), vnd=vnd)
    return money(fee["amount"])


def count(value: object) -> str:
    return "—" if missing(value) else number(value)


with tabs[0]:
    rows = []
    rate = catalogue_state.usd_rate()
    for ch in rec["channels"]:
        deadline = ch["deadline"]
        fees = "; ".join(fee_text(f, rate) for f in ch["fees"])
        rows.append(
            {
                t("detail.col.channel"): label("channel", ch["kind"]),
                t("detail.col.deadline"): (
                    f"{number(deadline['value'], 2)} {label('unit', deadline['unit'])}"
                    if deadline["value"] is not None
                    else deadline["raw"] or "—"
                ),
                t("detail.col.fees"): fees or "—",
            }
        )
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
with tabs[1]:
    documents, notes = catalogue_state.documents_and_notes(rec)
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("detail.col.document"): d["name"] or "—",
                    t("ux.detail.template"): d["template"] or "—",
                    t("detail.col.originals"): count(d["originals"]),
                    t("detail.col.copies"): count(d["copies"]),
                    t("detail.col.certified"): count(d["certified_copies"]),
                    t("ux.detail.case"): d.get("case") or "—",
                }
                for d in documents
            ],
            columns=[
                t(k)
                for k in (
                    "detail.col.document",
                    "ux.detail.template",
                    "detail.col.originals",
                    "detail.col.copies",
                    "detail.col.certified",
                    "ux.detail.case",
                )
            ],  # fmt: skip
        ),
        hide_index=True,
        width="stretch",
        column_config={t("detail.col.document"): st.column_config.TextColumn(width="large")},
    )
    for note in notes:
        st.info(t("ux.detail.note", note=note))
with tabs[2]:
    for step in rec["steps"]:
        st.markdown(f"{step['order']}. {step['text']}")
with tabs[3]:
    for basis in rec["legal_bases"]:
        st.markdown(f"- **{basis['number'] or '—'}** {basis['title'] or ''}")
with tabs[4]:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("detail.col.year"): str(v["year"]),
                    t("detail.col.received"): number(v["received"]),
                    t("detail.col.on_time"): number(
                        (v["resolved_early"] or 0) + (v["resolved_on_time"] or 0)
                    ),
                    t("detail.col.late"): number(v["resolved_late"]),
                    t("detail.col.online"): number(v["online"]),
                }
                for v in rec["volumes"]
            ]
        ),
        hide_index=True,
        width="stretch",
    )
with tabs[5]:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("detail.col.revision"): h["number"],
                    t("detail.col.when"): day(h["created_at"]),
                    t("detail.col.actor"): h["actor"] or "—",
                    t("detail.col.changed"): ", ".join(path_text(f) for f in h["changed_fields"])
                    or "—",
                }
                for h in catalogue_state.history(pid)
            ]
        ),
        hide_index=True,
        width="stretch",
    )
with tabs[6]:
    sheet_summary(pid)
    sheet_editor(pid, rec)
