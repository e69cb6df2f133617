"""From the date in force: published entries applied to the catalogue; changes still coming.

"Date in force reached" happens in :func:`apply_due_changes`, called with the day it
is (the CLI's ``tthc cycle apply``, the dashboard on load, a daily job): every công bố
entry whose act is in force on that day and that was not applied yet is applied, once
(``enactment`` is unique per entry, so a second call changes nothing), audited, as a new
revision whose source names the decision and the act:

* amended: **every** change of the adopted option: the registry record gets documents,
  channels, deadlines and fees (:mod:`catalogue.cycle.record_changes`), the costing sheet
  gets frequency, population, channel shares and activities (:mod:`analysis.changes`);
* replaced: the procedure ends (status replaced, linked to its successor), the
  successor starts (active) if it was a draft;
* abolished: the procedure ends; new: the draft becomes active.

Before the date the record is unchanged; :func:`pending_changes` shows what is coming.
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from sqlmodel import Session, select

from catalogue.cycle import claims
from catalogue.cycle.common import STATUS_AFTER
from catalogue.cycle.decisions import _new_revision, _record_of
from catalogue.cycle.record_changes import apply_to_record, describe
from catalogue.registry.audit import write_audit
from catalogue.registry.auth import require
from catalogue.registry.models import (
    ActLink,
    Adoption,
    CostingSheet,
    Decision,
    DecisionItem,
    Enactment,
    LegalAct,
    Procedure,
    Routing,
    utcnow,
)
from catalogue.registry.store_rows import delete_children as _delete_children
from catalogue.registry.store_rows import write_children as _write_children


def _sheet_option(option: dict[str, Any]) -> dict[str, Any]:
    """The option as the sheet takes it: a database lookup removes the document there."""
    out = copy.deepcopy(option)
    out["id"] = "enacted"
    for change in out.get("changes") or []:
        if change.get("type") == "replace_document_with_lookup":
            change["type"] = "remove_document"
            change.pop("database", None)
    return out


def _apply_to_sheet(session: Session, actor: str, routing: Routing, source: str) -> bool:
    """The costing sheet after the option (stored sheet, else the one signed); audited."""
    from analysis import load_parameters, parse_sheet
    from analysis.changes import apply_option
    from analysis.sheet_data import sheet_to_data
    from catalogue.costing.burden import from_json, to_json

    stored = session.exec(
        select(CostingSheet).where(CostingSheet.procedure_id == routing.procedure_id)
    ).first()
    base = stored.content if stored is not None else routing.sheet
    if not base:
        return False
    data = {k: v for k, v in from_json(base).items() if k != "options"}
    data["options"] = [_sheet_option(routing.option or {})]
    sheet = parse_sheet(data, params=load_parameters(), file=f"sheet[{routing.procedure_id}]")
    after = to_json(sheet_to_data(apply_option(sheet, sheet.options[0])))
    if stored is None:
        stored = CostingSheet(
            procedure_id=routing.procedure_id,
            content=after,
            estimated=bool(after.get("estimated")),
            author=actor,
        )
        session.add(stored)
    else:
        stored.content, stored.author = after, actor
        stored.version += 1
        stored.updated_at = utcnow()
    session.flush()
    write_audit(
        session=session, actor=actor, action="sheet.enact", entity="costing_sheet",
        entity_id=str(routing.procedure_id), before=base,
        after={"content": after, "source": source},
    )  # fmt: skip
    return True


def _apply_item(
    session: Session, actor: str, item: DecisionItem, decision: Decision, act: LegalAct
) -> list[str]:
    proc = session.get(Procedure, item.procedure_id)
    routing = session.get(Routing, item.routing_id) if item.routing_id else None
    source = (
        f"Quyết định công bố {decision.number} ngày {decision.signed_on:%d/%m/%Y}; văn bản "
        f"{act.number} có hiệu lực từ {act.in_force_on:%d/%m/%Y} ({item.section})"
    )
    before = _record_of(session, proc.id)
    lines: list[str] = []
    extra: dict[str, Any] = {}
    if item.section == "amended" and routing is not None:
        after, lines = apply_to_record(before, routing.option or {})
        conn = session.connection()
        _delete_children(conn, [proc.id])
        _write_children(conn, [(proc.id, after)])
        if _apply_to_sheet(session, actor, routing, source):
            lines.append("Bảng tính chi phí tuân thủ: cập nhật theo phương án")
    if item.section == "replaced" and item.replacement_procedure_id:
        successor = session.get(Procedure, item.replacement_procedure_id)
        extra["replaced_by_id"] = successor.id
        if successor.status == "draft":
            _new_revision(
                session, successor, actor=actor, status="active", decision=decision.number,
                source=f"{source}: thay thế {proc.code or proc.id}",
            )  # fmt: skip
            lines.append(f"Thủ tục thay thế {successor.code or successor.id}: bắt đầu áp dụng")
    _new_revision(
        session, proc, actor=actor, status=STATUS_AFTER[item.section], before=before,
        decision=decision.number, source=f"{source}: " + "; ".join(lines) if lines else source,
        **extra,
    )  # fmt: skip
    return lines


def due_items(session: Session, today: date) -> list[tuple[DecisionItem, Decision, LegalAct]]:
    """Published entries whose act is in force on ``today`` and that are not applied yet."""
    applied = select(Enactment.decision_item_id)
    rows = session.exec(
        select(DecisionItem, Decision, LegalAct)
        .join(Decision, Decision.id == DecisionItem.decision_id)
        .join(LegalAct, LegalAct.id == DecisionItem.act_id)
        .where(LegalAct.in_force_on <= today, DecisionItem.id.not_in(applied))
        .order_by(LegalAct.in_force_on, Decision.id, DecisionItem.id)
    )
    return list(rows)


def apply_due_changes(*, session: Session, actor: str, today: date) -> list[dict[str, Any]]:
    """Apply every entry in force on ``today`` (idempotent); one summary per entry applied."""
    require(session=session, actor=actor, action="changes.apply")
    done = []
    for item, decision, act in due_items(session, today):
        # Take the entry's row lock first, so two callers never apply the same entry.
        claims.lock_procedures(session, [item.procedure_id])
        if session.exec(select(Enactment).where(Enactment.decision_item_id == item.id)).first():
            continue
        lines = _apply_item(session, actor, item, decision, act)
        revision = session.get(Procedure, item.procedure_id, populate_existing=True).revision
        session.add(
            Enactment(
                decision_item_id=item.id, procedure_id=item.procedure_id,
                in_force_on=act.in_force_on, revision=revision, applied_by=actor, lines=lines,
            )
        )  # fmt: skip
        claims.release(session, item.procedure_id)
        summary = {
            "decision": decision.number, "act": act.number, "in_force_on": act.in_force_on,
            "procedure_id": item.procedure_id, "code": item.code, "section": item.section,
            "revision": revision, "changes": lines,
        }  # fmt: skip
        write_audit(
            session=session, actor=actor, action=f"procedure.enact.{item.section}",
            entity="procedure", entity_id=item.procedure_id, after=summary,
        )  # fmt: skip
        done.append(summary)
    session.flush()
    return done


def pending_changes(*, session: Session, actor: str, procedure_id: int) -> list[dict[str, Any]]:
    """Adopted changes of one procedure not in force yet, each with its stage and words.

    Stage: ``adopted`` (no act yet), ``enacted`` (an act implements it), ``published``
    (listed in a công bố, waiting for the date in force).
    """
    require(session=session, actor=actor, action="workflow.read")
    applied = {e.decision_item_id for e in session.exec(select(Enactment))}
    record = _record_of(session, procedure_id)
    out = []
    for routing in session.exec(
        select(Routing).where(Routing.procedure_id == procedure_id).order_by(Routing.id)
    ):
        items = list(
            session.exec(select(DecisionItem).where(DecisionItem.routing_id == routing.id))
        )
        if any(i.id in applied for i in items):
            continue
        links = list(session.exec(select(ActLink).where(ActLink.routing_id == routing.id)))
        if links and all(link.extent == "declined" for link in links):
            continue
        acts = [session.get(LegalAct, link.act_id) for link in links if link.extent != "declined"]
        adoption = session.get(Adoption, routing.adoption_id)
        decision = session.get(Decision, items[0].decision_id) if items else None
        stage = "published" if items else ("enacted" if acts else "adopted")
        out.append(
            {
                "stage": stage, "action": routing.action, "proposal_id": routing.proposal_id,
                "adoption": adoption.number, "route": routing.route,
                "acts": [a.number for a in acts],
                "in_force_on": min((a.in_force_on for a in acts), default=None),
                "decision": decision.number if decision else None,
                "changes": describe(record, routing.option or {}),
            }
        )  # fmt: skip
    return out
