"""The review year's documents, through the layout layer (NĐ 30/2020/NĐ-CP).

* ``ke-hoach-ra-soat.docx``: the chair's Quyết định ban hành Kế hoạch rà soát, with the
  plan annexed (one row per item: what, who, when, why, the product);
* ``bieu-ra-soat-<code>.docx``: the filled review form (Biểu mẫu 02/RS-KSTT), parts I–VI;
* ``bieu-tinh-cptt-<code>.xlsx`` / ``.docx``: the cost form with three sheets: current
  cost, cost after simplification and the comparison chart, for every conclusion
  (:mod:`catalogue.documents.cost_form_docs`);
* ``bao-cao-ket-qua-ra-soat.docx``: the year's báo cáo kết quả rà soát.

The chair's decision and the báo cáo take the issuer, the place, the signer, the head
who proposes (``review_head``), the executing clause and the recipients from the
organisation profile (:mod:`catalogue.documents.profile`) and are refused, naming each
missing value, without it: a document never prints dots where a name belongs.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from analysis.formatting import format_date, format_number
from catalogue.cycle import review as rv
from catalogue.cycle import review_plan as rp
from catalogue.documents import layout as L
from catalogue.documents.bases import load_bases
from catalogue.documents.profile import Profile, require_profile
from catalogue.registry.auth import require
from catalogue.registry.errors import NotFound, ServiceError

NEEDS = ("province", "authority", "place", "chair", "review_head", "archive")
OFFICE_HEAD = "Chánh Văn phòng Ủy ban nhân dân tỉnh"
KINDS = {
    "plan": "ke-hoach-ra-soat.docx",
    "form": "bieu-ra-soat-{code}.docx",
    "cost": "bieu-tinh-cptt-{code}.xlsx",
    "cost_word": "bieu-tinh-cptt-{code}.docx",
    "report": "bao-cao-ket-qua-ra-soat.docx",
}
_YES_NO = {True: "Có", False: "Không", None: ""}


def executors(profile: Profile) -> str:
    """Who carries out the chair's decision: the office's head, the head who proposed it
    (the profile's ``review_head``, when another), every department.

    >>> executors(Profile(review_head="Giám đốc Sở Tư pháp"))[:57]
    'Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc Sở Tư pháp'
    """
    heads = list(dict.fromkeys(h for h in (OFFICE_HEAD, profile.review_head) if h))
    return (
        f"{', '.join(heads)}, Thủ trưởng các sở, ban, ngành tỉnh và các cơ quan, đơn vị có "
        "liên quan chịu trách nhiệm thi hành Quyết định này"
    )


def _money(value: Any) -> str:
    return "" if value is None else format_number(value)


def _plan_or_refuse(session: Session, year: int):
    plan = rp.plan_of_year(session, year)
    if plan is None:
        raise NotFound(f"Năm {year} chưa có kế hoạch rà soát (no review plan for {year})")
    return plan


def _plan_table(doc, session: Session, plan_items) -> None:
    """The plan's annex table: one row per item, its procedures, agencies, dates, grounds."""
    columns = [
        L.Column("STT", 0.5, "center"),
        L.Column("Thủ tục hành chính / nhóm thủ tục", 3),
        L.Column("Cơ quan chủ trì", 1.6),
        L.Column("Cơ quan phối hợp", 1.6),
        L.Column("Thời gian thực hiện", 1.4, "center"),
        L.Column("Căn cứ lựa chọn", 3),
        L.Column("Sản phẩm", 1.5),
    ]
    rows = []
    for n, item in enumerate(plan_items, start=1):
        procs = rp.item_procedures(session, item)
        what = (
            f"{procs[0].name} (mã {item.code})"
            if item.code and procs
            else f"Nhóm thủ tục lĩnh vực {item.field} ({L.count(len(procs))} thủ tục)"
        )
        tags = "; ".join(rp.GROUND_TAGS[t] for t in item.tags)
        rows.append(
            [
                n,
                what,
                item.agency,
                "\n".join(item.coordinating),
                f"{format_date(item.start_on)} – {format_date(item.end_on)}",
                item.grounds + (f"\n({tags})" if tags else ""),
                item.product or "",
            ]
        )
    L.table(doc, columns, rows, numbered_header=True)


def review_plan_docx(*, session: Session, actor: str, year: int) -> bytes:
    """The chair's decision issuing the year's review plan, the plan as its annex."""
    require(session=session, actor=actor, action="export")
    plan = _plan_or_refuse(session, year)
    number = plan.number or "/QĐ-UBND"
    doc = L.new_document(title=plan.title, author=actor)
    profile = require_profile(session=session, needs=NEEDS)
    L.heading_block(doc, profile.heading(number, plan.approved_on, year=plan.year))
    subject = f"Ban hành Kế hoạch rà soát, đánh giá thủ tục hành chính năm {plan.year}"
    L.kind_and_subject(doc, "QUYẾT ĐỊNH", subject)
    L.authority_line(doc, profile.chair_title)
    L.bases(
        doc,
        [
            *load_bases("ke_hoach", {"previous_plans": []}),
            L.proposal_line(profile.review_head, None, None),
        ],
    )
    L.decides(doc)
    plan_items = rp.items(session, plan.id)
    L.article(
        doc,
        1,
        f"Ban hành kèm theo Quyết định này Kế hoạch rà soát, đánh giá thủ tục "
        f"hành chính năm {plan.year} gồm {L.count(len(plan_items))} nội dung.",
    )
    L.article(doc, 2, "Quyết định này có hiệu lực kể từ ngày ký.")
    L.article(doc, 3, executors(profile), end=True)
    L.signature_and_recipients(
        doc, profile.signature(), ["Như Điều 3", *profile.recipients], archive=profile.archive
    )
    L.annex_section(doc)
    reference = (
        f"(Kèm theo Quyết định số {number} {L.long_date(plan.approved_on, year=year)} "
        f"của {profile.chair_title})"
    )
    L.annex_heading(
        doc, "KẾ HOẠCH", [f"Rà soát, đánh giá thủ tục hành chính năm {plan.year}"], reference
    )
    _plan_table(doc, session, plan_items)
    return L.to_bytes(doc)


def _answer_text(question, value: Any) -> str:
    if question.kind == "yes_no":
        return _YES_NO.get(value, "")
    if question.kind == "choice":
        return question.choices.get(value, "") if value else ""
    if question.kind == "number" and value is not None:
        return format_number(value, 2, strip=True)
    return "" if value is None else str(value)


def _question_line(question, value: Any) -> str:
    """``II.3 Mục tiêu có thay đổi …không? Không``: no colon after a question mark; an
    unanswered question reads ``Không có``."""
    answer = _answer_text(question, value) or "Không có"
    text = f"{question.id} {question.vi}"
    return f"{text} {answer}" if text.endswith("?") else f"{text}: {answer}"


def _filler_block(doc, session: Session, review) -> None:
    """The place and date of the review and the filler's signature, right of the page."""
    from catalogue.documents.profile import get_profile

    place = get_profile(session=session).place
    on = review.updated_at.date()
    width = L.text_width_mm(doc)
    table = doc.add_table(rows=1, cols=2)
    L.fixed_widths(table, [width * 0.4, width * 0.6])
    right = table.cell(0, 1)
    when = L.date_line(place, on) if place else L.long_date(on).capitalize()
    L.paragraph(right, when, italic=True, align="center", before=12)
    L.paragraph(right, "NGƯỜI ĐIỀN BIỂU", bold=True, align="center")
    L.paragraph(right, "(Ký và ghi rõ họ tên)", italic=True, align="center")
    for _ in range(3):  # room for the signature
        L.paragraph(right, "")
    L.paragraph(right, review.answers.get("VI.4") or "", bold=True, align="center")
    for cell in (table.cell(0, 0), right):  # the empty paragraph every new cell starts with
        first = cell.paragraphs[0]._p
        if len(cell.paragraphs) > 1:
            first.getparent().remove(first)


def review_form_docx(*, session: Session, actor: str, code: str, year: int) -> bytes:
    """The filled Biểu mẫu 02/RS-KSTT of one procedure (parts I–VI)."""
    from catalogue.cycle.review_form import load_form
    from catalogue.cycle.review_report import review_costs

    require(session=session, actor=actor, action="export")
    procedure = rv.procedure_by_ref(session, code)
    review = rv.find_review(session, procedure.id, year)
    if review is None:
        raise NotFound(f"{code}: chưa có biểu rà soát năm {year} (no review)")
    form = load_form()
    doc = L.new_document(title=f"Biểu rà soát {code}", author=actor)
    L.paragraph(doc, f"Biểu mẫu {form.code}", italic=True, align="right")
    L.kind_and_subject(doc, form.title_vi.upper(), f"{procedure.name} (mã {procedure.code})")
    judged = {c["key"]: c for c in review.components}
    for section, names in form.sections.items():
        L.heading_paragraph(doc, f"{section}. {names['vi'].upper()}")
        for q in form.in_section(section):
            if q.kind == "components":
                L.body(doc, q.vi, italic=True)
                columns = [
                    L.Column("Bộ phận", 2.2),
                    L.Column("Nội dung trên hồ sơ", 2),
                    L.Column("Hợp lý", 1, "center"),
                    L.Column("Lý do", 2.1),
                    L.Column("Phương án sửa đổi", 2.1),
                ]
                rows = []
                for c in rv.components_of(rv.procedure_record(session, procedure.id)):
                    j = judged.get(c["key"], {})
                    rows.append(
                        [
                            c["label"],
                            str(c["detail"]),
                            _YES_NO.get(j.get("reasonable")),
                            j.get("reason", ""),
                            j.get("proposal", ""),
                        ]
                    )
                L.table(doc, columns, rows)
                continue
            L.body(doc, _question_line(q, review.answers.get(q.id)))
        if section == "V":
            L.body(doc, _costs_line(*review_costs(session, review)))
    _filler_block(doc, session, review)
    return L.to_bytes(doc)


def _costs_line(before: int | None, after: int | None) -> str:
    """Part V's cost sentence; a figure the model has not got reads ``chưa tính``.

    >>> _costs_line(150_000_000, 128_000_000).split("; ")[-1]
    'tiết kiệm: 22.000.000 đồng/năm.'
    >>> _costs_line(150_000_000, None).split("; ")[-1]
    'sau đơn giản hóa: chưa tính (chưa có thay đổi cụ thể).'
    """
    if before is None:
        return "Chi phí tuân thủ: chưa tính (thủ tục chưa có bảng tính chi phí)."
    text = f"Chi phí tuân thủ hiện tại: {_money(before)} đồng/năm; sau đơn giản hóa: "
    if after is None:
        return text + "chưa tính (chưa có thay đổi cụ thể)."
    return text + f"{_money(after)} đồng/năm; tiết kiệm: {_money(before - after)} đồng/năm."


def review_report_docx(*, session: Session, actor: str, year: int) -> bytes:
    """The báo cáo kết quả rà soát of the year: sentence, tables per field and agency."""
    from catalogue.cycle.review_report import review_report

    data = review_report(session=session, actor=actor, year=year)
    require(session=session, actor=actor, action="export")
    doc = L.new_document(title=f"Báo cáo kết quả rà soát {year}", author=actor)
    profile = require_profile(session=session, needs=NEEDS)
    L.heading_block(doc, profile.heading("/BC-UBND", None, year=year))
    L.kind_and_subject(doc, "BÁO CÁO", f"Kết quả rà soát, đánh giá thủ tục hành chính năm {year}")
    t = data["totals"]
    L.body(doc, L.with_end(data["sentence"], "."))
    L.body(
        doc,
        f"Chi phí tuân thủ trước rà soát {_money(t['cost_before'])} đồng/năm, sau đơn "
        f"giản hóa {_money(t['cost_after'])} đồng/năm; tiết kiệm {_money(t['savings'])} "
        f"đồng/năm ({format_number(t['cut_rate'] or 0, 2)} %)",
        end=True,
    )
    headers = [
        "Rà soát",
        "Giữ nguyên",
        "Sửa đổi, bổ sung",
        "Thay thế",
        "Bãi bỏ",
        "CPTT trước (đồng/năm)",
        "CPTT sau (đồng/năm)",
    ]
    for key, label in (("by_field", "Lĩnh vực"), ("by_agency", "Cơ quan")):
        L.heading_paragraph(doc, f"Theo {label.lower()}")
        columns = [L.Column(label, 3)] + [
            L.Column(h, 1.6 if "CPTT" in h else 1, "right") for h in headers
        ]
        rows = [
            [
                r[key[3:]],
                *(r[k] for k in ("reviewed", "keep", "amend", "replace", "abolish")),
                _money(r["cost_before"]),
                _money(r["cost_after"]),
            ]
            for r in data[key]
        ]
        rows.append(
            [
                "Tổng cộng",
                *(t[k] for k in ("reviewed", "keep", "amend", "replace", "abolish")),
                _money(t["cost_before"]),
                _money(t["cost_after"]),
            ]
        )
        L.table(doc, columns, rows)
    L.signature_and_recipients(
        doc, profile.signature(collective=True), list(profile.recipients[:3]),
        archive=profile.archive,
    )  # fmt: skip
    return L.to_bytes(doc)


def export_review_document(
    *, session: Session, actor: str, kind: str, year: int, code: str | None = None
) -> tuple[bytes, str]:
    """The document's bytes and its file name (``KINDS``)."""
    if kind not in KINDS:
        raise ServiceError(f"Loại văn bản không hợp lệ '{kind}' (known: {', '.join(KINDS)})")
    name = KINDS[kind].format(code=code)
    if kind == "plan":
        return review_plan_docx(session=session, actor=actor, year=year), name
    if kind == "report":
        return review_report_docx(session=session, actor=actor, year=year), name
    if not code:
        raise ServiceError("Cần mã TTHC (a procedure code is required)")
    from catalogue.documents.cost_form_docs import cost_form_docx, cost_form_xlsx

    make = {"form": review_form_docx, "cost": cost_form_xlsx, "cost_word": cost_form_docx}[kind]
    return make(session=session, actor=actor, code=code, year=year), name
