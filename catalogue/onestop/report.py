"""One-stop performance reports, in the form officials publish them.

Definitions (counts of one procedure, agency, field, level or period):

* resolved (đã giải quyết) = early + on time + late;
* resolution rate = resolved ÷ (received + carried over from the previous period);
* on-time rate (tỷ lệ đúng hạn, "đạt") = (early + on time) ÷ resolved; the early, on-time
  and late shares are of resolved dossiers too, so early + on time = the on-time rate;
* online share = dossiers submitted online ÷ received.

Percentages have one decimal, rounded half-up exactly (integer arithmetic, no float).
The published sentence "giải quyết xong 924/956 hồ sơ, đạt 96,6 %, trong đó trước hạn
70,3 %, đúng hạn 26,3 %" reads this way: 924 of 956 received were resolved, and 96,6 %
of the 924 were on time (650 early = 70,3 %, 243 on time = 26,3 %). It cannot be
924 ÷ 956, which is 96,65… % and rounds half-up to 96,7 %.

With a Biểu 06 carry-over the dossiers to resolve are those received plus those carried
over: 100 received, 10 carried over, 107 resolved (70 early, 33 on time, 4 late) is
"107/110 hồ sơ, đạt 96,3 %" (103 ÷ 107).

Every report is of one period (:mod:`catalogue.onestop.frames`): its rows are the
Biểu 06 reports, else the procedure statistics, else the catalogue's yearly volumes,
composed into that period without adding overlapping periods or different years.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.engine import Engine

from analysis.formatting import format_number
from analysis.rates import percent as rate_percent
from analysis.rates import percents as rate_percents
from catalogue.onestop.frames import (  # noqa: F401  (dossier_frame: the reports' rows)
    ALL_COUNTS,
    COUNTS,
    dossier_frame,
    period_frame,
    periods_of_year,
)
from catalogue.onestop.periods import Period

log = logging.getLogger(__name__)

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
    carried_over: int = 0,
    lang: str = "vi",
) -> str:
    """The published sentence for one set of counts.

    The dossiers to resolve are those received in the period plus those carried over
    from the previous one (Biểu 06); without a carry-over the seeds' sentence is kept:

    >>> published_line(956, 650, 243, 31)
    '924/956 hồ sơ, đạt 96,6 %, trong đó trước hạn 70,3 %, đúng hạn 26,3 %, quá hạn 3,4 %'
    >>> published_line(100, 70, 33, 4, carried_over=10)[:35]
    '107/110 hồ sơ, đạt 96,3 %, trong đó'
    """
    resolved = resolved_early + resolved_on_time + resolved_late
    n = lambda v: format_number(v, 0, lang=lang)  # noqa: E731
    r = lambda part: format_rate(percent(part, resolved), lang=lang)  # noqa: E731
    on_time = r(resolved_early + resolved_on_time)
    whole = received + (carried_over or 0)
    if lang == "vi":
        return (
            f"{n(resolved)}/{n(whole)} hồ sơ, đạt {on_time}, trong đó trước hạn "
            f"{r(resolved_early)}, đúng hạn {r(resolved_on_time)}, quá hạn {r(resolved_late)}"
        )
    return (
        f"{n(resolved)}/{n(whole)} dossiers, {on_time} on time or early: early "
        f"{r(resolved_early)}, on time {r(resolved_on_time)}, late {r(resolved_late)}"
    )


def performance(frame: pd.DataFrame, by: str = "agency", *, lang: str = "vi") -> pd.DataFrame:
    """Counts, rates (percent, one decimal) and the published sentence, by ``by``.

    ``by`` is one of :data:`GROUPS` (procedure, agency, field, level, period). Rows are
    ordered by period for ``period``, else by dossiers received, largest first. ``frame``
    should hold one period's figure (:func:`catalogue.onestop.frames.period_frame`):
    summing rows of overlapping periods here would count dossiers twice.
    """
    if by not in GROUPS:
        raise ValueError(f"by must be one of {', '.join(GROUPS)} (got {by!r})")
    keys = GROUPS[by]
    present = [c for c in ALL_COUNTS if c in frame]
    sums = frame.groupby(keys, dropna=False)[present].sum(min_count=1).reset_index()
    out = add_rates(sums, lang=lang)
    if by == "period":
        return out.sort_values("period").reset_index(drop=True)
    return out.sort_values(["received", *keys], ascending=[False] + [True] * len(keys)).reset_index(
        drop=True
    )


def add_rates(sums: pd.DataFrame, *, lang: str = "vi") -> pd.DataFrame:
    """Add ``resolved``, the rate columns, apologies and ``published`` to summed counts.

    ``resolution_rate`` is resolved ÷ (received + carried over); ``late`` counts every late
    dossier (resolved late + pending overdue), ``without_apology`` those of them without a
    Phiếu xin lỗi và hẹn lại ngày trả kết quả (None when the data does not say).
    """
    out = sums.copy()
    for c in ALL_COUNTS:
        if c not in out:
            out[c] = pd.array([pd.NA] * len(out), dtype="Int64")
    ints = {c: out[c].fillna(0).to_numpy(dtype="int64") for c in ALL_COUNTS}
    resolved = ints["resolved_early"] + ints["resolved_on_time"] + ints["resolved_late"]
    out["resolved"] = resolved
    out["resolution_rate"] = percent_tenths(resolved, ints["received"] + ints["carried_over"])
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
    late = ints["resolved_late"] + ints["pending_overdue"]
    out["late"] = late
    # Known only when both the apologies and the overdue pending stock are given.
    known = (out["apologised"].notna() & out["pending_overdue"].notna()).to_numpy()
    out["without_apology"] = pd.array(
        [int(v) if k else pd.NA for v, k in zip(late - ints["apologised"], known, strict=True)],
        dtype="Int64",
    )
    out["published"] = [
        published_line(int(r), int(e), int(o), int(la), carried_over=int(c), lang=lang)
        for r, e, o, la, c in zip(
            ints["received"],
            ints["resolved_early"],
            ints["resolved_on_time"],
            ints["resolved_late"],
            ints["carried_over"],
            strict=True,
        )
    ]
    return out


def most_late(frame: pd.DataFrame, by: str = "procedure", *, top: int = 10) -> pd.DataFrame:
    """The procedures (or agencies, fields) with the most late dossiers, most first.

    Each late dossier owes the applicant a Phiếu xin lỗi và hẹn lại ngày trả kết quả;
    ``late`` counts resolved late and pending overdue dossiers, ``late_share`` is of the
    resolved ones. Groups without any late dossier are left out; by procedure, rows of a
    report by field (no procedure) are left out too.
    """
    if by == "procedure" and "procedure_id" in frame:
        frame = frame[frame["procedure_id"].notna()]
    table = performance(frame, by)
    table = table[table["late"] > 0]
    keys = GROUPS[by]
    return (
        table.sort_values(
            ["late", "resolved_late", *keys], ascending=[False, False] + [True] * len(keys)
        )
        .head(top)
        .reset_index(drop=True)
    )


def totals(frame: pd.DataFrame, *, lang: str = "vi") -> dict[str, Any]:
    """The whole frame's counts, rates and published sentence as a JSON-ready dict."""
    present = [c for c in ALL_COUNTS if c in frame]
    sums = (
        pd.DataFrame([frame[present].sum(min_count=1)])
        if len(frame)
        else pd.DataFrame([{c: pd.NA for c in present}])
    )
    for c in present:
        sums[c] = pd.array(sums[c].tolist(), dtype="Int64")
    row = add_rates(sums, lang=lang).iloc[0]
    out: dict[str, Any] = {c: _plain(row[c]) for c in (*ALL_COUNTS, "resolved", "late")}
    out["without_apology"] = _plain(row["without_apology"])
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
    engine: Engine,
    *,
    by: str = "agency",
    year: int | None = None,
    period: str | Period | None = None,
    lang: str = "vi",
) -> pd.DataFrame:
    """Performance by ``by`` for one period (default: the whole latest year held)."""
    frame, _ = period_frame(engine, period=period, year=year)
    return performance(frame, by, lang=lang)


def by_period(engine: Engine, *, year: int, lang: str = "vi") -> pd.DataFrame:
    """One row per period held for ``year`` (months, quarters, halves, the year), each its
    own figure; the rows are never added together."""
    frame = dossier_frame(engine, year=year)
    rows = []
    for p in periods_of_year(frame, year):
        composed, _ = _compose(frame, p)
        if composed.empty:
            continue
        row = totals(composed, lang=lang)
        row.update(period=p.label, kind=p.kind, months=int(composed["months"].min()))
        rows.append(row)
    return pd.DataFrame(rows)


def _compose(frame: pd.DataFrame, target: Period) -> tuple[pd.DataFrame, Period]:
    from catalogue.onestop.frames import compose_frame

    return compose_frame(frame, target), target


def overview(
    engine: Engine,
    *,
    year: int | None = None,
    period: str | Period | None = None,
    top: int = 10,
    lang: str = "vi",
) -> dict[str, Any]:
    """One-stop performance of one period for the dashboard's overview.

    Keys: ``year`` and ``period`` (the whole latest year held when neither is given),
    ``period_text`` ("quý 1 năm 2026"), ``totals`` (:func:`totals`), ``by_period`` (each
    period of the year on its own), ``by_level`` and ``by_agency`` (frames from
    :func:`performance`), ``late_procedures``, ``late_agencies`` and ``late_fields``
    (frames from :func:`most_late`).
    """
    frame, target = period_frame(engine, period=period, year=year)
    return {
        "year": None if target is None else target.year,
        "period": None if target is None else target.label,
        "period_text": None if target is None else target.text(lang),
        "totals": totals(frame, lang=lang),
        "by_period": (by_period(engine, year=target.year, lang=lang) if target else pd.DataFrame()),
        "by_level": performance(frame, "level", lang=lang),
        "by_agency": performance(frame, "agency", lang=lang),
        "late_procedures": most_late(frame, "procedure", top=top),
        "late_agencies": most_late(frame, "agency", top=top),
        "late_fields": most_late(frame, "field", top=top),
    }
