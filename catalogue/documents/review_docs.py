"""The review year's documents, through the layout layer (NĐ 30/2020/NĐ-CP).

* ``ke-hoach-ra-soat.docx``: the chair's Quyết định ban hành Kế hoạch rà soát, with the
  plan annexed (one row per item: what, who, when, why, the product);
* ``bieu-ra-soat-<code>.docx``: the filled review form (Biểu mẫu 02/RS-KSTT), parts I–VI;
* ``bieu-tinh-cptt-<code>.xlsx``: the cost form with three sheets: current cost, cost after
  simplification (the review's option applied) and the comparison chart;
* ``bao-cao-ket-qua-ra-soat.docx``: the year's báo cáo kết quả rà soát.

Placeholders (``……``) stand where the organisation profile gives the province's name,
the place and the signer; the official fills them before signing.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from analysis.formatting import format_date, format_number
from catalogue.cycle import review as rv
from catalogue.cycle import review_plan as rp
from catalogue.documents import excel as X
from catalogue.documents import layout as L
from catalogue.documents.bases import load_bases
from catalogue.documents.words import channel_word
from catalogue.registry.auth import require
from catalogue.registry.errors import NotFound, ServiceError

ISSUER = ("ỦY BAN NHÂN DÂN", "TỈNH ……")
AUTHORITY = "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH ……"
PLACE = "……"
SIGNER = "……"
RECIPIENTS = (
    "Cục Kiểm soát thủ tục hành chính, Văn phòng Chính phủ",
    "Chủ tịch, các Phó Chủ tịch UBND tỉnh",
    "Các sở, ban, ngành tỉnh",
    "Như Điều 3",
)
KINDS = {
    "plan": "ke-hoach-ra-soat.docx",
    "form": "bieu-ra-soat-{code}.docx",
    "cost": "bieu-tinh-cptt-{code}.xlsx",
    "report": "bao-cao-ket-qua-ra-soat.docx",
}
_YES_NO = {True: "Có", False: "Không", None: ""}


def _authority(session: Session) -> dict[str, Any]:
    """Issuer, authority line, place, signer and recipients: the organisation profile's
    values where it has them (catalogue.documents.profile), else the placeholders."""
    from catalogue.documents.profile import get_profile

    profile = get_profile(session=session)
    return {
        "issuer": profile.issuer_lines if profile.authority else ISSUER,
        "authority": profile.chair_title.upper() if profile.authority else AUTHORITY,
        "place": profile.place or PLACE,
        "signer": profile.chair or SIGNER,
        "recipients": tuple(profile.recipients),
        "archive": profile.archive or "VT, KSTT",
    }


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
    who = _authority(session)
    L.heading_block(
        doc,
        L.Heading(issuer=who["issuer"], number=number, place=who["place"], on=plan.approved_on,
                  year=plan.year),
    )  # fmt: skip
    subject = f"Ban hành Kế hoạch rà soát, đánh giá thủ tục hành chính năm {plan.year}"
    L.kind_and_subject(doc, "QUYẾT ĐỊNH", subject)
    L.authority_line(doc, who["authority"])
    L.bases(
        doc,
        [
            *load_bases("ke_hoach", {"previous_plans": []}),
            "Theo đề nghị của Chánh Văn phòng Ủy ban nhân dân tỉnh",
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
    L.article(
        doc,
        3,
        "Chánh Văn phòng Ủy ban nhân dân tỉnh, Thủ trưởng các sở, ban, ngành "
        "và các cơ quan, đơn vị có liên quan chịu trách nhiệm thi hành Quyết "
        "định này",
        end=True,
    )
    L.signature_and_recipients(
        doc, L.Signature.of(title="CHỦ TỊCH", name=who["signer"]),
        ["Như Điều 3", *who["recipients"]] if who["recipients"] else RECIPIENTS,
        archive=who["archive"],
    )  # fmt: skip
    L.annex_section(doc)
    reference = (
        f"(Kèm theo Quyết định số {number} {L.long_date(plan.approved_on, year=year)} "
        "của Chủ tịch Ủy ban nhân dân tỉnh)"
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
                    L.Column("Hợp lý", 0.8, "center"),
                    L.Column("Lý do", 2.2),
                    L.Column("Phương án sửa đổi", 2.2),
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
            L.body(doc, f"{q.id} {q.vi}: {_answer_text(q, review.answers.get(q.id))}")
        if section == "V":
            before, after = review_costs(session, review)
            saving = None if before is None or after is None else before - after
            L.body(
                doc,
                f"Chi phí tuân thủ hiện tại: {_money(before)} đồng/năm; sau đơn giản "
                f"hóa: {_money(after)} đồng/năm; tiết kiệm: {_money(saving)} đồng/năm.",
            )
    return L.to_bytes(doc)


def _activity_rows(sheet) -> list[list[Any]]:
    rate = sheet.hourly_rate.value
    rows = []
    for n, a in enumerate(sheet.activities, start=1):
        cost = a.hours.value * a.people.value * rate + a.out_of_pocket.value
        channels = ", ".join(channel_word(c) for c in a.channels) if a.channels else "tất cả"
        rows.append(
            [
                n,
                a.name,
                float(a.hours.value),
                float(a.people.value),
                int(rate),
                int(a.out_of_pocket.value),
                int(cost),
                channels,
            ]
        )
    for f in sheet.fees:
        rows.append(
            [
                "",
                f"Phí, lệ phí: {f.name}",
                None,
                None,
                None,
                None,
                int(f.amount.value),
                ", ".join(channel_word(c) for c in f.channels or ()) or "tất cả",
            ]
        )
    return rows


def _comparison_sheet(wb, procedure, result) -> None:
    """The third sheet: before, after and savings, with a bar chart of the first two."""
    from openpyxl.chart import BarChart, Reference

    ws = X.table_sheet(
        wb,
        "So sánh",
        title=["SO SÁNH CHI PHÍ TUÂN THỦ", f"{procedure.name} (mã {procedure.code})"],
        columns=[X.XlColumn("Chỉ tiêu", 40), X.XlColumn("Đồng/năm", 22, X.MONEY, "right")],
        rows=[
            ["Chi phí hiện tại", result.baseline.annual_cost],
            ["Sau đơn giản hóa", result.options[0].annual_cost],
            ["Chi phí tiết kiệm", result.options[0].savings or 0],
        ],
    )
    chart = BarChart()
    chart.title = "Chi phí tuân thủ (đồng/năm)"
    chart.add_data(Reference(ws, min_col=2, min_row=4, max_row=6), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=5, max_row=6))
    ws.add_chart(chart, "D4")


def cost_form_xlsx(*, session: Session, actor: str, code: str, year: int) -> bytes:
    """Biểu tính chi phí tuân thủ: current, after simplification, comparison chart."""
    from analysis.changes import apply_option
    from analysis.parameters import load_parameters
    from analysis.reference import evaluate_sheet
    from analysis.sheet import parse_sheet
    from analysis.sheet_data import sheet_to_data
    from catalogue.costing.burden import procedure_sheet

    require(session=session, actor=actor, action="export")
    procedure = rv.procedure_by_ref(session, code)
    review = rv.find_review(session, procedure.id, year)
    params = load_parameters()
    base = procedure_sheet(session.connection(), procedure.id, params=params)
    if base is None:
        raise ServiceError(f"{code}: chưa có bảng tính chi phí (no costing sheet)")
    data = {k: v for k, v in sheet_to_data(base).items() if k != "options"}
    option = rv.review_option(review) if review else {"id": "giu-nguyen", "action": "keep"}
    data["options"] = [option]
    sheet = parse_sheet(data, params=params)
    result = evaluate_sheet(sheet)
    after = apply_option(sheet, sheet.options[0])
    wb = X.new_workbook()
    columns = [
        X.XlColumn("STT", 6, align="center"),
        X.XlColumn("Hoạt động", 44),
        X.XlColumn("Số giờ", 10, "0.00", "right"),
        X.XlColumn("Số người", 10, "0.00", "right"),
        X.XlColumn("Thu nhập (đồng/giờ)", 16, X.MONEY, "right"),
        X.XlColumn("Chi phí khác (đồng)", 16, X.MONEY, "right"),
        X.XlColumn("Chi phí (đồng)", 16, X.MONEY, "right"),
        X.XlColumn("Cách thức", 18),
    ]
    outcomes = (
        ("Chi phí hiện tại", sheet, result.baseline),
        ("Sau đơn giản hóa", after, result.options[0]),
    )
    for title, current, outcome in outcomes:
        rows = [] if current.abolished else _activity_rows(current)
        totals = [
            "",
            f"Chi phí 01 lần: {format_number(outcome.unit_cost)} đ; × tần suất "
            f"{format_number(current.frequency.value, 2, strip=True)} × "
            f"{format_number(current.population.value)} đối tượng = năm",
            None,
            None,
            None,
            None,
            outcome.annual_cost,
            "",
        ]
        X.table_sheet(
            wb,
            title,
            title=[
                f"BIỂU TÍNH CHI PHÍ TUÂN THỦ — {title.upper()}",
                f"{procedure.name} (mã {procedure.code})",
            ],
            columns=columns,
            rows=rows,
            totals=totals,
        )
    _comparison_sheet(wb, procedure, result)
    return X.workbook_bytes(wb)


def review_report_docx(*, session: Session, actor: str, year: int) -> bytes:
    """The báo cáo kết quả rà soát of the year: sentence, tables per field and agency."""
    from catalogue.cycle.review_report import review_report

    data = review_report(session=session, actor=actor, year=year)
    require(session=session, actor=actor, action="export")
    doc = L.new_document(title=f"Báo cáo kết quả rà soát {year}", author=actor)
    who = _authority(session)
    L.heading_block(
        doc,
        L.Heading(issuer=who["issuer"], number="/BC-UBND", place=who["place"], on=None,
                  year=year),
    )  # fmt: skip
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
        doc, L.Signature.of(title="CHỦ TỊCH", name=who["signer"]),
        who["recipients"][:3] or RECIPIENTS[:3], archive=who["archive"],
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
    if kind == "form":
        return review_form_docx(session=session, actor=actor, code=code, year=year), name
    return cost_form_xlsx(session=session, actor=actor, code=code, year=year), name
