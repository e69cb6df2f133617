"""Rà soát một TTHC: the review form (Biểu 02/RS-KSTT), then the cost tables, then
"propose" into a phương án. Reviewers edit; everyone signed in reads."""

from datetime import date

import pandas as pd
import streamlit as st

from ui import widgets
from ui.i18n import t
from ui.state import core as core_state
from ui.state import cycle as cycle_state
from ui.state import review as review_state
from ui.state import session as session_state

st.title(t("review_cycle.review_title"))
if not widgets.require_role("reviewer", "chair", "analyst", "admin"):
    st.stop()
editor = session_state.role() == "reviewer"
year = int(
    st.number_input(t("review_cycle.year"), 2000, 2100, date.today().year + 1, key="rv_year")
)
ok, plan = widgets.run_service(review_state.plan_or_none, year)
if not ok or plan is None or plan["status"] != "approved":
    st.info(t("review_cycle.no_approved_plan", year=year))
    st.stop()
procedures = {p["id"]: p for i in plan["items"] for p in i["procedures"]}
pid = st.selectbox(
    t("review_cycle.procedure"),
    list(procedures),
    key="rv_procedure",
    format_func=lambda i: f"{procedures[i]['code']} — {procedures[i]['name']}",
)
ok, view = widgets.run_service(
    review_state.call, "review", "show_review", procedure_id=pid, year=year
)
if not ok:
    st.stop()
review = view["review"] or {}
answers = {**view.get("prefill", {}), **review.get("answers", {})}
status = review.get("status")
st.caption(
    t(f"review_cycle.review_status.{status or 'none'}")
    + (f" — v{review['version']}" if review else "")
)
if view["missing"]:
    with st.expander(t("review_cycle.missing", n=len(view["missing"]))):
        st.markdown("\n".join(f"- {line}" for line in view["missing"]))

form = review_state.form()
tab_form, tab_cost, tab_propose = st.tabs(
    [t("review_cycle.tab_form"), t("review_cycle.tab_cost"), t("review_cycle.tab_propose")]
)
YES_NO = [None, True, False]


def _sheet_editors(tables: dict, prefix: str, editor: bool) -> dict:
    """Each table of a cost sheet in an editor (read-only unless ``editor``); the edits."""
    edited = {}
    for n, (name, frame) in enumerate(tables.items()):
        st.markdown(f"**{name}**")
        edited[name] = st.data_editor(
            frame.astype(str),
            key=f"{prefix}_{n}",
            hide_index=True,
            num_rows="dynamic" if editor else "fixed",
            disabled=not editor,
        )
    return edited


def _question(q, value):
    """One widget per question, by its kind; returns the typed answer (None when empty)."""
    key, label = f"rv_q_{q.id}", f"{q.id}. {q.vi}"
    help_text = q.help_vi
    if q.kind == "yes_no":
        names = {None: "—", True: t("review_cycle.yes"), False: t("review_cycle.no")}
        return st.selectbox(
            label,
            YES_NO,
            YES_NO.index(value) if value in YES_NO else 0,
            format_func=names.get,
            key=key,
            help=help_text,
            disabled=not editor,
        )
    if q.kind == "choice":
        options = [None, *q.choices]
        return st.selectbox(
            label,
            options,
            options.index(value) if value in options else 0,
            format_func=lambda c: q.choices.get(c, "—"),
            key=key,
            help=help_text,
            disabled=not editor,
        )
    text = "" if value is None else str(value)
    if q.kind == "number" and value is not None:
        text = review_state.vn_number(value)
    return st.text_input(label, text, key=key, help=help_text, disabled=not editor) or None


def _components_frame() -> pd.DataFrame:
    rows = []
    for c in view["components"]:
        j = c["judgment"] or {}
        change = j.get("change") or {}
        reasonable = {True: "có", False: "không"}.get(j.get("reasonable"), "")
        rows.append(
            {
                "key": c["key"],
                "Bộ phận": c["label"],
                "Nội dung": str(c["detail"]),
                "Hợp lý": reasonable,
                "Lý do": j.get("reason", ""),
                "Phương án": j.get("proposal", ""),
                "Loại thay đổi": change.get("type", ""),
                "Số ngày": change.get("days"),
                "Tên": change.get("name", ""),
                "Kiến nghị thực thi": j.get("legal_change", ""),
            }
        )
    return pd.DataFrame(rows)


def _components(frame: pd.DataFrame) -> list[dict]:
    out = []
    for row in frame.to_dict("records"):
        entry = {"key": row["key"]}
        if row["Hợp lý"]:
            entry["reasonable"] = row["Hợp lý"]
        for column, key in (
            ("Lý do", "reason"),
            ("Phương án", "proposal"),
            ("Kiến nghị thực thi", "legal_change"),
        ):
            if row.get(column):
                entry[key] = row[column]
        if row.get("Loại thay đổi"):
            change = {"type": row["Loại thay đổi"]}
            if row.get("Số ngày") is not None and row["Số ngày"] == row["Số ngày"]:
                change["days"] = row["Số ngày"]
            if row.get("Tên"):
                change["name"] = row["Tên"]
            entry["change"] = change
        out.append(entry)
    return out


def _after_tables(data: dict) -> None:
    """The cost tables after simplification: what they change joins the review's option."""
    st.markdown(f"#### {t('review_fix.after_title')}")
    ok, after = widgets.run_service(review_state.after_tables, pid, year)
    if not ok:
        return
    tables_after, saved = after
    st.caption(t("review_fix.after_saved_sheet" if saved else "review_fix.after_from_typed"))
    edited = _sheet_editors(tables_after, "rv_after", editor)
    if editor and st.button(t("review_fix.after_save"), key="rv_after_save"):
        base = {k: data[k] for k in ("procedure", "date", "subject") if k in data}
        ok, changes = widgets.run_service(
            review_state.save_after, pid, year, edited, base, review.get("version")
        )
        if ok:
            core_state.data_changed()
            st.success(t("review_fix.after_saved", n=len(changes)))


with tab_form:
    given = {}
    for section, names in form.sections.items():
        st.subheader(f"{section}. {names['vi']}")
        for q in form.in_section(section):
            if q.kind == "components":
                st.markdown(f"**{q.vi}**")
                frame = st.data_editor(
                    _components_frame(),
                    key="rv_components",
                    hide_index=True,
                    disabled=not editor or ["key", "Bộ phận", "Nội dung"],
                    column_config={
                        "key": None,
                        "Hợp lý": st.column_config.SelectboxColumn(options=["", "có", "không"]),
                        "Loại thay đổi": st.column_config.SelectboxColumn(
                            options=["", *review_state.change_types()]
                        ),
                        "Số ngày": st.column_config.NumberColumn(min_value=0),
                    },
                )
                continue
            given[q.id] = _question(q, answers.get(q.id))
    if editor:
        cols = st.columns(2)
        save = cols[0].button(t("review_cycle.save"), key="rv_save")
        mark = cols[1].button(t("review_cycle.mark"), key="rv_mark", type="primary")
        if save or mark:
            ok, _ = widgets.run_service(
                review_state.save_and_mark,
                pid,
                year,
                {k: v for k, v in given.items() if v is not None},
                _components(frame),
                expected_version=review.get("version"),
                mark=mark,
            )
            if ok:
                core_state.data_changed()
                st.success(t("review_cycle.saved"))
    ok, doc = widgets.run_service(review_state.document, "form", year, procedures[pid]["code"])
    if ok:
        st.download_button(
            t("review_cycle.download_form"), doc[0], file_name=doc[1], key="rv_download_form"
        )

with tab_cost:
    tables, data, estimated_figures, estimated, version = review_state.cost_tables(pid)
    if estimated:
        st.info(t("review_cycle.cost_estimate"))
    for label in estimated_figures:
        st.caption(t("review_cycle.still_estimated", figure=label))
    edited = _sheet_editors(tables, "rv_cost", editor)
    if editor and st.button(t("review_cycle.save_cost"), key="rv_cost_save"):
        base = {k: data[k] for k in ("procedure", "date", "subject") if k in data}
        ok, _ = widgets.run_service(
            review_state.call,
            "cost",
            "save_cost_form",
            procedure_id=pid,
            tables=edited,
            base=base,
            expected_version=version,
        )
        if ok:
            core_state.data_changed()
            st.success(t("review_cycle.saved"))
    if review and review.get("conclusion") in (None, "amend"):
        _after_tables(data)
    ok, doc = widgets.run_service(review_state.document, "cost", year, procedures[pid]["code"])
    if ok:
        st.download_button(
            t("review_cycle.download_cost"), doc[0], file_name=doc[1], key="rv_download_cost"
        )
    ok, doc = widgets.run_service(review_state.document, "cost_word", year, procedures[pid]["code"])
    if ok:
        st.download_button(
            t("review_fix.download_cost_word"), doc[0], file_name=doc[1], key="rv_download_cost_w"
        )

with tab_propose:
    if review.get("proposal_id"):
        st.success(t("review_cycle.proposed", id=review["proposal_id"]))
    elif editor and status in ("reviewed", "checked") and review.get("conclusion") != "keep":
        ok, plans = widgets.run_service(cycle_state.workflow, "plans_frame")
        drafts = plans[plans["status"] == "draft"] if ok else pd.DataFrame()
        if drafts.empty:
            st.info(t("review_cycle.no_draft_plan"))
        else:
            target = st.selectbox(
                t("review_cycle.target_plan"),
                drafts["id"].tolist(),
                key="rv_target",
                format_func=lambda i: drafts.set_index("id").loc[i, "name"],
            )
            if st.button(t("review_cycle.propose"), key="rv_propose", type="primary"):
                ok, proposal = widgets.run_service(
                    review_state.call,
                    "review",
                    "propose_from_review",
                    review_id=review["id"],
                    plan_id=int(target),
                )
                if ok:
                    core_state.data_changed()
                    st.success(t("review_cycle.proposed", id=proposal.id))
    else:
        st.info(t("review_cycle.propose_when"))
    ok, report = widgets.run_service(review_state.call, "report", "review_report", year=year)
    if ok:
        st.markdown(f"**{t('review_cycle.report')}**: {report['sentence']}")
        ok, doc = widgets.run_service(review_state.document, "report", year)
        if ok:
            st.download_button(
                t("review_cycle.download_report"),
                doc[0],
                file_name=doc[1],
                key="rv_download_report",
            )
