"""The cost form of one procedure (biểu tính chi phí tuân thủ), in Excel and in Word.

Both show the procedure's cost now, after simplification, and the comparison; "after"
follows the review's conclusion (:mod:`catalogue.cycle.review_option`):

* keep, or no review yet: the current sheet again, with "không đề xuất đơn giản hóa";
* abolish: no activity left, the yearly cost 0, the saving the whole cost;
* replace: the replacing procedure's sheet (stored, else its estimate);
* amend: the current sheet with the option's changes applied (typed per component and
  read from the reviewer's after sheet); an amend with no change is refused with a
  message naming what is missing.

``bieu-tinh-cptt-<code>.xlsx`` has three sheets (current, after simplification, the
comparison with its chart); ``bieu-tinh-cptt-<code>.docx`` the same as a Word form.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from analysis.formatting import format_number
from catalogue.cycle import review as rv
from catalogue.documents import excel as X
from catalogue.documents import layout as L
from catalogue.documents.thong_qua import in_sentence
from catalogue.documents.words import cell_text, channel_word
from catalogue.registry.auth import require
from catalogue.registry.errors import ServiceError
from catalogue.registry.models import Procedure

CURRENT, AFTER, COMPARISON = "Chi phí hiện tại", "Sau đơn giản hóa", "So sánh"
SOURCES = {
    False: "Số liệu theo biểu tính chi phí của cơ quan rà soát",
    True: "Số liệu ước tính từ hồ sơ thủ tục hành chính (chưa được rà soát, cần kiểm tra)",
}


@dataclass(frozen=True)
class CostForm:
    """What the cost form shows: both sheets, their outcomes and a note on "after"."""

    procedure: Procedure
    current: Any  # analysis Sheet
    before: Any  # its Outcome (unit_cost, annual_cost)
    after_sheet: Any  # the sheet after simplification (None when abolished)
    after: Any  # its Outcome
    note: str

    @property
    def saving(self) -> int:
        return self.before.annual_cost - self.after.annual_cost


def _outcomes(session: Session, procedure: Procedure, review) -> CostForm:
    """Both sheets and outcomes for the review's conclusion (see the module docstring)."""
    from analysis.changes import apply_option
    from analysis.parameters import load_parameters
    from analysis.reference import evaluate_sheet
    from analysis.sheet import parse_sheet
    from analysis.sheet_data import sheet_to_data
    from catalogue.costing.burden import procedure_sheet
    from catalogue.cycle.review_option import option_of

    params = load_parameters()
    base = procedure_sheet(session.connection(), procedure.id, params=params)
    if base is None:
        raise ServiceError(f"{procedure.code}: chưa có bảng tính chi phí (no costing sheet)")
    option = option_of(session, review) if review else {"id": "giu-nguyen", "action": "keep"}
    data = {k: v for k, v in sheet_to_data(base).items() if k != "options"}
    if option["action"] == "replace":
        other = session.get(Procedure, option["replacement_procedure_id"])
        sheet = procedure_sheet(session.connection(), other.id, params=params)
        if sheet is None:
            raise ServiceError(f"{other.code}: thủ tục thay thế chưa có bảng tính chi phí")
        before = evaluate_sheet(parse_sheet(data, params=params)).baseline
        note = (f"Thay thế bằng {in_sentence(other.name)} (mã {other.code}): chi phí của thủ "
                "tục thay thế")  # fmt: skip
        return CostForm(procedure, base, before, sheet, evaluate_sheet(sheet).baseline, note)
    data["options"] = [option]
    sheet = parse_sheet(data, params=params)
    result = evaluate_sheet(sheet)
    after = apply_option(sheet, sheet.options[0])
    notes = {
        "keep": "Giữ nguyên thủ tục hành chính: không đề xuất đơn giản hóa",
        "abolish": "Bãi bỏ thủ tục hành chính: không còn chi phí tuân thủ",
        "amend": f"Sửa đổi, bổ sung: {L.count(len(option.get('changes') or []))} thay đổi",
    }
    return CostForm(procedure, sheet, result.baseline, None if after.abolished else after,
                    result.options[0], notes[option["action"]])  # fmt: skip


def cost_form(session: Session, code: str, year: int) -> CostForm:
    """The cost form of procedure ``code`` in review year ``year``."""
    procedure = rv.procedure_by_ref(session, code)
    return _outcomes(session, procedure, rv.find_review(session, procedure.id, year))


def _channels(channels) -> str:
    return ", ".join(channel_word(c) for c in channels) if channels else "Tất cả"


def activity_rows(sheet) -> list[list[Any]]:
    """One row per activity (hours × people × rate + out-of-pocket), then one per fee."""
    if sheet is None:
        return []
    rate = sheet.hourly_rate.value
    rows: list[list[Any]] = []
    for n, a in enumerate(sheet.activities, start=1):
        cost = a.hours.value * a.people.value * rate + a.out_of_pocket.value
        rows.append([n, a.name, float(a.hours.value), float(a.people.value), int(rate),
                     int(a.out_of_pocket.value), int(cost), _channels(a.channels)])  # fmt: skip
    for f in sheet.fees:
        rows.append(["", f"Phí, lệ phí: {f.name}", None, None, None, None, int(f.amount.value),
                     _channels(f.channels)])  # fmt: skip
    return rows


def total_text(sheet, outcome) -> str:
    """``Chi phí 01 lần 150.000 đ × tần suất 1 × 1.000 đối tượng/năm`` (or the abolition)."""
    if sheet is None:
        return "Thủ tục bị bãi bỏ: chi phí tuân thủ bằng 0"
    return (
        f"Chi phí 01 lần {format_number(outcome.unit_cost)} đ × tần suất "
        f"{format_number(sheet.frequency.value, 2, strip=True)} lần/năm × "
        f"{format_number(sheet.population.value)} đối tượng = chi phí một năm"
    )


# (header, Excel width, Excel format, alignment, Word weight)
COLUMNS = (
    ("STT", 6, None, "center", 0.75),
    ("Hoạt động", 44, None, "left", 3.25),
    ("Số giờ", 10, "0.00", "right", 0.8),
    ("Số người", 10, "0.00", "right", 0.9),
    ("Thu nhập (đồng/giờ)", 16, X.MONEY, "right", 0),
    ("Chi phí khác (đồng)", 16, X.MONEY, "right", 1.5),
    ("Chi phí (đồng)", 16, X.MONEY, "right", 1.6),
    ("Cách thức", 18, None, "left", 1.2),
)


RATE_COLUMN = 4  # "Thu nhập (đồng/giờ)"
WORD_COLUMNS = [c for i, c in enumerate(COLUMNS) if i != RATE_COLUMN]


def cost_form_xlsx(*, session: Session, actor: str, code: str, year: int) -> bytes:
    """Biểu tính chi phí tuân thủ: current, after simplification, comparison chart."""
    require(session=session, actor=actor, action="export")
    form = cost_form(session, code, year)
    p = form.procedure
    source = SOURCES[bool(form.current.estimated)]
    wb = X.new_workbook()
    columns = [X.XlColumn(h, w, fmt, align) if fmt else X.XlColumn(h, w, align=align)
               for h, w, fmt, align, _ in COLUMNS]  # fmt: skip
    for title, sheet, outcome in ((CURRENT, form.current, form.before),
                                  (AFTER, form.after_sheet, form.after)):  # fmt: skip
        subtitle = [f"{p.name} (mã {p.code})", form.note if title == AFTER else source]
        X.table_sheet(
            wb, title, title=[f"BIỂU TÍNH CHI PHÍ TUÂN THỦ — {title.upper()}", *subtitle],
            columns=columns, rows=activity_rows(sheet),
            totals=["", total_text(sheet, outcome), None, None, None, None, outcome.annual_cost,
                    ""],
        )  # fmt: skip
    _comparison_sheet(wb, form)
    return X.workbook_bytes(wb)


def _comparison_sheet(wb, form: CostForm) -> None:
    """The third sheet: before, after and savings, with a bar chart of the first two."""
    from openpyxl.chart import BarChart, Reference

    ws = X.table_sheet(
        wb,
        COMPARISON,
        title=[
            "SO SÁNH CHI PHÍ TUÂN THỦ",
            f"{form.procedure.name} (mã {form.procedure.code})",
            form.note,
        ],  # fmt: skip
        columns=[X.XlColumn("Chỉ tiêu", 40), X.XlColumn("Đồng/năm", 22, X.MONEY, "right")],
        rows=[
            [CURRENT, form.before.annual_cost],
            [AFTER, form.after.annual_cost],
            ["Chi phí tiết kiệm", form.saving],
        ],
    )
    header = 5  # three title lines, a blank line, then the header row (table_sheet)
    chart = BarChart()
    chart.title = "Chi phí tuân thủ (đồng/năm)"
    chart.legend = None
    chart.add_data(Reference(ws, min_col=2, min_row=header, max_row=header + 2),
                   titles_from_data=True)  # fmt: skip
    chart.set_categories(Reference(ws, min_col=1, min_row=header + 1, max_row=header + 2))
    ws.add_chart(chart, "D4")


def _money(value: int) -> str:
    return f"{format_number(value)} đồng/năm"


def cost_form_docx(*, session: Session, actor: str, code: str, year: int) -> bytes:
    """The cost form as a Word form: both tables, then the comparison in words."""
    from analysis.rates import cut_rate

    require(session=session, actor=actor, action="export")
    form = cost_form(session, code, year)
    p = form.procedure
    doc = L.new_document(title=f"Biểu tính chi phí tuân thủ {p.code}", author=actor)
    L.kind_and_subject(doc, "BIỂU TÍNH CHI PHÍ TUÂN THỦ THỦ TỤC HÀNH CHÍNH",
                       f"{p.name} (mã {p.code})")  # fmt: skip
    # Portrait: the hourly rate, the same on every row, is said once above each table.
    columns = [L.Column(h, weight, align) for h, _w, _f, align, weight in WORD_COLUMNS]
    for n, (title, sheet, outcome) in enumerate(
        ((CURRENT, form.current, form.before), (AFTER, form.after_sheet, form.after)), start=1
    ):
        L.heading_paragraph(doc, f"{'I' * n}. {title.upper()}")
        if title == AFTER:
            L.body(doc, L.with_end(form.note, "."), italic=True)
        if sheet is not None:
            L.body(doc, f"Thu nhập bình quân: {format_number(sheet.hourly_rate.value)} "
                        "đồng/giờ.")  # fmt: skip
        rows = [[cell_text(v) for i, v in enumerate(row) if i != RATE_COLUMN]
                for row in activity_rows(sheet)]  # fmt: skip
        rows.append(["", total_text(sheet, outcome), "", "", "",
                     format_number(outcome.annual_cost), ""])  # fmt: skip
        L.table(doc, columns, rows, size=11)
    L.heading_paragraph(doc, f"III. {COMPARISON.upper()}")
    rate = cut_rate(form.saving, form.before.annual_cost)
    L.body(doc, f"Chi phí tuân thủ hiện tại: {_money(form.before.annual_cost)};")
    L.body(doc, f"Chi phí tuân thủ sau đơn giản hóa: {_money(form.after.annual_cost)};")
    L.body(doc, f"Chi phí tiết kiệm: {_money(form.saving)}; tỷ lệ cắt giảm "
                f"{format_number(rate, 2)} %.")  # fmt: skip
    return L.to_bytes(doc)
