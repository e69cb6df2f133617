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

Biểu 06 files (the official form of TT 01/2020/TT-VPCP, with carried-over and pending
dossiers; Excel or its CSV twin) are recognised by their headings and imported by
:func:`catalogue.onestop.bieu06.import_bieu06` instead.

Storing, the yearly roll-up and provenance are in :mod:`catalogue.onestop.stats_store`
(re-exported here).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import insert, select
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

from analysis.limits import STAT_COUNT_MAX
from catalogue.onestop.stats_store import (  # noqa: F401  (the statistics API in one place)
    StatsImport,
    costs_with_statistics,
    rollup_years,
    statistics_sources,
    store_stats,
    write_volumes,
)
from catalogue.quality.textnorm import fold
from catalogue.registry.auth import require
from catalogue.registry.db import serialise_imports
from catalogue.registry.errors import ImportFailed, Problem
from catalogue.registry.models import Agency, AuditLog, Procedure, utcnow
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

T_PROC = Procedure.__table__
T_AGENCY = Agency.__table__

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


def _check_counts(frame: pd.DataFrame, file: str, col: Callable[[str], str]) -> list[Problem]:
    """Parse the count columns in place (numbers, or NaN where refused) and check the
    form's arithmetic: resolved ≤ received, resolved + pending ≤ received, online ≤ received.
    """
    problems: list[Problem] = []
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
    return problems


def _check_keys(keep: pd.DataFrame, file: str, col: Callable[[str], str]) -> list[Problem]:
    """Rows that repeat a procedure, unit and period, or mix period kinds in one year."""
    problems: list[Problem] = []
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
    return problems


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
    problems += _check_counts(frame, file, col)
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
    problems += _check_keys(keep, file, col)
    problems.sort(key=lambda p: (p.line or 0, p.field or ""))
    return keep, to_confirm, accepted, problems


def _level_or_none(text: str) -> str | None:
    if not text:
        return None
    try:
        return level_code(text)
    except UnknownSpelling:
        return "?"


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

    A Biểu 06 file (recognised by its headings) goes to
    :func:`catalogue.onestop.bieu06.import_bieu06`. Raises :class:`ImportFailed` listing
    every problem (nothing written),
    :class:`StatsError` when the file cannot be read, and
    :class:`~catalogue.registry.errors.PermissionDenied` when ``actor`` may not import.
    """
    path = Path(path)
    source = path.name
    from catalogue.sources.bieu06_file import sniff_bieu06

    if sniff_bieu06(path, sheet=sheet):
        from catalogue.onestop.bieu06 import import_bieu06

        return import_bieu06(engine, path, actor=actor, sheet=sheet)
    with Session(engine) as session:
        require(session=session, actor=actor, action="catalogue.import")
    frame, headers = read_stats_file(path, sheet=sheet)
    result = StatsImport(source=source, rows=len(frame))
    with engine.begin() as conn:
        serialise_imports(conn)  # one import at a time (issue 18)
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
