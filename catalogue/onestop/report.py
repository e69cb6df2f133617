"""One-stop performance reports, in the form officials publish them.

Definitions (counts of one procedure, agency, field, level or period):

* resolved (đã giải quyết) = early + on time + late;
* resolution rate = resolved ÷ received;
* on-time rate (tỷ lệ đúng hạn, "đạt") = (early + on time) ÷ resolved; the early, on-time
  and late shares are of resolved dossiers too, so early + on time = the on-time rate;
* online share = dossiers submitted online ÷ received.

Percentages have one decimal, rounded half-up exactly (integer arithmetic, no float).
The published sentence "giải quyết xong 924/956 hồ sơ, đạt 96,6 %, trong đó trước hạn
70,3 %, đúng hạn 26,3 %" reads this way: 924 of 956 received were resolved, and 96,6 %
of the 924 were on time (650 early = 70,3 %, 243 on time = 26,3 %). It cannot be
924 ÷ 956, which is 96,65… % and rounds half-up to 96,7 %.

Reports read the period rows of ``dossier_stat`` and, for procedure-years without
any, the yearly volumes of the catalogue (period = the year).
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine

from analysis.formatting import format_number
from analysis.rates import percent as rate_percent
from analysis.rates import percents as rate_percents
from catalogue.registry.models import Agency, DossierStat, Procedure, Volume
from catalogue.registry.vocab import LEVEL_CODES

log = logging.getLogger(__name__)

COUNTS = ("received", "resolved_early", "resolved_on_time", "resolved_late", "pending", "online")
GROUPS: dict[str, list[str]] = {
    "procedure": ["procedure_id", "code", "name"],
    "agency": ["agency"],
    "field": ["field"],
    "level": ["level"],
    "period": ["period"],
}
RATE_COLUMNS = (
    "resolution_rate",
    "on_time_rate",
    "early_share",
    "on_time_share",
    "late_share",
    "online_share",
)


def percent(part: int, whole: int) -> Decimal | None:
    """``part ÷ whole`` in percent, one decimal, half-up (None when ``whole`` is 0).

    >>> percent(893, 924), percent(924, 956), percent(0, 0)
    (Decimal('96.6'), Decimal('96.7'), None)
    """
    if not whole:
        return None
    return rate_percent(part, whole, decimals=1)


def percent_tenths(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    """Vectorised :func:`percent`: tenths of a percent as float (NaN when ``whole`` is 0).

    >>> percent_tenths(np.array([893, 924]), np.array([924, 956])).tolist()
    [96.6, 96.7]
    """
    part = np.asarray(part, dtype="int64")
    whole = np.asarray(whole, dtype="int64")
    return np.where(whole > 0, rate_percents(part, whole, decimals=1), np.nan)


def format_rate(rate: object, *, lang: str = "vi") -> str:
    """A percentage with one decimal: ``96,6 %``; ``–`` when unknown."""
    if rate is None or (isinstance(rate, float) and np.isnan(rate)):
        return "–"
    return format_number(Decimal(str(rate)), 1, lang=lang) + " %"


def published_line(
    received: int,
    resolved_early: int,
    resolved_on_time: int,
    resolved_late: int,
    *,
    lang: str = "vi",
) -> str:
    """The published sentence for one set of counts.

    >>> published_line(956, 650, 243, 31)
    '924/956 hồ sơ, đạt 96,6 %, trong đó trước hạn 70,3 %, đúng hạn 26,3 %, quá hạn 3,4 %'
    """
    resolved = resolved_early + resolved_on_time + resolved_late
    n = lambda v: format_number(v, 0, lang=lang)  # noqa: E731
    r = lambda part: format_rate(percent(part, resolved), lang=lang)  # noqa: E731
    on_time = r(resolved_early + resolved_on_time)
    if lang == "vi":
        return (
            f"{n(resolved)}/{n(received)} hồ sơ, đạt {on_time}, trong đó trước hạn "
            f"{r(resolved_early)}, đúng hạn {r(resolved_on_time)}, quá hạn {r(resolved_late)}"
        )
    return (
        f"{n(resolved)}/{n(received)} dossiers, {on_time} on time or early: early "
        f"{r(resolved_early)}, on time {r(resolved_on_time)}, late {r(resolved_late)}"
    )


def dossier_frame(engine: Engine, *, year: int | None = None) -> pd.DataFrame:
    """Period rows with their procedure's code, name, field, agency and level.

    ``agency`` is the reporting agency of the statistics row when it names one, else the
    procedure's implementing agency; ``level`` the row's level when it gives one, else
    the procedure's first level. Procedure-years without period rows come from the
    catalogue's yearly volumes (``period`` = the year, ``source`` "danh mục").
    """
    stat, vol, proc, agency = (
        DossierStat.__table__,
        Volume.__table__,
        Procedure.__table__,
        Agency.__table__,
    )
    cols = [stat.c.procedure_id, stat.c.year, stat.c.period, stat.c.unit, stat.c.source]
    q_stat = select(*cols, *[stat.c[c] for c in COUNTS])
    q_vol = select(vol.c.procedure_id, vol.c.year, *[vol.c[c] for c in COUNTS]).where(
        vol.c.received.is_not(None)
    )
    if year is not None:
        q_stat, q_vol = q_stat.where(stat.c.year == year), q_vol.where(vol.c.year == year)
    q_proc = select(
        proc.c.id.label("procedure_id"),
        proc.c.code,
        proc.c.name,
        proc.c.field,
        proc.c.levels,
        agency.c.name.label("proc_agency"),
    ).select_from(proc.outerjoin(agency, proc.c.agency_id == agency.c.id))
    with engine.connect() as conn:
        stats = pd.DataFrame(
            conn.execute(q_stat).all(),
            columns=["procedure_id", "year", "period", "unit", "source", *COUNTS],
        )
        vols = pd.DataFrame(conn.execute(q_vol).all(), columns=["procedure_id", "year", *COUNTS])
        procs = pd.DataFrame(
            conn.execute(q_proc).all(),
            columns=["procedure_id", "code", "name", "field", "levels", "proc_agency"],
        )
    covered = stats[["procedure_id", "year"]].drop_duplicates()
    vols = vols.merge(covered, on=["procedure_id", "year"], how="left", indicator=True)
    vols = vols[vols["_merge"] == "left_only"].drop(columns="_merge")
    vols = vols.assign(period=vols["year"].astype(str), unit="", source="danh mục")
    frame = pd.concat([stats, vols[stats.columns]], ignore_index=True) if len(vols) else stats
    frame = frame.merge(procs, on="procedure_id", how="left")
    is_level = frame["unit"].isin(LEVEL_CODES)
    named = (frame["unit"] != "") & ~is_level
    frame["agency"] = frame["unit"].where(named, frame["proc_agency"])
    first_level = frame["levels"].map(lambda lv: lv[0] if isinstance(lv, list) and lv else None)
    frame["level"] = frame["unit"].where(is_level, first_level)
    for c in COUNTS:
        frame[c] = frame[c].astype("Int64")
    return frame.drop(columns=["levels", "proc_agency"])


def performance(frame: pd.DataFrame, by: str = "agency", *, lang: str = "vi") -> pd.DataFrame:
    """Counts, rates (percent, one decimal) and the published sentence, by ``by``.

    ``by`` is one of :data:`GROUPS` (procedure, agency, field, level, period). Rows are
    ordered by period for ``period``, else by dossiers received, largest first.
    """
    if by not in GROUPS:
        raise ValueError(f"by must be one of {', '.join(GROUPS)} (got {by!r})")
    keys = GROUPS[by]
    sums = frame.groupby(keys, dropna=False)[list(COUNTS)].sum(min_count=1).reset_index()
    out = add_rates(sums, lang=lang)
    if by == "period":
        return out.sort_values("period").reset_index(drop=True)
    return out.sort_values(["received", *keys], ascending=[False] + [True] * len(keys)).reset_index(
        drop=True
    )


def add_rates(sums: pd.DataFrame, *, lang: str = "vi") -> pd.DataFrame:
    """Add ``resolved``, the rate columns and ``published`` to a frame of summed counts."""
    out = sums.copy()
    ints = {c: out[c].fillna(0).to_numpy(dtype="int64") for c in COUNTS}
    resolved = ints["resolved_early"] + ints["resolved_on_time"] + ints["resolved_late"]
    out["resolved"] = resolved
    out["resolution_rate"] = percent_tenths(resolved, ints["received"])
    out["on_time_rate"] = percent_tenths(
        ints["resolved_early"] + ints["resolved_on_time"], resolved
    )
    out["early_share"] = percent_tenths(ints["resolved_early"], resolved)
    out["on_time_share"] = percent_tenths(ints["resolved_on_time"], resolved)
    out["late_share"] = percent_tenths(ints["resolved_late"], resolved)
    online_known = out["online"].notna().to_numpy()
    out["online_share"] = np.where(
        online_known, percent_tenths(ints["online"], ints["received"]), np.nan
    )
    out["published"] = [
        published_line(int(r), int(e), int(o), int(la), lang=lang)
        for r, e, o, la in zip(
            ints["received"],
            ints["resolved_early"],
            ints["resolved_on_time"],
            ints["resolved_late"],
            strict=True,
        )
    ]
    return out


def most_late(frame: pd.DataFrame, by: str = "procedure", *, top: int = 10) -> pd.DataFrame:
    """The procedures (or agencies) with the most late dossiers, most first.

    Each late dossier owes the citizen a written apology (thư xin lỗi); ``late_share`` is
    of the resolved dossiers. Groups without any late dossier are left out.
    """
    table = performance(frame, by)
    table = table[table["resolved_late"].fillna(0) > 0]
    keys = GROUPS[by]
    return (
        table.sort_values(["resolved_late", *keys], ascending=[False] + [True] * len(keys))
        .head(top)
        .reset_index(drop=True)
    )


def totals(frame: pd.DataFrame, *, lang: str = "vi") -> dict[str, Any]:
    """The whole frame's counts, rates and published sentence as a JSON-ready dict."""
    sums = pd.DataFrame([frame[list(COUNTS)].sum(min_count=1)])
    row = add_rates(sums, lang=lang).iloc[0]
    out: dict[str, Any] = {c: _plain(row[c]) for c in (*COUNTS, "resolved")}
    out.update({c: _plain(row[c]) for c in RATE_COLUMNS})
    out["published"] = row["published"]
    return out


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def stats_report(
    engine: Engine, *, by: str = "agency", year: int | None = None, lang: str = "vi"
) -> pd.DataFrame:
    """Performance by ``by`` for one year (default: every year held)."""
    return performance(dossier_frame(engine, year=year), by, lang=lang)


def overview(engine: Engine, *, year: int | None = None, top: int = 10) -> dict[str, Any]:
    """One-stop performance for the dashboard's overview.

    Keys: ``year`` (the latest year held when not given), ``totals`` (:func:`totals`),
    ``by_period`` and ``by_level`` (frames from :func:`performance`), ``late_procedures``
    and ``late_agencies`` (frames from :func:`most_late`).
    """
    frame = dossier_frame(engine, year=year)
    if year is None and len(frame):
        year = int(frame["year"].max())
        frame = frame[frame["year"] == year]
    return {
        "year": year,
        "totals": totals(frame),
        "by_period": performance(frame, "period"),
        "by_level": performance(frame, "level"),
        "late_procedures": most_late(frame, "procedure", top=top),
        "late_agencies": most_late(frame, "agency", top=top),
    }
