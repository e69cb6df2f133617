"""The chair's queue: each waiting proposal shown as the file he signs (issue 12 item 6).

Everything shown comes from :func:`catalogue.cycle.proposal_file.proposal_files`; this
module only lays it out, in the catalogues' words.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from ui.i18n import number, percent, t
from ui.widgets import headline


def _days(value: float | None) -> str:
    return t("chair_file.days", n=number(value, 1)) if value is not None else "—"


def proposal_file(file: dict[str, Any]) -> None:
    """One proposal: phương án, review conclusion, changes in words, reasons, figures."""
    action = t(f"action.{file['action']}")
    title = t("chair_file.title", code=file["code"] or "—", name=file["name"], action=action)
    with st.expander(title, expanded=True):
        st.caption(t("chair_file.plan", name=file["plan_name"], year=file["plan_year"]))
        if file["review_conclusion"]:
            conclusion = t(f"action.{file['review_conclusion']}")
            st.markdown(t("chair_file.review", year=file["review_year"], conclusion=conclusion))
        else:
            st.markdown(t("chair_file.no_review"))
        if file["replacement"]:
            st.markdown(t("chair_file.replacement", name=file["replacement"]))
        if file["changes"]:
            st.markdown(t("chair_file.changes"))
            st.markdown("\n".join(f"- {line}" for line in file["changes"]))
        for key in ("content", "reason", "legal_change"):
            if file[key]:
                st.markdown(f"**{t(f'chair_file.{key}')}:** {file[key]}")
        columns = st.columns(3)
        for column, key in zip(columns, ("cost_before", "cost_after", "savings"), strict=True):
            value, full = headline(file[key])  # tỷ đồng when large, the full amount below
            column.metric(t(f"chair_file.{key}"), value)
            if full:
                column.caption(full)
        st.caption(
            t(
                "chair_file.figures",
                rate=percent(file["cut_rate"]),
                before=_days(file["deadline_before"]),
                after=_days(file["deadline_after"]),
            )
        )
