"""The catalogue as the pages see it: the procedures frame, filter choices, search, one
procedure's record and history, and the procedure chosen for the detail pages."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
import streamlit as st

from ui.state import core


# Shared, not copied per call (a 100.000-row frame would be unpickled on every rerun):
# pages must treat it as read-only.
@st.cache_resource(show_spinner=False, max_entries=2)
def _procedures(url: str, data_version: int) -> pd.DataFrame:
    from catalogue.quality.search import load_search_frame

    return load_search_frame(core.engine_at(url)).reset_index(drop=True)


def procedures() -> pd.DataFrame:
    """One row per procedure: id, code, name, field, agency, levels, status (read-only)."""
    return _procedures(core.database_url(), core.version())


@st.cache_resource(show_spinner=False, max_entries=2)
def _figures(url: str, data_version: int) -> dict[str, Any]:
    from catalogue.sources.service import catalogue_figures

    return catalogue_figures(core.engine_at(url))


def figures() -> dict[str, Any]:
    """The catalogue's headline counts (``catalogue.sources.service.catalogue_figures``):
    procedures, fields, agencies and procedures by status, without loading every record."""
    return _figures(core.database_url(), core.version())


@st.cache_resource(show_spinner=False, max_entries=2)
def _choices(url: str, data_version: int) -> dict[str, list]:
    from catalogue.registry.vocab import LEVEL_CODES, STATUSES

    frame = _procedures(url, data_version)
    return {
        "field": sorted(frame["field"].dropna().unique()),
        "agency": sorted(frame["agency"].dropna().unique()),
        "levels": list(LEVEL_CODES),
        "status": list(STATUSES),
    }


def filter_choices() -> dict[str, list]:
    """The values each catalogue filter offers (fields, agencies, levels, statuses)."""
    return _choices(core.database_url(), core.version())


@st.cache_resource(show_spinner=False, max_entries=2)
def _by_id(url: str, data_version: int) -> pd.DataFrame:
    return _procedures(url, data_version).set_index("id", drop=False)


@st.cache_resource(show_spinner=False, max_entries=2)
def search_index_at(url: str, data_version: int) -> Any:
    """The search index over the procedures of ``url`` at ``data_version`` (built once)."""
    from catalogue.quality.search import SearchIndex

    return SearchIndex.build(_procedures(url, data_version))


def search_index() -> Any:
    """The search index over :func:`procedures`, built once per data version."""
    return search_index_at(core.database_url(), core.version())


def search(query: str, filters: dict[str, list], limit: int = 1000) -> pd.DataFrame:
    """Rows of :func:`procedures` matching ``query`` best first, with a ``score`` column.

    Accents, typos and word order are ignored by the search service; ``filters`` maps
    field / agency / levels / status to the accepted values.
    """
    hits = search_index().search(query, limit=limit, filters=filters)
    by_id = _by_id(core.database_url(), core.version())
    rows = by_id.loc[[hit.id for hit in hits]].reset_index(drop=True)
    return retired_last(rows.assign(score=[hit.score for hit in hits])).reset_index(drop=True)


def filtered(filters: dict[str, list]) -> pd.DataFrame:
    """Rows of :func:`procedures` whose field / agency / levels / status are accepted."""
    rows = procedures()
    for name, wanted in filters.items():
        if not wanted:
            continue
        if name == "levels":
            accepted = set(wanted)
            rows = rows[[bool(accepted.intersection(levels)) for levels in rows["levels"]]]
        else:
            rows = rows[rows[name].isin(wanted)]
    return retired_last(rows)


@st.cache_data(show_spinner=False, max_entries=64)
def _record(url: str, data_version: int, procedure_id: int) -> dict | None:
    from catalogue.registry.store import load_records

    with core.engine_at(url).connect() as conn:
        return load_records(conn, ids=[procedure_id], with_ids=True).get(procedure_id)


def record(procedure_id: int) -> dict | None:
    """One procedure as a canonical record (channels, fees, documents, …), or None."""
    return _record(core.database_url(), core.version(), int(procedure_id))


def history(procedure_id: int) -> list[dict]:
    """The revision history of one procedure, oldest first."""
    from catalogue.registry.store import revision_history

    with core.engine().connect() as conn:
        return revision_history(conn, int(procedure_id))


def selected_procedure() -> int | None:
    """The procedure chosen in the catalogue (or by ``?id=`` in the address), or None."""
    chosen = st.session_state.get("procedure_id") or st.query_params.get("id")
    try:
        return int(chosen) if chosen is not None else None
    except ValueError:
        return None


# A portal "document" row that is really a note to the applicant ("Lưu ý: …", "Ghi chú: …").
_NOTE = re.compile(r"^\W*(lưu ý|ghi chú|chú ý)\b", re.IGNORECASE)
# A template file name glued to the end of a document name ("…hết hạnmau so 20.doc").
_GLUED_TEMPLATE = re.compile(
    r"(?i)(?<=\S)((?:mẫu|mau)[\w\s().,-]{0,40}\.(?:docx?|xlsx?|pdf|rtf|odt))\s*$"
)


def documents_and_notes(rec: dict) -> tuple[list[dict], list[str]]:
    """A procedure's dossier as people read it: the documents (name and template file
    apart) and the portal's notes, which the portal lists among the documents."""
    documents, notes = [], []
    for doc in rec["documents"]:
        name = (doc.get("name") or "").strip()
        if _NOTE.match(name):
            notes.append(" ".join(name.split()))
            continue
        template = doc.get("template")
        glued = _GLUED_TEMPLATE.search(name)
        if glued and not template:
            name, template = name[: glued.start()].rstrip(), glued.group(1).strip()
        documents.append({**doc, "name": name, "template": template})
    return documents, notes


def usd_rate() -> Any:
    """Đồng per USD today (the cost model's ``usd_rate`` parameter), or None without one."""
    from analysis.errors import ParameterError

    try:
        return core.parameters().value("usd_rate", core.today())
    except (ParameterError, KeyError):
        return None


# Procedures no longer in force: marked in pickers and sorted after those in force.
RETIRED = ("abolished", "replaced")


def retired_last(rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` in their order, abolished and replaced procedures moved after the others."""
    if rows.empty:
        return rows
    order = rows["status"].isin(RETIRED).to_numpy()
    return pd.concat([rows[~order], rows[order]])


def procedure_rows(ids: list[int]) -> pd.DataFrame:
    """The catalogue rows (code, name, levels, agency, status) of ``ids``, in that order."""
    by_id = _by_id(core.database_url(), core.version())
    known = [int(i) for i in ids if int(i) in by_id.index]
    return by_id.loc[known]
