"""The costing-sheet editor of the procedure detail page (reviewer, admin).

The reviewer edits the sheet as YAML. The text starts from the stored sheet; a procedure
that only has an estimate starts from the estimate written back as sheet data
(:func:`analysis.sheet_to_data`), so the reviewer corrects its figures instead of typing
a sheet from nothing. Only what the reviewer saves is stored, as the reviewer's sheet.
Saving goes through ``catalogue.costing.burden.save_sheet``: an invalid sheet lists every key
path at fault, and a concurrent save shows both versions; nothing is lost.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from ui.i18n import t
from ui.problems import problem_text
from ui.state import core as core_state
from ui.state import costing as costing_state
from ui.state import session as session_state
from ui.widgets import run_service

TEXT = "detail_sheet_text"
# (procedure id, version the text started from; 0 when no sheet was stored)
LOADED = "detail_sheet_loaded"
FLASH = "detail_sheet_flash"


def _estimate_data(procedure_id: int, rec: dict) -> dict:
    """The estimate as sheet data to correct; just the code and name if there is none."""
    from analysis import sheet_to_data
    from analysis.errors import ParameterError, SheetError

    try:
        estimate = costing_state.sheet(procedure_id)
    except (SheetError, ParameterError):
        estimate = None
    if estimate is None:
        return {"procedure": {"code": rec["code"], "name": rec["name"]}}
    data = sheet_to_data(estimate)
    # Saved as it is, ``estimated: true`` would make the reviewer's sheet read as an estimate.
    data.pop("estimated", None)
    return data


def _start_text(procedure_id: int, rec: dict) -> tuple[str, int]:
    stored = costing_state.stored_sheet(procedure_id)
    if stored is not None:
        return costing_state.sheet_text(stored[0]), stored[1]
    return costing_state.sheet_text(_estimate_data(procedure_id, rec)), 0


def _load(procedure_id: int, rec: dict) -> None:
    """Put the stored sheet (or the starting text) in the editor; a widget callback."""
    text, version = _start_text(procedure_id, rec)
    st.session_state[TEXT] = text
    st.session_state[LOADED] = (procedure_id, version)


def _invalid(exc: Any) -> None:
    st.error(t("detail.sheet_rejected"))
    st.markdown("\n".join(f"- {problem_text(p.path, p.message)}" for p in exc.problems))


def _conflict(exc: Any, procedure_id: int, rec: dict) -> None:
    st.error(t("detail.sheet_conflict"))
    theirs, yours = st.columns(2)
    with theirs:
        st.markdown(f"**{t('detail.sheet_theirs')}**")
        st.code(costing_state.sheet_text(exc.theirs), language="yaml")
    with yours:
        st.markdown(f"**{t('detail.sheet_yours')}**")
        st.code(costing_state.sheet_text(exc.yours), language="yaml")
    st.caption(t("detail.sheet_conflict_hint"))
    st.button(
        t("detail.sheet_reload"),
        key="detail_sheet_reload",
        on_click=_load,
        args=(procedure_id, rec),
    )


def _save(procedure_id: int, rec: dict, text: str, expected_version: int) -> int | None:
    """Parse and store the typed sheet; the new version, or None after a message."""
    from analysis.errors import SheetError
    from analysis.yamlio import YamlSyntaxError, parse_yaml
    from catalogue.registry.errors import ConcurrentEdit

    try:
        data = parse_yaml(text)
    except YamlSyntaxError as exc:
        st.error(t("detail.sheet_yaml", where=exc.where, message=exc.message))
        return None
    try:
        return costing_state.save_sheet(procedure_id, data, expected_version=expected_version)
    except SheetError as exc:
        _invalid(exc)
    except ConcurrentEdit as exc:
        _conflict(exc, procedure_id, rec)
    return None


def sheet_editor(procedure_id: int, rec: dict) -> None:
    """The sheet as YAML: editable and saved for reviewers and admins, read-only otherwise."""
    st.subheader(t("detail.sheet_edit"))
    if session_state.role() not in ("reviewer", "admin"):
        stored = costing_state.stored_sheet(procedure_id)
        if stored is None:
            st.caption(t("detail.sheet_none_stored"))
        else:
            st.caption(t("detail.sheet_read_only", version=stored[1]))
            st.code(costing_state.sheet_text(stored[0]), language="yaml")
        return
    loaded = st.session_state.get(LOADED)
    if loaded is None or loaded[0] != procedure_id or TEXT not in st.session_state:
        _load(procedure_id, rec)
        loaded = st.session_state[LOADED]
    flash = st.session_state.pop(FLASH, None)
    if flash is not None:
        st.success(t("detail.sheet_saved", version=flash))
    if loaded[1] == 0:
        st.caption(t("detail.sheet_start"))
    else:
        st.caption(t("detail.sheet_version", version=loaded[1]))
    with st.form("detail_sheet_form"):
        text = st.text_area(t("detail.sheet_yaml_label"), key=TEXT, height=420)
        submitted = st.form_submit_button(
            t("detail.sheet_save"), type="primary", key="detail_sheet_save"
        )
    if not submitted:
        return
    ok, version = run_service(_save, procedure_id, rec, text, loaded[1])
    if ok and version is not None:
        st.session_state[LOADED] = (procedure_id, version)
        st.session_state[FLASH] = version
        core_state.data_changed()
        st.rerun()
