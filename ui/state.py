"""The one module holding cached resources: engine, frames and the search index.

The engine is opened once per database URL (migrated, demo catalogue and demo users
loaded when empty). Frames are cached per URL and *data version*; a page that changes
data calls :func:`data_changed` so every cached frame is rebuilt on the next run.
Services that other parts of the project have not delivered yet are looked up lazily:
:func:`service` returns None and the page says so instead of faking a result.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import select
from sqlalchemy.engine import Engine

from catalogue import service as registry
from catalogue.models import Agency, Procedure
from catalogue.settings import load_settings

log = logging.getLogger(__name__)


def database_url() -> str:
    """The configured database URL (``TTHC_DATABASE_URL`` or the per-user SQLite file)."""
    return load_settings().database_url


def service(module: str, name: str | None = None) -> Any:
    """A service module (or one of its functions) if it exists yet, else None."""
    try:
        mod = importlib.import_module(module)
    except ImportError:
        return None
    if name is None:
        return mod
    return getattr(mod, name, None)


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    engine = registry.open_catalogue(url)
    registry.load_demo_if_empty(engine)
    seed_users = service("catalogue.demo_users", "ensure_demo_users")
    if seed_users is not None:
        seed_users(engine)
    return engine


def engine() -> Engine:
    """The engine for the configured database, migrated and seeded with the demo data."""
    return _engine(database_url())


def version() -> int:
    """The data version of this session: bumped whenever a page changes data."""
    return st.session_state.setdefault("data_version", 0)


def data_changed() -> None:
    """Forget every cached frame after a page changed data (import, plan, decision)."""
    st.session_state["data_version"] = version() + 1
    st.cache_data.clear()


def _plain_frame(eng: Engine) -> pd.DataFrame:
    """Procedure columns for listing, read straight from the tables (no search fields)."""
    proc, agency = Procedure.__table__, Agency.__table__
    query = select(
        proc.c.id,
        proc.c.code,
        proc.c.name,
        proc.c.field,
        proc.c.levels,
        proc.c.status,
        agency.c.name.label("agency"),
    ).select_from(proc.outerjoin(agency, proc.c.agency_id == agency.c.id))
    with eng.connect() as conn:
        return pd.DataFrame(conn.execute(query).mappings().all())


@st.cache_data(show_spinner=False, max_entries=4)
def _procedures(url: str, data_version: int) -> pd.DataFrame:
    eng = _engine(url)
    loader = service("catalogue.search", "load_search_frame")
    frame = loader(eng) if loader is not None else _plain_frame(eng)
    return frame.reset_index(drop=True)


def procedures() -> pd.DataFrame:
    """One row per procedure (id, code, name, field, agency, levels, status, …)."""
    return _procedures(database_url(), version())


@st.cache_resource(show_spinner=False, max_entries=2)
def _search_index(url: str, data_version: int) -> Any:
    index_cls = service("catalogue.search", "SearchIndex")
    if index_cls is None:
        return None
    return index_cls(_procedures(url, data_version))


def search_index() -> Any:
    """The search index over :func:`procedures`, or None when search is not available yet."""
    return _search_index(database_url(), version())


@st.cache_data(show_spinner=False, max_entries=8)
def _frame(url: str, data_version: int, module: str, name: str, kwargs: tuple) -> Any:
    func = service(module, name)
    return None if func is None else func(_engine(url), **dict(kwargs))


def frame(module: str, name: str, **kwargs: Any) -> Any:
    """A cached read-only frame from a service ``module.name(engine, **kwargs)``.

    Returns None when that service does not exist yet.
    """
    return _frame(database_url(), version(), module, name, tuple(sorted(kwargs.items())))


def search(query: str, limit: int = 500) -> pd.DataFrame:
    """Rows of :func:`procedures` matching ``query``, best first (accents and typos ignored)."""
    index = search_index()
    hits = index.search(query, limit=limit)
    if isinstance(hits, pd.DataFrame):
        return hits
    ids = [hit[0] if isinstance(hit, tuple) else getattr(hit, "id", hit) for hit in hits]
    by_id = procedures().set_index("id", drop=False)
    return by_id.loc[[i for i in ids if i in by_id.index]]


def user() -> Any:
    """The signed-in user (as returned by ``catalogue.auth``), or None."""
    return st.session_state.get("user")


def role() -> str | None:
    """The signed-in user's role (reviewer, chair, analyst, admin), or None."""
    current = user()
    if current is None:
        return None
    return current.get("role") if isinstance(current, dict) else getattr(current, "role", None)


def username() -> str | None:
    """The signed-in user's name, or None."""
    current = user()
    if current is None:
        return None
    if isinstance(current, dict):
        return current.get("username")
    return getattr(current, "username", None)


def totals() -> Any:
    """Catalogue-wide burden and approved savings from the cost model, or None if missing."""
    return frame("analysis.aggregate", "catalogue_totals")


@st.cache_data(show_spinner=False, max_entries=64)
def _record(url: str, data_version: int, procedure_id: int) -> dict | None:
    from catalogue.store import load_records

    with _engine(url).connect() as conn:
        return load_records(conn, ids=[procedure_id], with_ids=True).get(procedure_id)


def record(procedure_id: int) -> dict | None:
    """One procedure as a canonical record (channels, fees, documents, …), or None."""
    return _record(database_url(), version(), int(procedure_id))


def history(procedure_id: int) -> list[dict]:
    """The revision history of one procedure, oldest first."""
    from catalogue.store import revision_history

    with engine().connect() as conn:
        return revision_history(conn, int(procedure_id))


def selected_procedure() -> int | None:
    """The procedure chosen in the catalogue (or by ``?id=`` in the address), or None."""
    chosen = st.session_state.get("procedure_id") or st.query_params.get("id")
    try:
        return int(chosen) if chosen is not None else None
    except ValueError:
        return None


def sign_in(name: str, password: str) -> dict | None:
    """Check a username and password against the users table; the user as a dict or None."""
    from catalogue.auth import authenticate
    from catalogue.db import session_scope

    with session_scope(engine()) as session:
        found = authenticate(session=session, username=name, password=password)
        if found is None:
            return None
        return {"username": found.username, "role": found.role, "full_name": found.full_name}


def costing(procedure_id: int) -> Any:
    """The evaluated costing sheet of a procedure (stored, else estimated), or None."""
    return None
