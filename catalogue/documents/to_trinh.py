"""The Tờ trình that submits the phương án đơn giản hóa to the chair (stage 3).

PROCESS.md §1 stage 3: the department in charge of review submits the phương án, with the
báo cáo kết quả rà soát, by a Tờ trình; the chair's Quyết định thông qua then cites it
("Theo đề nghị của … tại Tờ trình số …"). Built from the submitted plan's proposals
(:func:`catalogue.documents.exports.plan_table`): what was reviewed, what is proposed
(how many amended, replaced, abolished; how many kept), the figures of the proposals
that simplify, and the request. Layout (PROCESS.md §4): the department's heading under
its parent body, "TỜ TRÌNH" and its subject, "Kính gửi", the body ending "./.", the
signature of the department's head and "Nơi nhận".
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from analysis.rates import cut_rate, saving
from catalogue.documents import layout as L
from catalogue.documents.exports import PlanRow, plan_table
from catalogue.documents.profile import Profile, require_profile
from catalogue.documents.thong_qua import money, rate

NEEDS = ("province", "authority", "place", "review_department", "review_head", "archive")
ACTION_WORDS = {"amend": "sửa đổi, bổ sung", "replace": "thay thế", "abolish": "bãi bỏ",
                "new": "ban hành mới"}  # fmt: skip
_AUTHORITY_SUFFIX = " Ủy ban nhân dân tỉnh"


def department_lines(profile: Profile) -> tuple[str, tuple[str, ...]]:
    """The parent body (regular capitals) and the department (bold) of the heading.

    >>> department_lines(Profile(province="Bình An", review_department="Sở Tư pháp"))
    ('UBND TỈNH BÌNH AN', ('SỞ TƯ PHÁP',))
    >>> department_lines(Profile(province="Bình An",
    ...                          review_department="Văn phòng Ủy ban nhân dân tỉnh"))
    ('UBND TỈNH BÌNH AN', ('VĂN PHÒNG',))
    """
    name = profile.review_department or ""
    if name.endswith(_AUTHORITY_SUFFIX):
        name = name[: -len(_AUTHORITY_SUFFIX)]
    return f"UBND TỈNH {(profile.province or '').upper()}", (name.upper(),)


def head_title(profile: Profile) -> str:
    """The head's title in the signature: ``GIÁM ĐỐC``, ``CHÁNH VĂN PHÒNG``.

    >>> head_title(Profile(review_head="Giám đốc Sở Tư pháp", review_department="Sở Tư pháp"))
    'GIÁM ĐỐC'
    >>> head_title(Profile(review_head="Chánh Văn phòng Ủy ban nhân dân tỉnh",
    ...                    review_department="Văn phòng Ủy ban nhân dân tỉnh"))
    'CHÁNH VĂN PHÒNG'
    """
    head, department = profile.review_head or "", profile.review_department or ""
    title = head[: -len(department)].strip() if department and head.endswith(department) else head
    if title.casefold() == "chánh":
        title = "Chánh Văn phòng"
    return title.upper()


def _counts(rows: list[PlanRow]) -> list[str]:
    simplified = [r for r in rows if r.proposal_action != "keep"]
    kept = len(rows) - len(simplified)
    parts = [
        f"{L.count(n)} thủ tục {word}"
        for action, word in ACTION_WORDS.items()
        if (n := sum(r.proposal_action == action for r in simplified))
    ]
    lines = [f"- Số thủ tục hành chính đã rà soát, đánh giá: {L.count(len(rows))} thủ tục;"]
    lines.append(f"- Đề nghị giữ nguyên: {L.count(kept)} thủ tục;")
    detail = f" ({'; '.join(parts)})" if parts else ""
    lines.append(f"- Đề nghị đơn giản hóa: {L.count(len(simplified))} thủ tục{detail}.")
    return lines


def _benefits(rows: list[PlanRow]) -> str:
    simplified = [r for r in rows if r.proposal_action != "keep"]
    before = sum(r.cost_before or 0 for r in simplified)
    after = sum(r.cost_after or 0 for r in simplified)
    saved = int(saving(before, after))
    cut = float(cut_rate(saved, before)) if before else 0.0
    return (
        f"Chi phí tuân thủ của các thủ tục đề nghị đơn giản hóa trước khi đơn giản hóa là "
        f"{money(before)}, sau khi đơn giản hóa là {money(after)}; chi phí tiết kiệm "
        f"{money(saved)}, tỷ lệ cắt giảm {rate(cut)}."
    )


def submission_docx(
    *,
    session: Session,
    actor: str,
    plan_id: int,
    number: str,
    on: date | None,
    signer: str,
    review_plan: str | None = None,
) -> bytes:
    """The Tờ trình ``number`` of ``on`` submitting plan ``plan_id``, signed by ``signer``
    (the head of the department in charge of review); ``review_plan`` names the plan it
    carries out ("Quyết định số 15/QĐ-UBND ngày …")."""
    table = plan_table(session=session, actor=actor, plan_id=plan_id)
    profile = require_profile(session=session, needs=NEEDS)
    year = table.plan.year
    parent, issuer = department_lines(profile)
    doc = L.new_document(title=f"Tờ trình {number}", author=profile.review_department)
    L.heading_block(doc, L.Heading(issuer=issuer, number=number, place=profile.place or "",
                                   on=on, year=year, parent=parent))  # fmt: skip
    subject = f"Về việc thông qua phương án đơn giản hóa thủ tục hành chính năm {year}"
    L.kind_and_subject(doc, "Tờ trình", subject)
    L.paragraph(doc, f"Kính gửi: {profile.chair_title}.", align="center", after=12)
    done = f"Thực hiện {review_plan}, " if review_plan else ""
    L.body(
        doc,
        f"{done}{profile.review_department} đã chủ trì, phối hợp với các sở, ban, ngành rà "
        f"soát, đánh giá thủ tục hành chính năm {year} theo Thông tư số 02/2017/TT-VPCP và xây "
        "dựng phương án đơn giản hóa thủ tục hành chính, cụ thể như sau:",
    )
    L.heading_paragraph(doc, "1. Kết quả rà soát, đánh giá")
    L.items(doc, _counts(table.rows))
    L.heading_paragraph(doc, "2. Lợi ích của phương án đơn giản hóa")
    L.body(doc, _benefits(table.rows))
    L.heading_paragraph(doc, "3. Kiến nghị")
    L.body(
        doc,
        f"{profile.review_department} kính trình {profile.chair_title} xem xét, thông qua "
        "phương án đơn giản hóa thủ tục hành chính (kèm theo dự thảo Quyết định thông qua, "
        "phương án đơn giản hóa và báo cáo kết quả rà soát)",
        end=True,
    )
    signature = L.Signature((head_title(profile),), signer)
    L.signature_and_recipients(doc, signature, ["Như trên"], archive=profile.archive)
    return L.to_bytes(doc)
