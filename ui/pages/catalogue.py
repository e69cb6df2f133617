"""Catalogue: search ignoring accents and typos, filters, one page of rows at a time."""

import streamlit as st

from ui import tables
from ui.i18n import label, number, t
from ui.labels import procedure_choices
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
columns = ["code", "name", "levels", "status", "agency", "field"]
if "score" in page:
    columns.append("score")
view = page.assign(
    **({"score": page["score"].map(lambda v: number(v, 1))} if "score" in page else {}),
    levels=page["levels"].map(lambda levels: ", ".join(label("level", lv) for lv in levels)),
    status=page["status"].map(lambda s: label("status", s)),
)[columns]
tables.show(
    view.rename(columns=lambda c: t(f"catalogue.col.{c}")),
    pinned=[t("catalogue.col.code"), t("catalogue.col.name")],
    long=[t("catalogue.col.name")],
)
if len(page):
    names = procedure_choices(page)
    picked = st.selectbox(
        t("catalogue.pick"), list(names), format_func=names.get, key="catalogue_pick"
    )
    left, right = st.columns(2)
    if left.button(t("catalogue.open"), key="catalogue_open"):
        st.session_state["procedure_id"] = int(picked)
        st.switch_page("ui/pages/detail.py")
    if session_state.role() in ("reviewer", "chair", "admin") and right.button(
        t("catalogue.compare"), key="catalogue_compare"
    ):
        st.session_state["procedure_id"] = int(picked)
        st.switch_page("ui/pages/compare.py")
