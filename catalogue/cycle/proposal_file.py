"""The file the chair signs for: each waiting proposal with everything behind it.

Issue 12 item 6: for each proposal in the chair's queue, its phương án, the review's
conclusion, every change in words as it would apply to the procedure now, the reasons
and legal change, and the costs and processing time before and after. Read-only.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from catalogue.cycle.record_changes import describe
from catalogue.registry.auth import require
from catalogue.registry.models import Plan, Procedure, Proposal, Review
from catalogue.registry.store_read import load_records

FILE_KEYS = (
    "proposal_id", "version", "plan_id", "plan_name", "plan_year", "procedure_id", "code",
    "name", "action", "replacement", "review_year", "review_conclusion", "changes",
    "content", "reason", "legal_change", "cost_before", "cost_after", "savings",
    "cut_rate", "deadline_before", "deadline_after", "figures_source",
)  # fmt: skip


def proposal_files(*, session: Session, actor: str) -> list[dict[str, Any]]:
    """The proposals waiting for the chair (submitted, in submitted plans), each as a file.

    ``changes`` lists every change of the proposal's option in words, applied to the
    procedure's current record ("Thời hạn giải quyết: 20 ngày làm việc → 15 ngày làm
    việc"); ``review_conclusion`` is the conclusion of the review that proposed it, or of
    the procedure's review in the plan's year, else None.
    """
    require(session=session, actor=actor, action="workflow.read")
    rows = session.exec(
        select(Proposal, Plan)
        .join(Plan, Plan.id == Proposal.plan_id)
        .where(Plan.status == "submitted", Proposal.status == "submitted")
        .order_by(Proposal.plan_id, Proposal.id)
    ).all()
    if not rows:
        return []
    ids = {p.procedure_id for p, _ in rows} | {
        p.replacement_procedure_id for p, _ in rows if p.replacement_procedure_id
    }
    procs = {p.id: p for p in session.exec(select(Procedure).where(Procedure.id.in_(ids)))}
    records = load_records(session.connection(), ids=sorted(ids), with_ids=True)
    reviews = _reviews(session, [p for p, _ in rows])
    files = []
    for proposal, plan in rows:
        proc = procs[proposal.procedure_id]
        other = procs.get(proposal.replacement_procedure_id)
        review = reviews.get(proposal.id) or reviews.get((proposal.procedure_id, plan.year))
        option = proposal.option or {}
        changes = describe(records[proc.id], option) if option.get("changes") else []
        files.append(
            {
                "proposal_id": proposal.id,
                "version": proposal.version,
                "plan_id": plan.id,
                "plan_name": plan.name,
                "plan_year": plan.year,
                "procedure_id": proc.id,
                "code": proc.code,
                "name": proc.name,
                "action": proposal.action,
                "replacement": f"{other.code or ''} {other.name}".strip() if other else None,
                "review_year": review.year if review else None,
                "review_conclusion": review.conclusion if review else None,
                "changes": changes,
                "content": proposal.content,
                "reason": proposal.reason,
                "legal_change": proposal.legal_change,
                "cost_before": proposal.cost_before,
                "cost_after": proposal.cost_after,
                "savings": proposal.savings,
                "cut_rate": proposal.cut_rate,
                "deadline_before": proposal.deadline_before,
                "deadline_after": proposal.deadline_after,
                "figures_source": proposal.figures_source,
            }
        )
    return files


def _reviews(session: Session, proposals: list[Proposal]) -> dict[Any, Review]:
    """Reviews by the proposal they produced, and by (procedure, year)."""
    procedure_ids = {p.procedure_id for p in proposals}
    found: dict[Any, Review] = {}
    for review in session.exec(select(Review).where(Review.procedure_id.in_(procedure_ids))):
        found[(review.procedure_id, review.year)] = review
        if review.proposal_id is not None:
            found[review.proposal_id] = review
    return found
