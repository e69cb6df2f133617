"""Exports read back with openpyxl, python-docx and csv, compared row by row with the database."""

from __future__ import annotations

import csv
import io

import docx
import openpyxl
import pytest
from sqlmodel import select

from catalogue.cycle import SECTIONS
from catalogue.documents import exports as ex
from catalogue.registry.db import session_scope
from catalogue.registry.models import DecisionItem, Proposal
from catalogue.sources.formats import unneutralise
from tests.workflow_support import draft_plan, published_plan, seed

PROFILE = {
    "province": "Bình An",
    "authority": "Ủy ban nhân dân tỉnh Bình An",
    "place": "Bình An",
    "chair": "Nguyễn Văn A",
    "vice_chairs": ["Trần Thị B"],
    "review_department": "Sở Tư pháp",
    "review_head": "Giám đốc Sở Tư pháp",
    "archive": "VT, KSTT",
    "recipients": ["Cục Kiểm soát thủ tục hành chính, Văn phòng Chính phủ"],
}


def set_test_profile(engine) -> None:
    """The organisation profile the Word documents need (the admin of workflow_support)."""
    from catalogue.documents.profile import set_profile

    with session_scope(engine) as s:
        set_profile(session=s, actor="adam", **PROFILE)


@pytest.fixture
def published(engine):
    world = seed(engine)
    ids = published_plan(engine, world)
    set_test_profile(engine)
    return ids


def _items(engine, decision_id) -> dict[str, list[DecisionItem]]:
    with session_scope(engine) as s:
        rows = s.exec(
            select(DecisionItem)
            .where(DecisionItem.decision_id == decision_id)
            .order_by(DecisionItem.position)
        ).all()
    return {key: [r for r in rows if r.section == key] for key in SECTIONS}


def _expected_item(item: DecisionItem) -> list:
    return [
        item.position,
        item.code or "",
        item.name,
        item.field or "",
        item.agency or "",
        item.legal_basis or "",
        item.note or "",
    ]


def _neutral(value):
    return ex.neutralise(value) if isinstance(value, str) else value


def _export(engine, fmt, *, decision_id=None, plan_id=None) -> bytes:
    with session_scope(engine) as s:
        if decision_id is not None:
            return ex.export_decision(session=s, actor="an", decision_id=decision_id, fmt=fmt)
        return ex.export_plan(session=s, actor="an", plan_id=plan_id, fmt=fmt)


def test_decision_excel_matches_items(engine, published):
    expected = _items(engine, published["decision"])
    wb = openpyxl.load_workbook(
        io.BytesIO(_export(engine, "xlsx", decision_id=published["decision"]))
    )
    ws = wb["Danh mục TTHC"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[0][0] == "DANH MỤC THỦ TỤC HÀNH CHÍNH"
    # the công bố of workflow_support.published_plan, signed on 22/12/2026
    assert "123/QĐ-UBND" in rows[1][0] and "22/12/2026" in rows[1][0]
    assert tuple(rows[3][:7]) == ex.DECISION_HEADERS
    got: dict[str, list[list]] = {}
    current = None
    for row in rows[4:]:
        if isinstance(row[0], str) and row[0][:2] in ("1.", "2.", "3.", "4."):
            current = next(k for k, t in SECTIONS.items() if row[0].endswith(t))
            got[current] = []
        elif row[0] is not None:
            got[current].append(["" if v is None else v for v in row[:7]])
    assert list(got) == list(SECTIONS)  # every section heading, in the official order
    for key in SECTIONS:
        assert got[key] == [[_neutral(v) for v in _expected_item(i)] for i in expected[key]], key
    # The name beginning with "+" is text, neutralised, never a formula.
    abolished = got["abolished"][0]
    assert abolished[2] == "'+Cấp phép xây dựng"
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f"


def test_decision_csv_matches_items(engine, published):
    expected = _items(engine, published["decision"])
    text = _export(engine, "csv", decision_id=published["decision"]).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == ("Phần", *ex.DECISION_HEADERS)
    want = [
        [f"{n}. {title}", *[str(_neutral(v)) for v in _expected_item(i)]]
        for n, (key, title) in enumerate(SECTIONS.items(), start=1)
        for i in expected[key]
    ]
    assert rows[1:] == want


def test_decision_word_draft(engine, published):
    expected = _items(engine, published["decision"])
    document = docx.Document(io.BytesIO(_export(engine, "docx", decision_id=published["decision"])))
    heading = document.tables[0]
    assert heading.cell(0, 0).text.split("\n")[:2] == ["ỦY BAN NHÂN DÂN", "TỈNH BÌNH AN"]
    assert heading.cell(0, 1).text.startswith("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert heading.cell(1, 0).text == "Số: 123/QĐ-UBND"
    # NĐ 30: no leading zero for December; the place comes from the organisation profile.
    assert heading.cell(1, 1).text == "Bình An, ngày 22 tháng 12 năm 2026"
    text = [p.text for p in document.paragraphs]
    assert "QUYẾT ĐỊNH" in text
    assert any(t.startswith("Về việc công bố danh mục thủ tục hành chính") for t in text)
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH BÌNH AN" in text
    article = {t.split(".")[0]: t for t in text if t.startswith("Điều ")}
    assert set(article) == {"Điều 1", "Điều 2", "Điều 3"}
    assert "03 thủ tục hành chính" in article["Điều 1"]  # a count below ten: leading zero
    assert "ngày 31 tháng 12 năm 2026" in article["Điều 2"]
    assert article["Điều 3"].endswith("./.")
    assert "PHỤ LỤC" in text
    signature = [p.text for p in document.tables[1].cell(0, 1).paragraphs if p.text]
    assert signature == ["CHỦ TỊCH", "Nguyễn Văn A"]
    present = [k for k in SECTIONS if expected[k]]
    for n, key in enumerate(present, start=1):
        assert f"{n}. {SECTIONS[key]}" in text
    tables = document.tables[2:]
    assert len(tables) == len(present)
    for key, table in zip(present, tables, strict=True):
        rows = [[c.text for c in r.cells] for r in table.rows]
        items = [r for r in rows[1:] if len(set(r)) > 1]  # group rows span the table
        names = [r[2] for r in items]
        assert names == [i.name for i in expected[key]], key
        assert [r[1] for r in items] == [i.code for i in expected[key]], key
        assert [r[0] for r in items] == [str(n) for n in range(1, len(items) + 1)]
    replaced = [[c.text for c in r.cells] for r in tables[present.index("replaced")].rows]
    assert replaced[0][2:4] == ["Tên TTHC được thay thế", "Tên TTHC thay thế"]
    assert [r for r in replaced if r[2] == "Thủ tục bị thay thế"][0][3] == (
        "Thủ tục thay thế mới (mã 1.000005)"
    )


def _approved(engine, plan_id) -> list[Proposal]:
    with session_scope(engine) as s:
        return s.exec(
            select(Proposal).where(Proposal.plan_id == plan_id, Proposal.status == "approved")
        ).all()


def test_plan_excel_matches_approved_proposals(engine, published):
    approved = {p.id: p for p in _approved(engine, published["plan"])}
    wb = openpyxl.load_workbook(io.BytesIO(_export(engine, "xlsx", plan_id=published["plan"])))
    ws = wb.active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert tuple(rows[3]) == ex.PLAN_HEADERS
    body, total = rows[4:-1], rows[-1]
    with session_scope(engine) as s:
        codes = {p.id: s.get(ex.Procedure, p.procedure_id).code for p in approved.values()}
    by_code = {codes[i]: p for i, p in approved.items()}
    assert [r[1] for r in body] == sorted(by_code)  # exactly the approved set, by code
    for row in body:
        p = by_code[row[1]]
        assert row[0] == body.index(row) + 1
        assert row[8:12] == [p.cost_before, p.cost_after, p.savings, p.cut_rate]
        assert row[12] == "Chấp thuận"
    amend = by_code["1.000001"]
    amend_row = next(r for r in body if r[1] == "1.000001")
    assert amend_row[5] == amend.content and amend_row[6] == amend.reason
    assert amend_row[7] == "Sửa đổi khoản 1 Điều 5 Thông tư 04/2020/TT-BTP"
    abolish_row = next(r for r in body if r[1] == "1.000002")
    assert abolish_row[6] == "'-Không còn cần thiết" and abolish_row[7] == "'@Bãi bỏ Điều 7"
    assert total[0] == "Tổng cộng"
    before = sum(p.cost_before for p in approved.values())
    savings = sum(p.savings for p in approved.values())
    assert total[8:12] == [before, sum(p.cost_after for p in approved.values()), savings, 75.88]
    assert round(savings * 100 / before, 2) == 75.88
    assert ws.cell(row=5, column=9).number_format == "#,##0"


def test_plan_csv_and_word_use_vietnamese_formats(engine, published):
    text = _export(engine, "csv", plan_id=published["plan"]).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == ex.PLAN_HEADERS
    assert len(rows) == 1 + 4 + 1
    amend = next(r for r in rows if r[1] == "1.000001")
    assert amend[8:12] == ["1.000.000", "400.000", "600.000", "60,00"]
    assert rows[-1][0] == "Tổng cộng"
    assert rows[-1][8:12] == ["4.145.678", "1.000.000", "3.145.678", "75,88"]
    abolish = next(r for r in rows if r[1] == "1.000002")
    assert abolish[6:8] == ["'-Không còn cần thiết", "'@Bãi bỏ Điều 7"]

    document = docx.Document(io.BytesIO(_export(engine, "docx", plan_id=published["plan"])))
    table = [[c.text for c in r.cells] for r in document.tables[0].rows]
    # The same rows as the CSV but the status (a filed phương án is read after the chair's
    # decisions); Word is not a spreadsheet, so nothing is neutralised there.
    assert table == [[unneutralise(v) for v in r[:-1]] for r in rows]
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "PHƯƠNG ÁN ĐƠN GIẢN HÓA THỦ TỤC HÀNH CHÍNH"
    # c) Lợi ích: each figure on its own line (PROCESS.md §4), the same figures as the CSV.
    amend_block = paragraphs[paragraphs.index("1. Thủ tục Đăng ký khai sinh (mã 1.000001)") :]
    assert "- Chi phí tiết kiệm: 600.000 đồng/năm;" in amend_block
    assert "- Tỷ lệ cắt giảm chi phí: 60,00 %;" in amend_block


def test_plan_export_before_approval_lists_open_proposals(engine):
    world = seed(engine)
    ids = draft_plan(engine, world)
    text = _export(engine, "csv", plan_id=ids["plan"]).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 1 + 5 + 1
    assert {r[12] for r in rows[1:-1]} == {"Dự thảo"}


def test_unknown_format_and_missing_records(engine, published):
    from catalogue.registry.errors import NotFound, ServiceError

    with pytest.raises(ServiceError, match="format must be"):
        _export(engine, "pdf", decision_id=published["decision"])
    with pytest.raises(NotFound):
        _export(engine, "xlsx", decision_id=999)
    with pytest.raises(NotFound):
        _export(engine, "csv", plan_id=999)


def test_vietnamese_formats():
    from datetime import date

    assert ex.vn_number(1234567) == "1.234.567"
    assert ex.vn_number(-1234567) == "-1.234.567"
    assert ex.vn_number(975_000_000_000) == "975.000.000.000"
    assert ex.vn_number(66.666, 2) == "66,67"
    assert ex.vn_number(0) == "0"
    assert ex.vn_date(date(2026, 12, 31)) == "31/12/2026"
    # NĐ 30/2020: a leading zero for days below 10 and months 1 and 2 only.
    assert ex.vn_long_date(date(2026, 3, 5)) == "ngày 05 tháng 3 năm 2026"
    assert ex.vn_long_date(date(2026, 2, 5)) == "ngày 05 tháng 02 năm 2026"
