"""Catalogue: search ignoring accents and typos, filters, one page of rows at a time."""

import streamlit as st

from ui import state
from ui.i18n import label, t
from ui.widgets import not_available, pager

st.title(t("catalogue.title"))
frame = state.procedures()
index = state.search_index()

query = st.text_input(t("catalogue.search"), key="catalogue_query", placeholder=t("catalogue.hint"))
columns = st.columns(4)
filters = {}
for column, (name, options) in zip(
    columns,
    [
        ("field", sorted(frame["field"].dropna().unique())),
        ("agency", sorted(frame["agency"].dropna().unique())),
        ("level", ["ministry", "province", "district", "commune", "other"]),
        ("status", ["active", "amended", "replaced", "abolished", "draft"]),
    ],
    strict=True,
):
    with column:
        filters[name] = st.multiselect(
            t(f"catalogue.filter.{name}"),
            options,
            key=f"catalogue_{name}",
            format_func=(lambda v, g=name: label(g, v)) if name in ("level", "status") else str,
        )

rows = frame
if query.strip():
    if index is None:
        not_available(t("catalogue.search_service"))
    else:
        rows = state.search(query)
for name in ("field", "agency", "status"):
    if filters[name]:
        rows = rows[rows[name].isin(filters[name])]
if filters["level"]:
    wanted = set(filters["level"])
    rows = rows[rows["levels"].map(lambda levels: bool(wanted.intersection(levels or ())))]

st.caption(t("catalogue.count", shown=len(rows), total=len(frame)))
start, stop = pager(len(rows), key="catalogue_page")
page = rows.iloc[start:stop]
view = page.assign(
    levels=page["levels"].map(lambda levels: ", ".join(label("level", lv) for lv in levels or ())),
    status=page["status"].map(lambda s: label("status", s)),
)[["code", "name", "field", "agency", "levels", "status"]]
st.dataframe(
    view.rename(columns=lambda c: t(f"catalogue.col.{c}")),
    hide_index=True,
    width="stretch",
)
if len(page):
    names = dict(
        zip(
            page["id"].astype(int).tolist(),
            page["code"].fillna("") + " — " + page["name"],
            strict=True,
        )
    )
    picked = st.selectbox(
        t("catalogue.pick"), list(names), format_func=names.get, key="catalogue_pick"
    )
    if st.button(t("catalogue.open"), key="catalogue_open"):
        st.session_state["procedure_id"] = int(picked)
        st.switch_page("ui/pages/detail.py")
