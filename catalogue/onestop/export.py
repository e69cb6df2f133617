"""The Biểu 06 export (bieu-06.xlsx): one period's one-stop results in the official layout.

The sheet is the form as :mod:`catalogue.sources.bieu06_file` reads it (so an exported
report imports again unchanged): a banner with the form's name, the reporting period and
unit; two heading rows and the row numbering the columns; rows grouped by level
(``A. CẤP TỈNH``, ``B. CẤP XÃ`` …), one per field within a level; the ``Tổng cộng`` row.
A count the data does not give (a carry-over from the simple statistics format) is left
blank, never guessed. Print setup: A4 landscape, fitted to the page width, the three
heading rows repeated on every page, page numbers, Times New Roman.

The workbook and its print setup come from the document layer
(:mod:`catalogue.documents.excel`); the form's own heading rows are drawn here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy.engine import Engine

from analysis.vocab import LEVEL_CODES
from catalogue.onestop.frames import ALL_COUNTS, period_frame
from catalogue.onestop.periods import Period
from catalogue.quality.textnorm import fold
from catalogue.sources.bieu06_file import COUNTS, GROUP_TITLES, LEFT_TITLES, TITLES
from catalogue.sources.formats import neutralise

FORM_NAME = "Biểu số 06a/VPCP/KSTT"
FORM_TITLE = "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
BASIS = (
    "(Thông tư số 01/2020/TT-VPCP; cơ chế một cửa, một cửa liên thông theo Nghị định số "
    "118/2025/NĐ-CP và Thông tư số 03/2025/TT-VPCP)"
)
LEVEL_HEADINGS = {
    "ministry": "CẤP BỘ",
    "province": "CẤP TỈNH",
    "district": "CẤP HUYỆN",
    "commune": "CẤP XÃ",
    "other": "CƠ QUAN KHÁC",
}
LEVEL_LABELS = {
    "ministry": "Cấp bộ",
    "province": "Cấp tỉnh",
    "district": "Cấp huyện",
    "commune": "Cấp xã",
    "other": "Khác",
}
WIDTHS = (6, 34, 12, 10, *([10] * 12))
HEADING_ROW = 7  # the first heading row (after the banner)


def form_rows(frame: pd.DataFrame) -> list[tuple[str, str, dict[str, Any]]]:
    """(level, field, counts) per level and field of a period's rows, in the form's order."""
    if frame.empty:
        return []
    data = frame.copy()
    data["level"] = data["level"].fillna("other")
    data["field"] = data["field"].fillna("").replace("", "(chưa rõ lĩnh vực)")
    present = [c for c in ALL_COUNTS if c in data]
    sums = data.groupby(["level", "field"], dropna=False)[present].sum(min_count=1)
    out = []
    for (level, field_name), row in sums.iterrows():
        counts = {c: (None if pd.isna(row[c]) else int(row[c])) for c in present}
        counts["direct"] = _direct(counts)
        parts = [counts.get(k) for k in ("resolved_early", "resolved_on_time", "resolved_late")]
        early, on_time, late = parts
        counts["resolved"] = None if None in (early, on_time, late) else early + on_time + late
        out.append((level, field_name, counts))
    rank = {lv: i for i, lv in enumerate(LEVEL_CODES)}
    # Vietnamese order: compared without accents (Đ after X by code point otherwise).
    return sorted(out, key=lambda item: (rank.get(item[0], 99), fold(item[1]), item[1]))


def _direct(counts: dict[str, Any]) -> int | None:
    if counts.get("direct") is not None:
        return counts["direct"]
    received, online = counts.get("received"), counts.get("online")
    return None if received is None or online is None else received - online


def bieu06_xlsx(frame: pd.DataFrame, period: Period, *, unit: str) -> bytes:
    """The workbook bytes of one period's Biểu 06 for ``unit``."""
    from catalogue.documents.excel import new_workbook, workbook_bytes

    book = new_workbook()
    ws = book.create_sheet("Biểu 06")
    _banner(ws, period, unit)
    _headings(ws)
    last_row = _body(ws, frame)
    _style(ws, last_row)
    _print_setup(ws, last_row)
    return workbook_bytes(book)


def _fonts():
    from openpyxl.styles import Font

    return Font(name="Times New Roman", size=11), Font(name="Times New Roman", size=11, bold=True)


def _banner(ws, period: Period, unit: str) -> None:
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    font, bold = _fonts()
    last_col = get_column_letter(len(WIDTHS))
    banner = [
        FORM_NAME,
        FORM_TITLE,
        f"Kỳ báo cáo: từ ngày {period.start:%d/%m/%Y} đến ngày {period.end:%d/%m/%Y}",
        f"Đơn vị báo cáo: {unit}",
        "Đơn vị tính: hồ sơ",
        BASIS,
    ]
    for i, text in enumerate(banner, start=1):
        cell = ws.cell(row=i, column=1, value=neutralise(text))
        cell.data_type = "s"
        cell.font = bold if i <= 2 else font
        ws.merge_cells(f"A{i}:{last_col}{i}")
        cell.alignment = Alignment(horizontal="center" if i == 2 else "left")


def _headings(ws) -> None:
    """The two heading rows (groups merged over their columns) and the column numbers."""
    top, sub = HEADING_ROW, HEADING_ROW + 1
    for col, key in enumerate(("no", "name", "code", "level"), start=1):
        ws.cell(row=top, column=col, value=LEFT_TITLES[key])
        ws.merge_cells(start_row=top, start_column=col, end_row=sub, end_column=col)
    for key, first, last in (("received", 5, 8), ("resolved", 9, 12), ("pending", 13, 15)):
        ws.cell(row=top, column=first, value=GROUP_TITLES[key])
        ws.merge_cells(start_row=top, start_column=first, end_row=top, end_column=last)
    ws.cell(row=top, column=16, value=GROUP_TITLES["apologised"])
    for offset, key in enumerate(COUNTS[:-1]):
        ws.cell(row=sub, column=5 + offset, value=TITLES[key])
    ws.merge_cells(start_row=top, start_column=16, end_row=sub, end_column=16)
    for col in range(1, len(WIDTHS) + 1):
        ws.cell(row=sub + 1, column=col, value=f"({col})")


def _body(ws, frame: pd.DataFrame) -> int:
    """Level headings, one row per field, the total row; returns the total row's number."""
    _, bold = _fonts()
    row_no, number, current, seen = HEADING_ROW + 3, 0, None, 0
    totals: dict[str, int | None] = dict.fromkeys(COUNTS, 0)
    for level, field_name, counts in form_rows(frame):
        if level != current:
            current, heading, seen = level, "ABCDEFGH"[seen], seen + 1
            cell = ws.cell(row=row_no, column=2, value=f"{heading}. {LEVEL_HEADINGS.get(level)}")
            cell.font = bold
            row_no += 1
        number += 1
        values = [number, neutralise(field_name), None, LEVEL_LABELS.get(level, level)]
        values += [counts.get(k) for k in COUNTS]
        for col, value in enumerate(values, start=1):
            ws.cell(row=row_no, column=col, value=value)
        for k in COUNTS:
            value = counts.get(k)
            totals[k] = None if value is None or totals[k] is None else totals[k] + value
        row_no += 1
    ws.cell(row=row_no, column=2, value="Tổng cộng").font = bold
    for offset, key in enumerate(COUNTS):
        ws.cell(row=row_no, column=5 + offset, value=totals[key] if number else None).font = bold
    return row_no


def _style(ws, last_row: int) -> None:
    from openpyxl.styles import Alignment, Border, Side
    from openpyxl.utils import get_column_letter

    from catalogue.documents.excel import MONEY

    font, bold = _fonts()
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    numbers = HEADING_ROW + 2
    for row in ws.iter_rows(min_row=HEADING_ROW, max_row=last_row, max_col=len(WIDTHS)):
        for cell in row:
            cell.border = box
            if cell.row < numbers:
                cell.alignment, cell.font = centre, bold
            elif cell.row == numbers:
                cell.alignment, cell.font = centre, font
            else:
                cell.font = bold if cell.font.b or cell.row == last_row else font
                if cell.column >= 5:
                    cell.number_format = MONEY
    for col, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width


def _print_setup(ws, last_row: int) -> None:
    """The shared print setup of the document layer, with the form's three heading rows."""
    from openpyxl.utils import get_column_letter

    from catalogue.documents import excel

    # Private to the layer, but the one definition of A4 landscape, fit to width, footer.
    excel._print_setup(ws, header_row=HEADING_ROW, last_column=get_column_letter(len(WIDTHS)))
    ws.print_title_rows = f"{HEADING_ROW}:{HEADING_ROW + 2}"
    ws.freeze_panes = ws.cell(row=HEADING_ROW + 3, column=3)
    ws.print_area = f"A1:{get_column_letter(len(WIDTHS))}{last_row}"


def export_bieu06(
    engine: Engine,
    *,
    period: str | Period | None = None,
    year: int | None = None,
    unit: str | None = None,
    out: Path | None = None,
    unit_name: str | None = None,
) -> tuple[bytes, Period | None]:
    """The Biểu 06 of one period (default: the latest year held), optionally of one unit.

    ``unit`` keeps the rows of that reporting unit (or agency) only; ``unit_name`` is the
    name printed as the reporting unit (default: ``unit``, else "Tổng hợp các đơn vị").
    Writes ``out`` when given. Returns the bytes and the period.
    """
    frame, target = period_frame(engine, period=period, year=year)
    if target is None:
        raise ValueError("Chưa có số liệu một cửa (no one-stop figures held)")
    if unit:
        frame = frame[frame["agency"] == unit]
    data = bieu06_xlsx(frame, target, unit=unit_name or unit or "Tổng hợp các đơn vị")
    if out is not None:
        Path(out).write_bytes(data)
    return data, target
