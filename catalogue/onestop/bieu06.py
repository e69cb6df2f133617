"""Import of Biểu 06 one-stop results (Thông tư 01/2020/TT-VPCP) with the form's own checks.

Reading is :mod:`catalogue.sources.bieu06_file` (the official Excel sheet, or the project's
CSV with the same columns). Every row is checked against the form's arithmetic, and every
failure is named by file, row and column as written (in Vietnamese, with English):

* received total = online + direct and postal (dossiers newly received in the period);
* resolved total = early + on time + late;
* pending total = within time + overdue;
* resolved + pending = received + carried over from the previous period — so a period
  may resolve more than it received (107 resolved of 100 received and 10 carried over,
  3 still pending);
* late dossiers with a Phiếu xin lỗi và hẹn lại ngày trả kết quả ≤ resolved late +
  pending overdue (the column is optional);
* the sheet's own "Tổng cộng" row, when there is one, equals the sum of its rows;
* counts are whole numbers ≥ 0; a known level; no district level in a period after
  01/07/2025 (two-level local government); a code, when given, in the catalogue; one row
  per unit, period, row; a report's rows are either fields or procedures of a field.

One failure refuses the whole file (one transaction, nothing stored). A stored report
replaces the same unit's report for the same period. Rows naming a procedure code also
give that procedure's yearly volume (population of the cost model), computed from the
periods of one year without double counting (:func:`catalogue.onestop.periods.compose`).
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import and_, delete, insert, select
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

from catalogue.onestop.periods import PeriodError, compose, parse_period, period_from_dates
from catalogue.quality.textnorm import fold
from catalogue.registry.auth import require
from catalogue.registry.errors import ImportFailed, Problem
from catalogue.registry.models import AuditLog, OnestopResult, Procedure, utcnow
from catalogue.registry.vocab import LEVEL_CODES, UnknownSpelling, level_code
from catalogue.sources.bieu06_file import COUNTS, OPTIONAL_COUNTS, parse_date, read_bieu06_file

log = logging.getLogger(__name__)

T_RESULT = OnestopResult.__table__
T_PROC = Procedure.__table__
TWO_LEVELS_FROM = date(2025, 7, 1)  # NĐ 118/2025/NĐ-CP: province and commune only
STORED = tuple(c for c in COUNTS if c != "resolved")
# (left side, right side, column named by a failure, Vietnamese + English message).
RULES = (
    (
        ("received",),
        ("online", "direct"),
        "received",
        "tổng số tiếp nhận khác trực tuyến + trực tiếp, bưu chính "
        "(received total ≠ online + direct and postal)",
    ),
    (
        ("resolved",),
        ("resolved_early", "resolved_on_time", "resolved_late"),
        "resolved",
        "tổng số đã giải quyết khác trước hạn + đúng hạn + quá hạn "
        "(resolved total ≠ early + on time + late)",
    ),
    (
        ("pending",),
        ("pending_on_time", "pending_overdue"),
        "pending",
        "tổng số đang giải quyết khác trong hạn + quá hạn (pending total ≠ within time + overdue)",
    ),
    (
        ("resolved", "pending"),
        ("received", "carried_over"),
        "pending",
        "đã giải quyết + đang giải quyết khác tiếp nhận + từ kỳ trước "
        "(resolved + pending ≠ received + carried over)",
    ),
)


def _problems(frame: pd.DataFrame, mask: Any, file: str, column: str, message: str) -> list:
    mask = pd.Series(mask, index=frame.index).fillna(False).astype(bool)
    return [Problem(file, int(line), column, message) for line in frame.loc[mask, "line"]]


def _periods(frame: pd.DataFrame, facts: dict, file: str, titles: dict) -> list[Problem]:
    """Fill ``period``, ``year``, ``start``, ``end`` (dates) from dates or labels."""
    problems, labels, years, starts, ends = [], [], [], [], []
    for line, label, start, end in zip(
        frame["line"], frame["period"], frame["start"], frame["end"], strict=True
    ):
        try:
            if label and not (start or end):
                period = parse_period(label)
                s, e = period.start, period.end
            else:
                s, e = parse_date(start), parse_date(end)
                if s is None or e is None:
                    raise PeriodError(
                        "thiếu hoặc sai ngày của kỳ báo cáo, ghi dd/mm/yyyy "
                        "(period dates missing or not dd/mm/yyyy)"
                    )
                period = period_from_dates(s, e)
        except PeriodError as exc:
            where = None if facts.get("sheet") else int(line)
            problem = Problem(file, where, titles["period"], str(exc))
            if problem not in problems:
                problems.append(problem)
            labels.append(None)
            years.append(None)
            starts.append(None)
            ends.append(None)
            continue
        labels.append(period.label)
        years.append(period.year)
        starts.append(s)
        ends.append(e)
    frame["period"], frame["year"], frame["start"], frame["end"] = labels, years, starts, ends
    return problems


def validate_bieu06(
    frame: pd.DataFrame,
    *,
    conn: Connection,
    file: str,
    titles: dict[str, str],
    facts: dict[str, Any],
) -> tuple[pd.DataFrame, list[Problem]]:
    """Check every row; return the rows to store (counts as integers) and every problem."""
    from catalogue.onestop.stats import parse_counts

    frame = frame.copy()
    problems: list[Problem] = []
    problems += _problems(
        frame,
        frame["unit"] == "",
        file,
        titles["unit"],
        "thiếu đơn vị báo cáo (reporting unit missing)",
    )
    problems += _periods(frame, facts, file, titles)
    for key in COUNTS:
        values, bad = parse_counts(frame[key].astype(str))
        problems += _problems(
            frame, bad, file, titles[key], "không phải số nguyên ≥ 0 (not a whole number ≥ 0)"
        )
        if key not in OPTIONAL_COUNTS:
            problems += _problems(
                frame, values.isna() & ~bad, file, titles[key], "thiếu số liệu (value missing)"
            )
        frame[key] = values
    for left, right, column, message in RULES:
        lhs = sum(frame[c] for c in left)
        rhs = sum(frame[c] for c in right)
        differs = lhs.notna() & rhs.notna() & (lhs != rhs)
        problems += _problems(frame, differs, file, titles[column], message)
    late = frame["resolved_late"] + frame["pending_overdue"]
    problems += _problems(
        frame,
        frame["apologised"] > late,
        file,
        titles["apologised"],
        "số phiếu xin lỗi lớn hơn số hồ sơ quá hạn (more apologies than late dossiers)",
    )
    problems += _levels(frame, file, titles)
    problems += _codes(frame, conn, file, titles)
    problems += _keys(frame, file, titles)
    if facts.get("total") is not None:
        problems += _total_row(frame, facts["total"], file, titles)
    problems.sort(key=lambda p: (p.line or 0, p.field or ""))
    return frame, problems


def _levels(frame: pd.DataFrame, file: str, titles: dict) -> list[Problem]:
    codes = []
    for text in frame["level"]:
        try:
            codes.append(level_code(text) if text else None)
        except UnknownSpelling:
            codes.append("?")
    frame["level_code"] = codes
    problems = _problems(
        frame,
        frame["level_code"] == "?",
        file,
        titles["level"],
        f"cấp không hợp lệ (unknown level; known: {', '.join(LEVEL_CODES)})",
    )
    after = frame["start"].map(lambda d: d is not None and d >= TWO_LEVELS_FROM)
    problems += _problems(
        frame,
        after & (frame["level_code"] == "district"),
        file,
        titles["level"],
        "từ 01/07/2025 chính quyền địa phương hai cấp: không còn cấp huyện "
        "(no district level after 01/07/2025)",
    )
    frame["level_code"] = frame["level_code"].where(frame["level_code"] != "?", None)
    return problems


def _codes(frame: pd.DataFrame, conn: Connection, file: str, titles: dict) -> list[Problem]:
    """Procedure id (and catalogue field) of rows naming a code; the row's level chooses."""
    frame["procedure_id"] = None
    frame["proc_field"] = None
    wanted = sorted(set(frame["code"]) - {""})
    if not wanted:
        return []
    rows = conn.execute(
        select(T_PROC.c.id, T_PROC.c.code, T_PROC.c.levels, T_PROC.c.field).where(
            T_PROC.c.code.in_(wanted)
        )
    ).all()
    by_code: dict[str, list] = {}
    for pid, code, levels, field_name in rows:
        by_code.setdefault(code, []).append((pid, levels or [], field_name))
    problems = []
    for idx, code, level, line in zip(
        frame.index, frame["code"], frame["level_code"], frame["line"], strict=True
    ):
        if not code:
            continue
        found = by_code.get(code, [])
        fits = [f for f in found if level is None or level in f[1]]
        if len(fits) == 1:
            frame.at[idx, "procedure_id"], frame.at[idx, "proc_field"] = fits[0][0], fits[0][2]
            continue
        message = (
            "mã TTHC không có trong danh mục (unknown procedure code)"
            if not found
            else "mã TTHC không thực hiện ở cấp này, hoặc có ở nhiều cấp: ghi rõ cấp "
            "(code not catalogued at this level, or at several: give the level)"
        )
        problems.append(Problem(file, int(line), titles["code"], message))
    return problems


def _keys(frame: pd.DataFrame, file: str, titles: dict) -> list[Problem]:
    """Row identity within a report; duplicates and field/procedure overlaps are refused."""
    is_proc = frame["procedure_id"].notna()
    field_name = frame["field"].where(frame["field"] != "", None)
    field_name = field_name.fillna(frame["proc_field"].where(is_proc))
    field_name = field_name.fillna(frame["name"].where(~is_proc))
    frame["field"] = field_name.fillna("")
    level = frame["level_code"].fillna("")
    frame["row_key"] = np.where(
        is_proc,
        "p:" + frame["procedure_id"].astype(str) + "|" + level,
        "f:" + frame["field"].map(fold) + "|" + level,
    )
    key = ["unit", "period", "row_key"]
    problems = _problems(
        frame,
        frame["period"].notna() & frame.duplicated(key, keep="first"),
        file,
        titles["name"],
        "trùng đơn vị, kỳ và dòng với một dòng trước (duplicate unit, period and row)",
    )
    field_keys = set(
        zip(frame["unit"], frame["period"], frame["row_key"].where(~is_proc), strict=True)
    )
    columns = zip(is_proc, frame["unit"], frame["period"], frame["field"], level, strict=True)
    overlap = [
        bool(p) and (u, k, "f:" + fold(f) + "|" + lv) in field_keys for p, u, k, f, lv in columns
    ]
    problems += _problems(
        frame,
        overlap,
        file,
        titles["name"],
        "thủ tục đã được tính trong dòng lĩnh vực của nó (procedure already counted in its "
        "field's row)",
    )
    return problems


def _total_row(frame: pd.DataFrame, total: dict, file: str, titles: dict) -> list[Problem]:
    from catalogue.onestop.stats import parse_counts

    problems = []
    for key in COUNTS:
        text = str(total.get(key) or "")
        if not text:
            continue
        value, bad = parse_counts(pd.Series([text]))
        summed = frame[key].sum(min_count=1)
        if bad.iloc[0] or pd.isna(summed) or int(value.iloc[0]) != int(summed):
            problems.append(
                Problem(
                    file,
                    int(total["line"]),
                    titles[key],
                    f"dòng tổng cộng ({text}) khác tổng các dòng ({summed:g}) "
                    "(the total row differs from the sum of the rows)",
                )
            )
    return problems


def store_bieu06(conn: Connection, rows: pd.DataFrame, *, source: str) -> tuple[int, int]:
    """Replace each (unit, period) report with ``rows``; returns (replaced, stored)."""
    reports = rows[["unit", "period"]].drop_duplicates()
    replaced = 0
    for unit, period in reports.itertuples(index=False):
        replaced += conn.execute(
            delete(T_RESULT).where(and_(T_RESULT.c.unit == unit, T_RESULT.c.period == period))
        ).rowcount
    now = utcnow()
    records = []
    for row in rows.to_dict("records"):
        item = {
            "unit": row["unit"],
            "year": int(row["year"]),
            "period": row["period"],
            "period_start": row["start"],
            "period_end": row["end"],
            "row_key": row["row_key"],
            "field": row["field"] or None,
            "name": row["name"] or None,
            "code": row["code"] or None,
            "procedure_id": None if pd.isna(row["procedure_id"]) else int(row["procedure_id"]),
            "level": row["level_code"],
            "source": source,
            "imported_at": now,
        }
        for c in STORED:
            value = row[c]
            item[c] = None if pd.isna(value) else int(value)
        records.append(item)
    if records:
        conn.execute(insert(T_RESULT), records)
    return replaced, len(records)


def bieu06_volumes(conn: Connection, procedure_ids: list[int], years: list[int]) -> pd.DataFrame:
    """Yearly volumes of procedures from their stored Biểu 06 rows (one year's periods)."""
    from catalogue.onestop.periods import make_period

    if not procedure_ids:
        return pd.DataFrame()
    query = select(T_RESULT).where(
        and_(T_RESULT.c.procedure_id.in_(procedure_ids), T_RESULT.c.year.in_(years))
    )
    stored = pd.DataFrame(conn.execute(query).mappings().all())
    parts = []
    counts = list(STORED)
    for year in years:
        composed = compose(
            stored[stored["year"] == year],
            make_period(int(year), 1, 12),
            keys=["procedure_id", "unit", "row_key"],
            counts=counts,
            latest_stock=True,
        )
        if composed.empty:
            continue
        sums = composed.groupby("procedure_id")[counts].sum(min_count=1)
        sums["months"] = composed.groupby("procedure_id")["months"].min()
        sums["year"] = int(year)
        parts.append(sums.reset_index())
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def import_bieu06(
    engine: Engine,
    path: Path,
    *,
    actor: str,
    sheet: str | None = None,
    unit: str | None = None,
) -> Any:
    """Import a Biểu 06 file in one transaction (admin: ``catalogue.import``).

    Returns a :class:`catalogue.onestop.stats.StatsImport`; raises :class:`ImportFailed`
    (every problem, nothing written) or :class:`~catalogue.sources.stats_file.StatsError`.
    """
    from catalogue.onestop.stats import StatsImport
    from catalogue.onestop.stats_store import write_volumes

    path = Path(path)
    with Session(engine) as session:
        require(session=session, actor=actor, action="catalogue.import")
    frame, titles, facts = read_bieu06_file(path, sheet=sheet, unit=unit)
    facts["sheet"] = facts.get("start") is not None or path.suffix.lower() != ".csv"
    result = StatsImport(source=path.name, rows=len(frame), format="bieu06")
    with engine.begin() as conn:
        rows, problems = validate_bieu06(
            frame, conn=conn, file=str(path), titles=titles, facts=facts
        )
        if problems:
            raise ImportFailed(problems)
        result.replaced, result.stored = store_bieu06(conn, rows, source=path.name)
        pids = sorted({int(p) for p in rows["procedure_id"].dropna()})
        result.procedures = len(pids)
        result.periods = sorted(set(rows["period"]))
        result.years = sorted({int(y) for y in rows["year"]})
        result.units = sorted(set(rows["unit"]))
        yearly = bieu06_volumes(conn, pids, result.years)
        if not yearly.empty:
            result.volumes_written = write_volumes(conn, yearly)
            partial = yearly[yearly["months"] < 12]
            result.partial_years = [
                {"year": int(y), "procedures": int(n)}
                for y, n in partial.groupby("year")["procedure_id"].count().items()
            ]
        conn.execute(
            insert(AuditLog.__table__).values(
                at=utcnow(),
                actor=actor,
                action="stats.import",
                entity="onestop_result",
                entity_id=path.name,
                before=None,
                after={k: v for k, v in result.as_dict().items() if k not in ("to_confirm",)},
            )
        )
    log.info("Biểu 06 %s: %d rows stored (%s)", path.name, result.stored, result.periods)
    return result


def stored_reports(engine: Engine, *, year: int | None = None) -> pd.DataFrame:
    """The Biểu 06 rows held (optionally of one year), as a frame of the table's columns."""
    query = select(T_RESULT)
    if year is not None:
        query = query.where(T_RESULT.c.year == year)
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    columns = [c.name for c in T_RESULT.columns]
    return pd.DataFrame(rows, columns=columns)
