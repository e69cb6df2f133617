"""The one-stop rows the reports read, and the figure of one reporting period.

Three sources, never added together for the same year:

1. Biểu 06 reports (``onestop_result``): a unit's rows per field or procedure and level,
   with carried-over and pending stocks — used for every year that has one;
2. otherwise the procedure statistics (``dossier_stat``, the simple format);
3. otherwise the catalogue's yearly volumes (period = the year, source "danh mục").

A report is for one period (:class:`~catalogue.onestop.periods.Period`): the rows of
:func:`dossier_frame` are composed into that period by
:func:`~catalogue.onestop.periods.compose` (no overlapping periods, no other year). Without
a period, the latest year held is reported as a whole — never several years summed.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine

from catalogue.onestop.periods import (
    Period,
    compose,
    make_period,
    parse_period,
    period_columns,
    periods_held,
)
from catalogue.registry.models import Agency, DossierStat, OnestopResult, Procedure, Volume
from catalogue.registry.vocab import LEVEL_CODES

log = logging.getLogger(__name__)

COUNTS = ("received", "resolved_early", "resolved_on_time", "resolved_late", "pending", "online")
# Biểu 06 counts beyond the simple format's (unknown, NaN, for the other sources).
EXTRA_COUNTS = ("direct", "carried_over", "pending_on_time", "pending_overdue", "apologised")
ALL_COUNTS = (*COUNTS, *EXTRA_COUNTS)
KEYS = ["form", "procedure_id", "unit", "row_key"]


def _procedures(conn) -> pd.DataFrame:
    proc, agency = Procedure.__table__, Agency.__table__
    query = select(
        proc.c.id.label("procedure_id"),
        proc.c.code,
        proc.c.name,
        proc.c.field,
        proc.c.levels,
        agency.c.name.label("proc_agency"),
    ).select_from(proc.outerjoin(agency, proc.c.agency_id == agency.c.id))
    columns = ["procedure_id", "code", "name", "field", "levels", "proc_agency"]
    return pd.DataFrame(conn.execute(query).all(), columns=columns)


def _bieu06_rows(conn, year: int | None, procs: pd.DataFrame) -> pd.DataFrame:
    t = OnestopResult.__table__
    cols = ["procedure_id", "year", "period", "unit", "source", "row_key", "field", "name"]
    cols += ["code", "level", *ALL_COUNTS]
    query = select(*[t.c[c] for c in cols])
    if year is not None:
        query = query.where(t.c.year == year)
    rows = pd.DataFrame(conn.execute(query).all(), columns=cols)
    if rows.empty:
        return rows
    names = procs.set_index("procedure_id")[["code", "name"]]
    known = rows["procedure_id"].notna()
    ids = rows.loc[known, "procedure_id"].astype("int64")
    rows.loc[known, "code"] = ids.map(names["code"]).to_numpy()
    rows.loc[known, "name"] = ids.map(names["name"]).to_numpy()
    rows["name"] = rows["name"].fillna(rows["field"])
    return rows.assign(form="bieu06", agency=rows["unit"])


def dossier_frame(engine: Engine, *, year: int | None = None) -> pd.DataFrame:
    """Period rows of every source (see the module docstring), with code, name, field, level.

    ``agency`` is the reporting agency or unit of the row when it names one, else the
    procedure's implementing agency; ``level`` the row's level when it gives one, else the
    procedure's first level. ``form`` says where a row comes from (``bieu06``, ``stats``,
    ``catalogue``); ``row_key`` identifies a Biểu 06 row within its report.
    """
    stat, vol = DossierStat.__table__, Volume.__table__
    cols = [stat.c.procedure_id, stat.c.year, stat.c.period, stat.c.unit, stat.c.source]
    q_stat = select(*cols, *[stat.c[c] for c in COUNTS])
    q_vol = select(vol.c.procedure_id, vol.c.year, *[vol.c[c] for c in COUNTS]).where(
        vol.c.received.is_not(None)
    )
    if year is not None:
        q_stat, q_vol = q_stat.where(stat.c.year == year), q_vol.where(vol.c.year == year)
    with engine.connect() as conn:
        stats = pd.DataFrame(
            conn.execute(q_stat).all(),
            columns=["procedure_id", "year", "period", "unit", "source", *COUNTS],
        )
        vols = pd.DataFrame(conn.execute(q_vol).all(), columns=["procedure_id", "year", *COUNTS])
        procs = _procedures(conn)
        official = _bieu06_rows(conn, year, procs)
    covered = stats[["procedure_id", "year"]].drop_duplicates()
    vols = vols.merge(covered, on=["procedure_id", "year"], how="left", indicator=True)
    vols = vols[vols["_merge"] == "left_only"].drop(columns="_merge")
    vols = vols.assign(period=vols["year"].astype(str), unit="", source="danh mục")
    stats = stats.assign(form="stats")
    vols = vols.assign(form="catalogue")
    frame = pd.concat([stats, vols[stats.columns]], ignore_index=True) if len(vols) else stats
    if len(official):
        # A year with a Biểu 06 report is reported from the reports only.
        frame = frame[~frame["year"].isin(set(official["year"]))]
    frame = frame.merge(procs, on="procedure_id", how="left")
    is_level = frame["unit"].isin(LEVEL_CODES)
    named = (frame["unit"] != "") & ~is_level
    frame["agency"] = frame["unit"].where(named, frame["proc_agency"])
    first_level = frame["levels"].map(lambda lv: lv[0] if isinstance(lv, list) and lv else None)
    frame["level"] = frame["unit"].where(is_level, first_level)
    frame = frame.drop(columns=["levels", "proc_agency"]).assign(row_key="")
    if len(official):
        frame = pd.concat(
            [frame, official[[c for c in official if c != "levels"]]], ignore_index=True
        )
    for c in ALL_COUNTS:
        if c not in frame:
            frame[c] = pd.NA
        frame[c] = pd.array(frame[c].tolist(), dtype="Int64")
    return frame


def latest_year(frame: pd.DataFrame) -> int | None:
    """The latest year held in a frame, or None when empty."""
    return int(frame["year"].max()) if len(frame) else None


def resolve_period(
    frame: pd.DataFrame, *, period: str | Period | None = None, year: int | None = None
) -> Period | None:
    """The period to report: the one asked for, else the whole of ``year``; with neither,
    the latest year held, to date: from January to the last month held when that is a
    period (a month, Q1 or H1), else the whole year (its partial coverage reported)."""
    if isinstance(period, Period):
        return period
    if period:
        return parse_period(period)
    if year is not None:
        return make_period(int(year), 1, 12)
    year = latest_year(frame)
    if year is None:
        return None
    spans = period_columns(frame.loc[frame["year"] == year, "period"])
    last = int(spans["last"].max()) if spans["last"].notna().any() else 12
    return make_period(int(year), 1, last if last in (1, 3, 6) else 12)


def compose_frame(frame: pd.DataFrame, target: Period) -> pd.DataFrame:
    """The rows of ``frame`` composed into ``target`` (one row per reporting key)."""
    rows = frame.assign(procedure_id=frame["procedure_id"].astype("Float64"))
    out = compose(rows, target, keys=KEYS, counts=list(ALL_COUNTS))
    if not out.empty:
        out["procedure_id"] = pd.array(out["procedure_id"].tolist(), dtype="Int64")
    return out


def period_frame(
    engine: Engine, *, period: str | Period | None = None, year: int | None = None
) -> tuple[pd.DataFrame, Period | None]:
    """The figure rows of one period, and the period (None when nothing is held)."""
    if isinstance(period, str) and period:
        period = parse_period(period)
    wanted_year = period.year if isinstance(period, Period) else year
    frame = dossier_frame(engine, year=wanted_year)
    target = resolve_period(frame, period=period, year=year)
    if target is None:
        return frame, None
    return compose_frame(frame, target), target


def periods_of_year(frame: pd.DataFrame, year: int) -> list[Period]:
    """The periods held for one year, each reportable on its own."""
    return [p for p in periods_held(frame.loc[frame["year"] == year, "period"]) if p.year == year]


def coverage(composed: pd.DataFrame, target: Period) -> dict[str, int]:
    """How many reporting keys cover the whole period, and how many only part of it."""
    if composed.empty:
        return {"complete": 0, "partial": 0}
    full = composed["months"].to_numpy() >= target.months
    return {"complete": int(np.sum(full)), "partial": int(np.sum(~full))}
