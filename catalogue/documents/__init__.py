"""Documents officials file: Word drafts in the NĐ 30/2020 layout and print-ready Excel.

Every Word document is built with :mod:`catalogue.documents.layout` and every workbook
with :mod:`catalogue.documents.excel`; a document module only says what goes in.

The layer's API (``from catalogue.documents import layout as L``):

Text rules
    ``L.long_date(on, year=None)``   ``ngày 05 tháng 3 năm 2027`` (leading zero only for
                                     days < 10 and months 1, 2; blanks when ``on`` is None)
    ``L.date_line(place, on)``       ``Bình An, ngày 05 tháng 3 năm 2027``
    ``L.count(n)``                   counts in the text: ``05``, ``12``, ``1.234``
    ``L.with_end(text, end)``        text ending with exactly ``;`` / ``.`` / ``./.``
    ``L.proposal_line(who, tt, on)`` ``Theo đề nghị của … tại Tờ trình số … ngày …``

Data shapes
    ``L.Heading(issuer=("ỦY BAN NHÂN DÂN", "TỈNH BÌNH AN"), number="12/QĐ-UBND",
    place="Bình An", on=date, year=None, parent=None)``
    ``L.Signature.of(title="CHỦ TỊCH", name=…, deputy="PHÓ CHỦ TỊCH", collective=…)``
    (KT. / TM. forms); ``L.Column(header, weight, align)``; ``L.GroupRow(text, bold, italic)``

Builders (each appends to ``doc`` and returns what it made)
    ``L.new_document(title=, author=)``  A4 portrait, margins 20/20/30/15 mm, Times New
                                     Roman 14 pt black, page numbers from page 2
    ``L.heading_block(doc, heading)``    issuing body + rule, "Số:", national title, motto +
                                     rule, place and date (borderless 2 × 2 table)
    ``L.kind_and_subject(doc, kind, subject)``  ``QUYẾT ĐỊNH`` + trích yếu + short rule
    ``L.authority_line(doc, text)``      ``CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH …``
    ``L.bases(doc, lines)``              italic, one per paragraph, ";" … "."
    ``L.decides(doc)``                   ``QUYẾT ĐỊNH:``
    ``L.article(doc, n, text, end=)``    bold ``Điều n.`` + text (``end`` adds ``./.``)
    ``L.body(doc, text, end=)``, ``L.items(doc, lines, end=)``  justified body paragraphs
    ``L.heading_paragraph(doc, text)``   bold sub-heading kept with the next paragraph
    ``L.signature_and_recipients(doc, signature, recipients, archive="VT, KSTT")``
    ``L.annex_section(doc, landscape=True)``  new landscape page section
    ``L.annex_heading(doc, "PHỤ LỤC", subtitle_lines, "(Kèm theo Quyết định số …)")``
    ``L.table(doc, columns, rows, numbered_header=False)``  bordered fixed-width table
                                     across the text width, header repeated on every page,
                                     rows never split; ``GroupRow`` rows span the table
    ``L.to_bytes(doc)``                  the .docx bytes

Excel (``from catalogue.documents import excel as X``)
    ``X.new_workbook()``, ``X.workbook_bytes(wb)``,
    ``X.table_sheet(wb, name, title=[…], columns=[X.XlColumn(header, width, X.MONEY)],
    rows=[…], totals=[…])``: title block, borders, wrap, ``#,##0`` / ``0.00`` formats, A4
    landscape fitted to the page width, header repeated and frozen.

Bases and profile
    :func:`catalogue.documents.bases.load_bases` (``data/documents/bases.yaml``, one list
    per document kind), :mod:`catalogue.documents.profile` (the organisation profile:
    names, signers, recipients; a missing value is refused before a document is made).

Rendering (tests, ``docs/``): :mod:`catalogue.documents.render` (LibreOffice to PDF,
page sizes, text, first page as PNG).

Documents: :mod:`~catalogue.documents.exports` (today's callers: the decision's list and
the simplification plan, in xlsx, docx and csv).
"""
