"""The NĐ 30/2020 layout layer, read back with python-docx and rendered by LibreOffice.

Expected values come from Nghị định 30/2020/NĐ-CP, Phụ lục I (PROCESS.md §4): A4,
margins top/bottom 20–25 mm, left 30–35 mm, right 15–20 mm, Times New Roman 13–14 pt,
the heading parts in their order, "./.", page numbers from page 2.
"""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.oxml.ns import qn

from catalogue.documents import excel as X
from catalogue.documents import layout as L
from catalogue.documents.bases import load_bases

EMU_PER_MM = 36000


def test_dates_follow_the_leading_zero_rule():
    # NĐ 30: a leading zero for days below 10 and for months 1 and 2, nowhere else.
    assert L.long_date(date(2027, 3, 5)) == "ngày 05 tháng 3 năm 2027"
    assert L.long_date(date(2027, 1, 9)) == "ngày 09 tháng 01 năm 2027"
    assert L.long_date(date(2027, 2, 28)) == "ngày 28 tháng 02 năm 2027"
    assert L.long_date(date(2026, 10, 10)) == "ngày 10 tháng 10 năm 2026"
    assert L.date_line("Bình An", date(2027, 3, 5)) == "Bình An, ngày 05 tháng 3 năm 2027"
    assert "…" not in L.long_date(None, year=2027) and "2027" in L.long_date(None, year=2027)


def test_counts_below_ten_have_a_leading_zero():
    assert [L.count(n) for n in (1, 5, 9, 10, 12, 1000)] == ["01", "05", "09", "10", "12", "1.000"]


def _sample(tmp_path: Path | None = None) -> bytes:
    doc = L.new_document(title="Thử")
    L.heading_block(
        doc,
        L.Heading(issuer=("ỦY BAN NHÂN DÂN", "TỈNH BÌNH AN"), number="12/QĐ-UBND",
                  place="Bình An", on=date(2027, 3, 5)),
    )  # fmt: skip
    L.kind_and_subject(doc, "Quyết định", "Về việc công bố danh mục thủ tục hành chính")
    L.authority_line(doc, "Chủ tịch Ủy ban nhân dân tỉnh Bình An")
    L.bases(doc, ["Căn cứ Luật A;", "Căn cứ Nghị định B.", "Theo đề nghị của Giám đốc Sở C"])
    L.decides(doc)
    L.article(doc, 1, "Công bố 05 thủ tục.")
    L.article(doc, 2, "Chánh Văn phòng chịu trách nhiệm thi hành Quyết định này.", end=True)
    L.signature_and_recipients(
        doc,
        L.Signature.of(title="Chủ tịch", deputy="Phó Chủ tịch", name="Trần Văn Bình"),
        ["Như Điều 2", "Cục Kiểm soát thủ tục hành chính, Văn phòng Chính phủ;"],
        archive="VT, KSTT",
    )
    L.annex_section(doc)
    L.annex_heading(doc, "Phụ lục", ["DANH MỤC"], "(Kèm theo Quyết định số 12/QĐ-UBND)")
    columns = [L.Column("STT", 6, "center"), L.Column("Tên thủ tục hành chính", 50),
               L.Column("Số tiền (đồng/năm)", 20, "right")]  # fmt: skip
    rows = [L.GroupRow("A. THỦ TỤC HÀNH CHÍNH CẤP TỈNH")]
    rows += [[str(i), f"Thủ tục số {i} có tên khá dài để xuống dòng", "1.234.567.890"]
             for i in range(1, 61)]  # fmt: skip
    L.table(doc, columns, rows)
    return L.to_bytes(doc)


def test_page_fonts_and_numbers():
    document = docx.Document(io.BytesIO(_sample()))
    first, annex = document.sections
    assert (round(first.page_width / EMU_PER_MM), round(first.page_height / EMU_PER_MM)) == (
        210,
        297,
    )
    assert (round(annex.page_width / EMU_PER_MM), round(annex.page_height / EMU_PER_MM)) == (
        297,
        210,
    )
    for section in (first, annex):
        assert 20 <= section.top_margin / EMU_PER_MM <= 25
        assert 20 <= section.bottom_margin / EMU_PER_MM <= 25
        assert 30 <= section.left_margin / EMU_PER_MM <= 35
        assert 15 <= section.right_margin / EMU_PER_MM <= 20
    fonts = document.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:rFonts"))
    assert {fonts.get(qn(a)) for a in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")} == {
        "Times New Roman"
    }
    normal = document.styles["Normal"].font
    assert normal.name == "Times New Roman" and 13 <= normal.size.pt <= 14
    # Page numbers: a PAGE field in the header, and a different (empty) first page.
    assert first.different_first_page_header_footer
    assert (
        "PAGE" in first.header._element.xml and "PAGE" not in first.first_page_header._element.xml
    )
    runs = [r for p in document.paragraphs for r in p.runs]
    assert all(r.font.color.rgb in (None, docx.shared.RGBColor(0, 0, 0)) for r in runs)


def _bold_runs(paragraph) -> bool:
    return all(r.bold for r in paragraph.runs if r.text.strip())


def test_heading_parts_in_order():
    document = docx.Document(io.BytesIO(_sample()))
    head = document.tables[0]
    names = [p for p in head.cell(0, 0).paragraphs if p.text]
    assert [p.text for p in names] == ["ỦY BAN NHÂN DÂN", "TỈNH BÌNH AN"]
    assert all(_bold_runs(p) for p in names)
    motto = [p for p in head.cell(0, 1).paragraphs if p.text]
    assert [p.text for p in motto] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    ]
    assert all(_bold_runs(p) for p in motto)
    # A short rule (a bottom border) under the issuing body and under the motto.
    for cell in (head.cell(0, 0), head.cell(0, 1)):
        assert cell.paragraphs[-1]._p.find(".//" + qn("w:bottom")) is not None
    assert head.cell(1, 0).text == "Số: 12/QĐ-UBND"
    place = head.cell(1, 1).paragraphs[0]
    assert place.text == "Bình An, ngày 05 tháng 3 năm 2027" and place.runs[0].italic
    assert head._tbl.find(".//" + qn("w:tblBorders")) is None  # borderless

    texts = [p.text for p in document.paragraphs]
    order = ["QUYẾT ĐỊNH", "Về việc công bố danh mục thủ tục hành chính",
             "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH BÌNH AN", "Căn cứ Luật A;", "Căn cứ Nghị định B;",
             "Theo đề nghị của Giám đốc Sở C.", "QUYẾT ĐỊNH:"]  # fmt: skip
    positions = [texts.index(t) for t in order]
    assert positions == sorted(positions)
    by_text = {p.text: p for p in document.paragraphs}
    assert all(r.italic for t in order[3:6] for r in by_text[t].runs)
    assert _bold_runs(by_text["QUYẾT ĐỊNH"]) and _bold_runs(by_text[order[1]])


def test_articles_end_signature_and_recipients():
    document = docx.Document(io.BytesIO(_sample()))
    articles = [p for p in document.paragraphs if p.text.startswith("Điều ")]
    assert [p.runs[0].text for p in articles] == ["Điều 1.", "Điều 2."]
    assert all(p.runs[0].bold and not p.runs[1].bold for p in articles)
    assert articles[-1].text.endswith("Quyết định này./.")
    sign = document.tables[1]
    left = [p for p in sign.cell(0, 0).paragraphs if p.text]
    assert left[0].text == "Nơi nhận:" and left[0].runs[0].bold and left[0].runs[0].italic
    assert [p.text for p in left[1:]] == [
        "- Như Điều 2;",
        "- Cục Kiểm soát thủ tục hành chính, Văn phòng Chính phủ;",
        "- Lưu: VT, KSTT.",
    ]
    right = [p for p in sign.cell(0, 1).paragraphs if p.text]
    assert [p.text for p in right] == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Trần Văn Bình"]
    assert all(_bold_runs(p) for p in right)
    assert len(sign.cell(0, 1).paragraphs) >= len(right) + 3  # room for signature and seal


def test_annex_table_fits_repeats_its_header_and_keeps_rows_whole():
    document = docx.Document(io.BytesIO(_sample()))
    annex = document.sections[1]
    text_width = (annex.page_width - annex.left_margin - annex.right_margin) / EMU_PER_MM
    grid = document.tables[2]
    widths = [col.w / EMU_PER_MM for col in grid._tbl.tblGrid.gridCol_lst]
    assert abs(sum(widths) - text_width) < 1
    assert [round(w / sum(widths) * 76) for w in widths] == [6, 50, 20]
    assert grid._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    rows = grid._tbl.tr_lst
    assert rows[0].trPr.find(qn("w:tblHeader")) is not None
    assert all(r.trPr.find(qn("w:tblHeader")) is None for r in rows[1:])
    assert all(r.trPr.find(qn("w:cantSplit")) is not None for r in rows)
    assert grid.rows[1].cells[0].text == "A. THỦ TỤC HÀNH CHÍNH CẤP TỈNH"
    assert grid.rows[1]._tr.tc_lst[0].grid_span == 3  # the group row spans the table
    assert grid.rows[2].cells[2].paragraphs[0].alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.RIGHT


def test_bases_come_from_the_data_file():
    values = {"legal_acts": ["Thông tư số 04/2027/TT-BTP"], "ministry_decisions": [],
              "amended_decisions": []}  # fmt: skip
    lines = load_bases("cong_bo", values)
    joined = " | ".join(lines)
    for law in ("Luật Tổ chức chính quyền địa phương", "63/2010/NĐ-CP", "48/2013/NĐ-CP",
                "92/2017/NĐ-CP", "02/2017/TT-VPCP"):  # fmt: skip
        assert law in joined, law
    assert lines[-1] == "Căn cứ Thông tư số 04/2027/TT-BTP"
    assert all(line.startswith("Căn cứ ") for line in lines)
    assert any("Kế hoạch" in b for b in load_bases("thong_qua", {"review_plans": ["Kế hoạch X"]}))


def test_bases_file_errors_name_the_file_and_key(tmp_path):
    from catalogue.registry.errors import ServiceError

    bad = tmp_path / "bases.yaml"
    bad.write_text("cong_bo:\n  - text: Căn cứ A\n  - each: typo\n    text: 'Căn cứ {}'\n")
    with pytest.raises(ServiceError, match=r"bases.yaml:cong_bo\[1\]\.each: 'typo'"):
        load_bases("cong_bo", {"legal_acts": []}, path=bad)
    with pytest.raises(ServiceError, match="no bases for 'ke_hoach'"):
        load_bases("ke_hoach", {}, path=bad)


def test_excel_print_setup():
    wb = X.new_workbook()
    columns = [X.XlColumn("STT", 6, align="center"), X.XlColumn("Tên TTHC", 50),
               X.XlColumn("CPTT trước (đồng/năm)", 18, X.MONEY, "right")]  # fmt: skip
    ws = X.table_sheet(
        wb, "Bảng", title=["BÁO CÁO", "(năm 2027)"], columns=columns,
        rows=[L.GroupRow("I. Lĩnh vực Hộ tịch"), [1, "=Khai sinh", 1234567]],
        totals=["Tổng cộng", "", 1234567],
    )  # fmt: skip
    ws = openpyxl.load_workbook(io.BytesIO(X.workbook_bytes(wb)))["Bảng"]
    assert ws["A1"].value == "BÁO CÁO" and ws["A1"].font.b and ws["A2"].font.i
    assert "A1:C1" in {str(r) for r in ws.merged_cells.ranges}
    assert [c.value for c in ws[4]] == ["STT", "Tên TTHC", "CPTT trước (đồng/năm)"]
    assert ws["B6"].value == "'=Khai sinh" and ws["B6"].data_type == "s"
    assert ws["C6"].value == 1234567 and ws["C6"].number_format == "#,##0"
    assert ws["C6"].alignment.wrap_text and ws["C6"].border.left.style == "thin"
    assert ws["A7"].font.b and ws["C7"].value == 1234567
    assert (
        ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    )  # A4 in OOXML
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$4:$4" and ws.freeze_panes == "A5"


# --------------------------------------------------------------------------- rendering

needs_office = pytest.mark.skipif(
    __import__("shutil").which("soffice") is None, reason="LibreOffice not installed"
)


@needs_office
def test_rendered_sample_is_a4_with_its_orientations(tmp_path):
    from catalogue.documents.render import pdf_pages, pdf_text, to_pdf

    path = tmp_path / "mau.docx"
    path.write_bytes(_sample())
    pdf = to_pdf(path, tmp_path)
    pages = pdf_pages(pdf)
    assert 3 <= len(pages) <= 6, pages
    portrait = [p for p in pages if p[0] < p[1]]
    assert all(abs(w - 210) < 1 and abs(h - 297) < 1 for w, h in portrait)
    assert all(abs(w - 297) < 1 and abs(h - 210) < 1 for w, h in pages[len(portrait) :])
    assert 1 <= len(portrait) <= 2 and len(pages) - len(portrait) >= 2
    text = pdf_text(pdf).split("\f")
    # The national title and the motto each stay on one line.
    assert re.search(r"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", text[0])
    assert "Độc lập - Tự do - Hạnh phúc" in text[0]
    assert re.match(r"\s*\d+\s*$", text[0].splitlines()[0]) is None  # no number on page 1
    assert text[1].strip().splitlines()[0].strip() == "2"
    # The table's header is repeated on the second annex page.
    annex_pages = text[len(portrait) :]
    assert all("Tên thủ tục hành chính" in page for page in annex_pages if page.strip())
    # Money never breaks across lines.
    assert all("1.234.567.890" in page for page in annex_pages if "Thủ tục số" in page)


@needs_office
def test_rendered_workbook_is_one_page_wide(tmp_path):
    from catalogue.documents.render import pdf_pages, to_pdf

    wb = X.new_workbook()
    columns = [X.XlColumn(f"Cột {i}", 20) for i in range(12)]  # wider than a page
    X.table_sheet(wb, "Bảng", title=["BẢNG"], columns=columns,
                  rows=[[f"ô {r}.{c}" for c in range(12)] for r in range(30)])  # fmt: skip
    path = tmp_path / "bang.xlsx"
    path.write_bytes(X.workbook_bytes(wb))
    pages = pdf_pages(to_pdf(path, tmp_path))
    assert len(pages) == 1, pages
    assert abs(pages[0][0] - 297) < 1 and abs(pages[0][1] - 210) < 1
