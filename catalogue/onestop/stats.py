"""Import of one-stop dossier statistics (thống kê hồ sơ một cửa) and their yearly roll-up.

A statistics file (CSV or Excel) has one row per procedure code × reporting unit (agency
or level) × period, with the counts the one-stop offices publish::

    ma_tthc,co_quan,cap,ky,tiep_nhan,truoc_han,dung_han,qua_han,dang_giai_quyet,truc_tuyen
    1.001193,UBND xã An Bình,Cấp xã,2025-01,120,80,35,2,3,40

Headers may be written in English (``code, name, agency, level, period, received,
resolved_early, resolved_on_time, resolved_late, pending, online``), in Vietnamese
without accents (as above) or with accents (``mã TTHC``, ``kỳ``, ``tiếp nhận`` …).

Rules (every problem is reported with its row and column; then nothing is written):

* period: ``2025`` (year), ``2025-Q1`` (quarter), ``2025-03`` or ``03/2025`` (month);
  anything else, or a year after the current one, is an unknown period;
* counts are whole numbers ≥ 0 (``1.234`` is read as one thousand two hundred and
  thirty-four, the Vietnamese grouping); received, early, on time and late are
  required, pending and online may be blank (unknown);
* early + on time + late ≤ received, and with pending also
  early + on time + late + pending ≤ received; online ≤ received;
* the code must be in the catalogue; a code catalogued at several agencies or levels
  needs the row's agency (same name) or level to say which one;
* one row per procedure × unit × period, and one kind of period (year, quarter or
  month) per procedure × unit × year, so that nothing is counted twice.

Rows without a code are matched by name (:func:`catalogue.quality.matching.match_names`) and
returned for a person to confirm (:attr:`StatsImport.to_confirm`); they are stored only
when the caller accepts matches explicitly (``accept_above``: the unambiguous best
candidate scoring at least that much), and those are listed in
:attr:`StatsImport.accepted`.

Roll-up into yearly volumes (:func:`rollup_years`), for every procedure × year touched:
received, early, on time, late and online are the sums over periods and units;
pending is a stock, so it is the pending count of each unit's latest period of the
year, summed over units. The yearly :class:`~catalogue.registry.models.Volume` row is replaced
by the roll-up (statistics are the authoritative source); the period rows stay in
``dossier_stat`` with the file name as their source. A year covering fewer than
12 months is written as it is (never extrapolated) and listed in
:attr:`StatsImport.partial_years`.

Volumes into the cost model: the estimated baseline (:mod:`analysis.estimate`) takes the
latest year's dossiers received as the population with frequency 1 (each dossier is one
subject's one execution). :func:`costs_with_statistics` shows, per procedure, which
statistics file and periods that population comes from.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

from analysis.limits import STAT_COUNT_MAX
from catalogue.quality.textnorm import fold
from catalogue.registry.auth import require
from catalogue.registry.errors import ImportFailed, Problem
from catalogue.registry.models import Agency, AuditLog, DossierStat, Procedure, Volume, utcnow
from catalogue.registry.vocab import LEVEL_CODES, UnknownSpelling, level_code
from catalogue.sources.stats_file import (  # noqa: F401  (the statistics API in one place)
    COUNT_COLUMNS,
    EXCEL_SUFFIXES,
    FILE_HEADERS,
    FLOW_COLUMNS,
    HEADER_SEARCH_ROWS,
    HEADERS,
    LEVEL_LABELS,
    PERIOD_MONTHS,
    REQUIRED_COUNTS,
    StatsError,
    generate_stats_file,
    read_stats_file,
    synthetic_stats,
    write_stats_file,
)

log = logging.getLogger(__name__)

T_STAT = DossierStat.__table__
T_VOLUME = Volume.__table__
T_PROC = Procedure.__table__
T_AGENCY = Agency.__table__
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
        }


# --------------------------------------------------------------------------- validation

_PERIOD = re.compile(
    r"^(?:(?P<y>\d{4})(?:-(?:(?P<m>\d{1,2})|[Qq](?P<q>[1-4])))?"
    r"|(?P<m2>\d{1,2})/(?P<y2>\d{4})|[Qq](?P<q2>[1-4])/(?P<y3>\d{4}))$"
)


def parse_periods(text: pd.Series, *, today: date | None = None) -> pd.DataFrame:
    """Columns ``year``, ``period`` (canonical), ``kind``, ``end_month``; NaN when unknown.

    >>> parse_periods(pd.Series(["2025", "2025-q2", "3/2025", "2025-13"]))["period"].tolist()
    ['2025', '2025-Q2', '2025-03', nan]
    """
    today = today or date.today()
    parts = text.str.extract(_PERIOD)
    year = pd.to_numeric(parts["y"].fillna(parts["y2"]).fillna(parts["y3"]), errors="coerce")
    month = pd.to_numeric(parts["m"].fillna(parts["m2"]), errors="coerce")
    quarter = pd.to_numeric(parts["q"].fillna(parts["q2"]), errors="coerce")
    ok = year.between(2000, today.year) & (month.isna() | month.between(1, 12))
    kind = np.where(month.notna(), "month", np.where(quarter.notna(), "quarter", "year"))
    end_month = np.where(month.notna(), month, np.where(quarter.notna(), quarter * 3, 12))
    year_text = year.fillna(0).astype(int).astype(str).str.zfill(4)
    period = np.where(
        kind == "month",
        year_text + "-" + month.fillna(0).astype(int).astype(str).str.zfill(2),
        np.where(
            kind == "quarter",
            year_text + "-Q" + quarter.fillna(0).astype(int).astype(str),
            year_text,
        ),
    )
    out = pd.DataFrame(
        {"year": year, "period": period, "kind": kind, "end_month": end_month}, index=text.index
    )
    out.loc[~ok, ["year", "period", "kind", "end_month"]] = np.nan
    return out


def parse_counts(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Whole counts (float, NaN when blank) and a mask of cells that are not whole numbers.

    Dots or commas grouping thousands are accepted (``1.234`` = 1234).

    >>> values, bad = parse_counts(pd.Series(["12", "1.234", "", "-3", "2,5"]))
    >>> values.tolist()[:2], bad.tolist()
    ([12.0, 1234.0], [False, False, False, True, True])
    """
    digits = text.str.isdigit()
    cleaned = text.where(digits, text.str.replace(" ", "", regex=False))
    grouped = ~digits & cleaned.str.fullmatch(r"\d{1,3}(?:[.,]\d{3})+")
    cleaned = cleaned.where(~grouped, cleaned.str.replace(r"[.,]", "", regex=True))
    blank = cleaned == ""
    values = pd.to_numeric(cleaned.where(~blank), errors="coerce")
    whole = cleaned.str.isdigit()
    bad = ~blank & ~whole
    return values.where(whole), bad


def _problems_for(
    frame: pd.DataFrame, mask: pd.Series, file: str, column: str, message: str
) -> list[Problem]:
    return [Problem(file, int(line), column, message) for line in frame.loc[mask, "line"]]


def _procedure_lookup(conn: Connection) -> pd.DataFrame:
    rows = conn.execute(
        select(T_PROC.c.id, T_PROC.c.code, T_PROC.c.levels, T_AGENCY.c.name).select_from(
            T_PROC.outerjoin(T_AGENCY, T_PROC.c.agency_id == T_AGENCY.c.id)
        )
    ).all()
    return pd.DataFrame(rows, columns=["procedure_id", "code", "levels", "agency"])


def _resolve_codes(
    frame: pd.DataFrame, procs: pd.DataFrame, file: str, headers: dict[str, str]
) -> tuple[pd.Series, list[Problem]]:
    """Procedure id of every row with a code (vectorised for codes catalogued once)."""
    problems: list[Problem] = []
    with_code = frame[frame["code"] != ""]
    known = procs.dropna(subset=["code"])
    counts = known["code"].value_counts()
    single = known[known["code"].map(counts) == 1].set_index("code")
    pid = with_code["code"].map(single["procedure_id"])
    levels = with_code["code"].map(single["levels"])
    col_code = headers.get("code", "code")
    col_level = headers.get("level", "level")
    # A level given for a procedure catalogued once must be one of its levels.
    has_level = with_code["level_code"].notna() & pid.notna()
    if has_level.any():
        wrong = [
            idx
            for idx, lv, lvs in zip(
                with_code.index[has_level],
                with_code.loc[has_level, "level_code"],
                levels[has_level],
                strict=True,
            )
            if lvs and lv not in lvs
        ]
        for idx in wrong:
            problems.append(
                Problem(
                    file,
                    int(frame.at[idx, "line"]),
                    col_level,
                    f"thủ tục {frame.at[idx, 'code']} không thực hiện ở cấp này "
                    f"(procedure not catalogued at level {frame.at[idx, 'level_code']})",
                )
            )
    several = with_code[pid.isna() & with_code["code"].isin(counts.index)]
    if len(several):
        # Candidates of each row: same code, then same agency (folded) and level when given.
        rows = several[["code", "agency", "level_code", "line"]].rename_axis("row").reset_index()
        folded = {a: fold(a) for a in set(rows["agency"]) | set(known["agency"].dropna())}
        pairs = rows.merge(known[known["code"].isin(rows["code"])], on="code", suffixes=("", "_p"))
        same_agency = (pairs["agency"] == "") | (
            pairs["agency"].map(folded) == pairs["agency_p"].map(folded)
        )
        same_level = [
            not isinstance(lc, str) or lc in (lv or [])
            for lc, lv in zip(pairs["level_code"], pairs["levels"], strict=True)
        ]
        fits = pairs[same_agency & np.array(same_level, dtype=bool)]
        found = fits.groupby("row")["procedure_id"].agg(["first", "count"])
        found = found[found["count"] == 1]["first"]
        pid.loc[found.index] = found.to_numpy()
        for row, code, line in zip(rows["row"], rows["code"], rows["line"], strict=True):
            if row not in found.index:
                problems.append(
                    Problem(
                        file,
                        int(line),
                        col_code,
                        f"mã {code} có nhiều thủ tục (theo cơ quan, cấp); ghi rõ cơ quan "
                        "hoặc cấp (code catalogued several times: give the agency or level)",
                    )
                )
    unknown = pid.isna() & ~with_code["code"].isin(counts.index)
    problems += _problems_for(
        with_code,
        unknown,
        file,
        col_code,
        "mã TTHC không có trong danh mục (unknown procedure code)",
    )
    return pid, problems


def _match_codeless(
    frame: pd.DataFrame,
    engine: Engine,
    file: str,
    headers: dict[str, str],
    accept_above: float | None,
) -> tuple[pd.Series, list[dict], list[dict], list[Problem]]:
    """Candidates for rows without a code; ids only for rows accepted explicitly."""
    from catalogue.quality.matching import match_names
    from catalogue.quality.search import SearchIndex, load_search_frame

    rows = frame[frame["code"] == ""]
    problems = _problems_for(
        rows,
        rows["name"] == "",
        file,
        headers.get("code", "code"),
        "thiếu mã TTHC và tên thủ tục (no code and no name)",
    )
    named = rows[rows["name"] != ""]
    pid = pd.Series(np.nan, index=named.index)
    if named.empty:
        return pid, [], [], problems
    index = SearchIndex.build(load_search_frame(engine))
    results = match_names(named["name"].tolist(), index, rows=named["line"].tolist(), top_k=3)
    to_confirm, accepted = [], []
    for idx, result in zip(named.index, results, strict=True):
        best = result.best
        entry = result.as_dict() | {"period": frame.at[idx, "period_text"]}
        ok = (
            accept_above is not None
            and best is not None
            and result.status == "matched"
            and best.score >= accept_above
        )
        if ok:
            pid.at[idx] = best.id
            accepted.append(entry | {"code": best.code, "score": best.score})
        else:
            to_confirm.append(entry)
    return pid, to_confirm, accepted, problems


def validate_stats(
    frame: pd.DataFrame,
    *,
    conn: Connection,
    engine: Engine,
    file: str,
    headers: dict[str, str] | None = None,
    accept_above: float | None = None,
    today: date | None = None,
) -> tuple[pd.DataFrame, list[dict], list[dict], list[Problem]]:
    """Check every row (vectorised) and resolve procedure ids.

    Returns the rows to store (canonical columns, counts as numbers, ``procedure_id``),
    the code-less rows to confirm, the code-less rows accepted, and every problem.
    """
    headers = headers or {k: k for k in HEADERS}
    col = lambda key: headers.get(key, FILE_HEADERS[key])  # noqa: E731
    problems: list[Problem] = []
    frame = frame.copy()
    frame["period_text"] = frame["period"]
    periods = parse_periods(frame["period"], today=today)
    problems += _problems_for(
        frame,
        periods["period"].isna(),
        file,
        col("period"),
        "kỳ báo cáo không hợp lệ; dùng 2025, 2025-Q1 hoặc 2025-03 "
        "(unknown period; use 2025, 2025-Q1 or 2025-03)",
    )
    frame[["year", "period", "kind", "end_month"]] = periods[
        ["year", "period", "kind", "end_month"]
    ]
    for key in COUNT_COLUMNS:
        values, bad = parse_counts(frame[key])
        problems += _problems_for(
            frame, bad, file, col(key), "không phải số nguyên ≥ 0 (not a whole number ≥ 0)"
        )
        too_big = values > STAT_COUNT_MAX  # analysis.limits: far below 2⁶³ (BIGINT)
        problems += _problems_for(
            frame, too_big, file, col(key),
            f"lớn hơn {STAT_COUNT_MAX:,} (more than {STAT_COUNT_MAX:,} dossiers)".replace(",", "."),
        )  # fmt: skip
        values = values.where(~too_big)
        if key in REQUIRED_COUNTS:
            problems += _problems_for(
                frame, values.isna() & ~bad, file, col(key), "thiếu số liệu (value missing)"
            )
        frame[key] = values
    resolved = frame["resolved_early"] + frame["resolved_on_time"] + frame["resolved_late"]
    over = resolved > frame["received"]
    problems += _problems_for(
        frame,
        over,
        file,
        f"{col('resolved_early')}+{col('resolved_on_time')}+{col('resolved_late')}",
        "số đã giải quyết lớn hơn số tiếp nhận (resolved > received)",
    )
    problems += _problems_for(
        frame,
        ~over & (resolved + frame["pending"] > frame["received"]),
        file,
        col("pending"),
        "đã giải quyết + đang giải quyết lớn hơn số tiếp nhận (resolved + pending > received)",
    )
    problems += _problems_for(
        frame,
        frame["online"] > frame["received"],
        file,
        col("online"),
        "số hồ sơ trực tuyến lớn hơn số tiếp nhận (online > received)",
    )
    levels = frame["level"].map(_level_or_none, na_action="ignore")
    problems += _problems_for(
        frame,
        (frame["level"] != "") & (levels == "?"),
        file,
        col("level"),
        f"cấp không hợp lệ (unknown level; known: {', '.join(LEVEL_CODES)})",
    )
    frame["level_code"] = levels.where(levels != "?", None)
    pid, code_problems = _resolve_codes(frame, _procedure_lookup(conn), file, headers)
    problems += code_problems
    frame["procedure_id"] = pd.to_numeric(pid, errors="coerce").reindex(frame.index).astype(float)
    codeless_pid, to_confirm, accepted, codeless_problems = (
        _match_codeless(frame, engine, file, headers, accept_above)
        if (frame["code"] == "").any()
        else (pd.Series(dtype=float), [], [], [])
    )
    problems += codeless_problems
    frame.loc[codeless_pid.index, "procedure_id"] = codeless_pid.astype(float)
    frame["unit"] = frame["agency"].where(frame["agency"] != "", frame["level_code"].fillna(""))
    keep = frame[frame["procedure_id"].notna() & frame["period"].notna()].copy()
    keep["procedure_id"] = keep["procedure_id"].astype("int64")
    dup = keep.duplicated(["procedure_id", "period", "unit"], keep="first")
    problems += _problems_for(
        keep,
        dup,
        file,
        col("period"),
        "trùng thủ tục, đơn vị và kỳ với một dòng trước (duplicate procedure, unit and period)",
    )
    first_kind = keep.groupby(["procedure_id", "unit", "year"])["kind"].transform("first")
    problems += _problems_for(
        keep,
        keep["kind"] != first_kind,
        file,
        col("period"),
        "trộn kỳ năm, quý và tháng cho cùng thủ tục, đơn vị, năm (mixed period kinds "
        "for one procedure, unit and year: counted twice)",
    )
    problems.sort(key=lambda p: (p.line or 0, p.field or ""))
    return keep, to_confirm, accepted, problems


def _level_or_none(text: str) -> str | None:
    if not text:
        return None
    try:
        return level_code(text)
    except UnknownSpelling:
        return "?"


# --------------------------------------------------------------------------- roll-up


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


def _write_volumes(conn: Connection, yearly: pd.DataFrame) -> int:
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
    result.volumes_written = _write_volumes(conn, yearly)
    partial = yearly[yearly["months"] < 12]
    result.partial_years = [
        {"year": int(y), "procedures": int(n)}
        for y, n in partial.groupby("year")["procedure_id"].count().items()
    ]
    if result.partial_years:
        log.warning("statistics cover fewer than 12 months: %s", result.partial_years)


def import_stats(
    engine: Engine,
    path: Path,
    *,
    actor: str,
    accept_above: float | None = None,
    sheet: str | None = None,
    today: date | None = None,
) -> StatsImport:
    """Import a statistics file in one transaction (admin: ``catalogue.import``).

    Raises :class:`ImportFailed` listing every problem (nothing written),
    :class:`StatsError` when the file cannot be read, and
    :class:`~catalogue.registry.errors.PermissionDenied` when ``actor`` may not import.
    """
    path = Path(path)
    source = path.name
    with Session(engine) as session:
        require(session=session, actor=actor, action="catalogue.import")
    frame, headers = read_stats_file(path, sheet=sheet)
    result = StatsImport(source=source, rows=len(frame))
    with engine.begin() as conn:
        stats, to_confirm, accepted, problems = validate_stats(
            frame,
            conn=conn,
            engine=engine,
            file=str(path),
            headers=headers,
            accept_above=accept_above,
            today=today,
        )
        if problems:
            raise ImportFailed(problems)
        result.to_confirm, result.accepted = to_confirm, accepted
        if not stats.empty:
            store_stats(conn, stats, source=source, result=result)
        result.stored = len(stats)
        result.procedures = int(stats["procedure_id"].nunique())
        result.periods = sorted(stats["period"].unique().tolist())
        result.years = sorted(int(y) for y in stats["year"].unique())
        conn.execute(
            insert(AuditLog.__table__).values(
                at=utcnow(),
                actor=actor,
                action="stats.import",
                entity="dossier_stat",
                entity_id=source,
                before=None,
                after={
                    k: v for k, v in result.as_dict().items() if k not in ("to_confirm", "periods")
                }
                | {
                    "accepted": len(accepted),
                    "to_confirm": len(to_confirm),
                    "periods": result.periods[:1] + result.periods[-1:],
                },
            )
        )
    log.info("statistics %s: %d rows stored, %d to confirm", source, result.stored, len(to_confirm))
    return result


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
