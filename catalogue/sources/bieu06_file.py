"""Biểu 06 (Thông tư 01/2020/TT-VPCP): the official one-stop results sheet and its CSV twin.

**The Excel sheet** is laid out as the form prints it: a banner naming the form, the
reporting period (``Kỳ báo cáo: từ ngày 15/12/2024 đến ngày 14/03/2025``) and the
reporting unit (``Đơn vị báo cáo: UBND tỉnh Bình An``); then two header rows and a row
numbering the columns; then one row per field or procedure and level::

    STT | Lĩnh vực, thủ tục | Mã TTHC | Cấp
    Số hồ sơ nhận giải quyết: Tổng số | Trực tuyến | Trực tiếp, dịch vụ bưu chính | Từ kỳ trước
    Số hồ sơ đã giải quyết: Tổng số | Trước hạn | Đúng hạn | Quá hạn
    Số hồ sơ đang giải quyết: Tổng số | Trong hạn | Quá hạn
    Số hồ sơ quá hạn có Phiếu xin lỗi và hẹn lại ngày trả kết quả (optional)

Columns are found by their headings (a merged group heading spans its sub-columns), so
a sheet with the code or the apology column left out still reads. Rows whose name is
``Tổng cộng`` / ``Tổng số`` are the form's own total and are checked, not stored;
rows without any count (section headings such as ``A. CẤP TỈNH``) are skipped.

**The project's CSV** has the same columns, one row per unit × period × row:
``don_vi, tu_ngay, den_ngay`` (or ``ky``), ``ma_tthc, ten, linh_vuc, cap``, then
:data:`CSV_HEADERS` for the counts (:data:`CSV_EXAMPLE`).

Both are read into text columns named as :data:`COUNTS` plus ``unit, start, end,
period, code, name, field, level, line`` and the header spellings, so that the import
(:mod:`catalogue.onestop.bieu06`) names each problem by row and column as written.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from catalogue.quality.textnorm import fold, fold_chars
from catalogue.sources.stats_file import EXCEL_SUFFIXES, StatsError

COUNTS = (
    "received",
    "online",
    "direct",
    "carried_over",
    "resolved",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "pending",
    "pending_on_time",
    "pending_overdue",
    "apologised",
)
OPTIONAL_COUNTS = ("apologised",)
# The form's headings, as printed (Vietnamese) — used by the export and the error messages.
GROUP_TITLES = {
    "received": "Số hồ sơ nhận giải quyết",
    "resolved": "Số hồ sơ đã giải quyết",
    "pending": "Số hồ sơ đang giải quyết",
    "apologised": "Số hồ sơ quá hạn có Phiếu xin lỗi và hẹn lại ngày trả kết quả",
}
TITLES = {
    "received": "Tổng số",
    "online": "Trực tuyến",
    "direct": "Trực tiếp, dịch vụ bưu chính",
    "carried_over": "Từ kỳ trước",
    "resolved": "Tổng số",
    "resolved_early": "Trước hạn",
    "resolved_on_time": "Đúng hạn",
    "resolved_late": "Quá hạn",
    "pending": "Tổng số",
    "pending_on_time": "Trong hạn",
    "pending_overdue": "Quá hạn",
    "apologised": "Phiếu xin lỗi",
}
LEFT_TITLES = {"no": "STT", "name": "Lĩnh vực, thủ tục", "code": "Mã TTHC", "level": "Cấp"}
CSV_HEADERS = {
    "unit": "don_vi",
    "start": "tu_ngay",
    "end": "den_ngay",
    "period": "ky",
    "code": "ma_tthc",
    "name": "ten",
    "field": "linh_vuc",
    "level": "cap",
    "received": "tiep_nhan",
    "online": "truc_tuyen",
    "direct": "truc_tiep_buu_chinh",
    "carried_over": "tu_ky_truoc",
    "resolved": "da_giai_quyet",
    "resolved_early": "truoc_han",
    "resolved_on_time": "dung_han",
    "resolved_late": "qua_han",
    "pending": "dang_giai_quyet",
    "pending_on_time": "trong_han",
    "pending_overdue": "dang_qua_han",
    "apologised": "phieu_xin_loi",
}
# A CSV with one of these headers is a Biểu 06 file (the simple format has none of them).
CSV_MARKERS = ("tu_ky_truoc", "truc_tiep_buu_chinh", "dang_qua_han", "da_giai_quyet")
CSV_EXAMPLE = (
    "don_vi,tu_ngay,den_ngay,ma_tthc,ten,linh_vuc,cap,tiep_nhan,truc_tuyen,"
    "truc_tiep_buu_chinh,tu_ky_truoc,da_giai_quyet,truoc_han,dung_han,qua_han,"
    "dang_giai_quyet,trong_han,dang_qua_han,phieu_xin_loi\n"
    "UBND xã An Bình,01/03/2026,31/03/2026,,Hộ tịch,Hộ tịch,Cấp xã,100,60,40,10,107,70,"
    "33,4,3,2,1,4\n"
)
TOTAL_NAMES = ("tong cong", "tong so", "cong", "tong")
HEADER_SEARCH_ROWS = 20
_DATES = re.compile(r"tu ngay\s*(\d{1,2}/\d{1,2}/\d{4})\s*den ngay\s*(\d{1,2}/\d{1,2}/\d{4})")
_UNIT = re.compile(r"^\s*don vi bao cao\s*:\s*(.+)$")


def parse_date(text: str) -> date | None:
    """``15/12/2024`` (or ``2024-12-15``) → a date; None when it is not one."""
    text = str(text or "").strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text[:10], fmt).date()
        except ValueError:
            continue
    return None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return f"{value:%d/%m/%Y}"
    return str(value).strip()


def is_bieu06_csv(headers: list[str]) -> bool:
    """Whether CSV headers are the Biểu 06 columns (rather than the simple format)."""
    folded = {fold(str(h)).replace(" ", "_") for h in headers}
    return any(marker in folded for marker in CSV_MARKERS)


def is_bieu06_sheet(rows: list[list[Any]]) -> bool:
    """Whether worksheet rows carry the Biểu 06 headings."""
    return _header_row(rows) is not None


def _header_row(rows: list[list[Any]]) -> int | None:
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if any(fold(_text(v)).startswith("so ho so nhan giai quyet") for v in row):
            return i
    return None


def _sheet_columns(group_row: list[Any], sub_row: list[Any]) -> dict[str, int]:
    """Canonical column → index, from the group headings (forward-filled) and sub-headings."""
    columns: dict[str, int] = {}
    group = ""
    width = max(len(group_row), len(sub_row))
    for i in range(width):
        top = fold(_text(group_row[i] if i < len(group_row) else ""))
        sub = fold(_text(sub_row[i] if i < len(sub_row) else ""))
        if top:
            group = top
        if top.startswith("stt"):
            columns["no"] = i
        elif top.startswith("ma") and "ho so" not in top:
            columns["code"] = i
        elif top.startswith("cap"):
            columns["level"] = i
        elif top.startswith(("linh vuc", "ten", "thu tuc")):
            columns["name"] = i
        elif "phieu xin loi" in top or "phieu xin loi" in sub:
            columns["apologised"] = i
        elif group.startswith("so ho so nhan giai quyet") or "nhan giai quyet" in group:
            key = _received_key(sub)
            if key:
                columns[key] = i
        elif "da giai quyet" in group:
            key = {"tong so": "resolved", "truoc han": "resolved_early"}.get(sub) or (
                "resolved_on_time" if sub.startswith("dung han") else None
            )
            key = key or ("resolved_late" if sub.startswith("qua han") else None)
            if key:
                columns[key] = i
        elif "dang giai quyet" in group:
            key = {"tong so": "pending"}.get(sub)
            key = key or ("pending_on_time" if sub.startswith("trong han") else None)
            key = key or ("pending_overdue" if sub.startswith("qua han") else None)
            if key:
                columns[key] = i
    return columns


def _received_key(sub: str) -> str | None:
    if sub.startswith("tong so"):
        return "received"
    if sub.startswith("truc tuyen"):
        return "online"
    if sub.startswith("truc tiep") or "buu chinh" in sub:
        return "direct"
    if "ky truoc" in sub:
        return "carried_over"
    return None


def _banner(rows: list[list[Any]], upto: int) -> tuple[date | None, date | None, str]:
    start = end = None
    unit = ""
    for row in rows[:upto]:
        for value in row:
            text = _text(value)
            folded = " ".join(fold_chars(text).split())
            found = _DATES.search(folded)
            if found and start is None:
                start, end = parse_date(found.group(1)), parse_date(found.group(2))
            named = _UNIT.match(folded)
            if named and not unit:
                unit = text.split(":", 1)[1].strip()
    return start, end, unit


def read_bieu06_sheet(
    rows: list[list[Any]], *, file: str, unit: str | None = None
) -> tuple[pd.DataFrame, dict[str, str], dict[str, Any]]:
    """Rows of a Biểu 06 worksheet → (frame, column titles, header facts).

    The header facts are ``unit``, ``start``, ``end`` (dates) and ``total`` (the form's own
    total row as text cells keyed like the frame, or None).
    """
    top = _header_row(rows)
    if top is None or top + 1 >= len(rows):
        raise StatsError(f"{file}: không thấy tiêu đề Biểu 06 (no Biểu 06 headings)")
    columns = _sheet_columns(rows[top], rows[top + 1])
    missing = [k for k in COUNTS if k not in columns and k not in OPTIONAL_COUNTS]
    if "name" not in columns:
        missing.insert(0, "name")
    if missing:
        wanted = ", ".join(_title(k) for k in missing)
        raise StatsError(f"{file}: thiếu cột {wanted} (missing columns)")
    start, end, banner_unit = _banner(rows, top)
    body_start = top + 2
    # The row numbering the columns ((1), (2), … or 1, 2, …) is not data.
    if body_start < len(rows) and _is_numbering(rows[body_start]):
        body_start += 1
    records, total = [], None
    for offset, row in enumerate(rows[body_start:]):
        cells = {k: _text(row[i]) if i < len(row) else "" for k, i in columns.items()}
        cells["line"] = body_start + offset + 1
        if not any(cells.get(k) for k in COUNTS):
            continue  # a section heading or an empty row
        if fold(cells["name"]).rstrip(":") in TOTAL_NAMES:
            total = cells
            continue
        records.append(cells)
    frame = pd.DataFrame(records, columns=[*columns, "line"]).fillna("")
    for key in ("code", "level", "apologised"):
        if key not in frame:
            frame[key] = ""
    frame["field"] = ""
    frame["unit"] = unit or banner_unit
    frame["start"] = f"{start:%d/%m/%Y}" if start else ""
    frame["end"] = f"{end:%d/%m/%Y}" if end else ""
    frame["period"] = ""
    titles = {k: _title(k) for k in (*COUNTS, *LEFT_TITLES)}
    titles.update(unit="Đơn vị báo cáo", start="Kỳ báo cáo", end="Kỳ báo cáo", period="Kỳ báo cáo")
    facts = {"unit": unit or banner_unit, "start": start, "end": end, "total": total}
    return frame, titles, facts


def _is_numbering(row: list[Any]) -> bool:
    texts = [_text(v).strip("()") for v in row if _text(v)]
    return bool(texts) and all(t.isdigit() for t in texts) and texts[:2] in (["1", "2"], ["1"])


def _title(key: str) -> str:
    if key in LEFT_TITLES:
        return LEFT_TITLES[key]
    group = {
        "received": "received",
        "online": "received",
        "direct": "received",
        "carried_over": "received",
        "pending_on_time": "pending",
        "pending_overdue": "pending",
        "pending": "pending",
        "apologised": "apologised",
    }.get(key, "resolved")
    if key == "apologised":
        return GROUP_TITLES["apologised"]
    return f"{GROUP_TITLES[group]}: {TITLES[key]}"


def read_bieu06_csv(raw: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """A Biểu 06 CSV (already read as text) → (frame, header spellings as written)."""
    lookup = {v: k for k, v in CSV_HEADERS.items()}
    names: dict[str, str] = {}
    for header in raw.columns:
        key = lookup.get(fold(str(header)).replace(" ", "_"))
        if key and key not in names:
            names[key] = str(header)
    missing = [
        CSV_HEADERS[k]
        for k in ("unit", *[c for c in COUNTS if c not in OPTIONAL_COUNTS])
        if k not in names
    ]
    if "period" not in names and not {"start", "end"} <= set(names):
        missing.append("ky (hoặc tu_ngay, den_ngay)")
    if "name" not in names and "field" not in names and "code" not in names:
        missing.append("ten (hoặc linh_vuc, ma_tthc)")
    if missing:
        raise StatsError(f"thiếu cột {', '.join(missing)} (missing columns)")
    frame = pd.DataFrame({k: raw[h].astype(str).str.strip() for k, h in names.items()})
    for key in CSV_HEADERS:
        if key not in frame:
            frame[key] = ""
    frame["line"] = range(2, 2 + len(frame))
    return frame.reset_index(drop=True), {k: names.get(k, v) for k, v in CSV_HEADERS.items()}


def read_bieu06_file(
    path: Path, *, sheet: str | None = None, unit: str | None = None
) -> tuple[pd.DataFrame, dict[str, str], dict[str, Any]]:
    """Read a Biểu 06 workbook or CSV: (frame, column names as written, header facts)."""
    path = Path(path)
    if path.suffix.lower() in EXCEL_SUFFIXES:
        from openpyxl import load_workbook

        try:
            book = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise StatsError(f"{path}: không đọc được tệp Excel (cannot read workbook)") from exc
        try:
            ws = book[sheet] if sheet else book.worksheets[0]
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
        except (KeyError, IndexError) as exc:
            raise StatsError(f"{path}: không có trang tính {sheet!r} (no such sheet)") from exc
        finally:
            book.close()
        return read_bieu06_sheet(rows, file=str(path), unit=unit)
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    try:
        frame, names = read_bieu06_csv(raw)
    except StatsError as exc:
        raise StatsError(f"{path}: {exc}") from exc
    if unit:
        frame["unit"] = unit
    return frame, names, {"unit": unit, "start": None, "end": None, "total": None}


def sniff_bieu06(path: Path, *, sheet: str | None = None) -> bool:
    """Whether a statistics file is in the Biểu 06 layout (either form)."""
    path = Path(path)
    if not path.exists():
        return False
    if path.suffix.lower() in EXCEL_SUFFIXES:
        from openpyxl import load_workbook

        try:
            book = load_workbook(path, read_only=True, data_only=True)
        except Exception:  # not readable here: the simple reader reports it
            return False
        try:
            ws = book[sheet] if sheet and sheet in book.sheetnames else book.worksheets[0]
            rows = [list(r) for r in ws.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True)]
        finally:
            book.close()
        return is_bieu06_sheet(rows)
    try:
        with path.open(encoding="utf-8-sig") as fh:
            first = fh.readline(100_000)
    except (OSError, UnicodeDecodeError):
        return False
    return is_bieu06_csv(first.strip().split(","))
