"""Kế hoạch rà soát: reviewers draft the year's plan, the chair approves it, everyone
sees each item's progress."""

from datetime import date

import pandas as pd
import streamlit as st

from ui import widgets
from ui.i18n import t
from ui.state import core as core_state
from ui.state import review as review_state
from ui.state import session as session_state

st.title(t("review_cycle.plan_title"))
if not widgets.require_role("reviewer", "chair", "analyst", "admin"):
    st.stop()
role = session_state.role()
year = int(
    st.number_input(t("review_cycle.year"), 2000, 2100, date.today().year + 1, key="rp_year")
)
ok, plan = widgets.run_service(review_state.plan_or_none, year)
if not ok:
    st.stop()


def _done() -> None:
    core_state.data_changed()
    st.rerun()


if plan is None:
    st.info(t("review_cycle.no_plan", year=year))
    if role == "reviewer":
        with st.form("rp_draft"):
            title = st.text_input(
                t("review_cycle.plan_name"),
                t("review_cycle.plan_default", year=year),
                key="rp_title",
            )
            if st.form_submit_button(t("review_cycle.draft"), key="rp_draft_submit"):
                ok, _ = widgets.run_service(
                    review_state.call, "plan", "draft_review_plan", year=year, title=title
                )
                if ok:
                    _done()
    st.stop()

status = t(f"review_cycle.plan_status.{plan['status']}")
st.subheader(f"{plan['title']} — {status}")
if plan.get("number"):
    st.caption(t("review_cycle.approved_as", number=plan["number"], on=plan["approved_on"]))
if plan["late"]:
    st.warning(t("review_cycle.late"))
rows = [
    {
        t("review_cycle.col.position"): i["position"],
        t("review_cycle.col.what"): i["code"] or f"{t('review_cycle.field')}: {i['field']}",
        t("review_cycle.col.agency"): i["agency"],
        t("review_cycle.col.coordinating"): ", ".join(i["coordinating"]),
        t("review_cycle.col.dates"): f"{i['start_on']} – {i['end_on']}",
        t("review_cycle.col.grounds"): i["grounds"],
        t("review_cycle.col.tags"): ", ".join(i["tags_vi"]),
        t("review_cycle.col.progress"): t(f"review_cycle.progress.{i['progress']}"),
        t("review_cycle.col.procedures"): len(i["procedures"]),
    }
    for i in plan["items"]
]
st.dataframe(pd.DataFrame(rows), hide_index=True, key="rp_items")

if role == "reviewer" and plan["status"] == "draft":
    with st.form("rp_add", clear_on_submit=True):
        st.markdown(f"**{t('review_cycle.add')}**")
        code = st.text_input(t("review_cycle.code"), key="rp_code")
        field = st.text_input(t("review_cycle.field"), key="rp_field")
        agency = st.text_input(t("review_cycle.agency"), key="rp_agency")
        coordinating = st.text_input(t("review_cycle.coordinating"), key="rp_coord")
        start = st.date_input(
            t("review_cycle.start"), date(year, 3, 1), key="rp_start", format="DD/MM/YYYY"
        )
        end = st.date_input(
            t("review_cycle.end"), date(year, 6, 30), key="rp_end", format="DD/MM/YYYY"
        )
        grounds = st.text_area(t("review_cycle.grounds"), key="rp_grounds")
        tags = st.multiselect(
            t("review_cycle.tags"),
            list(review_state.ground_tags()),
            format_func=review_state.ground_tags().get,
            key="rp_tags",
        )
        product = st.text_input(t("review_cycle.product"), key="rp_product")
        if st.form_submit_button(t("review_cycle.add_submit"), key="rp_add_submit"):
            ok, _ = widgets.run_service(
                review_state.call,
                "plan",
                "add_plan_item",
                plan_id=plan["id"],
                code=code or None,
                field=field or None,
                agency=agency,
                coordinating=[c for c in coordinating.split(";")],
                start_on=start,
                end_on=end,
                grounds=grounds,
                tags=tags,
                product=product or None,
            )
            if ok:
                _done()
    with st.form("rp_seed"):
        st.markdown(f"**{t('review_cycle.seed')}**")
        top = st.number_input(t("review_cycle.top"), 1, 100, 5, key="rp_top")
        seed_agency = st.text_input(t("review_cycle.agency"), key="rp_seed_agency")
        if st.form_submit_button(t("review_cycle.seed_submit"), key="rp_seed_submit"):
            ok, _ = widgets.run_service(
                review_state.seed,
                plan["id"],
                int(top),
                seed_agency,
                date(year, 3, 1),
                date(year, 6, 30),
            )
            if ok:
                _done()

if role == "chair" and plan["status"] == "draft":
    with st.form("rp_approve"):
        number = st.text_input(t("review_cycle.number"), key="rp_number")
        on = st.date_input(
            t("review_cycle.approved_on"), date(year, 1, 20), key="rp_on", format="DD/MM/YYYY"
        )
        if st.form_submit_button(t("review_cycle.approve"), key="rp_approve_submit"):
            ok, _ = widgets.run_service(
                review_state.call,
                "plan",
                "approve_review_plan",
                plan_id=plan["id"],
                number=number,
                approved_on=on,
            )
            if ok:
                _done()

ok, doc = widgets.run_service(review_state.document, "plan", year)
if ok:
    st.download_button(t("review_cycle.download_plan"), doc[0], file_name=doc[1], key="rp_download")
