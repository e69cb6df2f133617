"""Every document of a published plan, as an official sees it: LibreOffice PDFs and the
Word structure, and no placeholder or raw code anywhere.

The scenario runs on the demo catalogue (tỉnh Bình An, its demo profile): a plan with
two amendments, an abolition and a procedure kept; the chair adopts it, an act is
recorded, a vice-chair signs the Quyết định công bố and the act comes into force.
Expected values come from NĐ 30/2020 (PROCESS.md §4) and from the scenario as written
here. The README's pictures come from the annual-cycle
script (``tests/test_annual_cycle.py``).
"""

from __future__ import annotations

import io
import os
import re
import shutil
from datetime import date
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.oxml.ns import qn
from sqlmodel import select

from catalogue import cycle as wf
from catalogue.documents.bundle import write_documents
from catalogue.registry.db import make_engine, session_scope, upgrade
from catalogue.registry.models import Procedure
from tests.workflow_support import enact_plan

ROOT = Path(__file__).resolve().parents[1]
EMU_PER_MM = 36000
needs_office = pytest.mark.skipif(shutil.which("soffice") is None, reason="no LibreOffice")

SCENARIO = {  # code → (action, option changes, figures)
    "1.001193": ("amend", [
        {"type": "replace_document_with_lookup",
         "document": "Giấy chứng sinh hoặc văn bản của người làm chứng xác nhận về việc sinh",
         "reason": "Khai thác dữ liệu giấy chứng sinh điện tử trong Cơ sở dữ liệu y tế",
         "legal_change": "Sửa đổi điểm a khoản 1 Điều 16 Luật Hộ tịch năm 2014"},
    ], {"cost_before": 5_120_000_000, "cost_after": 3_480_000_000,
        "deadline_before": 1, "deadline_after": 1}),
    "2.001610": ("amend", [
        {"type": "set_deadline", "days": 2, "channel": "all",
         "reason": "Hồ sơ trực tuyến được kiểm tra tự động",
         "legal_change": "Sửa đổi khoản 1 Điều 26 Luật Doanh nghiệp năm 2020"},
    ], {"cost_before": 2_300_000_000, "cost_after": 2_070_000_000,
        "deadline_before": 3, "deadline_after": 2}),
    "1.002861": ("abolish", [], {"cost_before": 880_000_000, "cost_after": 0}),
    "1.005092": ("keep", [], {"cost_before": 120_000_000, "cost_after": 120_000_000}),
}  # fmt: skip
NAMES = ("phuong-an.docx", "phuong-an.xlsx", "qd-cong-bo.docx", "qd-cong-bo.xlsx",
         "bao-cao-tiet-kiem.xlsx")  # fmt: skip


def _scenario(engine) -> dict[str, int]:
    with session_scope(engine) as s:
        procs = {
            p.code: p.id for p in s.exec(select(Procedure).where(Procedure.status == "active"))
        }
        plan = wf.create_plan(
            session=s, actor="reviewer", year=2027, programme="NQ66-2026",
            name="Phương án đơn giản hóa thủ tục hành chính năm 2027",
            agency_scope="các sở, ngành tỉnh Bình An",
        )  # fmt: skip
        for code, (action, changes, figures) in SCENARIO.items():
            option = {"id": code, "action": action, "changes": changes}
            reason = "Thủ tục không còn cần thiết" if action == "abolish" else None
            legal = "Bãi bỏ Điều 20 Thông tư số 12/2022/TT-BGTVT" if action == "abolish" else None
            wf.add_proposal(
                session=s, actor="reviewer", plan_id=plan.id, procedure_id=procs[code],
                action=action, option=option, reason=reason, legal_change=legal,
                figures=figures, figures_source="Biểu tính chi phí tuân thủ năm 2027",
            )  # fmt: skip
        wf.submit_plan(session=s, actor="reviewer", plan_id=plan.id)
    with session_scope(engine) as s:
        for p in s.exec(select(wf.Proposal).where(wf.Proposal.plan_id == plan.id)):
            wf.decide_proposal(session=s, actor="chair", proposal_id=p.id, verdict="approve")
    # The law's sequence: adopted on 20/01, the act issued 01/03 and in force 20/03/2027,
    # the công bố signed 05/03/2027 (10 working days before), the date in force reached.
    enacted = enact_plan(
        engine, {"users": {"reviewer": "reviewer", "chair": "chair"}}, plan.id,
        adoption="5/QĐ-UBND", decision="12/QĐ-UBND", act="08/2027/TT-BTP",
        adopted_on=date(2027, 1, 20), issued_on=date(2027, 3, 1),
        published_on=date(2027, 3, 5), in_force_on=date(2027, 3, 20), signer="Trần Văn Bình",
    )  # fmt: skip
    return {"plan": plan.id, "decision": enacted["decision"]}


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> Path:
    """The folder of every document of the scenario (built once for the module)."""
    from catalogue.sources.service import load_demo_if_empty

    folder = tmp_path_factory.mktemp("documents")
    os.environ.setdefault("TTHC_DEMO", "1")
    engine = make_engine(f"sqlite:///{folder / 'demo.sqlite'}")
    upgrade(engine)
    load_demo_if_empty(engine)
    ids = _scenario(engine)
    # the savings report on a day after the decision's effective date (20/03/2027): in force
    write_documents(engine, actor="analyst", outdir=folder, plan_id=ids["plan"],
                    decision_id=ids["decision"], savings=True, today=date(2027, 4, 1))  # fmt: skip
    engine.dispose()
    return folder


def test_the_issue_file_names_are_written(documents):
    assert {p.name for p in documents.iterdir()} >= set(NAMES)


def _docx_text(path: Path) -> str:
    document = docx.Document(path)
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join(parts)


def _xlsx_text(path: Path) -> str:
    wb = openpyxl.load_workbook(path)
    return "\n".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row
                     if c.value is not None)  # fmt: skip


ENGLISH_CODES = r"\b(province|commune|district|ministry|amend|abolish|keep|replace|approved|" \
    r"published|draft|working_days|direct|online|postal|procedure_id|plan_id|option_id|" \
    r"unspecified|le_phi|True|False)\b"  # fmt: skip


@pytest.mark.parametrize("name", NAMES)
def test_no_placeholder_none_nan_or_code(documents, name):
    path = documents / name
    text = _docx_text(path) if name.endswith(".docx") else _xlsx_text(path)
    for bad in ("……", "...", "…"):
        assert bad not in text, (name, bad)
    assert not re.search(r"\bNone\b|\bnan\b|\(\s*\)|\bNaN\b", text), name
    found = re.findall(ENGLISH_CODES, text)
    assert not found, (name, found)


def test_decision_structure(documents):
    document = docx.Document(documents / "qd-cong-bo.docx")
    for section in document.sections:
        assert 20 <= section.top_margin / EMU_PER_MM <= 25
        assert 30 <= section.left_margin / EMU_PER_MM <= 35
        assert 15 <= section.right_margin / EMU_PER_MM <= 20
    orientation = [s.page_width > s.page_height for s in document.sections]
    assert orientation == [False, True, False]  # text, Phần I (landscape), Phần II
    head = document.tables[0]
    assert head.cell(1, 1).text == "Bình An, ngày 05 tháng 3 năm 2027"
    text = [p.text for p in document.paragraphs]
    bases = [t for t in text if t.startswith(("Căn cứ", "Theo đề nghị"))]
    assert all(b.endswith(";") for b in bases[:-1]) and bases[-1].endswith(".")
    assert bases[-1] == "Theo đề nghị của Chánh Văn phòng Ủy ban nhân dân tỉnh."
    joined = " ".join(bases)
    for law in ("Luật Tổ chức chính quyền địa phương", "63/2010/NĐ-CP", "48/2013/NĐ-CP",
                "92/2017/NĐ-CP", "02/2017/TT-VPCP"):  # fmt: skip
        assert law in joined
    first = next(t for t in text if t.startswith("Điều 1."))
    assert "03 thủ tục hành chính (02 thủ tục được sửa đổi, bổ sung; 01 thủ tục bị bãi bỏ)" in first
    assert "ngày 20 tháng 3 năm 2027" in next(t for t in text if t.startswith("Điều 2."))
    assert next(t for t in text if t.startswith("Điều 3.")).endswith("./.")
    sign = document.tables[1]
    right = [p.text for p in sign.cell(0, 1).paragraphs if p.text]
    assert right == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Trần Văn Bình"]
    left = [p.text for p in sign.cell(0, 0).paragraphs if p.text]
    assert left[:3] == ["Nơi nhận:", "- Như Điều 3;",
                        "- Cục Kiểm soát thủ tục hành chính, Văn phòng Chính phủ;"]  # fmt: skip
    assert left[-1] == "- Lưu: VT, KSTT."
    amended, abolished = document.tables[2], document.tables[3]
    header = [c.text for c in amended.rows[0].cells]
    assert header[3] == "Tên VBQPPL quy định nội dung sửa đổi, bổ sung"
    assert [c.text for c in abolished.rows[0].cells][3] == "Tên VBQPPL quy định việc bãi bỏ"
    groups = [r.cells[0].text for r in amended.rows[1:] if len({c.text for c in r.cells}) == 1]
    # Grouped by level (A. cấp tỉnh before B. cấp xã), then by field.
    assert groups == ["A. THỦ TỤC HÀNH CHÍNH CẤP TỈNH",
                      "I. Lĩnh vực Thành lập và hoạt động của doanh nghiệp",
                      "B. THỦ TỤC HÀNH CHÍNH CẤP XÃ", "I. Lĩnh vực Hộ tịch"]  # fmt: skip
    for grid in (amended, abolished):
        widths = [c.w / EMU_PER_MM for c in grid._tbl.tblGrid.gridCol_lst]
        assert abs(sum(widths) - (297 - 30 - 15)) < 1  # the landscape text width
        assert grid._tbl.tr_lst[0].trPr.find(qn("w:tblHeader")) is not None
        assert all(tr.trPr.find(qn("w:cantSplit")) is not None for tr in grid._tbl.tr_lst)
    assert "PHẦN II. NỘI DUNG CỤ THỂ CỦA TỪNG THỦ TỤC HÀNH CHÍNH" in text
    assert "- Thay giấy tờ bằng khai thác cơ sở dữ liệu: Giấy chứng sinh hoặc văn bản của " \
        "người làm chứng xác nhận về việc sinh" in text  # fmt: skip
    assert any(t.startswith("c) Thành phần, số lượng hồ sơ (được sửa đổi, bổ sung):") for t in text)


def test_plan_structure(documents):
    text = [p.text for p in docx.Document(documents / "phuong-an.docx").paragraphs]
    fields = [t for t in text if t.startswith(("I. ", "II. ", "III. "))]
    assert fields == ["I. LĨNH VỰC HỘ TỊCH", "II. LĨNH VỰC THÀNH LẬP VÀ HOẠT ĐỘNG CỦA DOANH NGHIỆP",
                      "III. LĨNH VỰC ĐƯỜNG BỘ"]  # fmt: skip
    assert not any("1.005092" in t for t in text)  # a kept procedure is no simplification
    block = text[text.index("1. Thủ tục đăng ký khai sinh (mã 1.001193)") :]
    assert block[1:4] == ["a) Nội dung đơn giản hóa:",
                          "- Thay giấy tờ bằng khai thác cơ sở dữ liệu: Giấy chứng sinh hoặc văn "
                          "bản của người làm chứng xác nhận về việc sinh;",
                          "Lý do: Khai thác dữ liệu giấy chứng sinh điện tử trong Cơ sở dữ liệu "
                          "y tế."]  # fmt: skip
    assert "- Sửa đổi điểm a khoản 1 Điều 16 Luật Hộ tịch năm 2014;" in block
    assert "- Cơ quan có thẩm quyền sửa đổi, bổ sung: Bộ Tư pháp." in block
    # c) 5.120.000.000 − 3.480.000.000 = 1.640.000.000; ÷ 5.120.000.000 = 32,03 %.
    assert "- Chi phí tiết kiệm: 1.640.000.000 đồng/năm;" in block
    assert "- Tỷ lệ cắt giảm chi phí: 32,03 %;" in block
    company = text[text.index("2. Thủ tục Đăng ký thành lập công ty trách nhiệm hữu hạn một "
                              "thành viên (mã 2.001610)") :]  # fmt: skip
    assert company[1:4] == ["a) Nội dung đơn giản hóa:",
                            "- Rút ngắn thời hạn giải quyết: còn 2 ngày làm việc;",
                            "Lý do: Hồ sơ trực tuyến được kiểm tra tự động."]  # fmt: skip
    # 3 → 2 working days: (3 − 2) ÷ 3 = 33,33 %.
    assert any(t.startswith("- Thời hạn giải quyết trước: 3 ngày làm việc; sau: 2 ngày làm việc; "
                            "tỷ lệ cắt giảm: 33,33 %") for t in company)  # fmt: skip


def test_savings_workbook_words(documents):
    wb = openpyxl.load_workbook(documents / "bao-cao-tiet-kiem.xlsx")
    # the stages first (PROCESS.md §1), then the programmes and the groupings in force
    assert wb.sheetnames[:3] == ["Theo giai đoạn", "Tiến độ theo hiệu lực", "Mục tiêu"]
    assert "Chi tiết" in wb.sheetnames
    detail = wb["Chi tiết"]
    header = [c.value for c in detail[4]]
    assert header[:2] == ["Mã TTHC", "Tên TTHC"]
    rows = {r[0]: r for r in detail.iter_rows(min_row=5, values_only=True) if r[0]}
    assert rows["1.002861"][5] == "Bãi bỏ" and rows["1.001193"][4] == "Cấp xã"
    assert rows["1.001193"][10] == 1_640_000_000
    assert detail.page_setup.orientation == "landscape" and detail.print_title_rows == "$4:$4"


PAGE_BOUNDS = {  # name → (min pages, max pages), judged from the scenario's content
    "qd-cong-bo.docx": (4, 9),
    "phuong-an.docx": (2, 6),
    "qd-cong-bo.xlsx": (1, 2),
    "phuong-an.xlsx": (1, 2),
    "bao-cao-tiet-kiem.xlsx": (6, 10),
}


@needs_office
@pytest.mark.parametrize("name", NAMES)
def test_renders_on_a4_in_its_orientations(documents, tmp_path, name):
    from catalogue.documents.render import pdf_pages, pdf_text, to_pdf

    pdf = to_pdf(documents / name, tmp_path)
    pages = pdf_pages(pdf)
    low, high = PAGE_BOUNDS[name]
    assert low <= len(pages) <= high, (name, len(pages))
    for w, h in pages:
        assert {round(w), round(h)} == {210, 297}, (name, w, h)
    landscape = [w > h for w, h in pages]
    if name.endswith(".xlsx"):
        assert all(landscape)
    else:
        assert not landscape[0]  # the text is portrait; annex tables are landscape
        assert any(landscape)
    text = pdf_text(pdf)
    if name == "qd-cong-bo.docx":
        first = text.split("\f")[0]
        assert re.search(r"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", first)  # on one line
        assert "Bình An, ngày 05 tháng 3 năm 2027" in first


def test_missing_profile_value_is_refused_before_anything_is_written(tmp_path):
    from catalogue.documents.profile import ProfileIncomplete, set_profile
    from catalogue.sources.service import load_demo_if_empty

    os.environ.setdefault("TTHC_DEMO", "1")
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    upgrade(engine)
    load_demo_if_empty(engine)
    ids = _scenario(engine)
    with session_scope(engine) as s:
        set_profile(session=s, actor="admin", place="")
    out = tmp_path / "out"
    with pytest.raises(ProfileIncomplete, match="địa danh ghi ngày tháng"):
        write_documents(engine, actor="analyst", outdir=out, decision_id=ids["decision"])
    engine.dispose()
    assert not out.exists()


def test_xlsx_number_formats_are_typed(documents):
    ws = openpyxl.load_workbook(io.BytesIO((documents / "phuong-an.xlsx").read_bytes())).active
    assert ws.cell(row=5, column=9).number_format == "#,##0"
    assert isinstance(ws.cell(row=5, column=9).value, int)
