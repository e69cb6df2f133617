"""The NĐ 30/2020/NĐ-CP layout layer: every Word document is built with these functions.

Nghị định 30/2020/NĐ-CP, Phụ lục I (see ``PROCESS.md`` §4) fixes the page and the parts of
an administrative document; this module is their one definition, so a document module
only says what goes in. The figures chosen within the decree's ranges:

- A4 portrait (210 × 297 mm); margins top and bottom 20 mm, left 30 mm, right 15 mm; an
  annex is a landscape section with the same margins;
- Times New Roman, black, body 14 pt justified with a 1 cm first-line indent, 6 pt
  between paragraphs; national title 12 pt bold capitals, motto 13 pt bold; "Nơi nhận:"
  12 pt bold italic and the recipients 11 pt; tables 12 pt;
- page numbers centred in the top margin, none on the first page.

Rules (the short lines under the issuing body, the motto and the subject line) are
bottom borders of tiny paragraphs whose indents set their length, so that Word and
LibreOffice draw them alike. Tables have a fixed layout: their widths are shares of the
section's text width, so they always fit the page.

python-docx is imported inside the functions that need it (nothing heavy at import time).
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Sequence
from typing import Any

from catalogue.documents.parts import (
    END_MARK,
    Column,
    GroupRow,
    Heading,
    Signature,
    count,
    date_line,
    long_date,
    proposal_line,
    with_end,
)

__all__ = [
    "END_MARK", "Column", "GroupRow", "Heading", "Signature", "count", "date_line",
    "long_date", "proposal_line", "with_end", "annex_heading", "annex_section", "article",
    "authority_line", "bases", "body", "decides", "fixed_widths", "heading_block",
    "heading_paragraph", "items", "kind_and_subject", "new_document", "paragraph", "rule",
    "signature_and_recipients", "table", "text_width_mm", "to_bytes",
]  # fmt: skip

FONT = "Times New Roman"
BODY_PT = 14
TABLE_PT = 12
PAGE_MM = (210, 297)  # A4 portrait
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
_TWIPS_PER_MM = 1440 / 25.4


# --------------------------------------------------------------------------- document


def new_document(*, title: str | None = None, author: str | None = None):
    """An empty A4 portrait document with the NĐ 30 page, fonts and page numbers."""
    from docx import Document

    doc = Document()
    _set_defaults(doc)
    section = doc.sections[0]
    _page(section, landscape=False)
    section.different_first_page_header_footer = True
    _page_number_header(section)
    if title:
        doc.core_properties.title = title
    if author:
        doc.core_properties.author = author
    # The template's one empty paragraph would print a blank line above the heading.
    body = doc.element.body
    for p in list(body.iterchildren("{*}p")):
        body.remove(p)
    return doc


def _set_defaults(doc) -> None:
    """Times New Roman black 14 pt for every script (Vietnamese letters included), vi-VN."""
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts"))
    for key in list(fonts.attrib):
        del fonts.attrib[key]
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    for tag in ("w:sz", "w:szCs"):
        rpr.find(qn(tag)).set(qn("w:val"), str(BODY_PT * 2))
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:val"), "vi-VN")
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")
    for name in ("Normal", "Header", "Footer"):
        style = doc.styles[name]
        style.font.name = FONT
        style.font.size = Pt(BODY_PT)
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def _page(section, *, landscape: bool) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm, Twips

    short, long_ = PAGE_MM
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width = Mm(long_ if landscape else short)
    section.page_height = Mm(short if landscape else long_)
    # Stored in whole twips: round up so that 15 mm never reads back as 14,99 mm.
    section.top_margin = Twips(math.ceil(MARGINS_MM["top"] * _TWIPS_PER_MM))
    section.bottom_margin = Twips(math.ceil(MARGINS_MM["bottom"] * _TWIPS_PER_MM))
    section.left_margin = Twips(math.ceil(MARGINS_MM["left"] * _TWIPS_PER_MM))
    section.right_margin = Twips(math.ceil(MARGINS_MM["right"] * _TWIPS_PER_MM))
    section.header_distance = Mm(10)
    section.footer_distance = Mm(10)


def _page_number_header(section) -> None:
    """A centred PAGE field in the default header (the first page has an empty one)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    para = section.header.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        run = para.add_run()
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)


def to_bytes(doc) -> bytes:
    """The document as .docx bytes."""
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# --------------------------------------------------------------------------- paragraphs


def paragraph(
    container,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
    align: str = "justify",
    indent: bool = False,
    before: float = 0,
    after: float = 0,
    keep_next: bool = False,
):
    """One paragraph in ``container`` (the document or a table cell), one run of ``text``."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    para = container.add_paragraph()
    para.alignment = {
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
    }[align]
    fmt = para.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if indent:
        fmt.first_line_indent = Cm(1)
    if keep_next:
        fmt.keep_with_next = True
    if text:
        run = para.add_run(text)
        run.bold, run.italic = bold or None, italic or None
        if size:
            run.font.size = Pt(size)
    return para


def body(doc, text: str, *, bold: bool = False, italic: bool = False, end: bool = False):
    """A body paragraph: 14 pt, justified, 1 cm first-line indent, 6 pt after; ``end`` adds
    the closing ``./.``."""
    text = with_end(text, END_MARK) if end else text
    return paragraph(doc, text, bold=bold, italic=italic, indent=True, after=6)


def _first_cell_paragraph(cell):
    """The cell's own empty paragraph, removed so that added ones start at the top."""
    p = cell.paragraphs[0]
    p._p.getparent().remove(p._p)


_PPR_AFTER_BORDER = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
    "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip


def rule(container, *, length_mm: float, width_mm: float, before: float = 0, after: float = 0):
    """A centred horizontal rule ``length_mm`` long, in a container ``width_mm`` wide: the
    bottom border of an empty paragraph whose mark is 2 pt high, indented to that length."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm

    para = paragraph(container, align="center", before=before, after=after)
    side = max((width_mm - length_mm) / 2, 0)
    para.paragraph_format.left_indent = Mm(side)
    para.paragraph_format.right_indent = Mm(side)
    ppr = para._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.insert_element_before(borders, *_PPR_AFTER_BORDER)
    mark = OxmlElement("w:rPr")
    for tag in ("w:sz", "w:szCs"):
        size = OxmlElement(tag)
        size.set(qn("w:val"), "4")
        mark.append(size)
    ppr.insert_element_before(mark, "w:sectPr", "w:pPrChange")
    return para


def text_width_mm(doc) -> float:
    """Width between the margins of the document's last (current) section, in mm."""
    section = doc.sections[-1]
    return (section.page_width - section.left_margin - section.right_margin) / 36000


# --------------------------------------------------------------------------- heading parts


def heading_block(doc, heading: Heading):
    """The two-column heading, borderless: issuing body and "Số:" left; national title, motto
    and place and date right. Row 0 holds the names with their rules, row 1 the number and
    the date, so that the two stay level."""
    width = text_width_mm(doc)
    left, right = width * 0.38, width * 0.62
    table = doc.add_table(rows=2, cols=2)
    fixed_widths(table, [left, right])
    names, motto = table.cell(0, 0), table.cell(0, 1)
    for cell in (names, motto, table.cell(1, 0), table.cell(1, 1)):
        _first_cell_paragraph(cell)
    if heading.parent:
        paragraph(names, heading.parent.upper(), size=13, align="center")
    for line in heading.issuer:
        paragraph(names, line.upper(), bold=True, size=13, align="center")
    rule(names, length_mm=min(left * 0.4, 25), width_mm=left - 4)
    paragraph(motto, NATIONAL_TITLE, bold=True, size=12, align="center")
    paragraph(motto, MOTTO, bold=True, size=13, align="center")
    rule(motto, length_mm=min(right * 0.6, 62), width_mm=right - 4)
    paragraph(table.cell(1, 0), f"Số: {heading.number}", size=13, align="center", before=6)
    paragraph(
        table.cell(1, 1),
        date_line(heading.place, heading.on, year=heading.year),
        italic=True,
        align="center",
        before=6,
    )
    return table


def kind_and_subject(doc, kind: str, subject: str | Sequence[str]):
    """The kind of document (bold capitals, centred) and its subject line (bold) with a short
    rule under it. ``subject`` may be several lines (a long trích yếu)."""
    paragraph(doc, kind.upper(), bold=True, align="center", before=18, keep_next=True)
    lines = [subject] if isinstance(subject, str) else list(subject)
    for line in lines:
        paragraph(doc, line, bold=True, align="center", keep_next=True)
    rule(doc, length_mm=40, width_mm=text_width_mm(doc), after=12)


def authority_line(doc, text: str):
    """The signing authority above the bases: ``CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH BÌNH AN``."""
    return paragraph(doc, text.upper(), bold=True, align="center", after=12)


def bases(doc, lines: Iterable[str]):
    """The bases (Căn cứ …) and the proposal, italic, one per paragraph: each ends with ";"
    and the last with "."."""
    items = [line for line in lines if line and line.strip()]
    if not items:
        raise ValueError("a decision needs its bases")
    return [
        paragraph(
            doc,
            with_end(line, "." if i == len(items) - 1 else ";"),
            italic=True,
            indent=True,
            after=6,
        )  # fmt: skip
        for i, line in enumerate(items)
    ]


def decides(doc, word: str = "QUYẾT ĐỊNH:"):
    """``QUYẾT ĐỊNH:`` between the bases and the articles (bold, centred)."""
    return paragraph(doc, word, bold=True, align="center", before=6, after=6)


def article(doc, number: int, text: str, *, end: bool = False):
    """``Điều N.`` in bold followed by the article's first sentence; ``end`` adds ``./.``."""
    para = body(doc, "")
    para.add_run(f"Điều {number}.").bold = True
    para.add_run(f" {with_end(text, END_MARK) if end else text}")
    return para


def items(doc, lines: Iterable[str], *, end: bool = False):
    """Indented sub-paragraphs of an article (``1.``, ``a)``, ``-``); ``end`` closes the text
    with ``./.`` on the last one."""
    lines = list(lines)
    return [body(doc, line, end=end and i == len(lines) - 1) for i, line in enumerate(lines)]


def signature_and_recipients(doc, signature: Signature, recipients: Sequence[str], *, archive: str):
    """ "Nơi nhận:" and the recipients (left) beside the signature block (right), borderless.

    Recipients are printed one per line, each starting with "-" and ending with ";"; the
    last line is ``Lưu: VT, <archive>.``.
    """
    width = text_width_mm(doc)
    table = doc.add_table(rows=1, cols=2)
    fixed_widths(table, [width * 0.5, width * 0.5])
    _row_properties(table.rows[0], header=False)  # the signature never leaves its recipients
    left, right = table.cell(0, 0), table.cell(0, 1)
    _first_cell_paragraph(left)
    _first_cell_paragraph(right)
    paragraph(left, "Nơi nhận:", bold=True, italic=True, size=12, align="left", before=12)
    for line in recipients:
        paragraph(left, f"- {with_end(line.lstrip('- '), ';')}", size=11, align="left")
    paragraph(left, f"- Lưu: {with_end(archive, '.')}", size=11, align="left")
    for i, line in enumerate(signature.lines):
        paragraph(right, line, bold=True, align="center", before=12 if i == 0 else 0)
    for _ in range(4):  # room for the signature and the seal
        paragraph(right, "")
    paragraph(right, signature.name, bold=True, align="center")
    return table


# --------------------------------------------------------------------------- annexes


def annex_section(doc, *, landscape: bool = True):
    """Start a new page section for an annex (landscape by default; page numbers go on)."""
    from docx.enum.section import WD_SECTION

    section = doc.add_section(WD_SECTION.NEW_PAGE)
    _page(section, landscape=landscape)
    section.different_first_page_header_footer = False
    return section


def annex_heading(doc, title: str, subtitle: Sequence[str], reference: str | None):
    """``PHỤ LỤC`` / ``DANH MỤC`` (bold capitals), its subject lines (bold) and the
    ``(Kèm theo Quyết định số … ngày … của …)`` line in italics, with a short rule."""
    paragraph(doc, title.upper(), bold=True, align="center", keep_next=True)
    for line in subtitle:
        paragraph(doc, line, bold=True, align="center", keep_next=True)
    if reference:
        paragraph(doc, reference, italic=True, align="center", keep_next=True)
    rule(doc, length_mm=40, width_mm=text_width_mm(doc), after=12)


def heading_paragraph(doc, text: str, *, italic: bool = False):
    """A bold heading inside a text or annex (``Phần I. …``, ``1. Danh mục …``), kept with
    what follows."""
    return paragraph(doc, text, bold=True, italic=italic, align="left", before=6, after=6,
                     keep_next=True)  # fmt: skip


def fixed_widths(table, widths_mm: Sequence[float]) -> None:
    """Give ``table`` a fixed layout with these column widths (grid, cells and total)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm

    tbl = table._tbl
    tbl_pr = tbl.tblPr
    table.autofit = False  # w:tblLayout type="fixed"
    total = tbl_pr.find(qn("w:tblW"))
    if total is None:
        total = OxmlElement("w:tblW")
        tbl_pr.insert_element_before(
            total, "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd",
            "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription",
        )  # fmt: skip
    total.set(qn("w:type"), "dxa")
    total.set(qn("w:w"), str(round(sum(widths_mm) * _TWIPS_PER_MM)))
    for col, width in zip(tbl.tblGrid.gridCol_lst, widths_mm, strict=True):
        col.w = Mm(width)
    for tr in tbl.tr_lst:
        start = 0
        for tc in tr.tc_lst:  # a merged cell spans several grid columns
            tc.width = Mm(sum(widths_mm[start : start + tc.grid_span]))
            start += tc.grid_span


def _row_properties(row, *, header: bool) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))  # CT_TrPr order: cantSplit before tblHeader
    if header:
        flag = OxmlElement("w:tblHeader")
        flag.set(qn("w:val"), "true")
        tr_pr.append(flag)


def _cell_text(cell, text: str, *, bold=False, italic=False, align="left", size=TABLE_PT):
    cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
    for i, line in enumerate(str(text).split("\n")):
        paragraph(cell, line, bold=bold, italic=italic, size=size, align=align,
                  before=2 if i == 0 else 0, after=2)  # fmt: skip


def table(
    doc,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any] | GroupRow],
    *,
    numbered_header: bool = False,
    size: float = TABLE_PT,
):
    """A bordered table across the text width: the header row (bold, centred, repeated on
    every page), then ``rows`` — each a sequence of cell texts (``None`` prints nothing;
    a line break starts a new line) or a :class:`GroupRow` spanning every column. No row
    splits across pages. ``numbered_header`` adds the row of column numbers (1), (2), …
    officials use under a wide header."""
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT

    total_weight = sum(c.weight for c in columns)
    widths = [text_width_mm(doc) * c.weight / total_weight for c in columns]
    grid = doc.add_table(rows=0, cols=len(columns))
    grid.style = "Table Grid"
    headers = [[c.header for c in columns]]
    if numbered_header:
        headers.append([f"({i})" for i in range(1, len(columns) + 1)])
    for values in headers:
        row = grid.add_row()
        _row_properties(row, header=True)
        for cell, text in zip(row.cells, values, strict=True):
            _cell_text(cell, text, bold=True, align="center", size=size)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    for values in rows:
        row = grid.add_row()
        _row_properties(row, header=False)
        if isinstance(values, GroupRow):
            merged = row.cells[0].merge(row.cells[-1])
            _cell_text(merged, values.text, bold=values.bold, italic=values.italic, size=size)
            continue
        for cell, column, value in zip(row.cells, columns, values, strict=True):
            _cell_text(cell, "" if value is None else str(value), align=column.align, size=size)
    fixed_widths(grid, widths)
    return grid
