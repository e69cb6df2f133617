"""The review of one procedure in one review year (PROCESS.md §1 stage 2, §2).

Only a procedure covered by the year's **approved** review plan is reviewed. A review
holds the answers to the form's questions (:mod:`catalogue.cycle.review_form`), one
judgment per component of the registry record (each document with its copies, each fee,
each channel's deadline, the conditions: :func:`registry_components`) and the
conclusion (keep; amend or supplement; replace; abolish). For a component judged
unreasonable the reviewer records the proposed change: its typed change (the cost
model's change types, :mod:`analysis.changes`) with its reason and legal change becomes
a change of the amend option, so the phương án's "Lý do" comes from the review.

Saving is versioned (``expected_version``: a stale save raises ConcurrentEdit and writes
nothing) and audited. A review is marked reviewed only with every required answer given
(the refusal names each missing question); another reviewer of the control agency then
checks it. :func:`propose_from_review` turns a reviewed review whose conclusion is not
"keep" into a proposal of a phương án through :func:`catalogue.cycle.plans.add_proposal`.

Permissions reuse the workflow's actions: filling and checking need ``proposal.edit``,
proposing ``proposal.add``, reading ``workflow.read``.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from catalogue.cycle import review_plan as rp
from catalogue.cycle.review_form import (
    CONCLUSION_QUESTION,
    REPLACEMENT_QUESTION,
    AnswersRefused,
    ReviewForm,
    check_answers,
    check_components,
    load_form,
    missing_required,
)
from catalogue.registry.audit import jsonable, write_audit
from catalogue.registry.auth import require
from catalogue.registry.errors import NotFound, ServiceError
from catalogue.registry.models import Procedure, Proposal, Review, utcnow
from catalogue.registry.store import load_records

# Conclusions of a review (Biểu 02/RS-KSTT, phần VI) → the proposal's action.
CONCLUSIONS: dict[str, str] = {
    "keep": "Giữ nguyên",
    "amend": "Sửa đổi, bổ sung",
    "replace": "Thay thế",
    "abolish": "Bãi bỏ, hủy bỏ",
}
STATUSES = {"draft": "Đang rà soát", "reviewed": "Đã rà soát", "checked": "Đã kiểm tra"}
_CHANNEL_VI = {"direct": "trực tiếp", "online": "trực tuyến", "postal": "bưu chính"}


def procedure_record(session: Session, procedure_id: int) -> dict[str, Any]:
    """The stored procedure as a canonical record (documents, channels, fees …)."""
    records = load_records(session.connection(), ids=[procedure_id], with_ids=True)
    if procedure_id not in records:
        raise NotFound(f"Không tìm thấy thủ tục #{procedure_id} (procedure not found)")
    return records[procedure_id]


def components_of(record: dict[str, Any]) -> list[dict[str, Any]]:
    """The components of a record the reviewer judges one by one (section III).

    Each has a stable ``key``, a Vietnamese ``label`` and ``defaults`` for the typed
    changes that fit it (the document's name, the channel of a deadline).
    """
    out = []
    for i, doc in enumerate(record.get("documents") or [], start=1):
        name = doc.get("name") or f"Giấy tờ {i}"
        counts = [
            f"{doc[k]} {label}"
            for k, label in (("originals", "bản chính"), ("copies", "bản sao"),
                             ("certified_copies", "bản sao chứng thực"))
            if doc.get(k)
        ]  # fmt: skip
        out.append({
            "key": f"document:{i}", "kind": "document", "label": f"Thành phần hồ sơ: {name}",
            "detail": ", ".join(counts) or "số bản không ghi",
            "defaults": {"remove_document": {"document": name},
                         "replace_document_with_lookup": {"document": name}},
        })  # fmt: skip
    for channel in record.get("channels") or []:
        kind = channel["kind"]
        deadline = (channel.get("deadline") or {}).get("raw") or "không ghi"
        out.append({
            "key": f"deadline:{kind}", "kind": "deadline",
            "label": f"Thời hạn giải quyết ({_CHANNEL_VI.get(kind, kind)})", "detail": deadline,
            "defaults": {"set_deadline": {"channel": kind}},
        })  # fmt: skip
        for j, fee in enumerate(channel.get("fees") or [], start=1):
            out.append({
                "key": f"fee:{kind}:{j}", "kind": "fee",
                "label": f"Phí, lệ phí ({_CHANNEL_VI.get(kind, kind)}) {j}",
                "detail": fee.get("raw") or ("Miễn phí" if fee.get("free") else fee.get("amount")),
                "defaults": {},
            })  # fmt: skip
    if record.get("conditions"):
        out.append({
            "key": "conditions", "kind": "conditions", "label": "Yêu cầu, điều kiện",
            "detail": record["conditions"], "defaults": {},
        })  # fmt: skip
    return out


def prefill(form: ReviewForm, record: dict[str, Any]) -> dict[str, Any]:
    """Section I answers taken from the registry record (name, code, field, legal bases)."""
    values = {
        "name": record.get("name"),
        "code": record.get("code"),
        "field": record.get("field"),
        "legal_bases": "; ".join(
            b.get("title") or b.get("number") or "" for b in record.get("legal_bases") or []
        ),
    }
    return {q.id: values[q.prefill] for q in form.questions if q.prefill and values.get(q.prefill)}


def registry_components(*, session: Session, procedure_id: int) -> list[dict[str, Any]]:
    """The components of the stored procedure (see :func:`components_of`)."""
    return components_of(procedure_record(session, procedure_id))


def find_review(session: Session, procedure_id: int, year: int) -> Review | None:
    """The review of a procedure in a review year, if started."""
    query = select(Review).where(Review.procedure_id == procedure_id, Review.year == year)
    return session.exec(query).first()


def save_review(
    *,
    session: Session,
    actor: str,
    procedure_id: int,
    year: int,
    answers: dict[str, Any] | None = None,
    components: list[dict[str, Any]] | None = None,
    expected_version: int | None = None,
    form: ReviewForm | None = None,
) -> Review:
    """Store answers and component judgments (merged into what is saved); audited.

    Refused whole (:class:`AnswersRefused`, each problem naming its question) for an
    unknown question, a wrong kind of answer or an unknown component; refused for a
    procedure outside the approved plan of ``year`` and for a stale ``expected_version``.
    A reviewed or checked review goes back to draft when it changes.
    """
    require(session=session, actor=actor, action="proposal.edit")
    form = form or load_form()
    procedure = session.get(Procedure, procedure_id)
    if procedure is None:
        raise NotFound(f"Không tìm thấy thủ tục #{procedure_id} (procedure not found)")
    item = rp.item_for(session, procedure=procedure, year=year)
    record = procedure_record(session, procedure_id)
    parts = components_of(record)
    cleaned, problems = check_answers(form, answers)
    judged, component_problems = check_components(components, parts)
    problems += component_problems
    if problems:
        raise AnswersRefused(problems)
    review = find_review(session, procedure_id, year)
    if review is None:
        if expected_version not in (None, 0):
            raise ServiceError(f"Biểu rà soát chưa có; phiên bản {expected_version} không tồn tại")
        review = Review(
            procedure_id=procedure_id, year=year, item_id=item.id,
            answers={**prefill(form, record), **cleaned}, components=judged,
            conclusion=cleaned.get(CONCLUSION_QUESTION), updated_by=actor,
        )  # fmt: skip
        session.add(review)
        session.flush()
        write_audit(
            session=session, actor=actor, action="review.create", entity="review",
            entity_id=review.id, after=jsonable(review),
        )  # fmt: skip
        return review
    before = jsonable(review)
    merged = {**review.answers, **cleaned}
    by_key = {c["key"]: c for c in review.components}
    by_key.update({c["key"]: c for c in judged})
    values = {
        "answers": merged,
        "components": [by_key[c["key"]] for c in parts if c["key"] in by_key],
        "conclusion": merged.get(CONCLUSION_QUESTION),
        "status": "draft",
        "updated_by": actor,
        "updated_at": utcnow(),
    }
    rp.versioned_save(session, review, values, expected_version, "biểu rà soát")
    write_audit(
        session=session, actor=actor, action="review.save", entity="review",
        entity_id=review.id, before=before, after=jsonable(review),
    )  # fmt: skip
    return review


def _review(session: Session, review_id: int) -> Review:
    review = session.get(Review, review_id)
    if review is None:
        raise NotFound(f"Không tìm thấy biểu rà soát #{review_id} (review not found)")
    return review


def missing_answers(
    *, session: Session, review: Review, form: ReviewForm | None = None
) -> list[str]:
    """The required answers the review still lacks, each naming its question."""
    parts = components_of(procedure_record(session, review.procedure_id))
    return missing_required(form or load_form(), review.answers, review.components, parts)


def mark_reviewed(
    *,
    session: Session,
    actor: str,
    review_id: int,
    expected_version: int | None = None,
    form: ReviewForm | None = None,
) -> Review:
    """Mark the review reviewed; refused, naming every missing required answer."""
    require(session=session, actor=actor, action="proposal.edit")
    review = _review(session, review_id)
    missing = missing_answers(session=session, review=review, form=form)
    if review.conclusion == "replace":
        code = review.answers.get(REPLACEMENT_QUESTION)
        if (
            code
            and session.exec(select(Procedure.id).where(Procedure.code == code)).first() is None
        ):
            missing.append(f"Câu {REPLACEMENT_QUESTION}: mã '{code}' không có trong danh mục")
    if missing:
        raise AnswersRefused(missing)
    before = jsonable(review)
    values = {"status": "reviewed", "reviewed_by": actor, "checked_by": None}
    rp.versioned_save(session, review, values, expected_version, "biểu rà soát")
    write_audit(
        session=session, actor=actor, action="review.reviewed", entity="review",
        entity_id=review.id, before=before, after=jsonable(review),
    )  # fmt: skip
    return review


def check_review(*, session: Session, actor: str, review_id: int) -> Review:
    """The control agency checks a reviewed form (someone other than who filled it)."""
    require(session=session, actor=actor, action="proposal.edit")
    review = _review(session, review_id)
    if review.status != "reviewed":
        raise ServiceError(
            f"Biểu rà soát #{review.id} chưa được đánh dấu đã rà soát (not reviewed yet)"
        )
    if review.reviewed_by == actor:
        raise ServiceError(
            "Người kiểm tra phải khác người rà soát (the checker must not be the reviewer)"
        )
    before = jsonable(review)
    rp.versioned_save(session, review, {"status": "checked", "checked_by": actor}, None, "biểu")
    write_audit(
        session=session, actor=actor, action="review.check", entity="review",
        entity_id=review.id, before=before, after=jsonable(review),
    )  # fmt: skip
    return review


def review_reasons(review: Review) -> str:
    """The phương án's "Lý do": every unreasonable component's reason, then the overall one."""
    parts = [
        c["reason"] for c in review.components if c.get("reasonable") is False and c.get("reason")
    ]
    if review.answers.get("VI.3"):
        parts.append(review.answers["VI.3"])
    return "; ".join(parts)


def review_content(review: Review) -> str:
    """The content simplified: each unreasonable component's proposed change."""
    return "; ".join(
        c.get("proposal") or c.get("reason") or ""
        for c in review.components
        if c.get("reasonable") is False
    )


def review_legal_changes(review: Review) -> str:
    """The legal changes named by the components (kiến nghị thực thi)."""
    found = [c.get("legal_change") for c in review.components if c.get("legal_change")]
    return "; ".join(dict.fromkeys(found))


def propose_from_review(*, session: Session, actor: str, review_id: int, plan_id: int) -> Proposal:
    """Add the review's proposal to a draft phương án (not for a "keep" conclusion).

    The action is the conclusion; the option is the review's
    (:func:`catalogue.cycle.review_option.option_of`: the components' typed changes
    and the after sheet's, the abolition, or the replacing procedure); the reasons are
    the review's answers. The figures come from the cost model on the stored sheet, else
    the estimate, never typed (for a replacement: the replacing procedure's sheet is the
    "after").
    """
    from catalogue.cycle.plans import add_proposal
    from catalogue.cycle.review_option import option_of

    require(session=session, actor=actor, action="proposal.add")
    review = _review(session, review_id)
    if review.status not in ("reviewed", "checked"):
        raise ServiceError(
            f"Biểu rà soát #{review.id} chưa hoàn thành, chưa thể lập phương án "
            "(only a reviewed form becomes a proposal)"
        )
    if review.conclusion == "keep" or review.conclusion not in CONCLUSIONS:
        raise ServiceError(
            "Kết luận giữ nguyên được báo cáo trong báo cáo kết quả rà soát, không đưa vào "
            "phương án (a keep conclusion is reported, not proposed)"
        )
    option = option_of(session, review)
    proposal = add_proposal(
        session=session, actor=actor, plan_id=plan_id, procedure_id=review.procedure_id,
        action=review.conclusion, option=option, content=review_content(review) or None,
        reason=review_reasons(review) or None,
        legal_change=review_legal_changes(review) or None,
        replacement_procedure_id=option.get("replacement_procedure_id"),
    )  # fmt: skip
    rp.versioned_save(session, review, {"proposal_id": proposal.id}, None, "biểu rà soát")
    write_audit(
        session=session, actor=actor, action="review.propose", entity="review",
        entity_id=review.id, after={"proposal_id": proposal.id, "plan_id": plan_id},
    )  # fmt: skip
    return proposal


def show_review(*, session: Session, actor: str, procedure_id: int, year: int) -> dict[str, Any]:
    """The review with its form, components (judged or not) and what is still missing."""
    require(session=session, actor=actor, action="workflow.read")
    procedure = session.get(Procedure, procedure_id)
    if procedure is None:
        raise NotFound(f"Không tìm thấy thủ tục #{procedure_id} (procedure not found)")
    review = find_review(session, procedure_id, year)
    record = procedure_record(session, procedure_id)
    parts = components_of(record)
    form = load_form()
    judged = {c["key"]: c for c in (review.components if review else [])}
    out = {
        "procedure": {"id": procedure.id, "code": procedure.code, "name": procedure.name,
                      "field": procedure.field},
        "year": year,
        "review": None if review is None else jsonable(review),
        "components": [{**c, "judgment": judged.get(c["key"])} for c in parts],
        "missing": [] if review is None else missing_required(
            form, review.answers, review.components, parts),
    }  # fmt: skip
    if review is None:
        out["prefill"] = prefill(form, record)
    return out


ANSWERS_FILE_KEYS = ("procedure", "year", "version", "answers", "components", "reviewed")


def fill_review(*, session: Session, actor: str, data: Any) -> Review:
    """Fill a review from an answers file's data (YAML/JSON), all or nothing.

    ``data`` has ``procedure`` (code, or ``id:12``), ``year``, optional ``version`` (the
    version the answers were written against), ``answers``, ``components`` and
    ``reviewed: true`` to mark it reviewed in the same transaction.
    """
    if not isinstance(data, dict):
        raise ServiceError("Tệp trả lời phải là bảng khóa–giá trị (the file must hold a mapping)")
    unknown = sorted(set(data) - set(ANSWERS_FILE_KEYS))
    if unknown:
        raise ServiceError(
            f"Tệp trả lời: trường không hợp lệ {', '.join(unknown)} "
            f"(unknown fields; known: {', '.join(ANSWERS_FILE_KEYS)})"
        )
    year = data.get("year")
    if not isinstance(year, int) or isinstance(year, bool):
        raise ServiceError("Tệp trả lời, year: phải là năm rà soát, ví dụ 2027 (must be a year)")
    procedure = procedure_by_ref(session, str(data.get("procedure") or ""))
    review = save_review(
        session=session, actor=actor, procedure_id=procedure.id, year=year,
        answers=data.get("answers"), components=data.get("components"),
        expected_version=data.get("version"),
    )  # fmt: skip
    if data.get("reviewed"):
        review = mark_reviewed(session=session, actor=actor, review_id=review.id)
    return review


def procedure_by_ref(session: Session, ref: str) -> Procedure:
    """A procedure by ``id:12`` or by its code (which must name exactly one)."""
    if ref.startswith("id:") and ref[3:].isdigit():
        found = [session.get(Procedure, int(ref[3:]))]
        found = [p for p in found if p is not None]
    else:
        found = list(session.exec(select(Procedure).where(Procedure.code == ref)))
    if len(found) != 1:
        what = "không có trong danh mục" if not found else f"trùng {len(found)} thủ tục"
        raise ServiceError(f"Thủ tục '{ref}': {what} (procedure: not found or ambiguous)")
    return found[0]
