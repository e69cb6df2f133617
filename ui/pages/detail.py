"""Procedure detail: channels, deadlines, fees, documents, steps, legal basis, volumes,
revision history and the costing sheet (edited and saved by reviewers and admins)."""

import pandas as pd
import streamlit as st

from ui.i18n import day, label, money, number, t
from ui.sheet_editor import sheet_editor
from ui.sheet_widgets import sheet_summary
from ui.state import catalogue as catalogue_state

st.title(t("detail.title"))
pid = catalogue_state.selected_procedure()
rec = catalogue_state.record(pid) if pid is not None else None
if rec is None:
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
tabs = st.tabs(
    [
        t(f"detail.tab.{name}")
        for name in ("channels", "documents", "steps", "legal", "volumes", "history", "sheet")
    ]
)
with tabs[0]:
    rows = []
    for ch in rec["channels"]:
        deadline = ch["deadline"]
        fees = "; ".join(
            t("detail.free")
            if f["free"]
            else (money(f["amount"]) if f["amount"] is not None else (f["raw"] or "—"))
            for f in ch["fees"]
        )
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
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("detail.col.document"): d["name"],
                    t("detail.col.originals"): d["originals"],
                    t("detail.col.copies"): d["copies"],
                    t("detail.col.certified"): d["certified_copies"],
                }
                for d in rec["documents"]
            ]
        ),
        hide_index=True,
        width="stretch",
    )
with tabs[2]:
    for step in rec["steps"]:
        st.markdown(f"{step['order']}. {step['text']}")
with tabs[3]:
    for basis in rec["legal_bases"]:
        st.markdown(f"- **{basis['number'] or '—'}** {basis['title']}")
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
                    t("detail.col.changed"): ", ".join(h["changed_fields"]) or "—",
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
