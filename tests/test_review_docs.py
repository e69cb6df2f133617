"""The review year's documents: read back with python-docx / openpyxl, rendered by LibreOffice.

Figures are the hand-computed ones of ``tests/review_support.py``.
"""

from __future__ import annotations

import io
import shutil

import docx
import openpyxl
import pytest

from catalogue.documents.review_docs import export_review_document
from catalogue.registry.db import session_scope
from tests.review_support import YEAR, review_world
from tests.test_review import _reviewed_world

needs_office = pytest.mark.skipif(shutil.which("soffice") is None, reason="no LibreOffice")


# A province whose review is led by the Sở Tư pháp, not the Văn phòng: every line the
# documents take from the profile must show it.
PROFILE = {
    "province": "Hòa Sơn", "authority": "Ủy ban nhân dân tỉnh Hòa Sơn", "place": "Hòa Sơn",
    "chair": "Đỗ Minh Quân", "vice_chairs": ["Vũ Thị Lan"], "review_department": "Sở Tư pháp",
    "review_head": "Giám đốc Sở Tư pháp", "archive": "VT, NC",
    "recipients": ["Cục Kiểm soát thủ tục hành chính, Văn phòng Chính phủ", "Bộ Tư pháp",
                   "Thường trực Tỉnh ủy", "Các sở, ban, ngành tỉnh"],
}  # fmt: skip


@pytest.fixture
def reviewed(sqlite_engine):
    from catalogue.documents.profile import set_profile

    world = review_world(sqlite_engine)
    _reviewed_world(sqlite_engine, world)
    with session_scope(sqlite_engine) as s:
        set_profile(session=s, actor=world["users"]["admin"], **PROFILE)
    return sqlite_engine, world


def _export(engine, world, kind, code=None):
    with session_scope(engine) as s:
        return export_review_document(session=s, actor=world["users"]["analyst"], kind=kind,
                                      year=YEAR, code=code)  # fmt: skip


def _text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    return "\n".join(parts)


def test_plan_decision_with_the_plan_annexed(reviewed):
    data, name = _export(*reviewed, "plan")
    assert name == "ke-hoach-ra-soat.docx"
    text = _text(data)
    assert "Số: 15/QĐ-UBND" in text
    assert "ngày 20 tháng 01 năm 2027" in text  # leading zero for January
    assert "Ban hành Kế hoạch rà soát, đánh giá thủ tục hành chính năm 2027" in text
    assert "gồm 03 nội dung" in text
    assert (
        "Đăng ký khai sinh (mã 1.000001) | Sở Tư pháp | Công an tỉnh | 01/03/2027 – 30/06/2027"
        in text
    )
    assert "Nhóm thủ tục lĩnh vực Đất đai (01 thủ tục)" in text
    assert "(Phản ánh, kiến nghị của cá nhân, tổ chức)" in text
    # From the profile: issuer, authority, the head who proposes, who executes, signer.
    assert "ỦY BAN NHÂN DÂN\nTỈNH HÒA SƠN" in text
    assert "Hòa Sơn, ngày 20 tháng 01 năm 2027" in text
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH HÒA SƠN" in text
    assert "Theo đề nghị của Giám đốc Sở Tư pháp." in text
    assert "Chánh Văn phòng" not in text.split("QUYẾT ĐỊNH:")[0]  # not the proposer
    assert ("Điều 3. Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc Sở Tư pháp, Thủ trưởng "
            "các sở, ban, ngành tỉnh") in text  # fmt: skip
    assert "- Bộ Tư pháp;" in text and "- Lưu: VT, NC." in text and "Đỗ Minh Quân" in text
    assert "của Chủ tịch Ủy ban nhân dân tỉnh Hòa Sơn)" in text
    assert "……" not in text


def test_plan_decision_refused_without_the_profile(sqlite_engine):
    from catalogue.documents.profile import ProfileIncomplete

    world = review_world(sqlite_engine)
    with pytest.raises(ProfileIncomplete, match="người đứng đầu cơ quan chủ trì"):
        _export(sqlite_engine, world, "plan")


def test_filled_review_form(reviewed):
    data, name = _export(*reviewed, "form", "1.000001")
    assert name == "bieu-ra-soat-1.000001.docx"
    text = _text(data)
    assert "II.3 Mục tiêu có thay đổi so với khi ban hành không? Không" in text
    assert "?:" not in text and "VI.6 Email: Không có" in text
    assert "NGƯỜI ĐIỀN BIỂU" in text and "Hòa Sơn, ngày" in text  # the filler signs
    assert "VI.1 Kết luận rà soát: Sửa đổi, bổ sung" in text
    assert ("Thành phần hồ sơ: Bản sao giấy tờ tùy thân | 1 bản sao | Không | Khai thác Cơ sở dữ "
            "liệu quốc gia về dân cư | Bỏ bản sao giấy tờ tùy thân") in text  # fmt: skip
    assert ("hiện tại: 150.000.000 đồng/năm; sau đơn giản hóa: 128.000.000 đồng/năm; "
            "tiết kiệm: 22.000.000 đồng/năm") in text  # fmt: skip


def test_cost_form_workbook_has_three_sheets(reviewed):
    data, name = _export(*reviewed, "cost", "1.000001")
    assert name == "bieu-tinh-cptt-1.000001.xlsx"
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Chi phí hiện tại", "Sau đơn giản hóa", "So sánh"]
    current = [r for r in wb["Chi phí hiện tại"].iter_rows(min_row=6, values_only=True)]
    # Sao chụp giấy tờ: 0,5 h × 1 × 40.000 + 2.000 = 22.000
    assert current[1][1:7] == ("Sao chụp giấy tờ", 0.5, 1, 40000, 2000, 22000)
    assert current[-1][6] == 150_000_000
    after = [r for r in wb["Sau đơn giản hóa"].iter_rows(min_row=6, values_only=True)]
    assert [r[1] for r in after[:-1]] == ["Chuẩn bị tờ khai", "Nộp hồ sơ", "Phí, lệ phí: Lệ phí"]
    assert after[-1][6] == 128_000_000
    comparison = wb["So sánh"]
    values = [r for r in comparison.iter_rows(min_row=6, values_only=True)]
    assert values == [("Chi phí hiện tại", 150_000_000), ("Sau đơn giản hóa", 128_000_000),
                      ("Chi phí tiết kiệm", 22_000_000)]  # fmt: skip
    assert len(comparison._charts) == 1


def test_report_counts_and_costs(reviewed):
    data, name = _export(*reviewed, "report")
    assert name == "bao-cao-ket-qua-ra-soat.docx"
    text = _text(data)
    assert "Rà soát 3 TTHC, giữ nguyên 1, đề nghị đơn giản hóa 2" in text
    assert "tiết kiệm 26.000.000 đồng/năm (16,46 %)./." in text
    assert "Sở Tư pháp | 2 | 0 | 1 | 0 | 1 | 154.000.000 | 128.000.000" in text
    assert "Tổng cộng | 3 | 1 | 1 | 0 | 1 | 158.000.000 | 132.000.000" in text
    assert "TM. ỦY BAN NHÂN DÂN" in text and "Đỗ Minh Quân" in text and "TỈNH HÒA SƠN" in text


@needs_office
def test_documents_render_on_a4(reviewed, tmp_path):
    from catalogue.documents.render import pdf_pages, pdf_text, to_pdf

    for kind, code in (("plan", None), ("form", "1.000001"), ("report", None),
                       ("cost", "1.000001"), ("cost_word", "1.000001")):  # fmt: skip
        data, name = _export(*reviewed, kind, code)
        path = tmp_path / name
        path.write_bytes(data)
        pdf = to_pdf(path, tmp_path)
        pages = pdf_pages(pdf)
        assert pages, name
        for w, h in pages:
            assert {round(w), round(h)} == {210, 297}, (name, w, h)
        if kind == "plan":  # as LibreOffice renders it: the profile's head proposes
            text = " ".join(pdf_text(pdf, layout=False).split())
            assert "Theo đề nghị của Giám đốc Sở Tư pháp." in text
            assert text.count("Chánh Văn phòng") == 1  # only among those who execute
