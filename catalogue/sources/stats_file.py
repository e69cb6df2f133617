"""One-stop statistics files: the accepted layout, reading CSV/Excel, and a generator.

A file has one row per procedure code × agency or level × period with the counts
:data:`COUNT_COLUMNS`; headers may be written in English or Vietnamese without accents
(:data:`HEADERS`). :func:`synthetic_stats` makes a realistic file for a catalogue (demo,
tests, benchmarks).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.engine import Engine

from catalogue.quality.textnorm import fold
from catalogue.registry.errors import ImportFailed, Problem
from catalogue.registry.vocab import LEVELS
from catalogue.sources.limits import (
    BAD_CHARS,
    MAX_COUNT_DIGITS,
    MAX_CSV_ROWS,
    MAX_FIELD_CHARS,
    MAX_TEXT_FILE_BYTES,
    MAX_WORKBOOK_ROWS,
    check_file_size,
    check_workbook,
    worksheet_rows,
)

log = logging.getLogger(__name__)

COUNT_COLUMNS = (
    "received",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "pending",
    "online",
)
REQUIRED_COUNTS = COUNT_COLUMNS[:4]
FLOW_COLUMNS = ("received", "resolved_early", "resolved_on_time", "resolved_late", "online")

# Canonical column → accepted header spellings (compared after fold()).
HEADERS: dict[str, tuple[str, ...]] = {
    "code": ("code", "ma_tthc", "ma tthc", "ma thu tuc", "ma"),
    "name": ("name", "ten_tthc", "ten tthc", "ten thu tuc"),
    "agency": ("agency", "co_quan", "co quan", "co quan thuc hien", "don vi"),
    "level": ("level", "cap", "cap thuc hien"),
    "period": ("period", "ky", "ky bao cao", "thoi gian"),
    "received": ("received", "tiep_nhan", "tiep nhan", "so ho so tiep nhan"),
    "resolved_early": ("resolved_early", "truoc_han", "truoc han", "giai quyet truoc han"),
    "resolved_on_time": ("resolved_on_time", "dung_han", "dung han", "giai quyet dung han"),
    "resolved_late": ("resolved_late", "qua_han", "qua han", "giai quyet qua han"),
    "pending": ("pending", "dang_giai_quyet", "dang giai quyet"),
    "online": ("online", "truc_tuyen", "truc tuyen", "nop truc tuyen"),
}
# The file's columns in the order the generator writes them (Vietnamese, unaccented).
FILE_HEADERS = {k: v[1] for k, v in HEADERS.items()}
# The same columns as people read them (a sample file offered for download); each folds to
# one of the accepted spellings above, so such a file imports as it is.
PEOPLE_HEADERS = {
    "code": "Mã TTHC", "name": "Tên TTHC", "agency": "Cơ quan thực hiện",
    "level": "Cấp thực hiện", "period": "Kỳ báo cáo", "received": "Số hồ sơ tiếp nhận",
    "resolved_early": "Giải quyết trước hạn", "resolved_on_time": "Giải quyết đúng hạn",
    "resolved_late": "Giải quyết quá hạn", "pending": "Đang giải quyết",
    "online": "Nộp trực tuyến",
}  # fmt: skip
LEVEL_LABELS = {code: spelling.capitalize() for spelling, code in LEVELS.items()}
PERIOD_MONTHS = {"year": 12, "quarter": 3, "month": 1}
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
HEADER_SEARCH_ROWS = 10


class StatsError(ValueError):
    """A statistics file cannot be read at all (format, missing columns)."""


# --------------------------------------------------------------------------- reading


def _canonical_headers(headers: Sequence[Any]) -> dict[str, str]:
    """Canonical name → header as written, for the recognised headers."""
    lookup = {alias: key for key, aliases in HEADERS.items() for alias in aliases}
    found: dict[str, str] = {}
    for header in headers:
        text = "" if header is None else str(header)
        key = lookup.get(fold(text).replace("_", " ")) or lookup.get(fold(text))
        if key and key not in found:
            found[key] = text
    return found


def _cell_text(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return f"{value.year:04d}-{value.month:02d}"
    return str(value).strip()


def read_stats_file(path: Path, *, sheet: str | None = None) -> tuple[pd.DataFrame, dict[str, str]]:
    """Read a statistics file as text columns with canonical names and a ``line`` column.

    Returns the frame and the header spellings of the file (canonical → as written), so
    that problems name the column as the user wrote it. Raises :class:`StatsError` when
    the file cannot be read or lacks a required column.
    """
    path = Path(path)
    if not path.exists():
        raise StatsError(f"Không tìm thấy tệp {path} (file not found)")
    if path.suffix.lower() in EXCEL_SUFFIXES:
        rows = _workbook_rows(path, sheet)
        start = next(
            (
                i
                for i, r in enumerate(rows[:HEADER_SEARCH_ROWS])
                if {"period", "received"} <= set(_canonical_headers(r))
            ),
            0,
        )
        if not rows:
            raise StatsError(f"{path}: tệp rỗng (empty file)")
        header = [_cell_text(h) for h in rows[start]]
        body = [
            [_cell_text(v) for v in r] + [""] * (len(header) - len(r)) for r in rows[start + 1 :]
        ]
        raw = pd.DataFrame([r[: len(header)] for r in body], columns=header, dtype=object)
        first_line = start + 2
    else:
        too_big = check_file_size(path, MAX_TEXT_FILE_BYTES)
        if too_big is not None:
            raise StatsError(f"{path}: {too_big.message}")
        try:
            with path.open(encoding="utf-8-sig") as fh:
                first = fh.readline(MAX_FIELD_CHARS)
            sep = ";" if first.count(";") > first.count(",") else ","
            raw = pd.read_csv(
                path, dtype=str, keep_default_na=False, encoding="utf-8-sig", sep=sep,
                nrows=MAX_CSV_ROWS + 1,
            )  # fmt: skip
        except (ValueError, UnicodeDecodeError, OverflowError, pd.errors.ParserError) as exc:
            raise StatsError(f"{path}: không đọc được CSV (cannot read CSV): {exc}") from exc
        if len(raw) > MAX_CSV_ROWS:
            raise StatsError(f"{path}: more than {MAX_CSV_ROWS} rows")
        first_line = 2
    names = _canonical_headers(list(raw.columns))
    missing = [c for c in ("period", *REQUIRED_COUNTS) if c not in names]
    if "code" not in names and "name" not in names:
        missing.insert(0, "code")
    if missing:
        wanted = ", ".join(f"{c} ({FILE_HEADERS[c]})" for c in missing)
        raise StatsError(f"{path}: thiếu cột {wanted} (missing columns)")
    frame = pd.DataFrame(
        {key: raw[header].astype(str).str.strip() for key, header in names.items()}
    )
    for key in HEADERS:
        if key not in frame:
            frame[key] = ""
    frame["line"] = np.arange(first_line, first_line + len(frame))
    frame = frame.reset_index(drop=True)
    problems = _cell_problems(frame, names, str(path))
    if problems:
        raise ImportFailed(problems)
    return frame, names


def _workbook_rows(path: Path, sheet: str | None) -> list[list[Any]]:
    """The cells of one worksheet, after the zip-level checks (bomb, declared rows)."""
    from openpyxl import load_workbook

    refused = check_workbook(path)
    if refused:
        raise StatsError(f"{path}: {refused[0].message}")
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise StatsError(f"{path}: không đọc được tệp Excel (cannot read workbook): {exc}") from exc
    try:
        try:
            ws = book[sheet] if sheet else book.worksheets[0]
        except (KeyError, IndexError) as exc:
            raise StatsError(f"{path}: không có trang tính {sheet!r} (no such sheet)") from exc
        return [list(r) for r in worksheet_rows(ws, str(path), max_rows=MAX_WORKBOOK_ROWS)]
    except (StatsError, ImportFailed):
        raise
    except Exception as exc:  # a broken sheet inside a readable zip
        raise StatsError(f"{path}: không đọc được tệp Excel (cannot read workbook): {exc}") from exc
    finally:
        book.close()


MAX_PROBLEMS = 200  # problems listed per kind: a broken file must not list a million


def _cell_problems(frame: pd.DataFrame, names: dict[str, str], file: str) -> list[Problem]:
    """Cells too long, with control characters, or counts beyond :data:`MAX_COUNT_DIGITS`."""
    problems: list[Problem] = []
    for key, header in names.items():
        column = frame[key]
        checks = [
            (column.str.len() > MAX_FIELD_CHARS, f"more than {MAX_FIELD_CHARS} characters"),
            (column.str.contains(BAD_CHARS, regex=True), "contains a control character"),
        ]
        if key in COUNT_COLUMNS:
            digits = column.str.count(r"\d")
            message = f"a count of more than {MAX_COUNT_DIGITS} digits"
            checks.append((digits > MAX_COUNT_DIGITS, message))
        for mask, message in checks:
            lines = frame.loc[mask.fillna(False).astype(bool), "line"].head(MAX_PROBLEMS)
            problems.extend(Problem(file, int(line), header, message) for line in lines)
    return problems


# --------------------------------------------------------------------------- synthetic file

# Relative monthly load of a one-stop office: low around Tết (Jan–Feb), high at year end.
SEASONALITY = np.array([0.9, 0.62, 1.04, 1.0, 1.0, 0.98, 0.97, 1.02, 1.0, 1.05, 1.1, 1.32])
DEFAULT_YEARLY = {"ministry": 600, "province": 1500, "district": 2500, "commune": 900, "other": 300}


def synthetic_stats(
    records: Sequence[dict[str, Any]],
    *,
    year: int = 2025,
    seed: int = 7,
    without_code: int = 0,
) -> pd.DataFrame:
    """A realistic monthly statistics table for catalogue records (for demos and benchmarks).

    Per procedure: the year's dossiers are last year's received × a growth of 2–8 % (or a
    typical volume of its level when the record has none), spread over the months with
    :data:`SEASONALITY`; about 1,5 % stay pending at each month's end; the late share,
    early share and online share follow the latest volume (online rising by a fifth,
    none without an online channel). ``without_code`` rows of distinct procedures lose
    their code, to exercise matching by name. A district-level procedure has no rows from
    07/2025 on (local government has two levels since 01/07/2025). Columns:
    :data:`FILE_HEADERS` values.
    """
    rng = np.random.default_rng(seed)
    n = len(records)
    base = np.empty(n)
    late_rate = np.empty(n)
    early_rate = np.empty(n)
    online_rate = np.empty(n)
    for i, rec in enumerate(records):
        vols = [v for v in rec.get("volumes") or [] if v.get("received")]
        latest = max(vols, key=lambda v: v["year"]) if vols else None
        levels = rec.get("levels") or ["province"]
        has_online = any(c.get("kind") == "online" for c in rec.get("channels") or [])
        if latest:
            base[i] = latest["received"]
            done = (latest.get("resolved_early") or 0) + (latest.get("resolved_on_time") or 0)
            done_all = done + (latest.get("resolved_late") or 0)
            late_rate[i] = (latest.get("resolved_late") or 0) / done_all if done_all else 0.01
            early_rate[i] = (latest.get("resolved_early") or 0) / done if done else 0.6
            online_rate[i] = (latest.get("online") or 0) / latest["received"]
        else:
            base[i] = DEFAULT_YEARLY.get(levels[0], 500) * rng.lognormal(0, 0.8)
            late_rate[i] = rng.beta(1, 60)
            early_rate[i] = rng.beta(6, 3)
            online_rate[i] = rng.beta(2, 5)
        online_rate[i] = min(online_rate[i] * 1.2, 0.95) if has_online else 0.0
    yearly = np.maximum(np.rint(base * rng.uniform(1.02, 1.08, n)), 12).astype("int64")
    weights = SEASONALITY / SEASONALITY.sum()
    received = rng.multinomial(yearly, weights).ravel()
    rep = np.repeat(np.arange(n), 12)
    pending = rng.binomial(received, 0.015)
    resolved = received - pending
    late = rng.binomial(resolved, np.clip(late_rate[rep], 0, 1))
    early = rng.binomial(resolved - late, np.clip(early_rate[rep], 0, 1))
    on_time = resolved - late - early
    online = rng.binomial(received, online_rate[rep])
    codes = np.array([rec.get("code") or "" for rec in records], dtype=object)
    names = np.array([rec.get("name") or "" for rec in records], dtype=object)
    agencies = np.array([rec.get("agency") or "" for rec in records], dtype=object)
    levels = np.array(
        [LEVEL_LABELS.get((rec.get("levels") or [""])[0], "") for rec in records], dtype=object
    )
    if without_code:
        blank = rng.choice(n, size=min(without_code, n), replace=False)
        codes = codes.copy()
        codes[blank] = ""
    months = np.tile(np.array([f"{year}-{m:02d}" for m in range(1, 13)], dtype=object), n)
    h = FILE_HEADERS
    frame = pd.DataFrame(
        {
            h["code"]: codes[rep],
            h["name"]: names[rep],
            h["agency"]: agencies[rep],
            h["level"]: levels[rep],
            h["period"]: months,
            h["received"]: received,
            h["resolved_early"]: early,
            h["resolved_on_time"]: on_time,
            h["resolved_late"]: late,
            h["pending"]: pending,
            h["online"]: online,
        }
    )
    return _two_levels(frame, records, year)


def _two_levels(frame: pd.DataFrame, records: Sequence[dict[str, Any]], year: int) -> pd.DataFrame:
    """Drop the district rows of months from 07/2025: local government has two levels
    (province, commune) since 01/07/2025. ``frame`` has 12 monthly rows per record."""
    first_level = np.array([(rec.get("levels") or [""])[0] for rec in records], dtype=object)
    rep = np.repeat(np.arange(len(records)), 12)
    month_no = np.tile(np.arange(1, 13), len(records))
    gone = (first_level[rep] == "district") & ((year > 2025) | ((year == 2025) & (month_no >= 7)))
    return frame[~gone].reset_index(drop=True)


def write_stats_file(frame: pd.DataFrame, out: Path) -> Path:
    """Write a statistics table as CSV (UTF-8) or Excel, by the file's suffix."""
    from catalogue.sources.formats import neutralise_frame  # formats imports this module's kin

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    frame = neutralise_frame(frame)  # names come from imported records
    if out.suffix.lower() in EXCEL_SUFFIXES:
        frame.to_excel(out, index=False, sheet_name="Thống kê hồ sơ")
    else:
        frame.to_csv(out, index=False, encoding="utf-8")
    return out


def generate_stats_file(
    engine: Engine, out: Path, *, year: int = 2025, seed: int = 7, without_code: int = 0
) -> int:
    """Write a synthetic statistics file for the catalogue in ``engine``; returns its rows."""
    from catalogue.registry.store import load_records

    with engine.connect() as conn:
        records = [r for r in load_records(conn) if r.get("status") != "abolished"]
    frame = synthetic_stats(records, year=year, seed=seed, without_code=without_code)
    write_stats_file(frame, out)
    log.info("synthetic statistics: %d rows written to %s", len(frame), out)
    return len(frame)
