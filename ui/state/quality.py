"""Catalogue quality as the pages see it: near-duplicate groups, and matching an uploaded
local list to national codes (the upload itself is read by
:mod:`catalogue.sources.uploads`)."""

from __future__ import annotations

import streamlit as st

from catalogue.sources import uploads
from ui.state import catalogue, core


@st.cache_resource(show_spinner=False, max_entries=8)
def _duplicates(url: str, data_version: int, threshold: float, same_code: bool) -> list[dict]:
    from catalogue.quality.duplicates import duplicate_report

    groups = duplicate_report(
        core.engine_at(url),
        threshold=threshold,
        same_code=same_code,
        index=catalogue.search_index_at(url, data_version),
    )
    return [group.as_dict() for group in groups]


def duplicates(threshold: float, same_code: bool) -> list[dict]:
    """Near-duplicate groups of the catalogue (``catalogue.quality.duplicates.duplicate_report``),
    highest score first, each as its ``as_dict()``: score, members (code, name, field,
    agencies, levels) and the differences between them. Read-only."""
    return _duplicates(core.database_url(), core.version(), float(threshold), bool(same_code))


def upload_columns(name: str, payload: bytes) -> list[str]:
    """The column names of an uploaded list (:func:`uploads.upload_columns`); MatchError
    when the file cannot be read."""
    return uploads.upload_columns(name, payload)


def match_upload(name: str, payload: bytes, column: str, *, top_k: int = 5) -> list:
    """Match the names in ``column`` of an uploaded list against the cached search index
    (:func:`uploads.match_upload`); MatchError when the file cannot be read."""
    return uploads.match_upload(name, payload, column, catalogue.search_index(), top_k=top_k)


def matched_file(name: str, payload: bytes, column: str, codes: dict[int, str | None]) -> bytes:
    """The uploaded list with the accepted codes in a new column named in words ("Mã TTHC
    đề xuất"), CSV with a BOM (:func:`uploads.matched_file`)."""
    from ui.i18n import t

    return uploads.matched_file(
        name, payload, column, codes, new_column=t("stages_ui.download.code_column")
    )
