"""The whole year as one script (issue 19 items 4 and 5): ``bash scripts/annual-cycle.sh OUTDIR``.

The script runs once for the test session (a file lock shares it between xdist workers),
through the CLI only, on a fresh SQLite database in its folder. Then:

* ``summary.json`` is checked against figures worked out here by hand from the scenario's
  costing sheets (``scripts/annual-cycle/sheets``) with the method of TT 02/2017/TT-VPCP
  Điều 27 written out below: nothing is computed by the code under test;
* every document is converted to PDF by LibreOffice and checked as a Văn phòng would:
  A4, the orientation of each section, a page count within bounds; with python-docx the
  margins, fonts, heading parts in order, bases, articles, "./.", signature and
  recipients, repeated table headers, rows kept whole, widths that fit; and the text of
  all of them holds no "nan", "None", "()", placeholder dots or raw codes.

``TTHC_DOCS_PNG=1`` also writes the first page of each document to ``docs/`` (README).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.oxml.ns import qn

ROOT = Path(__file__).resolve().parents[1]
EMU_PER_MM = 36000
needs_office = pytest.mark.skipif(shutil.which("soffice") is None, reason="no LibreOffice")

REVIEWED = ("1.001193", "1.010727", "1.002861", "1.004873", "2.001610", "1.005092")
REVIEW_WORD = ("ke-hoach-ra-soat.docx", *(f"bieu-ra-soat-{c}.docx" for c in REVIEWED),
               *(f"bieu-tinh-cptt-{c}.docx" for c in REVIEWED),
               "bao-cao-ket-qua-ra-soat.docx")  # fmt: skip
WORD = (*REVIEW_WORD, "to-trinh-phuong-an.docx", "phuong-an.docx",
        "qd-thong-qua-phuong-an.docx", "qd-cong-bo.docx")  # fmt: skip
EXCEL = (*(f"bieu-tinh-cptt-{c}.xlsx" for c in REVIEWED), "phuong-an.xlsx", "qd-cong-bo.xlsx",
         "bao-cao-tiet-kiem.xlsx", "bieu-06.xlsx")  # fmt: skip
DOCUMENTS = WORD + EXCEL


# --------------------------------------------------------------------------- the run


@pytest.fixture(scope="session")
def year(tmp_path_factory) -> Path:
    """The script's output folder, made once per test session (shared between workers);
    ``TTHC_ANNUAL_CYCLE_OUT`` names a folder the script already wrote (while developing)."""
    if os.environ.get("TTHC_ANNUAL_CYCLE_OUT"):
        return Path(os.environ["TTHC_ANNUAL_CYCLE_OUT"])
    # One folder per test run: xdist workers share their run's parent folder (the run id
    # is the same for all of them); a run without workers uses its own base folder.
    base = tmp_path_factory.getbasetemp()
    run_id = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    shared = (base.parent / f"annual-cycle-{run_id}") if run_id else (base / "annual-cycle")
    shared.mkdir(exist_ok=True)
    with open(shared / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = shared / ".done"
        if not done.exists():
            out = shared / "out"
            shutil.rmtree(out, ignore_errors=True)
            run = subprocess.run(
                ["bash", str(ROOT / "scripts" / "annual-cycle.sh"), str(out)],
                capture_output=True, text=True, timeout=1800, check=False,
            )  # fmt: skip
            assert run.returncode == 0, run.stderr[-4000:]
            done.write_text("ok")
    return shared / "out"


@pytest.fixture(scope="session")
def pdfs(year) -> dict[str, Path]:
    """Every document as PDF (one LibreOffice run per kind, Word and Excel apart, since
    ``phuong-an.docx`` and ``phuong-an.xlsx`` share a stem)."""
    if shutil.which("soffice") is None:
        pytest.skip("no LibreOffice")
    from catalogue.documents.render import to_pdfs

    out: dict[str, Path] = {}
    with open(year.parent / ".pdf-lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for kind, names in (("docx", WORD), ("xlsx", EXCEL)):
            folder = year.parent / f"{year.name}-pdf-{kind}"
            if not (folder / ".done").exists():
                to_pdfs([year / n for n in names], folder)
                (folder / ".done").write_text("ok")
            out.update({n: folder / (Path(n).stem + ".pdf") for n in names})
    return out


def test_every_named_file_is_written(year):
    names = {p.name for p in year.iterdir()}
    assert set(DOCUMENTS) | {"summary.json", "tthc.sqlite"} <= names


# --------------------------------------------------------------------------- summary.json
#
# Hand computation (TT 02/2017 Điều 27; the reference formula of analysis/reference.py is
# not imported): unit cost = Σ_channel share × (Σ activities hours × rate + out-of-pocket
# + fees of that channel); annual = unit × frequency × population; saved = before − after.
#
# 1.001193 khai sinh (rate 30.000; 12.000 births; direct 0.6, online 0.4):
#   direct: (1 + 4 + 3) h × 30.000 + 20.000 + 30.000 = 290.000;  online: (1 + 4 + 1) h ×
#   30.000 + 20.000 = 200.000;  unit 0,6 × 290.000 + 0,4 × 200.000 = 254.000
#   before 254.000 × 12.000 = 3.048.000.000.  The birth certificate (4 h + 20.000 đ) is read
#   from the health database: direct 150.000, online 60.000, unit 114.000 → 1.368.000.000.
BIRTH = (3_048_000_000, 1_368_000_000)
# 1.010727 giấy phép môi trường (rate 50.000; 200 permits; direct 0.5, online 0.5; fee
#   30.000.000): direct 40 h + 4 h = 2.200.000 + 5.000.000 + 200.000 + 30.000.000 =
#   37.400.000; online 41 h = 2.050.000 + 5.000.000 + 30.000.000 = 37.050.000; unit
#   37.225.000 → 7.445.000.000.  Fee 24.000.000 and shares 0,2 / 0,8: direct 31.400.000,
#   online 31.050.000, unit 6.280.000 + 24.840.000 = 31.120.000 → 6.224.000.000.
PERMIT = (7_445_000_000, 6_224_000_000)
# 1.004873 replaced by 1.013500 (figures typed with their source, both from the sheets):
#   before (1 + 3) h × 30.000 + 30.000 + 15.000 = 165.000 × 8.000 = 1.320.000.000;
#   successor 1 h × 30.000 + 15.000 = 45.000 × 8.000 = 360.000.000.
MARRIAGE_STATUS = (1_320_000_000, 360_000_000)
# 2.001610 công ty TNHH (rate 50.000; 4.000 companies; direct 0.3, online 0.7; lệ phí
#   50.000 direct only): direct 8 + 4 h = 600.000 + 100.000 + 50.000 = 750.000; online 9 h
#   = 450.000; unit 225.000 + 315.000 = 540.000 → 2.160.000.000.  Preparation 8 → 6 h:
#   direct 650.000, online 350.000, unit 195.000 + 245.000 = 440.000 → 1.760.000.000.
COMPANY = (2_160_000_000, 1_760_000_000)
# 1.002861 phù hiệu, abolished (rate 50.000; 3.000 badges; direct only): (2 + 4) h ×
#   50.000 + 100.000 = 400.000 → 1.200.000.000; after 0.
BADGE = (1_200_000_000, 0)
# 1.000894 kết hôn, in the second plan (rate 30.000; 5.000 couples; direct only):
#   (1 + 3 + 3) h × 30.000 + 15.000 + 30.000 = 255.000 → 1.275.000.000; the certificate
#   of marital status read from the civil-status database: 4 h + 30.000 = 150.000 →
#   750.000.000.
MARRIAGE = (1_275_000_000, 750_000_000)


def _stage(*pairs: tuple[int, int]) -> dict[str, int]:
    before = sum(b for b, _ in pairs)
    after = sum(a for _, a in pairs)
    return {"procedures": len(pairs), "before": before, "after": after, "saved": before - after}


def test_summary_holds_the_hand_figures_at_each_stage(year):
    summary = json.loads((year / "summary.json").read_text(encoding="utf-8"))
    # On 01/10/2026: the birth, permit and replacement entries are in force (act in force,
    # list applied); the company's decree is issued but in force only in 2027; the badge's
    # abolition waits for the ministry; the marriage proposal is in a plan not adopted.
    assert summary["stages"] == {
        "proposed": _stage(MARRIAGE),
        "adopted": _stage(BADGE),
        "enacted": _stage(COMPANY),
        "in_force": _stage(BIRTH, PERMIT, MARRIAGE_STATUS),
    }
    assert summary["stages"]["in_force"] == {
        "procedures": 3, "before": 11_813_000_000, "after": 7_952_000_000,
        "saved": 3_861_000_000,
    }  # fmt: skip
    burden = summary["burden"]
    # From the date in force the catalogue's burden loses the two amendments' savings and
    # the replaced procedure's cost, and gains its successor's: nothing else changes.
    assert burden["before"] - burden["after"] == (
        (BIRTH[0] - BIRTH[1]) + (PERMIT[0] - PERMIT[1]) + MARRIAGE_STATUS[0] - MARRIAGE_STATUS[1]
    )
    assert burden["after"] > 0 and set(burden) == {"before", "after"}


# --------------------------------------------------------------------------- Word structure


def _paragraphs(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def _all_text_docx(path: Path) -> str:
    document = docx.Document(path)
    parts = _paragraphs(document)
    parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs]
    return "\n".join(parts)


def _all_text_xlsx(path: Path) -> str:
    wb = openpyxl.load_workbook(path)
    return "\n".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row
                     if c.value is not None)  # fmt: skip


RAW_CODES = (r"\b(province|commune|district|ministry|amend|abolish|keep|replace|approved|"
             r"adopted|published|draft|submitted|recommendation|working_days|direct|online|"
             r"postal|procedure_id|plan_id|routing|phi|le_phi|unspecified|VND|True|False|"
             r"in_force|enacted|proposed)\b")  # fmt: skip


@pytest.mark.parametrize("name", DOCUMENTS)
def test_no_placeholder_none_nan_or_raw_code(year, name):
    path = year / name
    text = _all_text_docx(path) if name.endswith(".docx") else _all_text_xlsx(path)
    for dots in ("……", "...", "…", ". . ."):
        assert dots not in text, (name, dots)
    for bad in (r"\bNone\b", r"\bnan\b", r"\bNaN\b", r"\(\s*\)", r"\bnull\b"):
        assert not re.search(bad, text), (name, bad)
    assert not re.findall(RAW_CODES, text), (name, re.findall(RAW_CODES, text))


def _check_page(document) -> None:
    for section in document.sections:
        short, long_ = sorted((section.page_width / EMU_PER_MM, section.page_height / EMU_PER_MM))
        assert (round(short), round(long_)) == (210, 297)
        assert 20 <= section.top_margin / EMU_PER_MM <= 25
        assert 20 <= section.bottom_margin / EMU_PER_MM <= 25
        assert 30 <= section.left_margin / EMU_PER_MM <= 35
        assert 15 <= section.right_margin / EMU_PER_MM <= 20
    styles = document.styles.element
    fonts = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert fonts.find(qn("w:rFonts")).get(qn("w:ascii")) == "Times New Roman"
    size = int(fonts.find(qn("w:sz")).get(qn("w:val"))) / 2
    assert 13 <= size <= 14
    body = document.element.body
    named = {r.get(qn("w:ascii")) for r in body.iter(qn("w:rFonts"))} - {None}
    assert named <= {"Times New Roman"}, named  # no run switches to another font


def _heading(document, number: str, date_line: str, issuer: list[str]) -> None:
    head = document.tables[0]
    left = [p.text for p in head.cell(0, 0).paragraphs if p.text]
    right = [p.text for p in head.cell(0, 1).paragraphs if p.text]
    assert left == issuer
    assert right == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert all(r.bold for p in head.cell(0, 1).paragraphs for r in p.runs)
    assert head.cell(1, 0).text == f"Số: {number}"
    assert head.cell(1, 1).text == date_line
    assert all(r.italic for p in head.cell(1, 1).paragraphs for r in p.runs)
    # The rules under the issuing body and the motto: bottom borders of short paragraphs.
    for cell in (head.cell(0, 0), head.cell(0, 1)):
        assert cell._tc.xpath(".//w:pBdr/w:bottom"), "a rule under the heading"


def _bases(texts: list[str], document) -> list[str]:
    bases = [t for t in texts if t.startswith(("Căn cứ", "Theo đề nghị"))]
    assert bases and all(b.endswith(";") for b in bases[:-1]) and bases[-1].endswith(".")
    for p in document.paragraphs:
        if p.text in bases:
            assert all(r.italic for r in p.runs if r.text.strip()), p.text
    return bases


def _signature(document, lines: list[str], recipients_first: list[str]) -> None:
    table = next(t for t in document.tables if "Nơi nhận:" in t.cell(0, 0).text)
    left = [p for p in table.cell(0, 0).paragraphs if p.text]
    assert left[0].text == "Nơi nhận:" and left[0].runs[0].bold and left[0].runs[0].italic
    texts = [p.text for p in left]
    assert texts[1 : 1 + len(recipients_first)] == recipients_first
    assert all(t.startswith("- ") and t.endswith(";") for t in texts[1:-1])
    assert texts[-1] == "- Lưu: VT, KSTT."
    right = [p.text for p in table.cell(0, 1).paragraphs if p.text]
    assert right == lines


def _tables_repeat_and_fit(document) -> None:
    """Every bordered table: header repeated, rows unsplit, widths summing to the text
    width of its section."""
    body = document.element.body
    section_of = []  # the text width in force for each table, in document order
    widths = [(s.page_width - s.left_margin - s.right_margin) / EMU_PER_MM
              for s in document.sections]  # fmt: skip
    current = 0
    for child in body.iterchildren():
        if child.tag == qn("w:tbl"):
            section_of.append((child, widths[current]))
        if child.tag == qn("w:p") and child.xpath("./w:pPr/w:sectPr"):
            current += 1
    grids = [(t, w) for t, w in section_of if t.xpath("./w:tblPr/w:tblStyle")]
    assert grids, "the document has its annex tables"
    for tbl, width in grids:
        rows = tbl.xpath("./w:tr")
        assert rows[0].xpath("./w:trPr/w:tblHeader"), "header row repeated on every page"
        assert all(r.xpath("./w:trPr/w:cantSplit") for r in rows), "rows never split"
        total = sum(int(c.get(qn("w:w"))) for c in tbl.xpath("./w:tblGrid/w:gridCol"))
        assert abs(total / 1440 * 25.4 - width) < 1, (total, width)


def test_qd_thong_qua_structure(year):
    document = docx.Document(year / "qd-thong-qua-phuong-an.docx")
    _check_page(document)
    assert [s.page_width > s.page_height for s in document.sections] == [False, False, True]
    _heading(document, "125/QĐ-UBND", "Bình An, ngày 20 tháng 5 năm 2026",
             ["ỦY BAN NHÂN DÂN", "TỈNH BÌNH AN"])  # fmt: skip
    texts = _paragraphs(document)
    start = texts.index("QUYẾT ĐỊNH")
    assert texts[start + 1].startswith("Về việc thông qua phương án đơn giản hóa")
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH BÌNH AN" in texts[start:]
    bases = _bases(texts, document)
    for law in ("Luật Tổ chức chính quyền địa phương", "63/2010/NĐ-CP", "48/2013/NĐ-CP",
                "92/2017/NĐ-CP", "02/2017/TT-VPCP"):  # fmt: skip
        assert any(law in b for b in bases), law
    assert bases[-1] == ("Theo đề nghị của Giám đốc Sở Tư pháp tại Tờ trình số 45/TTr-STP "
                         "ngày 08 tháng 5 năm 2026.")  # fmt: skip
    articles = [t for t in texts if re.match(r"Điều \d+\.", t)]
    assert [a.split(".")[0] for a in articles] == ["Điều 1", "Điều 2", "Điều 3", "Điều 4"]
    for p in document.paragraphs:
        if p.text in articles:
            assert p.runs[0].bold and p.runs[0].text.startswith("Điều")
    # 5 simplified (the kept one is not in a phương án); 1.680.000.000 + 1.221.000.000 +
    # 960.000.000 + 400.000.000 + 1.200.000.000 = 5.461.000.000 of 15.173.000.000 = 35,99 %.
    assert "phương án đơn giản hóa 05 thủ tục hành chính" in articles[0]
    assert "tiết kiệm 5.461.000.000 đồng/năm, tỷ lệ cắt giảm 35,99 %" in articles[0]
    route = texts[texts.index(articles[1]) + 1]
    assert route.startswith("1. Sở Nông nghiệp và Môi trường chủ trì")
    assert route.endswith("trình Ủy ban nhân dân tỉnh trước ngày 30 tháng 6 năm 2026;")
    assert any(t.startswith("2. Sở Tư pháp dự thảo văn bản của Ủy ban nhân dân tỉnh gửi Bộ Tư "
                            "pháp kiến nghị") for t in texts)  # fmt: skip
    assert articles[-1].endswith("./.")
    _signature(
        document,
        ["CHỦ TỊCH", "Nguyễn Văn An"],
        ["- Như Điều 4;", "- Văn phòng Chính phủ (Cục Kiểm soát thủ tục hành chính);"],
    )
    annex = texts[texts.index("PHỤ LỤC") :]
    assert annex[1] == "PHƯƠNG ÁN ĐƠN GIẢN HÓA THỦ TỤC HÀNH CHÍNH"
    assert annex[2] == ("(Kèm theo Quyết định số 125/QĐ-UBND ngày 20 tháng 5 năm 2026 của Chủ "
                        "tịch Ủy ban nhân dân tỉnh Bình An)")  # fmt: skip
    fields = [t for t in annex if re.match(r"[IVX]+\. LĨNH VỰC", t)]
    assert fields == ["I. LĨNH VỰC HỘ TỊCH", "II. LĨNH VỰC MÔI TRƯỜNG",
                      "III. LĨNH VỰC THÀNH LẬP VÀ HOẠT ĐỘNG CỦA DOANH NGHIỆP",
                      "IV. LĨNH VỰC ĐƯỜNG BỘ"]  # fmt: skip
    assert not any("1.005092" in t for t in annex)  # kept: in the báo cáo, not the phương án
    block = annex[annex.index("3. Thủ tục cấp giấy phép môi trường (cấp tỉnh) (mã 1.010727)") :]
    assert block[1] == "a) Nội dung đơn giản hóa:"
    assert block[2] == ("- Phí (trực tiếp): từ 30.000.000 đồng thành 24.000.000 đồng; (trực "
                        "tuyến): từ 30.000.000 đồng thành 24.000.000 đồng;")  # fmt: skip
    assert block[3].startswith("Lý do: Mức thu phí thẩm định cao hơn chi phí thực tế")
    b = block.index("b) Kiến nghị thực thi:")
    assert block[b + 1].startswith("- Sửa đổi Điều 3 Nghị quyết số 07/2025/NQ-HĐND")
    assert (
        "- Cơ quan thực hiện: Sở Nông nghiệp và Môi trường chủ trì soạn thảo, trình Ủy ban "
        "nhân dân tỉnh ban hành; thời hạn: trước ngày 30 tháng 6 năm 2026."
    ) in block
    c = block.index("c) Lợi ích phương án đơn giản hóa:")
    # 7.445.000.000 − 6.224.000.000 = 1.221.000.000; ÷ 7.445.000.000 = 16,40 %.
    assert block[c + 1 : c + 5] == [
        "- Chi phí tuân thủ thủ tục hành chính trước khi đơn giản hóa: 7.445.000.000 đồng/năm;",
        "- Chi phí tuân thủ thủ tục hành chính sau khi đơn giản hóa: 6.224.000.000 đồng/năm;",
        "- Chi phí tiết kiệm: 1.221.000.000 đồng/năm;",
        "- Tỷ lệ cắt giảm chi phí: 16,40 %;",
    ]
    company = annex[annex.index("4. Thủ tục đăng ký thành lập công ty trách nhiệm hữu hạn một "
                                "thành viên (mã 2.001610)") :]  # fmt: skip
    # 3 → 2 working days: (3 − 2) ÷ 3 = 33,33 %.
    assert (
        "- Thời hạn giải quyết trước khi đơn giản hóa: 3 ngày làm việc; sau: 2 ngày làm "
        "việc; tỷ lệ cắt giảm: 33,33 %."
    ) in company
    assert "- Kiến nghị Bộ Tài chính sửa đổi, bổ sung văn bản quy phạm pháp luật; thời hạn: " \
        "trước ngày 31 tháng 12 năm 2026." in company  # fmt: skip
    assert "- Thay thế bằng thủ tục cấp Giấy xác nhận tình trạng hôn nhân trực tuyến (mã " \
        "1.013500);" in annex  # fmt: skip
    _tables_repeat_and_fit(document)


def test_to_trinh_structure(year):
    document = docx.Document(year / "to-trinh-phuong-an.docx")
    _check_page(document)
    _heading(document, "45/TTr-STP", "Bình An, ngày 08 tháng 5 năm 2026",
             ["UBND TỈNH BÌNH AN", "SỞ TƯ PHÁP"])  # fmt: skip
    texts = _paragraphs(document)
    assert texts[texts.index("TỜ TRÌNH") + 1] == (
        "Về việc thông qua phương án đơn giản hóa thủ tục hành chính năm 2026"
    )
    assert "Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh Bình An." in texts
    # Six reviewed: one kept, five simplified (2 amended + 1 company amended, 1 replaced,
    # 1 abolished); the five's costs: 15.173.000.000 before, 9.712.000.000 after.
    assert "- Số thủ tục hành chính đã rà soát, đánh giá: 06 thủ tục;" in texts
    assert "- Đề nghị giữ nguyên: 01 thủ tục;" in texts
    assert (
        "- Đề nghị đơn giản hóa: 05 thủ tục (03 thủ tục sửa đổi, bổ sung; 01 thủ tục thay "
        "thế; 01 thủ tục bãi bỏ)."
    ) in texts
    assert any("15.173.000.000 đồng/năm" in t and "9.712.000.000 đồng/năm" in t
               and "5.461.000.000 đồng/năm" in t for t in texts)  # fmt: skip
    assert [t for t in texts if t][-1].endswith("./.")
    _signature(document, ["GIÁM ĐỐC", "Phạm Minh Đức"], ["- Như trên;"])


def test_qd_cong_bo_structure(year):
    document = docx.Document(year / "qd-cong-bo.docx")
    _check_page(document)
    # The decision (portrait), Phần I (landscape), Phần II (portrait).
    assert [s.page_width > s.page_height for s in document.sections] == [False, True, False]
    _heading(document, "350/QĐ-UBND", "Bình An, ngày 18 tháng 9 năm 2026",
             ["ỦY BAN NHÂN DÂN", "TỈNH BÌNH AN"])  # fmt: skip
    texts = _paragraphs(document)
    bases = _bases(texts, document)
    # The acts that make the change and the ministry's own công bố are bases.
    assert any(b.startswith("Căn cứ Thông tư số 08/2026/TT-BTP ngày 14 tháng 8 năm 2026 của Bộ "
                            "Tư pháp sửa đổi, bổ sung") for b in bases)  # fmt: skip
    assert any(b.startswith("Căn cứ Nghị quyết số 12/2026/NQ-HĐND ngày 20 tháng 8 năm 2026 của "
                            "Hội đồng nhân dân tỉnh Bình An") for b in bases)  # fmt: skip
    assert any("Quyết định số 1520/QĐ-BTP của Bộ trưởng Bộ Tư pháp" in b for b in bases)
    first = next(t for t in texts if t.startswith("Điều 1."))
    assert ("03 thủ tục hành chính (02 thủ tục được sửa đổi, bổ sung; 01 thủ tục được thay "
            "thế)") in first  # fmt: skip
    assert "ngày 01 tháng 10 năm 2026" in next(t for t in texts if t.startswith("Điều 2."))
    assert next(t for t in texts if t.startswith("Điều 3.")).endswith("./.")
    _signature(document, ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Trần Văn Bình"], ["- Như Điều 3;"])
    grids = [t for t in document.tables if t.style is not None and t.style.name == "Table Grid"]
    amended, replaced = grids[0], grids[1]
    assert [c.text for c in amended.rows[0].cells][3] == (
        "Tên VBQPPL quy định nội dung sửa đổi, bổ sung"
    )
    header = [c.text for c in replaced.rows[0].cells]
    assert header[2:5] == ["Tên TTHC được thay thế", "Tên TTHC thay thế",
                           "Tên VBQPPL quy định nội dung thay thế"]  # fmt: skip
    row = [c.text for c in replaced.rows[-1].cells]
    assert row[1] == "1.004873" and row[3] == (
        "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân trực tuyến (mã 1.013500)"
    )
    assert row[4].startswith("08/2026/TT-BTP")  # the act of every row
    groups = [r.cells[0].text for r in amended.rows[1:] if len({c.text for c in r.cells}) == 1]
    assert groups == ["A. THỦ TỤC HÀNH CHÍNH CẤP TỈNH", "I. Lĩnh vực Môi trường",
                      "B. THỦ TỤC HÀNH CHÍNH CẤP XÃ", "I. Lĩnh vực Hộ tịch"]  # fmt: skip
    assert "PHẦN II. NỘI DUNG CỤ THỂ CỦA TỪNG THỦ TỤC HÀNH CHÍNH" in texts
    _tables_repeat_and_fit(document)


def test_excel_print_setup(year):
    for name in EXCEL:
        wb = openpyxl.load_workbook(year / name)
        for ws in wb:
            assert ws.page_setup.orientation == "landscape", (name, ws.title)
            assert ws.page_setup.paperSize in (9, "9"), (name, ws.title)  # A4
            assert ws.sheet_properties.pageSetUpPr.fitToPage, (name, ws.title)
            assert ws.print_title_rows, (name, ws.title)
    ws = openpyxl.load_workbook(year / "phuong-an.xlsx").active
    rows = {r[1]: r for r in ws.iter_rows(values_only=True) if r and r[1]}
    assert rows["1.010727"][7:10] == PERMIT + (PERMIT[0] - PERMIT[1],)  # typed numbers
    permit = next(r for r in ws.iter_rows() if r[1].value == "1.010727")
    assert permit[7].number_format == "#,##0" and permit[10].number_format == "0.00"


# --------------------------------------------------------------------------- as rendered

PAGE_BOUNDS = {  # name → (min, max) pages, judged from the scenario's content
    "to-trinh-phuong-an.docx": (1, 2),
    "phuong-an.docx": (3, 8),
    "qd-thong-qua-phuong-an.docx": (5, 10),
    "qd-cong-bo.docx": (4, 10),
    "phuong-an.xlsx": (1, 2),
    "qd-cong-bo.xlsx": (1, 1),
    "bao-cao-tiet-kiem.xlsx": (4, 12),
    "bieu-06.xlsx": (1, 3),
    **dict.fromkeys(REVIEW_WORD, (1, 12)),  # the review documents (issue 11's layouts)
    **{f"bieu-tinh-cptt-{c}.xlsx": (1, 6) for c in REVIEWED},
}
ORIENTATIONS = {  # Word: the orientation of each section, in order (True = landscape)
    "to-trinh-phuong-an.docx": [False],
    "phuong-an.docx": [False, True],
    "qd-thong-qua-phuong-an.docx": [False, False, True],
    "qd-cong-bo.docx": [False, True, False],
}


@needs_office
@pytest.mark.parametrize("name", DOCUMENTS)
def test_renders_on_a4_in_its_orientations(year, pdfs, name):
    from catalogue.documents.render import first_page_png, pdf_pages, pdf_text

    pdf = pdfs[name]
    pages = pdf_pages(pdf)
    low, high = PAGE_BOUNDS[name]
    assert low <= len(pages) <= high, (name, len(pages))
    for w, h in pages:
        assert {round(w), round(h)} == {210, 297}, (name, w, h)
    landscape = [w > h for w, h in pages]
    if name.endswith(".xlsx"):
        assert all(landscape), name
    else:
        # Each section's orientation appears, in order, in the pages (runs of pages).
        runs = [landscape[0]] + [b for a, b in zip(landscape, landscape[1:], strict=False)
                                 if a != b]  # fmt: skip
        expected = ORIENTATIONS.get(name, [False, *runs[1:]])  # review documents: text first
        assert runs == [o for i, o in enumerate(expected) if i == 0 or o != expected[i - 1]]
        first = pdf_text(pdf).split("\f")[0]
        if not name.startswith(("phuong-an", "bieu-")):  # forms and annexes: no heading
            assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first  # the title on one line
    text = pdf_text(pdf, layout=False)
    assert not re.search(r"\bNone\b|\bnan\b|……|\(\s*\)", text), name
    shown = not name.startswith(("bieu-ra-soat", "bieu-tinh-cptt")) or name in (
        "bieu-ra-soat-1.001193.docx",
        "bieu-tinh-cptt-1.010727.xlsx",
    )  # one of each in README
    if os.environ.get("TTHC_DOCS_PNG") == "1" and shown:
        stem, ext = Path(name).stem, Path(name).suffix[1:]
        first_page_png(pdf, ROOT / "docs" / "cycle" / f"{stem}-{ext}.png", dpi=70)


def test_savings_report_counts_each_stage_apart(year):
    wb = openpyxl.load_workbook(year / "bao-cao-tiet-kiem.xlsx")
    assert wb.sheetnames[:2] == ["Theo giai đoạn", "Tiến độ theo hiệu lực"]
    stages = {r[0]: r[1:5] for r in wb["Theo giai đoạn"].iter_rows(min_row=5, values_only=True)}
    assert stages["Đã có hiệu lực"] == tuple(_stage(BIRTH, PERMIT, MARRIAGE_STATUS).values())
    assert stages["Đề xuất"] == tuple(_stage(MARRIAGE).values())
    progress = {r[0]: r for r in wb["Tiến độ theo hiệu lực"].iter_rows(min_row=5, values_only=True)}
    nq66 = next(r for name, r in progress.items() if name.endswith("năm 2026"))
    # NQ 66 (2026) counts procedures related to production and business only: of those in
    # force, the environmental permit (subjects: enterprises); khai sinh and the marital
    # status certificate serve citizens. The badge (adopted) and the company registration
    # (enacted) are its pipeline; the marriage proposal (citizens) is not in scope.
    assert nq66[3:5] == (1, PERMIT[0] - PERMIT[1])
    assert nq66[7:10] == (BADGE[0] - BADGE[1], COMPANY[0] - COMPANY[1], 0)
