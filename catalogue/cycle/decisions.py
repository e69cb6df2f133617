"""Publishing decisions (Quyết định công bố) and updating the catalogue; immutability."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, select

from catalogue.cycle.common import (
    SECTION_OF_ACTION,
    SECTIONS,
    STATUS_AFTER,
    Immutable,
    _get,
    _plan_dict,
    _plan_for_change,
    _versioned_update,
)
from catalogue.cycle.plans import (
    _proposals,
)
from catalogue.registry.audit import jsonable, write_audit
from catalogue.registry.auth import require
from catalogue.registry.errors import ServiceError
from catalogue.registry.models import (
    Agency,
    Channel,
    Decision,
    DecisionFigure,
    DecisionItem,
    DecisionSeal,
    Document,
    LegalBasis,
    Plan,
    Procedure,
    Proposal,
    Revision,
    utcnow,
)
from catalogue.registry.store import compress_snapshot, content_hash, load_records

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
    approved, procedures = _publishable(
        session, plan, number, signer, signed_on, effective_on, amends_decision_id
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
    for proposal in approved:
        items.append(
            _publish_item(
                session, decision, proposal, procedures[proposal.id], positions, agencies, actor
            )
        )
    session.flush()
    session.add(DecisionSeal(decision_id=decision.id))  # last: the database now refuses more
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


def _publishable(
    session: Session,
    plan: Plan,
    number: str,
    signer: str,
    signed_on: date,
    effective_on: date,
    amends_decision_id: int | None,
) -> tuple[list[Proposal], dict[int, Procedure]]:
    """The approved proposals a decision can publish, and their procedures by proposal id.

    Refuses a missing number or signer, an effective date before signing, a number used
    before, a plan whose approved proposals all keep their procedures, and a procedure
    whose status changed since its proposal.
    """
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
    return approved, procedures


def _publish_item(
    session: Session,
    decision: Decision,
    proposal: Proposal,
    proc: Procedure,
    positions: dict[str, int],
    agencies: dict[int, str],
    actor: str,
) -> DecisionItem:
    """List one proposal in ``decision`` and change the catalogue as its section says.

    ``positions`` counts the items of each section so far (updated here). The item, its
    figures as signed, the procedure's new revision and the audit row are written.
    """
    number = decision.number
    source_head = f"Quyết định {number} ngày {decision.signed_on:%d/%m/%Y}; đề xuất"
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
    session.add(item)
    session.add(_figure_as_signed(decision.id, proposal))
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
    return item


def _figure_as_signed(decision_id: int, proposal: Proposal) -> DecisionFigure:
    """The proposal's figures as the decision signs them (stored, never recomputed)."""
    return DecisionFigure(
        decision_id=decision_id,
        proposal_id=proposal.id,
        procedure_id=proposal.procedure_id,
        action=proposal.action,
        cost_before=proposal.cost_before,
        cost_after=proposal.cost_after,
        savings=proposal.savings,
        cut_rate=proposal.cut_rate,
        deadline_before=proposal.deadline_before,
        deadline_after=proposal.deadline_after,
    )


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
