"""The Quyết định thông qua phương án đơn giản hóa (stage 4), in Word, and its phương án in Excel.

Both are built from the adoption as signed (:func:`catalogue.cycle.document_data.
adoption_document`: the ``adoption`` and its ``routing`` rows, figures frozen at signature),
never from the mutable plan.

Word (PROCESS.md §1 stage 4 and §4): the heading, "QUYẾT ĐỊNH" and its subject, the chair's
title, the bases (``data/documents/bases.yaml``, kind ``thong_qua``, with the review plan
when one is known) and "Theo đề nghị của … tại Tờ trình số …", four articles:

1. the phương án is adopted (how many procedures, the annex);
2. the routes: procedures set by the province's own legal documents, the department that
   drafts the amendment and by when; the others, the kiến nghị to each ministry;
3. in force from signature; 4. who executes, then "./.";

the signature and "Nơi nhận", then the annex in its own portrait section, grouped by field
("I. LĨNH VỰC …"), one block per procedure ("1. Thủ tục … (mã …)"): a) Nội dung đơn giản
hóa with each Lý do; b) Kiến nghị thực thi (the legal change, the body that should make
it and by when); c) Lợi ích (cost before, after, saved, cut rate; processing time before,
after and its cut). A landscape section closes it with the summary table.

Excel (``phuong-an.xlsx``): the same procedures one per row, grouped by field, with the
route, the body, the due date, the figures and a totals row (shared print setup).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlmodel import Session

from analysis.formatting import format_date, format_number
from analysis.rates import cut_rate, saving
from catalogue.cycle.document_data import adoption_document
from catalogue.documents import excel as X
from catalogue.documents import layout as L
from catalogue.documents.bases import load_bases
from catalogue.documents.phuong_an import procedure_title
from catalogue.documents.profile import Profile, require_profile
from catalogue.documents.words import ACTION_LABELS, ROMAN_NUMERALS, cell_text, change_text

NEEDS = ("authority", "place", "chair", "review_department", "review_head", "archive",
         "recipients")  # fmt: skip
EXECUTORS = (
    "Chánh Văn phòng Ủy ban nhân dân tỉnh, Thủ trưởng các sở, ban, ngành tỉnh, Chủ tịch Ủy "
    "ban nhân dân các xã, phường và các tổ chức, cá nhân có liên quan chịu trách nhiệm thi "
    "hành Quyết định này"
)


def money(value: int | None) -> str:
    """``1.640.000.000 đồng/năm``; ``chưa tính`` when the model had no figure.

    >>> money(1640000000), money(None)
    ('1.640.000.000 đồng/năm', 'chưa tính')
    """
    return "chưa tính" if value is None else f"{format_number(value)} đồng/năm"


def days(value: float | None) -> str:
    """``2 ngày làm việc``, ``1,5 ngày làm việc``; ``không quy định`` when none is set."""
    if value is None:
        return "không quy định"
    return f"{format_number(value, 2, strip=True)} ngày làm việc"


def rate(value: float | None) -> str:
    """``32,03 %``."""
    return f"{format_number(value or 0, 2)} %"


def time_cut(before: float | None, after: float | None) -> float | None:
    """The cut rate of the processing time (%), None when it cannot be computed."""
    if not before or after is None:
        return None
    return float(cut_rate(saving(before, after), before))


def _document(session: Session, actor: str, adoption_id: int) -> dict[str, Any]:
    """The adoption's data with its signing date as a date (the adapter gives JSON text)."""
    data = adoption_document(session=session, actor=actor, adoption_id=adoption_id)
    signed = data.get("signed_on")
    data["signed_on"] = date.fromisoformat(signed) if isinstance(signed, str) else signed
    return data


def _subject(data: dict[str, Any], profile: Profile) -> str:
    return (
        f"Về việc thông qua phương án đơn giản hóa thủ tục hành chính năm {data['year']} "
        f"thuộc phạm vi quản lý của Ủy ban nhân dân tỉnh {profile.province}"
    )


def _procedures(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [row for group in data["fields"] for row in group["procedures"]]


def title(name: str) -> str:
    """``Thủ tục cấp giấy phép môi trường``: the heading of a procedure's block.

    >>> title("Cấp giấy phép môi trường"), title("Thủ tục đăng ký khai sinh")
    ('Thủ tục cấp giấy phép môi trường', 'Thủ tục đăng ký khai sinh')
    """
    return "T" + in_sentence(name)[1:]


def in_sentence(name: str) -> str:
    """A procedure named inside a sentence: ``thủ tục đăng ký khai sinh``.

    >>> in_sentence("Thủ tục đăng ký khai sinh"), in_sentence("Cấp phù hiệu xe ô tô")
    ('thủ tục đăng ký khai sinh', 'thủ tục cấp phù hiệu xe ô tô')
    """
    title = procedure_title(name)
    rest = title[len("Thủ tục ") :]
    return f"thủ tục {rest[:1].lower()}{rest[1:]}"


def _names(rows: Sequence[dict[str, Any]]) -> str:
    """``thủ tục a (mã …); thủ tục b (mã …)``."""
    return "; ".join(
        in_sentence(row["name"]) + (f" (mã {row['code']})" if row["code"] else "") for row in rows
    )


def _due(day: date | None, year: int) -> str:
    return f"trước {L.long_date(day)}" if day else f"trong năm {year}"


def _route_items(data: dict[str, Any], profile: Profile) -> list[str]:
    """Article 2: one item per drafting department, one per ministry receiving a kiến nghị."""
    items: list[str] = []
    by_department: dict[tuple[str, Any], list[dict]] = {}
    for row in data["province"]:
        by_department.setdefault((row["department"], row["due_on"]), []).append(row)
    for (department, due), rows in by_department.items():
        items.append(
            f"{len(items) + 1}. {department} chủ trì, phối hợp với các cơ quan có liên quan dự "
            "thảo văn bản quy phạm pháp luật sửa đổi, bổ sung, thay thế hoặc bãi bỏ các quy "
            f"định của tỉnh đối với {_names(rows)}, trình Ủy ban nhân dân tỉnh "
            f"{_due(due, data['year'])};"
        )
    by_ministry: dict[tuple[str, Any], list[dict]] = {}
    for row in data["recommendations"]:
        by_ministry.setdefault((row["addressee"], row["due_on"]), []).append(row)
    for (ministry, due), rows in by_ministry.items():
        items.append(
            f"{len(items) + 1}. {profile.review_department} dự thảo văn bản của Ủy ban nhân dân "
            f"tỉnh gửi {ministry} kiến nghị thực thi phương án đơn giản hóa đối với "
            f"{_names(rows)}; đề nghị {ministry} xem xét, xử lý {_due(due, data['year'])};"
        )
    items.append(
        f"{len(items) + 1}. {profile.review_department} theo dõi, đôn đốc việc thực thi phương "
        "án; tổng hợp kết quả, báo cáo Chủ tịch Ủy ban nhân dân tỉnh và Văn phòng Chính phủ "
        "theo quy định."
    )
    return items


def _articles(doc, data: dict[str, Any], profile: Profile) -> None:
    rows = _procedures(data)
    totals = data.get("totals") or {}
    L.article(
        doc,
        1,
        f"Thông qua phương án đơn giản hóa {L.count(len(rows))} thủ tục hành chính thuộc phạm "
        f"vi quản lý của Ủy ban nhân dân tỉnh {profile.province} (Phụ lục kèm theo). Chi phí "
        f"tuân thủ dự kiến tiết kiệm {money(totals.get('savings'))}, tỷ lệ cắt giảm "
        f"{rate(totals.get('cut_rate'))}.",
    )
    L.article(doc, 2, "Trách nhiệm thực thi phương án:")
    L.items(doc, _route_items(data, profile))
    L.article(doc, 3, "Quyết định này có hiệu lực thi hành kể từ ngày ký.")
    L.article(doc, 4, EXECUTORS, end=True)


def _legal_changes(row: dict[str, Any]) -> list[str]:
    """The legal change of the proposal and of each change, once each, in order."""
    found = [row.get("legal_change")] + [c.get("legal_change") for c in row["changes"]]
    return list(dict.fromkeys(t.strip() for t in found if t and t.strip()))


def _contents(row: dict[str, Any]) -> list[tuple[str, str]]:
    """(content, reason) pairs of block a)."""
    action = row["action"]
    if action == "abolish":
        return [("Bãi bỏ thủ tục hành chính", row.get("reason") or "")]
    if action == "replace":
        what = f"Thay thế bằng {in_sentence(row['replacement'])}" if row.get("replacement") else ""
        return [(what or ACTION_LABELS["replace"], row.get("reason") or "")]
    pairs = []
    for change, words in zip(row["changes"], row["contents"], strict=False):
        text = words if "không áp dụng được" not in words else change_text(change)
        pairs.append((text, (change.get("reason") or "").strip()))
    if not pairs:
        pairs.append((ACTION_LABELS.get(action, action), row.get("reason") or ""))
    return pairs


def _executor(row: dict[str, Any], year: int) -> str:
    if row["route"] == "province":
        return (f"- Cơ quan thực hiện: {row['department']} chủ trì soạn thảo, trình Ủy ban nhân "
                f"dân tỉnh ban hành; thời hạn: {_due(row['due_on'], year)}.")  # fmt: skip
    return (f"- Kiến nghị {row['addressee']} sửa đổi, bổ sung văn bản quy phạm pháp luật; "
            f"thời hạn: {_due(row['due_on'], year)}.")  # fmt: skip


def benefit_lines(row: dict[str, Any]) -> list[str]:
    """Block c): costs before, after, saved, the cut rate, and the processing time."""
    cost = "- Chi phí tuân thủ thủ tục hành chính"
    lines = [
        f"{cost} trước khi đơn giản hóa: {money(row['cost_before'])};",
        f"{cost} sau khi đơn giản hóa: {money(row['cost_after'])};",
        f"- Chi phí tiết kiệm: {money(row['savings'])};",
        f"- Tỷ lệ cắt giảm chi phí: {rate(row['cut_rate'])};",
    ]
    before, after = row["deadline_before"], row["deadline_after"]
    if before == after:
        return [*lines, f"- Thời hạn giải quyết: {days(before)}, không thay đổi."]
    line = f"- Thời hạn giải quyết trước khi đơn giản hóa: {days(before)}; sau: {days(after)}"
    if (cut := time_cut(before, after)) is not None:
        line += f"; tỷ lệ cắt giảm: {rate(cut)}"
    return [*lines, line + "."]


def _block(doc, n: int, row: dict[str, Any], year: int) -> None:
    code = f" (mã {row['code']})" if row["code"] else ""
    L.heading_paragraph(doc, f"{n}. {title(row['name'])}{code}")
    L.body(doc, "a) Nội dung đơn giản hóa:")
    for content, reason in _contents(row):
        L.body(doc, f"- {L.with_end(content, ';')}")
        if reason:
            L.body(doc, f"Lý do: {L.with_end(reason, '.')}", italic=True)
    L.body(doc, "b) Kiến nghị thực thi:")
    legal = _legal_changes(row) or ["Sửa đổi văn bản quy phạm pháp luật quy định thủ tục"]
    L.items(doc, [f"- {L.with_end(text, ';')}" for text in legal])
    L.body(doc, _executor(row, year))
    L.body(doc, "c) Lợi ích phương án đơn giản hóa:")
    L.items(doc, benefit_lines(row))


def _reference(data: dict[str, Any], profile: Profile) -> str:
    return (f"(Kèm theo Quyết định số {data['number']} {L.long_date(data['signed_on'])} của "
            f"{profile.chair_title})")  # fmt: skip


def _annex(doc, data: dict[str, Any], profile: Profile) -> None:
    L.annex_section(doc, landscape=False)
    L.annex_heading(doc, "PHỤ LỤC", ["PHƯƠNG ÁN ĐƠN GIẢN HÓA THỦ TỤC HÀNH CHÍNH"],
                    _reference(data, profile))  # fmt: skip
    n = 0
    for m, group in enumerate(data["fields"]):
        L.heading_paragraph(doc, f"{ROMAN_NUMERALS[m]}. LĨNH VỰC {group['field'].upper()}")
        for row in group["procedures"]:
            n += 1
            _block(doc, n, row, data["year"])
    L.annex_section(doc)
    L.heading_paragraph(doc, "BẢNG TỔNG HỢP LỢI ÍCH CỦA PHƯƠNG ÁN ĐƠN GIẢN HÓA")
    columns = [L.Column(SUMMARY_COLUMNS[i].header, w, SUMMARY_COLUMNS[i].align)
               for i, w in WORD_SUMMARY.items()]  # fmt: skip
    rows = [[cell_text(values[i]) for i in WORD_SUMMARY] for values in _table_rows(data)]
    L.table(doc, columns, rows, size=10)


def adoption_docx(
    *,
    session: Session,
    actor: str,
    adoption_id: int,
    submission: tuple[str, date | None] | None = None,
    review_plans: Sequence[str] = (),
) -> bytes:
    """The whole Quyết định thông qua phương án as Word bytes.

    ``submission`` is the Tờ trình (number, date) that proposed it; ``review_plans`` the
    review plan(s) it follows, as bases ("Quyết định số 15/QĐ-UBND ngày … ban hành Kế
    hoạch …"). Refused, naming the value, when the organisation profile lacks one.
    """
    data = _document(session, actor, adoption_id)
    profile = require_profile(session=session, needs=NEEDS)
    doc = L.new_document(title=_subject(data, profile), author=profile.authority)
    L.heading_block(doc, profile.heading(data["number"], data["signed_on"]))
    L.kind_and_subject(doc, "Quyết định", _subject(data, profile))
    L.authority_line(doc, profile.chair_title)
    number, on = submission or (None, None)
    bases = load_bases("thong_qua", {"review_plans": list(review_plans)})
    L.bases(doc, [*bases, L.proposal_line(profile.review_head, number, on)])
    L.decides(doc)
    _articles(doc, data, profile)
    L.signature_and_recipients(
        doc, profile.signature(data["signer"]), ["Như Điều 4", *profile.recipients],
        archive=profile.archive,
    )  # fmt: skip
    _annex(doc, data, profile)
    return L.to_bytes(doc)


SUMMARY_COLUMNS = (
    X.XlColumn("STT", 5, align="center"),
    X.XlColumn("Mã TTHC", 11, align="center"),
    X.XlColumn("Tên TTHC", 30),
    X.XlColumn("Hình thức", 12),
    X.XlColumn("Kiến nghị thực thi", 30),
    X.XlColumn("Cơ quan thực hiện", 18),
    X.XlColumn("Thời hạn", 11, align="center"),
    X.XlColumn("CPTT trước (đồng/năm)", 16, X.MONEY, "right"),
    X.XlColumn("CPTT sau (đồng/năm)", 16, X.MONEY, "right"),
    X.XlColumn("Chi phí tiết kiệm (đồng/năm)", 16, X.MONEY, "right"),
    X.XlColumn("Tỷ lệ cắt giảm chi phí (%)", 10, X.RATE, "right"),
    X.XlColumn("Thời hạn giải quyết trước (ngày)", 10, "#,##0.##", "right"),
    X.XlColumn("Thời hạn giải quyết sau (ngày)", 10, "#,##0.##", "right"),
)


# The Word summary: column index of SUMMARY_COLUMNS → its share of the landscape width
# (amounts of 14 characters fit on one line at 10 pt; the legal change is in the blocks).
WORD_SUMMARY = {0: 4, 1: 9, 2: 27, 3: 10, 5: 17, 6: 10, 7: 16, 8: 16, 9: 16, 10: 8}


def _table_rows(data: dict[str, Any]) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for n, row in enumerate(_procedures(data), start=1):
        body = row["department"] if row["route"] == "province" else row["addressee"]
        rows.append([
            n, row["code"] or "", row["name"], ACTION_LABELS.get(row["action"], row["action"]),
            "; ".join(_legal_changes(row)), body,
            format_date(row["due_on"]) if row["due_on"] else f"Năm {data['year']}",
            row["cost_before"], row["cost_after"], row["savings"], row["cut_rate"],
            row["deadline_before"], row["deadline_after"],
        ])  # fmt: skip
    totals = data.get("totals") or {}
    rows.append(["", "", "Tổng cộng", "", "", "", "", totals.get("cost_before"),
                 totals.get("cost_after"), totals.get("savings"), totals.get("cut_rate"),
                 None, None])  # fmt: skip
    return rows


def adoption_xlsx(*, session: Session, actor: str, adoption_id: int) -> bytes:
    """The adopted phương án as one Excel sheet, grouped by field, with a totals row."""
    data = _document(session, actor, adoption_id)
    profile = require_profile(session=session, needs=("authority", "province"))
    rows: list[Any] = []
    table = _table_rows(data)
    n = 0
    for m, group in enumerate(data["fields"]):
        rows.append(L.GroupRow(f"{ROMAN_NUMERALS[m]}. Lĩnh vực {group['field']}"))
        for _ in group["procedures"]:
            rows.append(table[n])
            n += 1
    wb = X.new_workbook()
    X.table_sheet(
        wb,
        "Phương án",
        title=["PHƯƠNG ÁN ĐƠN GIẢN HÓA THỦ TỤC HÀNH CHÍNH",
               _reference(data, profile)],
        columns=SUMMARY_COLUMNS,
        rows=rows,
        totals=table[-1],
    )  # fmt: skip
    return X.workbook_bytes(wb)
