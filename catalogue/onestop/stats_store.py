"""Storing one-stop statistics rows, their yearly roll-up into volumes, and provenance.

Roll-up into yearly volumes (:func:`rollup_years`), for every procedure × year touched:
received, early, on time, late and online are the sums over periods and units;
pending is a stock, so it is the pending count of each unit's latest period of the
year, summed over units. The yearly :class:`~catalogue.registry.models.Volume` row is
replaced by the roll-up (statistics are the authoritative source); the period rows stay
in ``dossier_stat`` with the file name as their source. A year covering fewer than
12 months is written as it is (never extrapolated) and listed in
:attr:`StatsImport.partial_years`.

Volumes into the cost model: the estimated baseline (:mod:`analysis.estimate`) takes the
latest year's dossiers received as the population with frequency 1 (each dossier is one
subject's one execution). :func:`costs_with_statistics` shows, per procedure, which
statistics file (simple statistics or Biểu 06) and periods that population comes from.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.engine import Connection, Engine

from catalogue.registry.models import DossierStat, Volume, utcnow
from catalogue.sources.stats_file import COUNT_COLUMNS, FLOW_COLUMNS, PERIOD_MONTHS

log = logging.getLogger(__name__)

T_STAT = DossierStat.__table__
T_VOLUME = Volume.__table__
CHUNK = 2000
INSERT_CHUNK = 50_000


@dataclass
class StatsImport:
    """What a statistics import did (or, with problems, would have done)."""

    source: str
    rows: int = 0
    stored: int = 0
    replaced: int = 0
    procedures: int = 0
    volumes_written: int = 0
    periods: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    partial_years: list[dict[str, Any]] = field(default_factory=list)
    to_confirm: list[dict[str, Any]] = field(default_factory=list)
    accepted: list[dict[str, Any]] = field(default_factory=list)
    format: str = "stats"  # "stats" (the simple format) or "bieu06"
    units: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "source": self.source,
            "rows": self.rows,
            "stored": self.stored,
            "replaced": self.replaced,
            "procedures": self.procedures,
            "volumes_written": self.volumes_written,
            "periods": self.periods,
            "years": self.years,
            "partial_years": self.partial_years,
            "to_confirm": self.to_confirm,
            "accepted": self.accepted,
            "format": self.format,
            "units": self.units,
        }


def rollup_years(stats: pd.DataFrame) -> pd.DataFrame:
    """Yearly volumes from period rows (see the module docstring for the rule).

    ``stats`` has ``procedure_id, unit, year, kind, end_month`` and the count columns;
    the result has ``procedure_id, year``, the count columns and ``months`` (months
    covered by the unit covering the fewest).
    """
    keys = ["procedure_id", "year"]
    flows = stats.groupby(keys)[list(FLOW_COLUMNS)].sum(min_count=1)
    last = stats.sort_values("end_month").drop_duplicates(
        ["procedure_id", "unit", "year"], keep="last"
    )
    pending = last.groupby(keys)["pending"].sum(min_count=1)
    months = (
        stats.assign(months=stats["kind"].map(PERIOD_MONTHS))
        .groupby(["procedure_id", "unit", "year"])["months"]
        .sum()
        .groupby(level=keys)
        .min()
        .clip(upper=12)
    )
    out = flows.join(pending).join(months.rename("months")).reset_index()
    out["year"] = out["year"].astype("int64")
    return out[[*keys, *COUNT_COLUMNS, "months"]]


# --------------------------------------------------------------------------- storing


def _nullable(series: pd.Series) -> list[Any]:
    """Python ints (None where unknown), as the database drivers want them."""
    mask = series.isna().to_numpy()
    ints = series.fillna(0).to_numpy().astype("int64").tolist()
    if not mask.any():
        return ints
    return [None if m else v for v, m in zip(ints, mask.tolist(), strict=True)]


def _stat_rows(stats: pd.DataFrame, source: str) -> tuple[list[str], list[list[Any]]]:
    columns = ["procedure_id", "year", "period", "unit", *COUNT_COLUMNS]
    data = [
        stats["procedure_id"].astype("int64").tolist(),
        stats["year"].astype("int64").tolist(),
        stats["period"].astype(str).tolist(),
        stats["unit"].astype(str).tolist(),
        *[_nullable(stats[c]) for c in COUNT_COLUMNS],
    ]
    return columns, data


def _bulk_insert_stats(conn: Connection, stats: pd.DataFrame, source: str) -> None:
    columns, data = _stat_rows(stats, source)
    now = utcnow()
    n = len(stats)
    if conn.dialect.name == "postgresql":
        names = ", ".join([*columns, "source", "imported_at"])
        cursor = conn.connection.driver_connection.cursor()
        with cursor.copy(f"COPY dossier_stat ({names}) FROM STDIN") as copy:
            for row in zip(*data, strict=True):
                copy.write_row((*row, source, now))
        cursor.close()
        return
    # SQLite: the driver's executemany on plain tuples (Core would build a dict per row);
    # the timestamp is converted once with the column type's own bind processor.
    process = T_STAT.c.imported_at.type.bind_processor(conn.dialect)
    stamp = process(now) if process else now
    names = [*columns, "source", "imported_at"]
    sql = f"INSERT INTO dossier_stat ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    for start in range(0, n, INSERT_CHUNK):
        stop = min(start + INSERT_CHUNK, n)
        rows = [(*row, source, stamp) for row in zip(*(d[start:stop] for d in data), strict=True)]
        conn.exec_driver_sql(sql, rows)


def _existing_stats(conn: Connection, pids: list[int]) -> pd.DataFrame:
    cols = [
        T_STAT.c.id,
        T_STAT.c.procedure_id,
        T_STAT.c.year,
        T_STAT.c.period,
        T_STAT.c.unit,
        *[T_STAT.c[c] for c in COUNT_COLUMNS],
    ]
    parts = []
    for start in range(0, len(pids), CHUNK):
        rows = conn.execute(
            select(*cols).where(T_STAT.c.procedure_id.in_(pids[start : start + CHUNK]))
        ).all()
        if rows:
            parts.append(pd.DataFrame(rows, columns=[c.name for c in cols]))
    if not parts:
        return pd.DataFrame(columns=[c.name for c in cols])
    return pd.concat(parts, ignore_index=True)


def write_volumes(conn: Connection, yearly: pd.DataFrame) -> int:
    pids = sorted(yearly["procedure_id"].unique().tolist())
    existing: dict[tuple[int, int], int] = {}
    for start in range(0, len(pids), CHUNK):
        for vid, pid, year in conn.execute(
            select(T_VOLUME.c.id, T_VOLUME.c.procedure_id, T_VOLUME.c.year).where(
                T_VOLUME.c.procedure_id.in_(pids[start : start + CHUNK])
            )
        ):
            existing[(pid, year)] = vid
    columns = ["procedure_id", "year", *COUNT_COLUMNS]
    data = [
        yearly["procedure_id"].astype("int64").tolist(),
        yearly["year"].astype("int64").tolist(),
    ]
    data += [_nullable(yearly[c]) for c in COUNT_COLUMNS]
    new_rows, updates = [], []
    for row in zip(*data, strict=True):
        values = dict(zip(columns, row, strict=True))
        vid = existing.get((values["procedure_id"], values["year"]))
        if vid is None:
            new_rows.append(values)
        else:
            updates.append({"vid": vid, **{c: values[c] for c in COUNT_COLUMNS}})
    for start in range(0, len(new_rows), INSERT_CHUNK):
        conn.execute(insert(T_VOLUME), new_rows[start : start + INSERT_CHUNK])
    if updates:
        stmt = (
            update(T_VOLUME)
            .where(T_VOLUME.c.id == bindparam("vid"))
            .values(**{c: bindparam(c) for c in COUNT_COLUMNS})
        )
        conn.execute(stmt, updates)
    return len(new_rows) + len(updates)


def store_stats(conn: Connection, stats: pd.DataFrame, *, source: str, result: StatsImport) -> None:
    """Store validated period rows, replacing rows with the same key, and roll up volumes."""
    pids = sorted(stats["procedure_id"].unique().tolist())
    old = _existing_stats(conn, pids)
    if not old.empty:
        key = ["procedure_id", "period", "unit"]
        clash = old.merge(stats[key].drop_duplicates(), on=key, how="inner")["id"].tolist()
        for start in range(0, len(clash), CHUNK):
            conn.execute(delete(T_STAT).where(T_STAT.c.id.in_(clash[start : start + CHUNK])))
        result.replaced = len(clash)
        old = old[~old["id"].isin(clash)]
        old = old[old["year"].isin(stats["year"].unique())]
        from catalogue.onestop.stats import parse_periods

        periods = parse_periods(old["period"].astype(str), today=date(9999, 1, 1))
        old = old.assign(kind=periods["kind"], end_month=periods["end_month"])
    _bulk_insert_stats(conn, stats, source)
    columns = ["procedure_id", "unit", "year", "kind", "end_month", *COUNT_COLUMNS]
    both = (
        pd.concat([stats[columns], old[columns]], ignore_index=True)
        if not old.empty
        else stats[columns]
    )
    yearly = rollup_years(both)
    result.volumes_written = write_volumes(conn, yearly)
    partial = yearly[yearly["months"] < 12]
    result.partial_years = [
        {"year": int(y), "procedures": int(n)}
        for y, n in partial.groupby("year")["procedure_id"].count().items()
    ]
    if result.partial_years:
        log.warning("statistics cover fewer than 12 months: %s", result.partial_years)


# --------------------------------------------------------------------------- provenance


def statistics_sources(engine: Engine) -> pd.DataFrame:
    """Per procedure and year held in ``dossier_stat``: the files and periods it came from.

    Columns ``procedure_id, year, source, periods`` (first–last period, e.g.
    ``2025-01…2025-12``).
    """
    query = select(T_STAT.c.procedure_id, T_STAT.c.year, T_STAT.c.source, T_STAT.c.period)
    with engine.connect() as conn:
        frame = pd.DataFrame(
            conn.execute(query).all(), columns=["procedure_id", "year", "source", "period"]
        )
    if frame.empty:
        return pd.DataFrame(columns=["procedure_id", "year", "source", "periods"])
    grouped = frame.groupby(["procedure_id", "year"])
    out = pd.DataFrame(
        {
            "source": grouped["source"].agg(lambda s: ", ".join(sorted(set(s.dropna())))),
            "first": grouped["period"].min(),
            "last": grouped["period"].max(),
        }
    ).reset_index()
    out["periods"] = out["first"].where(
        out["first"] == out["last"], out["first"] + "…" + out["last"]
    )
    return out[["procedure_id", "year", "source", "periods"]]


def costs_with_statistics(
    engine: Engine, *, params: Any = None, on: date | None = None
) -> pd.DataFrame:
    """The catalogue's costs with the population behind each estimated figure and its source.

    Adds to :func:`catalogue.costing.burden.catalogue_costs` the columns ``population_year``,
    ``population`` (dossiers received that year; frequency 1) and ``population_source``:
    ``"thống kê một cửa: <file>, kỳ <periods>"`` when the latest yearly volume comes from
    an imported statistics file, ``"số liệu năm trong danh mục"`` when it comes from the
    catalogue record, None when the procedure has no volume (the parameter default
    applies) or a reviewer's sheet gives its own population (``estimated`` false).
    """
    from catalogue.costing.burden import catalogue_costs

    costs = catalogue_costs(engine, params=params, on=on)
    with engine.connect() as conn:
        volumes = pd.DataFrame(
            conn.execute(
                select(T_VOLUME.c.procedure_id, T_VOLUME.c.year, T_VOLUME.c.received).where(
                    T_VOLUME.c.received.is_not(None)
                )
            ).all(),
            columns=["procedure_id", "year", "received"],
        )
    latest = volumes.sort_values("year").drop_duplicates("procedure_id", keep="last")
    latest = latest.merge(statistics_sources(engine), on=["procedure_id", "year"], how="left")
    latest["population_source"] = np.where(
        latest["source"].notna(),
        "thống kê một cửa: " + latest["source"].fillna("") + ", kỳ " + latest["periods"].fillna(""),
        "số liệu năm trong danh mục",
    )
    latest = latest.rename(columns={"year": "population_year", "received": "population"})
    out = costs.merge(
        latest[["procedure_id", "population_year", "population", "population_source"]],
        on="procedure_id",
        how="left",
    )
    reviewed = ~out["estimated"].fillna(False).astype(bool)
    out.loc[reviewed, ["population_year", "population", "population_source"]] = None
    return out
