"""Read-only views of plans, proposals, decisions, savings and the audit log."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import func
from sqlmodel import Session, select

from catalogue.cycle.common import (
    SECTIONS,
    _get,
    _plan_dict,
)
from catalogue.cycle.decisions import (
    _agency_names,
)
from catalogue.cycle.plans import (
    _proposals,
)
from catalogue.registry.audit import jsonable
from catalogue.registry.auth import require
from catalogue.registry.errors import NotFound
from catalogue.registry.models import (
    AuditLog,
    Decision,
    DecisionItem,
    Plan,
    Procedure,
    Proposal,
)

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
