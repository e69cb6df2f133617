"""Kế hoạch rà soát, đánh giá TTHC: the year's review plan (PROCESS.md §1, stage 1).

Reviewers draft the plan and its items (one procedure by code, or a group by field), each
with the agency in charge, those coordinating, the dates, the grounds for choosing it
(free text and tags) and the expected product. The chair approves it with a number and a
date; an approval after 31 January of the plan year is allowed but reported as late.
The priorities ranking can seed the items (the top N with their explanations as grounds).

Progress of an item comes from the reviews of its procedures (:mod:`catalogue.cycle.review`):
not started, in review, reviewed (with the conclusions), checked by the control agency.

Permissions reuse the workflow's actions: drafting needs ``plan.create``, approving
``plan.approve``, reading ``workflow.read``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, select

from catalogue.registry.audit import jsonable, write_audit
from catalogue.registry.auth import require
from catalogue.registry.errors import ConcurrentEdit, NotFound, ServiceError
from catalogue.registry.models import Procedure, Review, ReviewPlan, ReviewPlanItem

# Tags of the grounds for choosing an item (căn cứ lựa chọn).
GROUND_TAGS: dict[str, str] = {
    "high_burden": "Chi phí tuân thủ cao",
    "complaints": "Phản ánh, kiến nghị của cá nhân, tổ chức",
    "priority": "Xếp hạng ưu tiên rà soát",
    "programme": "Thuộc chương trình cắt giảm, đơn giản hóa",
}

# Progress of an item, in order.
PROGRESS: dict[str, str] = {
    "not_started": "Chưa rà soát",
    "in_review": "Đang rà soát",
    "reviewed": "Đã rà soát",
    "checked": "Đã kiểm tra",
}

# Procedures in these states are no longer reviewed (nothing left to simplify).
_ENDED = ("abolished", "replaced")


def approval_deadline(year: int) -> date:
    """The day by which the chair approves the plan of ``year`` (31 January).

    >>> approval_deadline(2027)
    datetime.date(2027, 1, 31)
    """
    return date(year, 1, 31)


def is_late(plan: ReviewPlan) -> bool:
    """Whether the plan was approved after 31 January of its year."""
    return plan.approved_on is not None and plan.approved_on > approval_deadline(plan.year)


def versioned_save(
    session: Session, row: Any, values: dict[str, Any], expected: int | None, label: str
) -> None:
    """``UPDATE … WHERE id AND version``; :class:`ConcurrentEdit` naming ``label`` when stale."""
    table = type(row).__table__
    version = row.version if expected is None else expected
    result = session.execute(
        update(table)
        .where(table.c.id == row.id, table.c.version == version)
        .values(**values, version=version + 1)
    )
    if result.rowcount != 1:
        session.expire(row)
        current = session.get(type(row), row.id, populate_existing=True)
        raise ConcurrentEdit(
            f"Người khác đã lưu {label} #{row.id} trước bạn (phiên bản {version} → "
            f"{current.version}); không có gì được ghi (someone else saved it first; "
            "nothing was written)",
            theirs=jsonable(current),
            yours=jsonable(values),
        )
    session.refresh(row)


def _plan(session: Session, plan_id: int) -> ReviewPlan:
    plan = session.get(ReviewPlan, plan_id)
    if plan is None:
        raise NotFound(f"Không tìm thấy kế hoạch rà soát #{plan_id} (review plan not found)")
    return plan


def plan_of_year(session: Session, year: int) -> ReviewPlan | None:
    """The review plan of ``year``, if any."""
    return session.exec(select(ReviewPlan).where(ReviewPlan.year == year)).first()


def _draft(session: Session, plan_id: int) -> ReviewPlan:
    plan = _plan(session, plan_id)
    if plan.status != "draft":
        raise ServiceError(
            f"Kế hoạch rà soát #{plan.id} đã được phê duyệt, không thể thay đổi "
            "(the review plan is approved and can no longer change)"
        )
    return plan


def draft_review_plan(*, session: Session, actor: str, year: int, title: str) -> ReviewPlan:
    """Create the draft review plan of ``year`` (one per year)."""
    require(session=session, actor=actor, action="plan.create")
    if not 2000 <= int(year) <= 2100:
        raise ServiceError(f"Năm không hợp lệ: {year} (invalid year)")
    if not (title or "").strip():
        raise ServiceError("Tên kế hoạch không được để trống (title is required)")
    if plan_of_year(session, int(year)) is not None:
        raise ServiceError(f"Năm {year} đã có kế hoạch rà soát (the year already has a plan)")
    plan = ReviewPlan(year=int(year), title=title.strip(), created_by=actor)
    session.add(plan)
    session.flush()
    write_audit(
        session=session,
        actor=actor,
        action="review_plan.draft",
        entity="review_plan",
        entity_id=plan.id,
        after=jsonable(plan),
    )
    return plan


def _check_item(session: Session, plan: ReviewPlan, values: dict[str, Any]) -> None:
    """Refuse an item naming the field at fault (nothing is stored)."""
    code, field = values.get("code"), values.get("field")
    if bool(code) == bool(field):
        raise ServiceError(
            "Mục kế hoạch: cần đúng một trong mã TTHC hoặc lĩnh vực "
            "(item: give exactly one of code or field)"
        )
    column = Procedure.code if code else Procedure.field
    if session.exec(select(Procedure.id).where(column == (code or field))).first() is None:
        what = f"mã TTHC '{code}'" if code else f"lĩnh vực '{field}'"
        raise ServiceError(f"Mục kế hoạch: {what} không có trong danh mục (not in the catalogue)")
    if not (values.get("agency") or "").strip():
        raise ServiceError("Mục kế hoạch: thiếu cơ quan chủ trì (agency in charge is required)")
    start, end = values["start_on"], values["end_on"]
    if not isinstance(start, date) or not isinstance(end, date) or end < start:
        raise ServiceError(
            "Mục kế hoạch: ngày kết thúc phải sau ngày bắt đầu (end date before start date)"
        )
    if start.year != plan.year and end.year != plan.year:
        raise ServiceError(
            f"Mục kế hoạch: thời gian phải thuộc năm {plan.year} (dates outside the plan year)"
        )
    if not (values.get("grounds") or "").strip():
        raise ServiceError("Mục kế hoạch: thiếu căn cứ lựa chọn (grounds are required)")
    unknown = [t for t in values.get("tags") or [] if t not in GROUND_TAGS]
    if unknown:
        raise ServiceError(
            f"Mục kế hoạch: nhãn căn cứ không hợp lệ: {', '.join(unknown)} "
            f"(unknown tags; known: {', '.join(GROUND_TAGS)})"
        )
    taken = session.exec(
        select(ReviewPlanItem.id).where(
            ReviewPlanItem.plan_id == plan.id,
            ReviewPlanItem.code == code if code else ReviewPlanItem.field == field,
        )
    ).first()
    if taken is not None:
        raise ServiceError(
            f"Mục kế hoạch: {code or field} đã có trong kế hoạch (already in the plan)"
        )


def add_plan_item(
    *,
    session: Session,
    actor: str,
    plan_id: int,
    agency: str,
    start_on: date,
    end_on: date,
    grounds: str,
    code: str | None = None,
    field: str | None = None,
    coordinating: list[str] | None = None,
    tags: list[str] | None = None,
    product: str | None = None,
) -> ReviewPlanItem:
    """Add one item (a procedure by ``code`` or a group by ``field``) to a draft plan."""
    require(session=session, actor=actor, action="plan.create")
    plan = _draft(session, plan_id)
    values = {
        "code": (code or "").strip() or None,
        "field": (field or "").strip() or None,
        "agency": (agency or "").strip(),
        "coordinating": [c.strip() for c in coordinating or [] if c.strip()],
        "start_on": start_on,
        "end_on": end_on,
        "grounds": (grounds or "").strip(),
        "tags": list(dict.fromkeys(tags or [])),
        "product": product,
    }
    _check_item(session, plan, values)
    count = len(
        session.exec(select(ReviewPlanItem.id).where(ReviewPlanItem.plan_id == plan.id)).all()
    )
    item = ReviewPlanItem(plan_id=plan.id, position=count + 1, **values)
    session.add(item)
    session.flush()
    versioned_save(session, plan, {}, None, "kế hoạch rà soát")
    write_audit(
        session=session,
        actor=actor,
        action="review_plan.add",
        entity="review_plan_item",
        entity_id=item.id,
        after=jsonable(item),
    )
    return item


def seed_from_ranking(
    *,
    session: Session,
    actor: str,
    plan_id: int,
    ranking: list[dict[str, Any]],
    top: int,
    agency: str,
    start_on: date,
    end_on: date,
    product: str | None = None,
) -> list[ReviewPlanItem]:
    """Add the ``top`` ranked procedures (rows with ``code``, ``rank``, ``explanation``).

    Each item's grounds are its rank and explanation, tagged ``priority``; procedures
    already in the plan are skipped. All items are added in the caller's transaction.
    """
    require(session=session, actor=actor, action="plan.create")
    if top < 1:
        raise ServiceError("Số thủ tục lấy từ xếp hạng phải ≥ 1 (top must be at least 1)")
    plan = _draft(session, plan_id)
    present = set(
        session.exec(select(ReviewPlanItem.code).where(ReviewPlanItem.plan_id == plan.id))
    )
    added = []
    for row in ranking:
        if len(added) >= top:
            break
        code = row.get("code")
        if not code or code in present:
            continue
        present.add(code)
        grounds = f"Xếp hạng ưu tiên rà soát thứ {row.get('rank')}: {row.get('explanation')}"
        added.append(
            add_plan_item(
                session=session,
                actor=actor,
                plan_id=plan.id,
                code=code,
                agency=agency,
                start_on=start_on,
                end_on=end_on,
                grounds=grounds,
                tags=["priority"],
                product=product,
            )  # fmt: skip
        )
    return added


def approve_review_plan(
    *,
    session: Session,
    actor: str,
    plan_id: int,
    number: str,
    approved_on: date,
    expected_version: int | None = None,
) -> ReviewPlan:
    """The chair approves the plan with the decision's number and date (late after 31/01)."""
    require(session=session, actor=actor, action="plan.approve")
    plan = _draft(session, plan_id)
    if not (number or "").strip():
        raise ServiceError("Cần số quyết định ban hành kế hoạch (the number is required)")
    if not isinstance(approved_on, date) or approved_on.year < plan.year - 1:
        raise ServiceError(f"Ngày phê duyệt không hợp lệ: {approved_on} (invalid date)")
    if not session.exec(select(ReviewPlanItem.id).where(ReviewPlanItem.plan_id == plan.id)).first():
        raise ServiceError("Kế hoạch chưa có mục nào (the plan has no items)")
    before = jsonable(plan)
    values = {
        "status": "approved",
        "number": number.strip(),
        "approved_on": approved_on,
        "approved_by": actor,
    }
    versioned_save(session, plan, values, expected_version, "kế hoạch rà soát")
    write_audit(
        session=session,
        actor=actor,
        action="review_plan.approve",
        entity="review_plan",
        entity_id=plan.id,
        before=before,
        after={**jsonable(plan), "late": is_late(plan)},
    )
    return plan


def items(session: Session, plan_id: int) -> list[ReviewPlanItem]:
    """The plan's items in order."""
    query = select(ReviewPlanItem).where(ReviewPlanItem.plan_id == plan_id)
    return list(session.exec(query.order_by(ReviewPlanItem.position)))


def item_procedures(session: Session, item: ReviewPlanItem) -> list[Procedure]:
    """The procedures an item covers (by code or by field), ended ones left out."""
    column = Procedure.code if item.code else Procedure.field
    query = select(Procedure).where(
        column == (item.code or item.field), Procedure.status.not_in(_ENDED)
    )
    return list(session.exec(query.order_by(Procedure.code, Procedure.id)))


def item_for(session: Session, *, procedure: Procedure, year: int) -> ReviewPlanItem:
    """The approved plan's item covering ``procedure`` in ``year``; refused otherwise."""
    plan = plan_of_year(session, year)
    label = procedure.code or f"#{procedure.id}"
    if plan is None or plan.status != "approved":
        raise ServiceError(
            f"Năm {year} chưa có kế hoạch rà soát được phê duyệt; không thể rà soát thủ tục "
            f"{label} (no approved review plan for {year})"
        )
    for item in items(session, plan.id):
        if (item.code and item.code == procedure.code) or (
            item.field and item.field == procedure.field
        ):
            return item
    raise ServiceError(
        f"Thủ tục {label} không có trong kế hoạch rà soát năm {year} đã được phê duyệt "
        f"(procedure {label} is not in the approved review plan)"
    )


def item_progress(reviews: list[Review], procedures: int) -> dict[str, Any]:
    """Progress of an item from its procedures' reviews.

    >>> item_progress([], 2)["progress"]
    'not_started'
    """
    statuses = [r.status for r in reviews]
    if not statuses:
        progress = "not_started"
    elif len(statuses) == procedures and all(s == "checked" for s in statuses):
        progress = "checked"
    elif len(statuses) == procedures and all(s in ("reviewed", "checked") for s in statuses):
        progress = "reviewed"
    else:
        progress = "in_review"
    conclusions: dict[str, int] = {}
    for r in reviews:
        if r.status != "draft" and r.conclusion:
            conclusions[r.conclusion] = conclusions.get(r.conclusion, 0) + 1
    return {"progress": progress, "progress_vi": PROGRESS[progress], "conclusions": conclusions}


def show_review_plan(*, session: Session, actor: str, year: int) -> dict[str, Any]:
    """The plan of ``year`` with its items, each with its procedures and progress."""
    require(session=session, actor=actor, action="workflow.read")
    plan = plan_of_year(session, year)
    if plan is None:
        raise NotFound(f"Năm {year} chưa có kế hoạch rà soát (no review plan for {year})")
    out = {**jsonable(plan), "late": is_late(plan), "items": []}
    for item in items(session, plan.id):
        procs = item_procedures(session, item)
        ids = [p.id for p in procs]
        reviews = list(
            session.exec(select(Review).where(Review.year == year, Review.procedure_id.in_(ids)))
        )
        out["items"].append(
            {
                **jsonable(item),
                "tags_vi": [GROUND_TAGS[t] for t in item.tags],
                "procedures": [{"id": p.id, "code": p.code, "name": p.name} for p in procs],
                **item_progress(reviews, len(procs)),
            }
        )
    return out
