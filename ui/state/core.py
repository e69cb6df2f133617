"""Shared pieces of the UI state: one engine per database URL, the data version, and the
cost-model parameters.

The engine is opened once per database URL (migrated, demo catalogue and demo users
loaded when empty). Cached frames in the other modules are keyed on the URL and the
*data version*; a page that changes data calls :func:`data_changed` so every cached
frame is rebuilt on the next run.
"""

from __future__ import annotations

from typing import Any

import streamlit as st
from sqlalchemy.engine import Engine

from catalogue.registry.settings import load_settings


def database_url() -> str:
    """The configured database URL (``TTHC_DATABASE_URL`` or the per-user SQLite file)."""
    return load_settings().database_url


@st.cache_resource(show_spinner=False)
def engine_at(url: str) -> Engine:
    """The engine for ``url``, opened once: migrated, and seeded with the demo data (and
    one account per role) when the database is empty."""
    from catalogue.registry.demo_users import ensure_demo_users
    from catalogue.sources.service import load_demo_if_empty, open_catalogue

    engine = open_catalogue(url)
    if load_demo_if_empty(engine) is not None:
        # A fresh demo database gets one account per role (credentials in the README).
        ensure_demo_users(engine)
    return engine


def engine() -> Engine:
    """The engine for the configured database, migrated and seeded with the demo data."""
    return engine_at(database_url())


@st.cache_resource(show_spinner=False)
def _versions() -> dict[str, int]:
    return {}


def version() -> int:
    """The data version of the database, shared by every session: bumped on each change."""
    return _versions().get(database_url(), 0)


def data_changed() -> None:
    """After a page changed data (import, plan, decision), every session reloads frames."""
    versions = _versions()
    versions[database_url()] = versions.get(database_url(), 0) + 1
    st.cache_data.clear()


@st.cache_resource(show_spinner=False)
def parameters() -> Any:
    """The dated cost-model parameters (``data/parameters/cost.yaml``)."""
    from analysis.parameters import load_parameters

    return load_parameters()
