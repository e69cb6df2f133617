"""What the chair's two decisions say, as plain data for the document layer (PROCESS.md §4).

Adapters only: :func:`adoption_document` (Quyết định thông qua phương án and its annex,
grouped by field, then per procedure: a) contents with reasons, b) kiến nghị thực thi,
c) benefits, as signed) and :func:`publication_document` (Quyết định công bố: the four
sections grouped by level, each entry citing its act; the acts and the ministries'
công bố for the bases). The layout is the document layer's
(:mod:`catalogue.documents.layout`); nothing here formats a page.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from catalogue.cycle.common import SECTIONS, _get
from catalogue.cycle.record_changes import describe
from catalogue.registry.audit import jsonable
from catalogue.registry.auth import require
from catalogue.registry.models import (
    Adoption,
    Decision,
    DecisionItem,
    LegalAct,
    Plan,
    Procedure,
    Proposal,
    Routing,
)
from catalogue.registry.store import load_records

LEVEL_GROUPS = {
    "province": "A. THỦ TỤC HÀNH CHÍNH CẤP TỈNH",
    "commune": "B. THỦ TỤC HÀNH CHÍNH CẤP XÃ",
}


def _without_reasons(option: dict[str, Any]) -> dict[str, Any]:
    """The option with its changes' reasons left out: the annex prints each reason apart."""
    changes = [{k: v for k, v in c.items() if k != "reason"} for c in option.get("changes") or []]
    return {**option, "changes": changes}


def _replacement(session: Session, procedure_id: int | None) -> str | None:
    """``Tên thủ tục (mã …)`` of a replacing procedure."""
    proc = session.get(Procedure, procedure_id) if procedure_id else None
    if proc is None:
        return None
    return f"{proc.name} (mã {proc.code})" if proc.code else proc.name


def adoption_document(*, session: Session, actor: str, adoption_id: int) -> dict[str, Any]:
    """The adoption with its annex by field and its Article 2 routes, as signed."""
    require(session=session, actor=actor, action="workflow.read")
    adoption = _get(session, Adoption, adoption_id, "quyết định thông qua")
    plan = session.get(Plan, adoption.plan_id)
    routings = list(
        session.exec(select(Routing).where(Routing.adoption_id == adoption.id).order_by(Routing.id))
    )
    records = load_records(
        session.connection(), ids=[r.procedure_id for r in routings], with_ids=True
    )
    fields: dict[str, list[dict[str, Any]]] = {}
    for routing in routings:
        proc = session.get(Procedure, routing.procedure_id)
        proposal = session.get(Proposal, routing.proposal_id)
        fields.setdefault(proc.field or "Lĩnh vực khác", []).append(
            {
                "code": proc.code, "name": proc.name, "action": routing.action,
                "contents": describe(records[proc.id], _without_reasons(routing.option or {})),
                "changes": list((routing.option or {}).get("changes") or []),
                "replacement": _replacement(session, routing.replacement_procedure_id),
                "levels": list(proc.levels or []),
                "reason": proposal.reason, "legal_change": proposal.legal_change,
                "route": routing.route, "department": routing.department,
                "due_on": routing.due_on, "addressee": routing.addressee,
                **{k: getattr(routing, k) for k in (
                    "cost_before", "cost_after", "savings", "cut_rate", "deadline_before",
                    "deadline_after", "figures_source")},
            }
        )  # fmt: skip
    return {
        **jsonable(adoption),
        "plan": plan.name,
        "year": plan.year,
        "agency_scope": plan.agency_scope,
        "fields": [{"field": f, "procedures": rows} for f, rows in sorted(fields.items())],
        "province": [r for rows in fields.values() for r in rows if r["route"] == "province"],
        "recommendations": [
            r for rows in fields.values() for r in rows if r["route"] == "recommendation"
        ],
    }


def publication_document(*, session: Session, actor: str, decision_id: int) -> dict[str, Any]:
    """The công bố with its sections grouped by level, and the acts it cites."""
    require(session=session, actor=actor, action="workflow.read")
    decision = _get(session, Decision, decision_id, "quyết định")
    items = list(
        session.exec(
            select(DecisionItem)
            .where(DecisionItem.decision_id == decision.id)
            .order_by(DecisionItem.section, DecisionItem.position)
        )
    )
    acts = {a.id: a for a in session.exec(select(LegalAct))}
    sections: dict[str, dict[str, list[dict[str, Any]]]] = {s: {} for s in SECTIONS}
    for item in items:
        proc = session.get(Procedure, item.procedure_id) if item.procedure_id else None
        levels = (proc.levels if proc else None) or ["province"]
        group = LEVEL_GROUPS.get(levels[0], LEVEL_GROUPS["province"])
        act = acts.get(item.act_id)
        replacement = (
            session.get(Procedure, item.replacement_procedure_id)
            if item.replacement_procedure_id
            else None
        )
        sections[item.section].setdefault(group, []).append(
            {
                "code": item.code, "name": item.name, "field": item.field,
                "agency": item.agency,
                "act": f"{act.number} {act.title}" if act else "không ghi nhận (not recorded)",
                "replacement": f"{replacement.code or ''} {replacement.name}".strip()
                if replacement else None,
            }
        )  # fmt: skip
    cited = sorted({acts[i.act_id].id for i in items if i.act_id in acts})
    return {
        **jsonable(decision),
        "sections": {k: v for k, v in sections.items() if v},
        "legal_acts": [f"{acts[i].number} {acts[i].title}" for i in cited],
        "ministry_decisions": sorted(
            {acts[i].ministry_decision for i in cited if acts[i].ministry_decision}
        ),
    }
