"""Plans and proposals: create, add, edit, withdraw, submit, decide, approve."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from catalogue.cycle.common import (
    EDITABLE_FIELDS,
    VERDICTS,
    CostFigures,
    Immutable,
    _check_proposal_fields,
    _check_version,
    _get,
    _plan_dict,
    _plan_for_change,
    _proposal_dict,
    _status_vi,
    _versioned_update,
    evaluate_option,
)
from catalogue.cycle.figures import MODEL, merged_typed, model_figures, typed_figures
from catalogue.registry.audit import jsonable, write_audit
from catalogue.registry.auth import require
from catalogue.registry.errors import ConcurrentEdit, ServiceError
from catalogue.registry.models import (
    Plan,
    Procedure,
    Proposal,
    utcnow,
)

SHEET_GIVEN = "bảng tính kèm đề xuất (sheet given with the proposal)"

# --------------------------------------------------------------------------- plans


def _new_figures(
    session: Session,
    procedure_id: int,
    option: dict[str, Any],
    figures: CostFigures | dict[str, Any] | None,
    sheet: dict[str, Any] | None,
    source: str | None,
) -> tuple[CostFigures, str]:
    """Typed figures (checked, with their source) or the cost model's, with their source."""
    if figures is not None:
        typed = asdict(figures) if isinstance(figures, CostFigures) else dict(figures)
        return typed_figures(typed, source), str(source).strip()
    if sheet is not None:
        priced = option.get("action") in ("keep", "amend", "abolish")
        return (evaluate_option(sheet, option) if priced else CostFigures()), SHEET_GIVEN
    computed, label, _sheet = model_figures(session, procedure_id, option)
    return computed, label


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
    figures_source: str | None = None,
) -> Proposal:
    """Add one proposal (one per procedure per plan) to a draft plan.

    ``option`` is the cost model's option dict (``id``, ``action``, ``changes`` each with
    ``reason`` and ``legal_change``). Cost figures come from the cost model: the option
    evaluated on ``sheet`` when given, else on the procedure's stored costing sheet, else
    on its estimate (:mod:`catalogue.cycle.figures`). Figures typed by hand (``figures``)
    need ``figures_source`` and must be consistent (savings = before − after). A
    withdrawn proposal for the same procedure is reopened with the new content.
    """
    require(session=session, actor=actor, action="proposal.add")
    plan = _plan_for_change(session, plan_id, ("draft",))
    procedure = _get(session, Procedure, procedure_id, "thủ tục")
    option = dict(option or {})
    option.setdefault("action", action if action in ("keep", "amend", "abolish") else "amend")
    if option["action"] == "abolish" and reason:
        option.setdefault("reason", reason)  # the model's abolish option carries its reason
    values = {
        "action": action,
        "option": option,
        "content": content,
        "reason": reason if reason is not None else option.get("reason"),
        "legal_change": legal_change if legal_change is not None else option.get("legal_change"),
        "replacement_procedure_id": replacement_procedure_id,
    }
    _check_proposal_fields(session, procedure, values)
    computed, values["figures_source"] = _new_figures(
        session, procedure_id, option, figures, sheet, figures_source
    )
    values.update(asdict(computed))
    existing = session.exec(
        select(Proposal).where(Proposal.plan_id == plan.id, Proposal.procedure_id == procedure_id)
    ).first()
    if existing is not None:
        if existing.status != "withdrawn":
            raise ServiceError(
                f"Thủ tục {procedure.code or procedure.id} đã có đề xuất #{existing.id} trong "
                "phương án này (the procedure already has a proposal in this plan)"
            )
        return _reopen_proposal(session, existing, values, actor)
    return _insert_proposal(session, plan.id, procedure, values, actor)


def _reopen_proposal(
    session: Session, existing: Proposal, values: dict[str, Any], actor: str
) -> Proposal:
    """A withdrawn proposal for the same procedure becomes a draft again with ``values``."""
    before = _proposal_dict(existing)
    changes = {
        **values,
        "status": "draft",
        "chair_comment": None,
        "updated_by": actor,
        "updated_at": utcnow(),
    }
    _versioned_update(session, existing, changes, None)
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


def _insert_proposal(
    session: Session, plan_id: int, procedure: Procedure, values: dict[str, Any], actor: str
) -> Proposal:
    """Store a new proposal; a concurrent insert for the same procedure is a ConcurrentEdit."""
    proposal = Proposal(
        plan_id=plan_id, procedure_id=procedure.id, created_by=actor, updated_by=actor, **values
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
    (``yours``); nothing is written. Long because the typed and model figure rules
    (issue 12 item 5) sit between the checks and the versioned write.
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
        if plan.status in ("approved", "adopted", "published") or proposal.status in (
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
    source = values.pop("figures_source", None)
    if given:
        # a partial edit keeps the other figures (the derived ones follow the costs)
        kept = source or proposal.figures_source
        if not kept or kept.startswith(MODEL):
            kept = source
        values.update(asdict(typed_figures(merged_typed(proposal, given), kept)))
        values["figures_source"] = kept
    elif "option" in values or sheet is not None:
        option = merged.get("option") or {}
        computed, values["figures_source"] = _new_figures(
            session, proposal.procedure_id, option, None, sheet, None
        )
        values.update(asdict(computed))
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
