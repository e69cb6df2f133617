"""The phương án đơn giản hóa thủ tục hành chính (stage 3; the annex of the Quyết định thông
qua, stage 4), in Word, and its table in Excel.

Word (PROCESS.md §4): the title, then grouped by field ("I. Lĩnh vực …"), one block per
procedure simplified ("1. Thủ tục … (mã …)"):

- a) Nội dung đơn giản hóa: each change with its Lý do;
- b) Kiến nghị thực thi: the legal change (which article of which legal document) and
  the body whose document it is;
- c) Lợi ích phương án đơn giản hóa: chi phí tuân thủ before and after (đồng/năm), chi
  phí tiết kiệm, tỷ lệ cắt giảm, and the processing time before and after with its cut.

Proposals that keep a procedure are not simplifications: they appear only in the summary
table (landscape, after the blocks), which lists every row of the plan with totals.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, select

from analysis.formatting import format_number
from analysis.rates import cut_rate, saving
from catalogue.documents import excel as X
from catalogue.documents import layout as L
from catalogue.documents.exports import (
    PLAN_HEADERS,
    PlanRow,
    PlanTable,
    plan_row_text,
    plan_row_values,
    plan_table,
    plan_total_values,
)
from catalogue.documents.words import ROMAN_NUMERALS, change_text
from catalogue.registry.models import Agency, Procedure

SUMMARY_WEIGHTS = (8, 17, 24, 18, 14, 24, 24, 24, 23, 23, 23, 12, 0)  # mm; 0: not shown
PLAN_XL_WIDTHS = (5, 11, 28, 18, 12, 30, 26, 26, 15, 15, 15, 9, 11)
PLAN_XL_FORMATS = {8: X.MONEY, 9: X.MONEY, 10: X.MONEY, 11: X.RATE}


def _money(value: int | None) -> str:
    return "chưa tính" if value is None else f"{format_number(value)} đồng/năm"


def _days(value: float | None) -> str:
    return (
        "không quy định"
        if value is None
        else f"{format_number(value, 2, strip=True)} ngày làm việc"
    )


def _reasons(row: PlanRow) -> list[tuple[str, str]]:
    """(content, reason) of each change; the proposal's own text when it has no changes."""
    pairs = [(change_text(c), (c.get("reason") or "").strip()) for c in row.changes]
    if row.own_content or not pairs:
        pairs.insert(0, (row.own_content or row.content or row.action, row.reason))
    return pairs


def procedure_title(name: str) -> str:
    """``Thủ tục …`` once, whether or not the catalogue's name already starts with it.

    >>> procedure_title("Đăng ký khai sinh"), procedure_title("Thủ tục đăng ký kết hôn")
    ('Thủ tục Đăng ký khai sinh', 'Thủ tục đăng ký kết hôn')
    """
    return name if name.lower().startswith("thủ tục") else f"Thủ tục {name}"


def _block(doc, n: int, row: PlanRow, issuer: str | None) -> None:
    code = f" (mã {row.code})" if row.code else ""
    L.heading_paragraph(doc, f"{n}. {procedure_title(row.name)}{code}")
    L.body(doc, "a) Nội dung đơn giản hóa:")
    for content, reason in _reasons(row):
        L.body(doc, f"- {L.with_end(content, ';')}")
        if reason:
            L.body(doc, f"Lý do: {L.with_end(reason, '.')}", italic=True)
    L.body(doc, "b) Kiến nghị thực thi:")
    legal = row.legal_change or "Không cần sửa đổi văn bản quy phạm pháp luật"
    L.body(doc, f"- {L.with_end(legal, ';')}")
    if issuer:
        L.body(doc, f"- Cơ quan có thẩm quyền sửa đổi, bổ sung: {issuer}.")
    L.body(doc, "c) Lợi ích phương án đơn giản hóa:")
    lines = [
        f"- Chi phí tuân thủ thủ tục hành chính trước khi đơn giản hóa: {_money(row.cost_before)};",
        f"- Chi phí tuân thủ thủ tục hành chính sau khi đơn giản hóa: {_money(row.cost_after)};",
        f"- Chi phí tiết kiệm: {_money(row.savings)};",
        f"- Tỷ lệ cắt giảm chi phí: {format_number(row.cut_rate or 0, 2)} %;",
    ]
    before, after = row.deadline_before, row.deadline_after
    time_line = f"- Thời hạn giải quyết trước: {_days(before)}; sau: {_days(after)}"
    if before and after is not None:
        time_line += (
            f"; tỷ lệ cắt giảm: {format_number(cut_rate(saving(before, after), before), 2)} %"
        )
    L.items(doc, [*lines, time_line + "."])


def _issuers(session: Session, rows: Sequence[PlanRow]) -> dict[str, str]:
    """Code → the body that issues the procedure's rules (for b) Kiến nghị thực thi)."""
    agencies = {a.id: a.name for a in session.exec(select(Agency))}
    out = {}
    for proc in session.exec(select(Procedure).where(Procedure.code.in_([r.code for r in rows]))):
        if proc.issuing_agency_id in agencies:
            out[proc.code] = agencies[proc.issuing_agency_id]
    return out


def plan_body(doc, session: Session, table: PlanTable) -> None:
    """The a) / b) / c) blocks grouped by field (for the standalone phương án and for the
    annex of a Quyết định thông qua)."""
    simplified = [r for r in table.rows if r.proposal_action != "keep"]
    issuers = _issuers(session, simplified)
    fields: dict[str, list[PlanRow]] = {}
    for row in simplified:
        fields.setdefault(row.field or "khác", []).append(row)
    n = 0
    for m, (field, rows) in enumerate(sorted(fields.items())):
        L.heading_paragraph(doc, f"{ROMAN_NUMERALS[m]}. LĨNH VỰC {field.upper()}")
        for row in rows:
            n += 1
            _block(doc, n, row, issuers.get(row.code))


def summary_table(doc, table: PlanTable) -> None:
    """Every row of the plan with totals, as in the CSV (Vietnamese number formats), less
    the status column (a filed phương án is read after the decisions); widths let a code
    and an amount of 14 characters stay on one line at 9 pt."""
    shown = [i for i, w in enumerate(SUMMARY_WEIGHTS) if w]
    columns = [
        L.Column(PLAN_HEADERS[i], SUMMARY_WEIGHTS[i],
                 "right" if 8 <= i <= 11 else ("center" if i == 0 else "left"))
        for i in shown
    ]  # fmt: skip
    rows: list[Any] = [plan_row_text(plan_row_values(r)) for r in table.rows]
    rows.append(plan_row_text(plan_total_values(table)))
    L.table(doc, columns, [[row[i] for i in shown] for row in rows], size=9)


def plan_docx(*, session: Session, actor: str, plan_id: int) -> bytes:
    """The simplification plan in Word: the a) / b) / c) blocks by field, then the summary
    table in a landscape section."""
    table = plan_table(session=session, actor=actor, plan_id=plan_id)
    plan = table.plan
    doc = L.new_document(title=f"Phương án đơn giản hóa: {plan.name}")
    subtitle = [plan.name if str(plan.year) in plan.name else f"{plan.name} (năm {plan.year})"]
    L.annex_heading(doc, "Phương án đơn giản hóa thủ tục hành chính", subtitle,
                    f"Phạm vi: {plan.agency_scope}" if plan.agency_scope else None)  # fmt: skip
    plan_body(doc, session, table)
    L.annex_section(doc)
    L.heading_paragraph(doc, "BẢNG TỔNG HỢP PHƯƠNG ÁN ĐƠN GIẢN HÓA")
    summary_table(doc, table)
    return L.to_bytes(doc)


def plan_xlsx(*, session: Session, actor: str, plan_id: int) -> bytes:
    """The simplification plan as one Excel sheet with a totals row (shared print setup)."""
    table = plan_table(session=session, actor=actor, plan_id=plan_id)
    columns = [
        X.XlColumn(h, w, PLAN_XL_FORMATS.get(i), "right" if i in PLAN_XL_FORMATS else "left")
        for i, (h, w) in enumerate(zip(PLAN_HEADERS, PLAN_XL_WIDTHS, strict=True))
    ]
    scope = f"; {table.plan.agency_scope}" if table.plan.agency_scope else ""
    wb = X.new_workbook()
    X.table_sheet(
        wb,
        "Phương án",
        title=[f"PHƯƠNG ÁN ĐƠN GIẢN HÓA THỦ TỤC HÀNH CHÍNH: {table.plan.name}",
               f"Năm {table.plan.year}{scope}"],
        columns=columns,
        rows=[plan_row_values(r) for r in table.rows],
        totals=plan_total_values(table),
    )  # fmt: skip
    return X.workbook_bytes(wb)
