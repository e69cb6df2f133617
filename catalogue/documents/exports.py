"""Exports in the layouts officials use: a decision's list and the simplification plan.

- Decision (Quyết định công bố): the list (Phụ lục, Phần I: danh mục TTHC in sections
  1. mới ban hành, 2. sửa đổi, bổ sung, 3. thay thế, 4. bãi bỏ; columns STT, Mã TTHC,
  Tên TTHC, Lĩnh vực, Cơ quan thực hiện, Căn cứ pháp lý, Ghi chú) as Excel and CSV, and
  a Word draft of the whole decision (heading, articles Điều 1–3, signature, annex).
- Simplification plan (phương án đơn giản hóa): per procedure the content simplified,
  reason, legal change needed and benefit (CPTT trước, CPTT sau, chi phí tiết kiệm
  đồng/năm, tỷ lệ cắt giảm %), with totals, as Excel, Word and CSV.

Word and CSV write numbers and dates the Vietnamese way (1.234.567; 66,67; 31/12/2026);
Excel keeps numbers and dates as typed cells with Vietnamese-style display formats so
that analysts can compute with them. Text cells that a spreadsheet would run as a
formula (starting with ``=``, ``+``, ``-``, ``@``) are neutralised in Excel and CSV.
Every export reads from the database only (decision items are the frozen snapshot).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, select

from analysis.formatting import format_date, format_number
from analysis.rates import cut_rate
from catalogue.cycle import SECTIONS
from catalogue.registry.auth import require
from catalogue.registry.errors import NotFound, ServiceError
from catalogue.registry.models import Agency, Decision, DecisionItem, Plan, Procedure, Proposal
from catalogue.sources.formats import neutralise

DECISION_HEADERS = (
    "STT",
    "Mã TTHC",
    "Tên TTHC",
    "Lĩnh vực",
    "Cơ quan thực hiện",
    "Căn cứ pháp lý",
    "Ghi chú",
)
PLAN_HEADERS = (
    "STT",
    "Mã TTHC",
    "Tên TTHC",
    "Cơ quan thực hiện",
    "Hình thức",
    "Nội dung đơn giản hóa",
    "Lý do",
    "Kiến nghị thực thi",
    "CPTT trước (đồng/năm)",
    "CPTT sau (đồng/năm)",
    "Chi phí tiết kiệm (đồng/năm)",
    "Tỷ lệ cắt giảm (%)",
    "Trạng thái",
)
TOTAL_LABEL = "Tổng cộng"
DEFAULT_AUTHORITY = "ỦY BAN NHÂN DÂN TỈNH ……"
EXPORT_FORMATS = ("xlsx", "docx", "csv")

ACTION_LABELS = {
    "keep": "Giữ nguyên",
    "amend": "Sửa đổi, bổ sung",
    "replace": "Thay thế",
    "abolish": "Bãi bỏ",
    "new": "Ban hành mới",
}
STATUS_LABELS = {
    "draft": "Dự thảo",
    "submitted": "Đã trình",
    "approved": "Chấp thuận",
    "rejected": "Không chấp thuận",
    "returned": "Trả lại",
    "withdrawn": "Đã rút",
}
CHANGE_LABELS = {
    "remove_document": "Bỏ thành phần hồ sơ",
    "replace_document_with_lookup": "Thay giấy tờ bằng khai thác cơ sở dữ liệu",
    "set_deadline": "Rút ngắn thời hạn giải quyết",
    "set_frequency": "Giảm tần suất thực hiện",
    "set_population": "Điều chỉnh số đối tượng",
    "set_channels": "Điều chỉnh cách thức thực hiện",
    "set_fee": "Điều chỉnh phí, lệ phí",
    "remove_fee": "Bãi bỏ phí, lệ phí",
    "set_activity": "Điều chỉnh công việc thực hiện",
    "remove_activity": "Bỏ bước thực hiện",
    "add_activity": "Bổ sung bước thực hiện",
}
SECTION_NUMBERS = {key: f"{n}." for n, key in enumerate(SECTIONS, start=1)}


# --------------------------------------------------------------------------- formats


def vn_number(value: Any, decimals: int = 0) -> str:
    """A number in Vietnamese style: dots between thousands, comma before decimals.

    >>> vn_number(1234567), vn_number(66.666, 2), vn_number(None)
    ('1.234.567', '66,67', '')
    """
    return "" if value is None else format_number(value, decimals)


def vn_date(day: date | None) -> str:
    """``31/12/2026``.

    >>> vn_date(date(2026, 12, 31))
    '31/12/2026'
    """
    return "" if day is None else format_date(day)


def vn_long_date(day: date) -> str:
    """``ngày 31 tháng 12 năm 2026`` (as written under a decision's heading)."""
    return f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class DecisionList:
    """A decision and its items grouped by section (every section present, maybe empty)."""

    decision: Decision
    amends: Decision | None
    sections: dict[str, list[DecisionItem]]

    @property
    def count(self) -> int:
        """Number of procedures listed."""
        return sum(len(items) for items in self.sections.values())


def decision_list(*, session: Session, actor: str, decision_id: int) -> DecisionList:
    """The frozen list of a published decision, section by section, in STT order."""
    require(session=session, actor=actor, action="export")
    decision = session.get(Decision, decision_id)
    if decision is None:
        raise NotFound(f"Không tìm thấy quyết định #{decision_id} (no such decision)")
    items = session.exec(
        select(DecisionItem)
        .where(DecisionItem.decision_id == decision_id)
        .order_by(DecisionItem.position, DecisionItem.id)
    )
    sections: dict[str, list[DecisionItem]] = {key: [] for key in SECTIONS}
    for item in items:
        sections[item.section].append(item)
    amends = (
        session.get(Decision, decision.amends_decision_id) if decision.amends_decision_id else None
    )
    return DecisionList(decision, amends, sections)


def decision_item_row(item: DecisionItem) -> list[Any]:
    """One item as the list's columns (STT … Ghi chú)."""
    return [
        item.position,
        item.code or "",
        item.name,
        item.field or "",
        item.agency or "",
        item.legal_basis or "",
        item.note or "",
    ]


@dataclass(frozen=True)
class PlanRow:
    """One procedure of the simplification plan with its figures (đồng/năm, %)."""

    position: int
    code: str
    name: str
    agency: str
    action: str
    content: str
    reason: str
    legal_change: str
    cost_before: int | None
    cost_after: int | None
    savings: int | None
    cut_rate: float | None
    status: str


@dataclass(frozen=True)
class PlanTable:
    """The plan's rows and totals (cut rate of the totals = savings ÷ cost before)."""

    plan: Plan
    rows: list[PlanRow]
    cost_before: int
    cost_after: int
    savings: int
    cut_rate: float


def _option_text(option: dict[str, Any], key: str) -> str:
    values = [str(c.get(key)) for c in option.get("changes") or [] if c.get(key)]
    return "; ".join(dict.fromkeys(values))


def _change_summary(option: dict[str, Any]) -> str:
    parts = []
    for change in option.get("changes") or []:
        label = CHANGE_LABELS.get(change.get("type"), str(change.get("type")))
        detail = change.get("document") or change.get("name") or change.get("days")
        if detail is None:
            detail = change.get("value")
        parts.append(f"{label}: {detail}" if detail is not None else label)
    return "; ".join(parts)


def plan_table(*, session: Session, actor: str, plan_id: int) -> PlanTable:
    """The plan's proposals as export rows: the approved ones once the plan is approved,
    every proposal not withdrawn before that."""
    require(session=session, actor=actor, action="export")
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound(f"Không tìm thấy phương án #{plan_id} (no such plan)")
    query = select(Proposal).where(Proposal.plan_id == plan_id)
    if plan.status in ("approved", "published"):
        query = query.where(Proposal.status == "approved")
    else:
        query = query.where(Proposal.status != "withdrawn")
    proposals = list(session.exec(query))
    procs = {
        p.id: p
        for p in session.exec(
            select(Procedure).where(Procedure.id.in_([p.procedure_id for p in proposals] or [0]))
        )
    }
    agencies = {a.id: a.name for a in session.exec(select(Agency))}
    proposals.sort(key=lambda p: (procs[p.procedure_id].code or "", procs[p.procedure_id].name))
    rows = []
    for n, p in enumerate(proposals, start=1):
        proc = procs[p.procedure_id]
        option = p.option or {}
        content = p.content or _change_summary(option) or ACTION_LABELS.get(p.action, p.action)
        rows.append(
            PlanRow(
                position=n,
                code=proc.code or "",
                name=proc.name,
                agency=agencies.get(proc.agency_id) or proc.competent_agency or "",
                action=ACTION_LABELS.get(p.action, p.action),
                content=content,
                reason=p.reason or _option_text(option, "reason"),
                legal_change=p.legal_change or _option_text(option, "legal_change"),
                cost_before=p.cost_before,
                cost_after=p.cost_after,
                savings=p.savings,
                cut_rate=p.cut_rate,
                status=STATUS_LABELS.get(p.status, p.status),
            )
        )
    before = sum(r.cost_before or 0 for r in rows)
    after = sum(r.cost_after or 0 for r in rows)
    savings = sum(r.savings or 0 for r in rows)
    return PlanTable(plan, rows, before, after, savings, float(cut_rate(savings, before)))


def plan_row_values(row: PlanRow) -> list[Any]:
    """One plan row as typed values (numbers stay numbers), in :data:`PLAN_HEADERS` order."""
    return [
        row.position,
        row.code,
        row.name,
        row.agency,
        row.action,
        row.content,
        row.reason,
        row.legal_change,
        row.cost_before,
        row.cost_after,
        row.savings,
        row.cut_rate,
        row.status,
    ]


def plan_row_text(values: list[Any]) -> list[str]:
    """Plan values as Vietnamese text (1.234.567; 66,67), for Word and CSV."""
    out = []
    for i, value in enumerate(values):
        if i == 11:
            out.append(vn_number(value, 2))
        elif isinstance(value, int | float) and i >= 8:
            out.append(vn_number(value))
        else:
            out.append("" if value is None else str(value))
    return out


def plan_total_values(table: PlanTable) -> list[Any]:
    """The totals row, in :data:`PLAN_HEADERS` order."""
    blank = [""] * 7
    return [
        TOTAL_LABEL,
        *blank,
        table.cost_before,
        table.cost_after,
        table.savings,
        table.cut_rate,
        "",
    ]


# --------------------------------------------------------------------------- Excel


def _sheet_cell(ws, value: Any, number_format: str | None = None):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=neutralise(value) if isinstance(value, str) else value)
    if isinstance(value, str):
        cell.data_type = "s"
    if number_format:
        cell.number_format = number_format
    return cell


def _bold(ws, value: Any, number_format: str | None = None):
    from openpyxl.styles import Font

    cell = _sheet_cell(ws, value, number_format)
    cell.font = Font(bold=True)
    return cell


def _titled_sheet(wb, name: str, *, widths, title: str, subtitle: str, headers):
    """A write-only sheet: column widths, a bold title, a subtitle, a blank row, a bold
    header (the official layouts' heading)."""
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(name)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.append([_bold(ws, title)])
    ws.append([_sheet_cell(ws, subtitle)])
    ws.append([])
    ws.append([_bold(ws, h) for h in headers])
    return ws


def _workbook_bytes(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def decision_xlsx(*, session: Session, actor: str, decision_id: int) -> bytes:
    """The decision's list as one Excel sheet: title, header, then section rows and items.

    Layout: row 1 title, row 2 "(Kèm theo Quyết định số … ngày …)", row 4 the header;
    each section starts with a row whose first cell is ``1. Danh mục …`` and its items
    follow with STT from 1.
    """
    from openpyxl import Workbook

    data = decision_list(session=session, actor=actor, decision_id=decision_id)
    d = data.decision
    wb = Workbook(write_only=True)
    ws = _titled_sheet(
        wb,
        "Danh mục TTHC",
        widths=(6, 14, 50, 18, 28, 40, 30),
        title="DANH MỤC THỦ TỤC HÀNH CHÍNH",
        subtitle=f"(Kèm theo Quyết định số {d.number} ngày {vn_date(d.signed_on)})",
        headers=DECISION_HEADERS,
    )
    for key, title_text in SECTIONS.items():
        ws.append([_bold(ws, f"{SECTION_NUMBERS[key]} {title_text}")])
        for item in data.sections[key]:
            ws.append([_sheet_cell(ws, v) for v in decision_item_row(item)])
    return _workbook_bytes(wb)


def plan_xlsx(*, session: Session, actor: str, plan_id: int) -> bytes:
    """The simplification plan as one Excel sheet with a totals row."""
    from openpyxl import Workbook

    table = plan_table(session=session, actor=actor, plan_id=plan_id)
    wb = Workbook(write_only=True)
    ws = _titled_sheet(
        wb,
        "Phương án",
        widths=(6, 14, 40, 24, 16, 40, 36, 36, 18, 18, 20, 12, 14),
        title=f"PHƯƠNG ÁN ĐƠN GIẢN HÓA THỦ TỤC HÀNH CHÍNH: {table.plan.name}",
        subtitle=f"Năm {table.plan.year}; {table.plan.agency_scope or ''}",
        headers=PLAN_HEADERS,
    )
    formats = {8: "#,##0", 9: "#,##0", 10: "#,##0", 11: "0.00"}
    for row in table.rows:
        values = plan_row_values(row)
        ws.append([_sheet_cell(ws, v, formats.get(i)) for i, v in enumerate(values)])
    ws.append([_bold(ws, v, formats.get(i)) for i, v in enumerate(plan_total_values(table))])
    return _workbook_bytes(wb)


# --------------------------------------------------------------------------- CSV

DECISION_CSV_HEADERS = ("Phần", *DECISION_HEADERS)


def _csv_text(rows: list[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # CR or LF in a field: quoted
    for row in rows:
        writer.writerow(["" if v is None else neutralise(str(v)) for v in row])
    return out.getvalue()


def decision_csv(*, session: Session, actor: str, decision_id: int) -> str:
    """The decision's list as CSV, one row per item, its section in the first column."""
    data = decision_list(session=session, actor=actor, decision_id=decision_id)
    rows: list[list[Any]] = [list(DECISION_CSV_HEADERS)]
    for key, title in SECTIONS.items():
        for item in data.sections[key]:
            rows.append([f"{SECTION_NUMBERS[key]} {title}", *decision_item_row(item)])
    return _csv_text(rows)


def plan_csv(*, session: Session, actor: str, plan_id: int) -> str:
    """The plan as CSV with Vietnamese number formats and a totals row."""
    table = plan_table(session=session, actor=actor, plan_id=plan_id)
    rows = [list(PLAN_HEADERS)]
    rows += [plan_row_text(plan_row_values(r)) for r in table.rows]
    rows.append(plan_row_text(plan_total_values(table)))
    return _csv_text(rows)


# --------------------------------------------------------------------------- Word


def _paragraph(doc, text: str, *, bold: bool = False, center: bool = False, italic: bool = False):
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    para = doc.add_paragraph()
    run = para.add_run(text)
    run.bold = bold
    run.italic = italic
    if center:
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return para


def _table(doc, headers: tuple[str, ...] | list[str], rows: list[list[str]]):
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = text
    return table


def _new_document():
    from docx import Document as WordDocument
    from docx.shared import Pt

    doc = WordDocument()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    return doc


def _docx_bytes(doc) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def decision_docx(
    *,
    session: Session,
    actor: str,
    decision_id: int,
    authority: str = DEFAULT_AUTHORITY,
    place: str = "……",
) -> bytes:
    """A Word draft of the whole decision: heading, articles, signature and the annex.

    The first table is the two-column heading; then one table per non-empty section
    of the annex (header row + one row per item, STT from 1).
    """
    from docx.enum.text import WD_BREAK

    data = decision_list(session=session, actor=actor, decision_id=decision_id)
    d = data.decision
    doc = _new_document()
    head = doc.add_table(rows=2, cols=2)
    head.cell(0, 0).text = authority
    head.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    head.cell(1, 0).text = f"Số: {d.number}"
    head.cell(1, 1).text = f"{place}, {vn_long_date(d.signed_on)}"

    _paragraph(doc, "QUYẾT ĐỊNH", bold=True, center=True)
    _paragraph(
        doc, d.title or "Về việc công bố danh mục thủ tục hành chính", bold=True, center=True
    )
    _paragraph(doc, f"CHỦ TỊCH {authority}", bold=True, center=True)
    _paragraph(
        doc,
        "Căn cứ Nghị định số 63/2010/NĐ-CP ngày 08 tháng 6 năm 2010 của Chính phủ về kiểm soát "
        "thủ tục hành chính; Nghị định số 92/2017/NĐ-CP ngày 07 tháng 8 năm 2017 của Chính phủ "
        "sửa đổi, bổ sung một số điều của các nghị định liên quan đến kiểm soát thủ tục "
        "hành chính;",
        italic=True,
    )
    if data.amends is not None:
        _paragraph(
            doc,
            f"Căn cứ Quyết định số {data.amends.number} ngày {vn_date(data.amends.signed_on)};",
            italic=True,
        )
    _paragraph(doc, "Theo đề nghị của cơ quan chủ trì rà soát, đánh giá thủ tục hành chính.",
               italic=True)  # fmt: skip
    _paragraph(doc, "QUYẾT ĐỊNH:", bold=True, center=True)

    counts = [
        f"{len(data.sections[k])} thủ tục {label}"
        for k, label in (
            ("new", "mới ban hành"),
            ("amended", "được sửa đổi, bổ sung"),
            ("replaced", "được thay thế"),
            ("abolished", "bị bãi bỏ"),
        )
        if data.sections[k]
    ]
    _paragraph(
        doc,
        "Điều 1. Công bố kèm theo Quyết định này danh mục thủ tục hành chính gồm "
        f"{data.count} thủ tục ({'; '.join(counts)}).",
    )
    article2 = f"Điều 2. Quyết định này có hiệu lực thi hành kể từ ngày {vn_date(d.effective_on)}."
    if data.amends is not None:
        article2 += f" Quyết định này sửa đổi, bổ sung Quyết định số {data.amends.number}."
    if data.sections["abolished"] or data.sections["replaced"]:
        article2 += (
            " Các thủ tục hành chính bị bãi bỏ, được thay thế tại Phụ lục kèm theo hết hiệu lực "
            "kể từ ngày Quyết định này có hiệu lực."
        )
    _paragraph(doc, article2)
    _paragraph(
        doc,
        "Điều 3. Chánh Văn phòng, Thủ trưởng các cơ quan, đơn vị và tổ chức, cá nhân có liên "
        "quan chịu trách nhiệm thi hành Quyết định này.",
    )
    _paragraph(doc, "CHỦ TỊCH", bold=True)
    _paragraph(doc, d.signer, bold=True)

    doc.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
    _paragraph(doc, "PHỤ LỤC", bold=True, center=True)
    _paragraph(doc, "DANH MỤC THỦ TỤC HÀNH CHÍNH", bold=True, center=True)
    _paragraph(
        doc,
        f"(Kèm theo Quyết định số {d.number} ngày {vn_date(d.signed_on)} của {authority})",
        italic=True,
        center=True,
    )
    _paragraph(doc, "PHẦN I. DANH MỤC THỦ TỤC HÀNH CHÍNH", bold=True)
    for key, title in SECTIONS.items():
        _paragraph(doc, f"{SECTION_NUMBERS[key]} {title}", bold=True)
        items = data.sections[key]
        if not items:
            _paragraph(doc, "Không có.", italic=True)
            continue
        rows = [[str(v) for v in decision_item_row(item)] for item in items]
        _table(doc, DECISION_HEADERS, rows)
    return _docx_bytes(doc)


def plan_docx(*, session: Session, actor: str, plan_id: int) -> bytes:
    """The simplification plan in Word: a heading, one table with totals, then per procedure
    its content, reason, legal change and benefit."""
    table = plan_table(session=session, actor=actor, plan_id=plan_id)
    plan = table.plan
    doc = _new_document()
    _paragraph(doc, "PHƯƠNG ÁN ĐƠN GIẢN HÓA THỦ TỤC HÀNH CHÍNH", bold=True, center=True)
    _paragraph(doc, f"{plan.name} (năm {plan.year})", bold=True, center=True)
    if plan.agency_scope:
        _paragraph(doc, f"Phạm vi: {plan.agency_scope}", center=True)
    rows = [plan_row_text(plan_row_values(r)) for r in table.rows]
    rows.append(plan_row_text(plan_total_values(table)))
    _table(doc, PLAN_HEADERS, rows)
    for r in table.rows:
        _paragraph(doc, f"{r.position}. {r.name} ({r.code})", bold=True)
        _paragraph(doc, f"a) Nội dung đơn giản hóa: {r.content}")
        _paragraph(doc, f"Lý do: {r.reason}")
        _paragraph(doc, f"b) Kiến nghị thực thi: {r.legal_change}")
        _paragraph(
            doc,
            f"c) Lợi ích phương án: CPTT trước {vn_number(r.cost_before)} đồng/năm; "
            f"CPTT sau {vn_number(r.cost_after)} đồng/năm; chi phí tiết kiệm "
            f"{vn_number(r.savings)} đồng/năm; tỷ lệ cắt giảm {vn_number(r.cut_rate, 2)} %.",
        )
    return _docx_bytes(doc)


# --------------------------------------------------------------------------- dispatch


def export_decision(*, session: Session, actor: str, decision_id: int, fmt: str) -> bytes:
    """The decision in ``fmt`` (xlsx, docx, csv) as bytes (CSV is UTF-8 with a BOM for Excel)."""
    if fmt == "xlsx":
        return decision_xlsx(session=session, actor=actor, decision_id=decision_id)
    if fmt == "docx":
        return decision_docx(session=session, actor=actor, decision_id=decision_id)
    if fmt == "csv":
        return decision_csv(session=session, actor=actor, decision_id=decision_id).encode(
            "utf-8-sig"
        )
    raise ServiceError(
        f"Định dạng không hỗ trợ '{fmt}' (format must be {', '.join(EXPORT_FORMATS)})"
    )


def export_plan(*, session: Session, actor: str, plan_id: int, fmt: str) -> bytes:
    """The simplification plan in ``fmt`` (xlsx, docx, csv) as bytes."""
    if fmt == "xlsx":
        return plan_xlsx(session=session, actor=actor, plan_id=plan_id)
    if fmt == "docx":
        return plan_docx(session=session, actor=actor, plan_id=plan_id)
    if fmt == "csv":
        return plan_csv(session=session, actor=actor, plan_id=plan_id).encode("utf-8-sig")
    raise ServiceError(
        f"Định dạng không hỗ trợ '{fmt}' (format must be {', '.join(EXPORT_FORMATS)})"
    )
