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

    from catalogue.registry.models import DossierStat, OnestopResult, Volume

    stat, vol = DossierStat.__table__, Volume.__table__
    query = union(
        select(stat.c.year),
        select(vol.c.year).where(vol.c.received.is_not(None)),
        select(OnestopResult.__table__.c.year),
    )
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
        core.database_url(), core.version(), core.today(), tuple(sorted(checked.items()))
    )


# --------------------------------------------------------------------------- periods (Biểu 06)


@st.cache_resource(show_spinner=False, max_entries=8)
def _periods(url: str, data_version: int, year: int) -> list[tuple[str, str]]:
    from catalogue.onestop.frames import dossier_frame, periods_of_year

    frame = dossier_frame(core.engine_at(url), year=year)
    return [(p.label, p.kind) for p in periods_of_year(frame, year)]


def periods(year: int) -> list[tuple[str, str]]:
    """The periods held for ``year`` as (label, kind): each reportable on its own."""
    return _periods(core.database_url(), core.version(), int(year))


@st.cache_resource(show_spinner=False, max_entries=16)
def _period_report(url: str, data_version: int, period: str, lang: str) -> dict[str, Any]:
    from catalogue.onestop.report import overview

    return overview(core.engine_at(url), period=period, lang=lang)


def period_report(period: str, lang: str = "vi") -> dict[str, Any]:
    """One period's performance (``catalogue.onestop.report.overview``). Read-only."""
    return _period_report(core.database_url(), core.version(), period, lang)


def bieu06(period: str, unit_name: str | None = None) -> bytes:
    """The period's Biểu 06 workbook (``catalogue.onestop.export.export_bieu06``)."""
    from catalogue.onestop.export import export_bieu06

    data, _ = export_bieu06(core.engine(), period=period, unit_name=unit_name)
    return data


# --------------------------------------------------------------------------- online level


def online_level(procedure_id: int) -> tuple[str | None, bool, int]:
    """(level, whether the catalogue records it, the procedure's version) of one procedure."""
    from catalogue.onestop.online import online_levels
    from catalogue.registry.models import Procedure

    levels = online_levels(core.engine()).set_index("procedure_id")
    with core.engine().connect() as conn:
        from sqlalchemy import select

        version = conn.execute(
            select(Procedure.__table__.c.version).where(Procedure.__table__.c.id == procedure_id)
        ).scalar_one()
    row = levels.loc[int(procedure_id)]
    return row["online_level"], bool(row["online_level_stated"]), int(version)


def save_online_level(procedure_id: int, level: str | None, *, expected_version: int) -> None:
    """Record the online level as the signed-in user (audited; reviewers and admins)."""
    from catalogue.onestop.online import set_online_level
    from catalogue.registry.db import session_scope
    from ui.state import session

    with session_scope(core.engine()) as db:
        set_online_level(
            session=db,
            actor=session.username(),
            procedure_id=int(procedure_id),
            level=level,
            expected_version=expected_version,
        )
    core.data_changed()
