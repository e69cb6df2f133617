"""One-stop figures as the pages see them: years with dossier counts, one year's
performance, and procedures ranked for review."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from ui.state import core


@st.cache_resource(show_spinner=False, max_entries=2)
def _stats_years(url: str, data_version: int) -> list[int]:
    from sqlalchemy import select, union

    from catalogue.registry.models import DossierStat, Volume

    stat, vol = DossierStat.__table__, Volume.__table__
    query = union(select(stat.c.year), select(vol.c.year).where(vol.c.received.is_not(None)))
    with core.engine_at(url).connect() as conn:
        return sorted((int(y) for (y,) in conn.execute(query)), reverse=True)


def stats_years() -> list[int]:
    """Years with one-stop dossier counts (imported statistics or catalogue volumes),
    latest first."""
    return _stats_years(core.database_url(), core.version())


@st.cache_resource(show_spinner=False, max_entries=8)
def _onestop(url: str, data_version: int, year: int) -> dict[str, Any]:
    from catalogue.onestop.report import overview

    return overview(core.engine_at(url), year=year)


def onestop(year: int) -> dict[str, Any]:
    """One-stop performance of one year (``catalogue.onestop.report.overview``): ``totals``,
    ``by_period``, ``by_level``, ``late_procedures``, ``late_agencies``. Read-only."""
    return _onestop(core.database_url(), core.version(), int(year))


# The factors gather the whole catalogue's costs: once per data version and day.
@st.cache_resource(show_spinner=False, max_entries=2)
def _priority_inputs(url: str, data_version: int, on: date) -> pd.DataFrame:
    from catalogue.onestop.priorities import priority_inputs

    return priority_inputs(core.engine_at(url), params=core.parameters(), on=on)


@st.cache_resource(show_spinner=False, max_entries=16)
def _priorities(url: str, data_version: int, on: date, weights: tuple) -> pd.DataFrame:
    from catalogue.onestop.priorities import rank_priorities

    return rank_priorities(_priority_inputs(url, data_version, on), dict(weights))


def priorities(weights: dict[str, float]) -> pd.DataFrame:
    """Procedures in force ranked for review with these weights
    (``catalogue.onestop.priorities.rank_priorities``), best first; read-only. Raises ValueError
    for weights the service refuses (negative, or none positive)."""
    from catalogue.onestop.priorities import parse_weights

    checked = parse_weights(weights)
    return _priorities(
        core.database_url(), core.version(), date.today(), tuple(sorted(checked.items()))
    )
