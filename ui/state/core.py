"""Shared pieces of the UI state: one engine per database URL, the data version, and the
cost-model parameters.

The engine is opened once per database URL (migrated; with ``TTHC_DEMO=1`` an unused
database becomes a demo database with the demo catalogue and accounts). Cached frames in
the other modules are keyed on the URL and the *data version*: a counter in the database
bumped by every committed write, whichever process made it (a CLI import, another
server), read once per rerun (:func:`refresh_version`, called by ``app.py``), so a
running dashboard sees other processes' changes at its next interaction.
"""

from __future__ import annotations

from typing import Any

import streamlit as st
from sqlalchemy.engine import Engine

from catalogue.registry.settings import load_settings


def today() -> Any:
    """The day the dashboard treats as today: ``TTHC_TODAY`` (``2026-10-01``) when set, for
    a demonstration or a test of the date in force, else the clock's date. Every page that
    counts by date (stages, savings, costs, rates) asks this one."""
    import os
    from datetime import date

    given = os.environ.get("TTHC_TODAY", "").strip()
    return date.fromisoformat(given) if given else date.today()


def database_url() -> str:
    """The configured database URL (``TTHC_DATABASE_URL`` or the per-user SQLite file)."""
    return load_settings().database_url


@st.cache_resource(show_spinner=False)
def engine_at(url: str) -> Engine:
    """The engine for ``url``, opened once and migrated; in demo mode (``TTHC_DEMO=1``) an
    unused database becomes a demo database (demo catalogue, one account per role)."""
    from catalogue.registry.settings import load_settings
    from catalogue.sources.service import load_demo_if_empty, open_catalogue

    engine = open_catalogue(url)
    if load_settings(url).dashboard_demo:
        load_demo_if_empty(engine)
    return engine


def engine() -> Engine:
    """The engine for the configured database, migrated and seeded with the demo data."""
    return engine_at(database_url())


_VERSION_KEY = "_data_version"


def refresh_version() -> int:
    """Read the database's data version (one small query) for this rerun."""
    from catalogue.registry.db import data_version

    found = (database_url(), data_version(engine()))
    st.session_state[_VERSION_KEY] = found
    return found[1]


def version() -> int:
    """The data version of the database as read at the start of this rerun."""
    found = st.session_state.get(_VERSION_KEY)
    if found is None or found[0] != database_url():
        return refresh_version()
    return found[1]


def data_changed() -> None:
    """After a page changed data (import, plan, decision): read the new data version,
    so this session's frames are rebuilt at once (other sessions see it at their next
    rerun)."""
    refresh_version()
    st.cache_data.clear()


@st.cache_resource(show_spinner=False)
def parameters() -> Any:
    """The dated cost-model parameters (``data/parameters/cost.yaml``)."""
    from analysis.parameters import load_parameters

    return load_parameters()
