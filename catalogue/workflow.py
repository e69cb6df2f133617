"""Review workflow services: plans, proposals, the chair's decisions and published decisions.

Life cycle (DESIGN §5)::

    plan: draft ──submit──▶ submitted ──approve──▶ approved ──publish──▶ published
    proposal: draft ──submit──▶ submitted ──decide──▶ approved | rejected | returned
              returned ──edit──▶ draft ──submit──▶ submitted …      (any open one ──▶ withdrawn)

Every service takes the session and the acting user's name keyword-only, checks the
user's role against :data:`catalogue.auth.PERMISSIONS`, changes rows and writes an audit
row in the same transaction (the caller's :func:`catalogue.db.session_scope` commits).
Proposals and plans carry a ``version``: every change is an ``UPDATE … WHERE version = v``
so that a second, stale save fails with :class:`~catalogue.errors.ConcurrentEdit` (both
texts kept in the error) instead of silently overwriting the first.

A published decision and its items are immutable (the service refuses, and database
triggers from migration 0002 refuse too); a correction is a new decision that amends it.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd
from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from catalogue.audit import jsonable, write_audit
from catalogue.auth import require
from catalogue.errors import ConcurrentEdit, NotFound, ServiceError
from catalogue.models import (
    Agency,
    AuditLog,
    Channel,
    CostingSheet,
    Decision,
    DecisionItem,
    Document,
    LegalBasis,
    Plan,
    Procedure,
    Proposal,
    Revision,
    utcnow,
)
from catalogue.store import compress_snapshot, content_hash, load_records

log = logging.getLogger(__name__)

# Proposal actions: the cost model's keep / amend / abolish, plus the legal outcomes
# "replace" (by another procedure) and "new" (a draft procedure issued by the decision).
PROPOSAL_ACTIONS = ("keep", "amend", "abolish", "replace", "new")
PLAN_STATUSES = ("draft", "submitted", "approved", "published")
PROPOSAL_STATUSES = ("draft", "submitted", "approved", "rejected", "returned", "withdrawn")
VERDICTS = {"approve": "approved", "reject": "rejected", "return": "returned"}
OPEN_STATUSES = ("draft", "submitted", "returned")  # not yet decided for good
EDITABLE_FIELDS = (
    "action",
    "option",
    "content",
    "reason",
    "legal_change",
    "replacement_procedure_id",
    "cost_before",
    "cost_after",
    "savings",
    "cut_rate",
    "deadline_before",
    "deadline_after",
)

# Sections of a decision's list (Phụ lục), in their official order.
SECTIONS: dict[str, str] = {
    "new": "Danh mục thủ tục hành chính mới ban hành",
    "amended": "Danh mục thủ tục hành chính được sửa đổi, bổ sung",
    "replaced": "Danh mục thủ tục hành chính được thay thế",
    "abolished": "Danh mục thủ tục hành chính bị bãi bỏ",
}
SECTION_OF_ACTION = {
    "new": "new",
    "amend": "amended",
    "replace": "replaced",
    "abolish": "abolished",
}
STATUS_AFTER = {
    "new": "active",
    "amended": "amended",
    "replaced": "replaced",
    "abolished": "abolished",
}


class Immutable(ServiceError):
    """The record was published or decided and can no longer change."""


# --------------------------------------------------------------------------- cost figures


@dataclass(frozen=True)
class CostFigures:
    """Evaluated figures of one option: CPTT (chi phí tuân thủ) in đồng/year, deadlines in days."""

    cost_before: int | None = None
    cost_after: int | None = None
    savings: int | None = None
    cut_rate: float | None = None
    deadline_before: float | None = None
    deadline_after: float | None = None

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> CostFigures:
        """Figures from a mapping; savings and cut rate are derived when absent.

        >>> CostFigures.from_mapping({"cost_before": 975, "cost_after": 325})
        CostFigures(cost_before=975, cost_after=325, savings=650, cut_rate=66.67, \
deadline_before=None, deadline_after=None)
        """
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            raise ServiceError(
                f"Chỉ tiêu không hợp lệ: {', '.join(sorted(unknown))} (unknown cost figures)"
            )
        values = dict(data)
        for key in ("cost_before", "cost_after", "savings"):
            if values.get(key) is not None:
                values[key] = _whole_dong(values[key], key)
        before, after = values.get("cost_before"), values.get("cost_after")
        if values.get("savings") is None and before is not None and after is not None:
            values["savings"] = before - after
        if values.get("cut_rate") is None and before and values.get("savings") is not None:
            values["cut_rate"] = cut_rate(values["savings"], before)
        for key in ("cut_rate", "deadline_before", "deadline_after"):
            if values.get(key) is not None:
                values[key] = float(values[key])
        return cls(**values)


def _whole_dong(value: Any, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | Decimal | float | str):
        raise ServiceError(f"{key}: phải là số đồng (must be whole đồng)")
    number = Decimal(str(value))
    if number != number.to_integral_value() or number < 0:
        raise ServiceError(f"{key}: phải là số đồng nguyên, không âm (must be whole đồng, ≥ 0)")
    return int(number)


def cut_rate(savings: int, before: int) -> float:
    """``savings ÷ before × 100`` rounded half-up to 2 decimals (0 when before is 0).

    >>> cut_rate(650, 975)
    66.67
    """
    if not before:
        return 0.0
    exact = Decimal(savings) * 100 / Decimal(before)
    return float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def evaluate_option(sheet: dict[str, Any], option: dict[str, Any]) -> CostFigures:
    """Figures of ``option`` on a costing sheet, through the cost model (``analysis``).

    The one place where the workflow depends on the cost model: ``sheet`` is the plain
    costing-sheet data (as in ``data/sheets/*.yaml`` or ``CostingSheet.content``) and
    ``option`` the proposal's option dict (``id``, ``action``, ``changes``…).
    """
    from analysis.errors import ParameterError, SheetError
    from analysis.parameters import load_parameters
    from analysis.reference import evaluate_sheet
    from analysis.sheet import parse_sheet

    data = dict(sheet)
    if isinstance(data.get("date"), str):
        data["date"] = date.fromisoformat(data["date"])
    data["options"] = [{"id": "proposal", **{k: v for k, v in option.items() if k != "id"}}]
    try:
        result = evaluate_sheet(parse_sheet(data, params=load_parameters()))
    except (SheetError, ParameterError) as exc:
        raise ServiceError(
            "Bảng tính chi phí hoặc phương án không hợp lệ "
            f"(invalid costing sheet or option): {exc}"
        ) from exc
    out = result.options[0]
    return CostFigures(
        cost_before=result.baseline.annual_cost,
        cost_after=out.annual_cost,
        savings=out.savings,
        cut_rate=float(out.cut_rate) if out.cut_rate is not None else None,
        deadline_before=_float(result.baseline.deadline_days),
        deadline_after=_float(out.deadline_days),
    )


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


# --------------------------------------------------------------------------- helpers


def _get(session: Session, model: type, ident: int, label: str) -> Any:
    row = session.get(model, ident)
    if row is None:
        raise NotFound(f"Không tìm thấy {label} #{ident} ({model.__name__} #{ident} not found)")
    return row


def _plan_dict(plan: Plan) -> dict[str, Any]:
    return jsonable(plan)


def _proposal_dict(proposal: Proposal) -> dict[str, Any]:
    return jsonable(proposal)


def _versioned_update(
    session: Session,
    row: Plan | Proposal,
    values: dict[str, Any],
    expected_version: int | None,
    yours: dict[str, Any] | None = None,
) -> None:
    """``UPDATE … SET values, version+1 WHERE id AND version``; ConcurrentEdit when stale."""
    model = type(row)
    table = model.__table__
    version = row.version if expected_version is None else expected_version
    result = session.execute(
        update(table)
        .where(table.c.id == row.id, table.c.version == version)
        .values(**values, version=version + 1)
    )
    if result.rowcount != 1:
        session.expire(row)
        current = session.get(model, row.id, populate_existing=True)
        _check_version(current, version, yours if yours is not None else values)
    session.refresh(row)


def _check_version(row: Plan | Proposal, expected_version: int | None, yours: Any) -> None:
    """ConcurrentEdit when the caller worked on an older version than the one stored."""
    if expected_version is not None and row.version != expected_version:
        label = "đề xuất" if isinstance(row, Proposal) else "phương án"
        raise ConcurrentEdit(
            f"Người khác đã lưu {label} #{row.id} trước bạn (phiên bản {expected_version} → "
            f"{row.version}); hai nội dung đều được giữ lại để đối chiếu "
            f"(someone else saved {type(row).__name__.lower()} #{row.id} first; "
            "both versions are kept)",
            theirs=jsonable(row),
            yours=jsonable(yours),
        )


def _plan_for_change(session: Session, plan_id: int, allowed: tuple[str, ...]) -> Plan:
    plan = _get(session, Plan, plan_id, "phương án")
    if plan.status not in allowed:
        if plan.status in ("approved", "published"):
            raise Immutable(
                f"Phương án #{plan.id} đã {_status_vi(plan.status)}, không thể thay đổi "
                f"(plan is {plan.status} and can no longer change)"
            )
        raise ServiceError(
            f"Phương án #{plan.id} đang ở trạng thái '{plan.status}', không thể thực hiện "
            f"(plan is {plan.status}; allowed when {' / '.join(allowed)})"
        )
    return plan


def _status_vi(status: str) -> str:
    return {
        "draft": "dự thảo",
        "submitted": "trình",
        "approved": "phê duyệt",
        "published": "công bố",
        "rejected": "bị từ chối",
        "returned": "trả lại",
        "withdrawn": "rút",
    }.get(status, status)


def _check_proposal_fields(session: Session, procedure: Procedure, values: dict[str, Any]) -> None:
    action = values.get("action")
    if action not in PROPOSAL_ACTIONS:
        raise ServiceError(
            f"Hình thức đề xuất không hợp lệ '{action}' "
            f"(unknown action; known: {', '.join(PROPOSAL_ACTIONS)})"
        )
    option = values.get("option") or {}
    if not isinstance(option, dict):
        raise ServiceError("Phương án (option) phải là một bảng khóa–giá trị (must be a mapping)")
    changes = option.get("changes") or []
    if not isinstance(changes, list):
        raise ServiceError("option.changes phải là danh sách (must be a list)")
    for i, change in enumerate(changes):
        if not isinstance(change, dict) or not change.get("type"):
            raise ServiceError(f"option.changes[{i}]: thiếu loại thay đổi (missing type)")
        if not str(change.get("reason") or "").strip():
            raise ServiceError(
                f"option.changes[{i}]: mỗi thay đổi cần nêu lý do (every change needs a reason)"
            )
    if action in ("amend", "abolish", "replace") and not (
        str(values.get("reason") or "").strip() or changes
    ):
        raise ServiceError(
            "Đề xuất sửa đổi, thay thế hoặc bãi bỏ cần nêu lý do "
            "(an amend, replace or abolish proposal needs a reason)"
        )
    if action == "new" and procedure.status != "draft":
        raise ServiceError(
            f"Chỉ thủ tục dự thảo mới có thể đề xuất ban hành mới; {procedure.code} đang "
            f"'{procedure.status}' (only a draft procedure can be proposed as new)"
        )
    if action != "new" and procedure.status in ("abolished", "replaced", "draft"):
        raise ServiceError(
            f"Thủ tục {procedure.code or procedure.id} đang '{procedure.status}', không thể "
            f"đề xuất '{action}' (procedure is {procedure.status})"
        )
    replacement = values.get("replacement_procedure_id")
    if action == "replace":
        if replacement is None:
            raise ServiceError(
                "Đề xuất thay thế cần thủ tục thay thế (a replace proposal needs its replacement)"
            )
        if replacement == procedure.id:
            raise ServiceError("Thủ tục không thể tự thay thế (cannot replace itself)")
        other = _get(session, Procedure, replacement, "thủ tục thay thế")
        if other.status in ("abolished", "replaced"):
            raise ServiceError(
                f"Thủ tục thay thế đang '{other.status}' (the replacement is {other.status})"
            )
    elif replacement is not None:
        raise ServiceError(
            "Chỉ đề xuất thay thế mới có thủ tục thay thế (only replace proposals name one)"
        )


def _figures_for(
    session: Session,
    procedure_id: int,
    option: dict[str, Any],
    figures: CostFigures | dict[str, Any] | None,
    sheet: dict[str, Any] | None,
) -> CostFigures:
    """Caller's figures, else the cost model's on the given (or stored) costing sheet."""
    if isinstance(figures, CostFigures):
        return figures
    if figures is not None:
        return CostFigures.from_mapping(figures)
    if sheet is None:
        stored = session.exec(
            select(CostingSheet).where(CostingSheet.procedure_id == procedure_id)
        ).first()
        if stored is None or option.get("action") not in ("keep", "amend", "abolish"):
            return CostFigures()
        sheet = stored.content
    return evaluate_option(sheet, option)


# --------------------------------------------------------------------------- plans


def create_plan(
    *,
    session: Session,
    actor: str,
    name: str,
    year: int,
    agency_scope: str | None = None,
    programme: str | None = None,
) -> Plan:
    """Create a draft plan (phương án đơn giản hóa / kế hoạch rà soát)."""
    require(session=session, actor=actor, action="plan.create")
    if not name or not name.strip():
        raise ServiceError("Tên phương án không được để trống (plan name is required)")
    if not 2000 <= int(year) <= 2100:
        raise ServiceError(f"Năm không hợp lệ: {year} (invalid year)")
    plan = Plan(
        name=name.strip(),
        year=int(year),
        agency_scope=agency_scope,
        programme=programme,
        created_by=actor,
    )
    session.add(plan)
    session.flush()
    write_audit(
        session=session,
        actor=actor,
        action="plan.create",
        entity="plan",
        entity_id=plan.id,
        after=_plan_dict(plan),
    )
    return plan


def add_proposal(
    *,
    session: Session,
    actor: str,
    plan_id: int,
    procedure_id: int,
    action: str,
    option: dict[str, Any] | None = None,
    content: str | None = None,
    reason: str | None = None,
    legal_change: str | None = None,
    replacement_procedure_id: int | None = None,
    figures: CostFigures | dict[str, Any] | None = None,
    sheet: dict[str, Any] | None = None,
) -> Proposal:
    """Add one proposal (one per procedure per plan) to a draft plan.

    ``option`` is the cost model's option dict (``id``, ``action``, ``changes`` each with
    ``reason`` and ``legal_change``). Cost figures come from ``figures`` when given,
    else from evaluating the option on ``sheet`` or on the procedure's stored costing
    sheet (see :func:`evaluate_option`). A withdrawn proposal for the same procedure is
    reopened with the new content.
    """
    require(session=session, actor=actor, action="proposal.add")
    plan = _plan_for_change(session, plan_id, ("draft",))
    procedure = _get(session, Procedure, procedure_id, "thủ tục")
    option = dict(option or {})
    option.setdefault("action", action if action in ("keep", "amend", "abolish") else "amend")
    values = {
        "action": action,
        "option": option,
        "content": content,
        "reason": reason if reason is not None else option.get("reason"),
        "legal_change": legal_change if legal_change is not None else option.get("legal_change"),
        "replacement_procedure_id": replacement_procedure_id,
    }
    _check_proposal_fields(session, procedure, values)
    values.update(asdict(_figures_for(session, procedure_id, option, figures, sheet)))
    existing = session.exec(
        select(Proposal).where(Proposal.plan_id == plan.id, Proposal.procedure_id == procedure_id)
    ).first()
    if existing is not None:
        if existing.status != "withdrawn":
            raise ServiceError(
                f"Thủ tục {procedure.code or procedure.id} đã có đề xuất #{existing.id} trong "
                "phương án này (the procedure already has a proposal in this plan)"
            )
        before = _proposal_dict(existing)
        _versioned_update(
            session,
            existing,
            {
                **values,
                "status": "draft",
                "chair_comment": None,
                "updated_by": actor,
                "updated_at": utcnow(),
            },
            None,
        )
        write_audit(
            session=session,
            actor=actor,
            action="proposal.reopen",
            entity="proposal",
            entity_id=existing.id,
            before=before,
            after=_proposal_dict(existing),
        )
        return existing
    proposal = Proposal(
        plan_id=plan.id, procedure_id=procedure_id, created_by=actor, updated_by=actor, **values
    )
    label = procedure.code or procedure.id
    session.add(proposal)
    try:
        session.flush()
    except IntegrityError as exc:
        # Someone added a proposal for the same procedure at the same moment.
        raise ConcurrentEdit(
            f"Người khác vừa thêm đề xuất cho thủ tục {label} vào "
            "phương án này (someone else just added a proposal for this procedure)",
            yours=jsonable(values),
        ) from exc
    write_audit(
        session=session,
        actor=actor,
        action="proposal.add",
        entity="proposal",
        entity_id=proposal.id,
        after=_proposal_dict(proposal),
    )
    return proposal


def edit_proposal(
    *,
    session: Session,
    actor: str,
    proposal_id: int,
    expected_version: int,
    updates: dict[str, Any],
    sheet: dict[str, Any] | None = None,
) -> Proposal:
    """Change a draft or returned proposal, if nobody saved it since ``expected_version``.

    ``updates`` holds any of :data:`EDITABLE_FIELDS`. When the option changes and no
    figures are given, they are evaluated again (see :func:`add_proposal`). A returned
    proposal becomes a draft again, to be resubmitted. A stale ``expected_version``
    raises :class:`ConcurrentEdit` carrying the saved row (``theirs``) and these updates
    (``yours``); nothing is written.
    """
    require(session=session, actor=actor, action="proposal.edit")
    proposal = _get(session, Proposal, proposal_id, "đề xuất")
    unknown = set(updates) - set(EDITABLE_FIELDS)
    if unknown:
        raise ServiceError(
            f"Không thể sửa trường: {', '.join(sorted(unknown))} (fields not editable)"
        )
    _check_version(proposal, expected_version, {**updates, "expected_version": expected_version})
    plan = _get(session, Plan, proposal.plan_id, "phương án")
    editable = (plan.status == "draft" and proposal.status == "draft") or (
        plan.status == "submitted" and proposal.status in ("returned", "draft")
    )
    if not editable:
        if plan.status in ("approved", "published") or proposal.status in (
            "approved",
            "rejected",
        ):
            raise Immutable(
                f"Đề xuất #{proposal.id} đã {_status_vi(proposal.status)}, không thể sửa "
                f"(proposal is {proposal.status}; plan is {plan.status})"
            )
        raise ServiceError(
            f"Đề xuất #{proposal.id} đang '{proposal.status}', chỉ sửa được khi là dự thảo hoặc "
            f"bị trả lại (proposal is {proposal.status}; only drafts and returned ones change)"
        )
    values = {k: updates[k] for k in EDITABLE_FIELDS if k in updates}
    merged = {**_proposal_dict(proposal), **values}
    procedure = _get(session, Procedure, proposal.procedure_id, "thủ tục")
    _check_proposal_fields(session, procedure, merged)
    figure_keys = set(CostFigures.__dataclass_fields__)
    given = {k: values.pop(k) for k in list(values) if k in figure_keys}
    if given:
        values.update(asdict(CostFigures.from_mapping(given)))
    elif "option" in values or sheet is not None:
        option = merged.get("option") or {}
        values.update(asdict(_figures_for(session, proposal.procedure_id, option, None, sheet)))
    before = _proposal_dict(proposal)
    new_status = "draft" if proposal.status == "returned" else proposal.status
    _versioned_update(
        session,
        proposal,
        {**values, "status": new_status, "updated_by": actor, "updated_at": utcnow()},
        expected_version,
        yours={**updates, "expected_version": expected_version},
    )
    write_audit(
        session=session,
        actor=actor,
        action="proposal.edit",
        entity="proposal",
        entity_id=proposal.id,
        before=before,
        after=_proposal_dict(proposal),
    )
    return proposal


def withdraw_proposal(
    *, session: Session, actor: str, proposal_id: int, expected_version: int | None = None
) -> Proposal:
    """Withdraw a proposal that is not decided yet (it stays in the plan, marked withdrawn)."""
    require(session=session, actor=actor, action="proposal.withdraw")
    proposal = _get(session, Proposal, proposal_id, "đề xuất")
    _check_version(proposal, expected_version, {"status": "withdrawn"})
    plan = _plan_for_change(session, proposal.plan_id, ("draft", "submitted"))
    if proposal.status not in ("draft", "returned") or (
        plan.status == "submitted" and proposal.status != "returned"
    ):
        raise ServiceError(
            f"Không thể rút đề xuất #{proposal.id} đang '{proposal.status}' "
            "(only draft proposals, or returned ones of a submitted plan, can be withdrawn)"
        )
    before = _proposal_dict(proposal)
    _versioned_update(
        session,
        proposal,
        {"status": "withdrawn", "updated_by": actor, "updated_at": utcnow()},
        expected_version,
    )
    write_audit(
        session=session,
        actor=actor,
        action="proposal.withdraw",
        entity="proposal",
        entity_id=proposal.id,
        before=before,
        after=_proposal_dict(proposal),
    )
    return proposal


def _proposals(session: Session, plan_id: int) -> list[Proposal]:
    return list(
        session.exec(select(Proposal).where(Proposal.plan_id == plan_id).order_by(Proposal.id))
    )


def submit_plan(*, session: Session, actor: str, plan_id: int) -> Plan:
    """Submit a plan to the chair: every draft or returned proposal becomes submitted."""
    require(session=session, actor=actor, action="plan.submit")
    plan = _plan_for_change(session, plan_id, ("draft", "submitted"))
    pending = [p for p in _proposals(session, plan.id) if p.status in ("draft", "returned")]
    if not pending:
        raise ServiceError(
            f"Phương án #{plan.id} không có đề xuất nào để trình (nothing to submit)"
        )
    before = _plan_dict(plan)
    now = utcnow()
    for proposal in pending:
        _versioned_update(session, proposal, {"status": "submitted", "updated_at": now}, None)
    _versioned_update(session, plan, {"status": "submitted", "submitted_at": now}, None)
    write_audit(
        session=session,
        actor=actor,
        action="plan.submit",
        entity="plan",
        entity_id=plan.id,
        before=before,
        after={**_plan_dict(plan), "proposals": [p.id for p in pending]},
    )
    return plan


def decide_proposal(
    *,
    session: Session,
    actor: str,
    proposal_id: int,
    verdict: str,
    comment: str | None = None,
    expected_version: int | None = None,
) -> Proposal:
    """The chair approves, rejects or returns (with a comment) one submitted proposal."""
    require(session=session, actor=actor, action="proposal.decide")
    if verdict not in VERDICTS:
        raise ServiceError(
            f"Quyết định không hợp lệ '{verdict}' (verdict must be {', '.join(VERDICTS)})"
        )
    if verdict in ("reject", "return") and not (comment or "").strip():
        raise ServiceError(
            "Từ chối hoặc trả lại cần có ý kiến (a rejection or return needs a comment)"
        )
    proposal = _get(session, Proposal, proposal_id, "đề xuất")
    _check_version(proposal, expected_version, {"verdict": verdict, "comment": comment})
    _plan_for_change(session, proposal.plan_id, ("submitted",))
    if proposal.status != "submitted":
        raise ServiceError(
            f"Đề xuất #{proposal.id} đang '{proposal.status}', chỉ quyết định được đề xuất đã "
            f"trình (proposal is {proposal.status}; only submitted ones can be decided)"
        )
    before = _proposal_dict(proposal)
    _versioned_update(
        session,
        proposal,
        {"status": VERDICTS[verdict], "chair_comment": comment, "updated_at": utcnow()},
        expected_version,
    )
    write_audit(
        session=session,
        actor=actor,
        action=f"proposal.{verdict}",
        entity="proposal",
        entity_id=proposal.id,
        before=before,
        after=_proposal_dict(proposal),
    )
    return proposal


def approve_plan(*, session: Session, actor: str, plan_id: int) -> Plan:
    """Approve a submitted plan once every proposal is approved, rejected or withdrawn."""
    require(session=session, actor=actor, action="plan.approve")
    plan = _plan_for_change(session, plan_id, ("submitted",))
    proposals = _proposals(session, plan.id)
    undecided = [p.id for p in proposals if p.status in OPEN_STATUSES]
    if undecided:
        raise ServiceError(
            f"Còn đề xuất chưa quyết định: {', '.join(f'#{i}' for i in undecided)} "
            "(every proposal must be approved, rejected or withdrawn first)"
        )
    if not any(p.status == "approved" for p in proposals):
        raise ServiceError("Phương án không có đề xuất nào được chấp thuận (nothing approved)")
    before = _plan_dict(plan)
    _versioned_update(
        session, plan, {"status": "approved", "approved_at": utcnow(), "approved_by": actor}, None
    )
    write_audit(
        session=session,
        actor=actor,
        action="plan.approve",
        entity="plan",
        entity_id=plan.id,
        before=before,
        after=_plan_dict(plan),
    )
    return plan


# --------------------------------------------------------------------------- decisions


def _agency_names(session: Session) -> dict[int, str]:
    return {a.id: a.name for a in session.exec(select(Agency))}


def _legal_basis_text(session: Session, procedure_id: int) -> str | None:
    rows = session.exec(
        select(LegalBasis)
        .where(LegalBasis.procedure_id == procedure_id)
        .order_by(LegalBasis.position)
    )
    parts = []
    for lb in rows:
        if lb.number and lb.number not in lb.title:
            parts.append(f"{lb.number} – {lb.title}")
        else:
            parts.append(lb.title)
    return "; ".join(parts) or None


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _apply_catalogue_changes(session: Session, procedure: Procedure, option: dict) -> list[str]:
    """Apply the option's changes that the catalogue holds; a line per change for the record."""
    lines = []
    for change in option.get("changes") or []:
        kind = change.get("type")
        applied = ""
        if kind in ("remove_document", "replace_document_with_lookup"):
            name = str(change.get("document") or "")
            docs = session.exec(select(Document).where(Document.procedure_id == procedure.id))
            matched = [d for d in docs if _same_name(d.name, name)]
            for doc in matched:
                session.delete(doc)
            applied = "đã bỏ khỏi thành phần hồ sơ" if matched else "không khớp tên trong danh mục"
        elif kind == "set_deadline":
            channel = change.get("channel", "all")
            query = select(Channel).where(Channel.procedure_id == procedure.id)
            if channel != "all":
                query = query.where(Channel.kind == channel)
            days = change.get("days")
            for ch in session.exec(query):
                ch.deadline_value = float(days)
                ch.deadline_unit = "working_days"
                ch.deadline_raw = f"{days} ngày làm việc"
                session.add(ch)
            applied = "đã cập nhật thời hạn"
        args = ", ".join(
            f"{k}={v}" for k, v in change.items() if k not in ("type", "reason", "legal_change")
        )
        line = f"{kind}({args}): {change.get('reason') or ''}"
        if change.get("legal_change"):
            line += f" [{change['legal_change']}]"
        lines.append(line + (f" — {applied}" if applied else ""))
    session.flush()
    return lines


def _record_of(session: Session, procedure_id: int) -> dict[str, Any]:
    return load_records(session.connection(), ids=[procedure_id], with_ids=True)[procedure_id]


def _new_revision(
    session: Session,
    procedure: Procedure,
    *,
    actor: str,
    source: str,
    status: str,
    before: dict[str, Any] | None = None,
    **extra: Any,
) -> None:
    """Give ``procedure`` the new status and a revision (snapshot of its rows as they now are).

    ``before`` is its record before the change (read now when not given), to name the
    changed fields.
    """
    conn = session.connection()
    if before is None:
        before = _record_of(session, procedure.id)
    table = Procedure.__table__
    values = {"status": status, **extra}
    session.execute(
        update(table)
        .where(table.c.id == procedure.id)
        .values(
            **values,
            revision=table.c.revision + 1,
            version=table.c.version + 1,
            updated_at=utcnow(),
        )
    )
    record = load_records(conn, ids=[procedure.id], with_ids=True)[procedure.id]
    changed = sorted(k for k in record if k != "volumes" and record.get(k) != before.get(k))
    number = session.execute(
        select(func.max(Revision.number)).where(Revision.procedure_id == procedure.id)
    ).scalar_one()
    # Procedure.content_hash stays the hash of the last imported source, so re-importing
    # that same source later changes nothing and does not undo the published amendment.
    record_hash = content_hash(record)
    session.add(
        Revision(
            procedure_id=procedure.id,
            number=(number or 0) + 1,
            actor=actor,
            source=source,
            content_hash=record_hash,
            changed_fields=changed or ["decision"],
            snapshot=compress_snapshot(record),
        )
    )
    session.expire(procedure)


def publish_decision(
    *,
    session: Session,
    actor: str,
    plan_id: int,
    number: str,
    signed_on: date,
    signer: str,
    effective_on: date,
    amends_decision_id: int | None = None,
    title: str | None = None,
) -> Decision:
    """Publish the decision (Quyết định công bố) of an approved plan and update the catalogue.

    The decision lists the approved proposals in sections new / amended / replaced /
    abolished (keep proposals change nothing and are not listed), each item a frozen
    snapshot of the procedure. The catalogue follows: new → active; amended → the
    option's changes applied (documents removed, deadlines cut…) and a new revision
    recording the change set; replaced → linked to its replacement; abolished → status
    abolished. The plan becomes published. Nothing of this can be edited afterwards.
    """
    require(session=session, actor=actor, action="decision.publish")
    plan = _plan_for_change(session, plan_id, ("approved",))
    number = (number or "").strip()
    if not number:
        raise ServiceError("Cần số quyết định, ví dụ 123/QĐ-UBND (decision number required)")
    if not (signer or "").strip():
        raise ServiceError("Cần người ký (signer required)")
    if effective_on < signed_on:
        raise ServiceError(
            "Ngày hiệu lực không được trước ngày ký (effective date before signing date)"
        )
    if session.exec(select(Decision).where(Decision.number == number)).first() is not None:
        raise ServiceError(f"Số quyết định {number} đã tồn tại (decision number already used)")
    if amends_decision_id is not None:
        _get(session, Decision, amends_decision_id, "quyết định được sửa đổi")
    approved = [
        p for p in _proposals(session, plan.id) if p.status == "approved" and p.action != "keep"
    ]
    if not approved:
        raise ServiceError(
            "Không có thủ tục nào để công bố: các đề xuất được chấp thuận đều giữ nguyên "
            "(nothing to publish: every approved proposal keeps its procedure)"
        )
    procedures = {p.id: _get(session, Procedure, p.procedure_id, "thủ tục") for p in approved}
    for proposal in approved:
        proc = procedures[proposal.id]
        wanted = "draft" if proposal.action == "new" else None
        if (wanted and proc.status != wanted) or (
            not wanted and proc.status in ("abolished", "replaced", "draft")
        ):
            raise ServiceError(
                f"Thủ tục {proc.code or proc.id} nay đang '{proc.status}', không thể công bố "
                f"'{proposal.action}' (the procedure changed since the proposal)"
            )
    decision = Decision(
        number=number,
        title=title or _default_title(approved, plan),
        signed_on=signed_on,
        signer=signer.strip(),
        effective_on=effective_on,
        plan_id=plan.id,
        amends_decision_id=amends_decision_id,
        published_by=actor,
    )
    session.add(decision)
    session.flush()

    agencies = _agency_names(session)
    order = list(SECTIONS)
    approved.sort(
        key=lambda p: (
            order.index(SECTION_OF_ACTION[p.action]),
            procedures[p.id].code or "",
            procedures[p.id].name,
        )
    )
    positions = dict.fromkeys(SECTIONS, 0)
    items = []
    source_head = f"Quyết định {number} ngày {signed_on:%d/%m/%Y}; đề xuất"
    for proposal in approved:
        proc = procedures[proposal.id]
        section = SECTION_OF_ACTION[proposal.action]
        positions[section] += 1
        note = None
        extra: dict[str, Any] = {}
        if section == "replaced":
            other = _get(session, Procedure, proposal.replacement_procedure_id, "thủ tục")
            note = f"Được thay thế bởi {other.code or ''} – {other.name}".replace("  ", " ")
            extra["replaced_by_id"] = other.id
            if other.status == "draft":
                _new_revision(
                    session,
                    other,
                    actor=actor,
                    source=f"{source_head} #{proposal.id}: ban hành thay thế {proc.code}",
                    status="active",
                    decision=number,
                )
        item = DecisionItem(
            decision_id=decision.id,
            section=section,
            position=positions[section],
            procedure_id=proc.id,
            proposal_id=proposal.id,
            code=proc.code,
            name=proc.name,
            field=proc.field,
            agency=agencies.get(proc.agency_id) or proc.competent_agency,
            legal_basis=_legal_basis_text(session, proc.id),
            note=note,
        )
        items.append(item)
        session.add(item)
        before_status = proc.status
        before_record = _record_of(session, proc.id)
        lines = []
        if section == "amended":
            lines = _apply_catalogue_changes(session, proc, proposal.option or {})
        summary = "; ".join(lines) or (proposal.content or proposal.reason or "")
        _new_revision(
            session,
            proc,
            actor=actor,
            source=f"{source_head} #{proposal.id} ({section}): {summary}".rstrip(": "),
            status=STATUS_AFTER[section],
            before=before_record,
            decision=number,
            **extra,
        )
        write_audit(
            session=session,
            actor=actor,
            action=f"procedure.{section}",
            entity="procedure",
            entity_id=proc.id,
            before={"status": before_status},
            after={
                "status": STATUS_AFTER[section],
                "decision": number,
                "changes": lines,
                **extra,
            },
        )
    session.flush()
    before = _plan_dict(plan)
    _versioned_update(session, plan, {"status": "published"}, None)
    write_audit(
        session=session,
        actor=actor,
        action="decision.publish",
        entity="decision",
        entity_id=decision.id,
        after={**jsonable(decision), "items": [jsonable(i) for i in items]},
    )
    write_audit(
        session=session,
        actor=actor,
        action="plan.publish",
        entity="plan",
        entity_id=plan.id,
        before=before,
        after=_plan_dict(plan),
    )
    return decision


def _default_title(approved: list[Proposal], plan: Plan) -> str:
    words = {
        "new": "mới ban hành",
        "amended": "được sửa đổi, bổ sung",
        "replaced": "được thay thế",
        "abolished": "bị bãi bỏ",
    }
    present = [
        words[s] for s in SECTIONS if any(SECTION_OF_ACTION[p.action] == s for p in approved)
    ]
    listed = ", ".join(present[:-1]) + (" và " if len(present) > 1 else "") + present[-1]
    scope = f" thuộc phạm vi quản lý của {plan.agency_scope}" if plan.agency_scope else ""
    return f"Về việc công bố danh mục thủ tục hành chính {listed}{scope}"


def update_decision(*, session: Session, actor: str, decision_id: int, **changes: Any) -> None:
    """Always refused: a published decision is immutable; publish a new one that amends it."""
    decision = _get(session, Decision, decision_id, "quyết định")
    raise Immutable(
        f"Quyết định {decision.number} đã công bố, không thể sửa; hãy ban hành quyết định mới "
        f"sửa đổi quyết định này (published decisions are immutable; publish an amending one)"
    )


def delete_decision(*, session: Session, actor: str, decision_id: int) -> None:
    """Always refused: a published decision is never deleted."""
    update_decision(session=session, actor=actor, decision_id=decision_id)


# --------------------------------------------------------------------------- reading


PLAN_COLUMNS = [
    "id", "name", "year", "agency_scope", "programme", "status", "created_by", "created_at",
    "submitted_at", "approved_at", "approved_by", "version", "proposals", "approved",
    "savings_approved", "decision",
]  # fmt: skip
PROPOSAL_COLUMNS = [
    "id", "plan_id", "procedure_id", "code", "name", "field", "agency", "action", "status",
    "content", "reason", "legal_change", "replacement_procedure_id", "replacement_code",
    "cost_before", "cost_after", "savings", "cut_rate", "deadline_before", "deadline_after",
    "chair_comment", "option", "created_by", "updated_by", "updated_at", "version",
]  # fmt: skip
DECISION_COLUMNS = [
    "id", "number", "title", "signed_on", "signer", "effective_on", "plan_id",
    "amends_decision_id", "amends_number", "published_by", "published_at",
    "new", "amended", "replaced", "abolished", "items",
]  # fmt: skip
ITEM_COLUMNS = [
    "decision_id", "section", "position", "procedure_id", "proposal_id", "code", "name",
    "field", "agency", "legal_basis", "note",
]  # fmt: skip
SAVINGS_COLUMNS = [
    "plan_id", "plan", "year", "programme", "decision", "signed_on", "effective_on",
    "proposal_id", "procedure_id", "code", "name", "field", "agency", "action",
    "cost_before", "cost_after", "savings", "cut_rate", "deadline_before", "deadline_after",
]  # fmt: skip


def _read(session: Session, actor: str) -> None:
    require(session=session, actor=actor, action="workflow.read")


def _decision_numbers(session: Session) -> dict[int, str]:
    return {d.plan_id: d.number for d in session.exec(select(Decision).order_by(Decision.id))}


def plans_frame(*, session: Session, actor: str) -> pd.DataFrame:
    """One row per plan with proposal counts, approved savings and its decision number."""
    _read(session, actor)
    decisions = _decision_numbers(session)
    rows = []
    for plan in session.exec(select(Plan).order_by(Plan.year.desc(), Plan.id)):
        proposals = [p for p in _proposals(session, plan.id) if p.status != "withdrawn"]
        approved = [p for p in proposals if p.status == "approved"]
        rows.append(
            {
                **plan.model_dump(),
                "proposals": len(proposals),
                "approved": len(approved),
                "savings_approved": sum(p.savings or 0 for p in approved),
                "decision": decisions.get(plan.id),
            }
        )
    return pd.DataFrame(rows, columns=PLAN_COLUMNS)


def _proposal_rows(session: Session, proposals: list[Proposal]) -> pd.DataFrame:
    agencies = _agency_names(session)
    ids = {p.procedure_id for p in proposals} | {
        p.replacement_procedure_id for p in proposals if p.replacement_procedure_id
    }
    procs = {
        p.id: p for p in session.exec(select(Procedure).where(Procedure.id.in_(list(ids or [0]))))
    }
    rows = []
    for p in proposals:
        proc = procs[p.procedure_id]
        replacement = procs.get(p.replacement_procedure_id)
        rows.append(
            {
                **p.model_dump(),
                "code": proc.code,
                "name": proc.name,
                "field": proc.field,
                "agency": agencies.get(proc.agency_id) or proc.competent_agency,
                "replacement_code": replacement.code if replacement else None,
            }
        )
    return pd.DataFrame(rows, columns=PROPOSAL_COLUMNS)


def proposals_frame(
    *, session: Session, actor: str, plan_id: int | None = None, status: str | None = None
) -> pd.DataFrame:
    """Proposals (optionally of one plan and/or one status) with their procedure's columns."""
    _read(session, actor)
    query = select(Proposal).order_by(Proposal.plan_id, Proposal.id)
    if plan_id is not None:
        query = query.where(Proposal.plan_id == plan_id)
    if status is not None:
        query = query.where(Proposal.status == status)
    return _proposal_rows(session, list(session.exec(query)))


def approval_queue(*, session: Session, actor: str) -> pd.DataFrame:
    """Proposals waiting for the chair: submitted, in submitted plans."""
    _read(session, actor)
    query = (
        select(Proposal)
        .join(Plan, Plan.id == Proposal.plan_id)
        .where(Plan.status == "submitted", Proposal.status == "submitted")
        .order_by(Proposal.plan_id, Proposal.id)
    )
    return _proposal_rows(session, list(session.exec(query)))


def decisions_frame(*, session: Session, actor: str) -> pd.DataFrame:
    """Published decisions, newest first, with their item counts per section."""
    _read(session, actor)
    decisions = list(session.exec(select(Decision).order_by(Decision.id.desc())))
    numbers = {d.id: d.number for d in decisions}
    counts: dict[tuple[int, str], int] = {}
    for decision_id, section, n in session.execute(
        select(DecisionItem.decision_id, DecisionItem.section, func.count()).group_by(
            DecisionItem.decision_id, DecisionItem.section
        )
    ):
        counts[(decision_id, section)] = n
    rows = []
    for d in decisions:
        per_section = {s: counts.get((d.id, s), 0) for s in SECTIONS}
        rows.append(
            {
                **d.model_dump(),
                "amends_number": numbers.get(d.amends_decision_id),
                **per_section,
                "items": sum(per_section.values()),
            }
        )
    return pd.DataFrame(rows, columns=DECISION_COLUMNS)


def decision_items_frame(*, session: Session, actor: str, decision_id: int) -> pd.DataFrame:
    """The frozen list of one decision, in section order then STT."""
    _read(session, actor)
    _get(session, Decision, decision_id, "quyết định")
    items = session.exec(select(DecisionItem).where(DecisionItem.decision_id == decision_id))
    order = list(SECTIONS)
    rows = sorted(
        (i.model_dump() for i in items), key=lambda r: (order.index(r["section"]), r["position"])
    )
    return pd.DataFrame(rows, columns=ITEM_COLUMNS)


def approved_savings_frame(*, session: Session, actor: str) -> pd.DataFrame:
    """Approved proposals of plans whose decision is published: what analysts may count."""
    _read(session, actor)
    agencies = _agency_names(session)
    query = (
        select(Proposal, Plan, Decision, Procedure)
        .join(Plan, Plan.id == Proposal.plan_id)
        .join(Decision, Decision.plan_id == Plan.id)
        .join(Procedure, Procedure.id == Proposal.procedure_id)
        .where(Plan.status == "published", Proposal.status == "approved")
        .order_by(Plan.year, Decision.id, Proposal.id)
    )
    rows = []
    for proposal, plan, decision, proc in session.exec(query):
        rows.append(
            {
                "plan_id": plan.id,
                "plan": plan.name,
                "year": plan.year,
                "programme": plan.programme,
                "decision": decision.number,
                "signed_on": decision.signed_on,
                "effective_on": decision.effective_on,
                "proposal_id": proposal.id,
                "procedure_id": proc.id,
                "code": proc.code,
                "name": proc.name,
                "field": proc.field,
                "agency": agencies.get(proc.agency_id) or proc.competent_agency,
                "action": proposal.action,
                "cost_before": proposal.cost_before,
                "cost_after": proposal.cost_after,
                "savings": proposal.savings,
                "cut_rate": proposal.cut_rate,
                "deadline_before": proposal.deadline_before,
                "deadline_after": proposal.deadline_after,
            }
        )
    return pd.DataFrame(rows, columns=SAVINGS_COLUMNS)


def show_plan(*, session: Session, actor: str, plan_id: int) -> dict[str, Any]:
    """A plan with its proposals, as JSON-ready data."""
    _read(session, actor)
    plan = _get(session, Plan, plan_id, "phương án")
    proposals = _proposal_rows(session, _proposals(session, plan.id))
    return {
        **_plan_dict(plan),
        "decision": _decision_numbers(session).get(plan.id),
        "proposals": jsonable(proposals.to_dict("records")),
    }


def find_decision(*, session: Session, actor: str, ref: str | int) -> Decision:
    """A decision by id or by number (``123/QĐ-UBND``)."""
    _read(session, actor)
    if isinstance(ref, int) or str(ref).isdigit():
        found = session.get(Decision, int(ref))
        if found is not None:
            return found
    found = session.exec(select(Decision).where(Decision.number == str(ref))).first()
    if found is None:
        raise NotFound(f"Không tìm thấy quyết định '{ref}' (no such decision)")
    return found


def show_decision(*, session: Session, actor: str, decision_id: int) -> dict[str, Any]:
    """A decision with its items, as JSON-ready data."""
    _read(session, actor)
    decision = _get(session, Decision, decision_id, "quyết định")
    items = decision_items_frame(session=session, actor=actor, decision_id=decision_id)
    return {**jsonable(decision), "items": jsonable(items.to_dict("records"))}


def audit_frame(
    *,
    session: Session,
    actor: str,
    entity: str | None = None,
    entity_id: Any = None,
    by: str | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """Audit rows, newest first, optionally of one entity (and id) or one user (``by``)."""
    require(session=session, actor=actor, action="audit.read")
    query = select(AuditLog).order_by(AuditLog.id.desc())
    if entity is not None:
        query = query.where(AuditLog.entity == entity)
    if entity_id is not None:
        query = query.where(AuditLog.entity_id == str(entity_id))
    if by is not None:
        query = query.where(AuditLog.actor == by)
    if limit is not None:
        query = query.limit(limit)
    columns = ["id", "at", "actor", "action", "entity", "entity_id", "before", "after"]
    return pd.DataFrame([r.model_dump() for r in session.exec(query)], columns=columns)
