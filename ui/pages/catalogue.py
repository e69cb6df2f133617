"""Catalogue: search ignoring accents and typos, filters, one page of rows at a time."""

import streamlit as st

from ui.i18n import label, t
from ui.state import catalogue as catalogue_state
from ui.state import session as session_state
from ui.widgets import pager

st.title(t("catalogue.title"))
frame = catalogue_state.procedures()

query = st.text_input(t("catalogue.search"), key="catalogue_query", placeholder=t("catalogue.hint"))
choices = catalogue_state.filter_choices()
groups = {"levels": "level", "status": "status"}
filters = {}
for column, (name, options) in zip(st.columns(4), choices.items(), strict=True):
    with column:
        filters[name] = st.multiselect(
            t(f"catalogue.filter.{name}"),
            options,
            key=f"catalogue_{name}",
            format_func=lambda v, g=groups.get(name): label(g, v) if g else str(v),
            placeholder=t("common.choose"),
        )

rows = (
    catalogue_state.search(query, filters) if query.strip() else catalogue_state.filtered(filters)
)
st.caption(t("catalogue.count", shown=len(rows), total=len(frame)))
start, stop = pager(len(rows), key="catalogue_page")
page = rows.iloc[start:stop]
columns = ["code", "name", "field", "agency", "levels", "status"]
if "score" in page:
    columns.append("score")
view = page.assign(
    levels=page["levels"].map(lambda levels: ", ".join(label("level", lv) for lv in levels)),
    status=page["status"].map(lambda s: label("status", s)),
)[columns]
st.dataframe(
    view.rename(columns=lambda c: t(f"catalogue.col.{c}")),
    hide_index=True,
    width="stretch",
)
if len(page):
    ids = page["id"].astype(int).tolist()
    names = dict(zip(ids, page["code"].fillna("—") + " — " + page["name"], strict=True))
    picked = st.selectbox(t("catalogue.pick"), ids, format_func=names.get, key="catalogue_pick")
    left, right = st.columns(2)
    if left.button(t("catalogue.open"), key="catalogue_open"):
        st.session_state["procedure_id"] = int(picked)
        st.switch_page("ui/pages/detail.py")
    if session_state.role() in ("reviewer", "chair", "admin") and right.button(
        t("catalogue.compare"), key="catalogue_compare"
    ):
        st.session_state["procedure_id"] = int(picked)
        st.switch_page("ui/pages/compare.py")
