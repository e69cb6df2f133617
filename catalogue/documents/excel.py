"""The one print setup of every Excel workbook the tool files (the Excel half of the layer).

A sheet made by :func:`table_sheet` has, from the top: the title block (first line bold
14 pt, the others bold or italic, each merged across the table and centred), one blank
row, the header row (bold, centred, wrapped, grey), then the rows. Every table cell has a
thin border and wrapped text; numbers keep their type with the format ``#,##0`` (Excel
displays the separators of the reader's locale: ``1.234.567`` in Vietnamese) or ``0.00``
for rates. For printing: A4 landscape, fitted to one page wide, the header row repeated
on every page and frozen on screen, page numbers in the footer.

Text cells that a spreadsheet would run as a formula are neutralised
(:func:`catalogue.sources.formats.neutralise`); a text cell is always stored as text.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from catalogue.documents.parts import GroupRow
from catalogue.sources.formats import neutralise

MONEY = "#,##0"
RATE = "0.00"
DATE = "dd/mm/yyyy"


@dataclass(frozen=True)
class XlColumn:
    """A sheet column: header, width in characters, number format, horizontal alignment."""

    header: str
    width: float
    number_format: str | None = None
    align: str = "left"  # left | center | right


def new_workbook():
    """An empty workbook (no default sheet)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    return wb


def workbook_bytes(wb) -> bytes:
    """The workbook as .xlsx bytes."""
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _value(value: Any) -> Any:
    return neutralise(value) if isinstance(value, str) else value


def table_sheet(
    wb,
    name: str,
    *,
    title: Sequence[str],
    columns: Sequence[XlColumn],
    rows: Iterable[Sequence[Any] | GroupRow],
    totals: Sequence[Any] | None = None,
    bold_lines: int = 1,
):
    """A sheet holding one table with the shared title block and print setup.

    ``title`` lines go above the table (the first 14 pt; the first ``bold_lines`` bold, the
    others italic). ``rows`` are value sequences (numbers stay numbers) or
    :class:`~catalogue.documents.layout.GroupRow` spanning the table; ``totals`` is a bold
    last row. Returns the worksheet; its header row is ``len(title) + 2``.
    """
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(name[:31])
    ncols = len(columns)
    last = get_column_letter(ncols)
    for i, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = column.width
    for r, line in enumerate(title, start=1):
        cell = ws.cell(row=r, column=1, value=_value(line))
        cell.data_type = "s"
        cell.font = Font(bold=r <= bold_lines, italic=r > bold_lines, size=14 if r == 1 else 12)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.merge_cells(f"A{r}:{last}{r}")
    header_row = len(title) + 2
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for i, column in enumerate(columns, start=1):
        cell = ws.cell(row=header_row, column=i, value=column.header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
    r = header_row
    body = list(rows) + ([totals] if totals is not None else [])
    for n, values in enumerate(body):
        r += 1
        is_total = totals is not None and n == len(body) - 1
        if isinstance(values, GroupRow):
            cell = ws.cell(row=r, column=1, value=_value(values.text))
            cell.data_type = "s"
            cell.font = Font(bold=values.bold, italic=values.italic)
            ws.merge_cells(f"A{r}:{last}{r}")
            for i in range(1, ncols + 1):
                ws.cell(row=r, column=i).border = border
            continue
        for i, (column, value) in enumerate(zip(columns, values, strict=True), start=1):
            cell = ws.cell(row=r, column=i, value=_value(value))
            if isinstance(value, str):
                cell.data_type = "s"
            elif column.number_format:
                cell.number_format = column.number_format
            cell.alignment = Alignment(horizontal=column.align, vertical="top", wrap_text=True)
            cell.border = border
            if is_total:
                cell.font = Font(bold=True)
    _print_setup(ws, header_row=header_row, last_column=last)
    return ws


def _print_setup(ws, *, header_row: int, last_column: str) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages tall as needed
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.freeze_panes = f"A{header_row + 1}"
    ws.oddFooter.center.text = "Trang &P/&N"
    ws.print_area = f"A1:{last_column}{max(ws.max_row, header_row)}"
