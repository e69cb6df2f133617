"""Quyết định công bố: the chair publishes the list of procedures an act changes.

PROCESS.md §1 stage 6. Each entry (new, amended or supplemented, replaced with its
replacing procedure, abolished) cites the legal act that makes the change; an entry
without an act is refused. The list should be signed at least 05 working days before
the act comes into force (NĐ 48/2013/NĐ-CP): a later signature is allowed but warned.
Publishing changes no catalogue record: from each act's date in force,
:func:`catalogue.cycle.enactment.apply_due_changes` applies the entries. A procedure
can be in one pending or published list at a time (:mod:`catalogue.cycle.claims`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, select

from catalogue.cycle import claims
from catalogue.cycle.adoption import check_decision_number
from catalogue.cycle.common import SECTION_OF_ACTION, SECTIONS, _get
from catalogue.cycle.decisions import _agency_names
from catalogue.registry.audit import jsonable, write_audit
from catalogue.registry.auth import require
from catalogue.registry.errors import ServiceError
from catalogue.registry.models import (
    ActLink,
    Adoption,
    Decision,
    DecisionItem,
    DecisionSeal,
    LegalAct,
    Procedure,
    Routing,
)

MIN_WORKING_DAYS = 5  # NĐ 48/2013/NĐ-CP: công bố at least 05 working days before


def working_days_between(start: date, end: date) -> int:
    """Working days (Monday–Friday) after ``start`` up to and including ``end``.

    Public holidays are not counted out (they are not yet data), so the warning may
    come a day late around Tết; it never comes early.

    >>> working_days_between(date(2027, 3, 1), date(2027, 3, 8))  # Monday → Monday
    5
    >>> working_days_between(date(2027, 3, 3), date(2027, 3, 8))  # Wednesday → Monday
    3
    """
    days = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days += 1
    return days


@dataclass
class Publication:
    """A published list and the warnings the chair was given."""

    decision: Decision
    items: list[DecisionItem]
    warnings: list[str] = field(default_factory=list)


def _entry(session: Session, index: int, raw: dict[str, Any]) -> dict[str, Any]:
    """One checked entry: procedure, section, act, routing, replacement."""
    routing = None
    if raw.get("routing_id") is not None:
        routing = _get(session, Routing, int(raw["routing_id"]), "đề xuất đã thông qua")
        procedure_id, section = routing.procedure_id, SECTION_OF_ACTION.get(routing.action)
        replacement = routing.replacement_procedure_id
    else:
        procedure_id, section = raw.get("procedure_id"), raw.get("section")
        replacement = raw.get("replacement_procedure_id")
    if procedure_id is None or section not in SECTIONS:
        raise ServiceError(
            f"Mục {index}: cần đề xuất đã thông qua, hoặc thủ tục và loại "
            f"({', '.join(SECTIONS)}) (an entry needs an adopted proposal or a procedure "
            "and its section)"
        )
    proc = _get(session, Procedure, int(procedure_id), "thủ tục")
    label = f"{proc.code or '#' + str(proc.id)} – {proc.name}"
    if raw.get("act_id") is None:
        raise ServiceError(
            f"Mục {index} ({label}): cần văn bản QPPL quy định việc thay đổi "
            "(an entry needs the legal act that makes the change)"
        )
    act = _get(session, LegalAct, int(raw["act_id"]), "văn bản")
    if routing is not None:
        link = session.exec(
            select(ActLink).where(ActLink.routing_id == routing.id, ActLink.act_id == act.id)
        ).first()
        if link is None or link.extent == "declined":
            raise ServiceError(
                f"Mục {index} ({label}): văn bản {act.number} không thực thi đề xuất này "
                "(the act does not implement this adopted proposal; link it first)"
            )
    elif section == "amended":
        raise ServiceError(
            f"Mục {index} ({label}): sửa đổi, bổ sung cần đề xuất đã thông qua để biết nội "
            "dung thay đổi (an amendment needs the adopted proposal that says what changes)"
        )
    wanted_draft = section == "new"
    if (wanted_draft and proc.status != "draft") or (
        not wanted_draft and proc.status in ("abolished", "replaced", "draft")
    ):
        raise ServiceError(
            f"Mục {index} ({label}): thủ tục đang '{proc.status}', không thể công bố "
            f"'{section}' (procedure is {proc.status})"
        )
    if section == "replaced":
        if replacement is None:
            raise ServiceError(f"Mục {index} ({label}): cần thủ tục thay thế (replacement)")
        _get(session, Procedure, int(replacement), "thủ tục thay thế")
    return {
        "procedure": proc, "section": section, "act": act, "routing": routing,
        "replacement": int(replacement) if replacement is not None else None,
    }  # fmt: skip


def _late_warnings(signed_on: date, acts: list[LegalAct]) -> list[str]:
    out = []
    for act in sorted({a.id: a for a in acts}.values(), key=lambda a: a.in_force_on):
        days = working_days_between(signed_on, act.in_force_on)
        if days < MIN_WORKING_DAYS:
            out.append(
                f"Ký ngày {signed_on:%d/%m/%Y}, chỉ {days:02d} ngày làm việc trước ngày "
                f"{act.in_force_on:%d/%m/%Y} văn bản {act.number} có hiệu lực (cần ít nhất 05 "
                f"ngày làm việc, NĐ 48/2013/NĐ-CP) (signed {days} working days before the act "
                "comes into force; at least 5 are required)"
            )
    return out


def publish_list(
    *,
    session: Session,
    actor: str,
    number: str,
    signed_on: date,
    signer: str,
    entries: list[dict[str, Any]],
    title: str | None = None,
) -> Publication:
    """Sign a Quyết định công bố; each entry ``{routing_id | procedure_id+section, act_id}``.

    Returns the decision, its items and the warnings (signed late). Nothing in the
    catalogue changes now; see :func:`catalogue.cycle.enactment.apply_due_changes`.
    """
    require(session=session, actor=actor, action="decision.publish")
    number = check_decision_number(number)
    if not (signer or "").strip():
        raise ServiceError("Cần người ký (signer required)")
    if not entries:
        raise ServiceError("Danh mục công bố trống (the list has no entry)")
    checked = [_entry(session, i, raw) for i, raw in enumerate(entries, start=1)]
    ids = [e["procedure"].id for e in checked]
    if len(set(ids)) != len(ids):
        raise ServiceError("Một thủ tục xuất hiện hai lần trong danh mục (a procedure twice)")
    claims.lock_procedures(session, ids)
    if session.exec(select(Decision).where(Decision.number == number)).first() is not None:
        raise ServiceError(f"Số quyết định {number} đã tồn tại (decision number already used)")
    claims.check_free(session, ids, "publication")
    plans = {
        session.get(Adoption, e["routing"].adoption_id).plan_id for e in checked if e["routing"]
    }
    decision = Decision(
        number=number,
        title=title or _title(checked),
        signed_on=signed_on,
        signer=signer.strip(),
        effective_on=min(e["act"].in_force_on for e in checked),
        plan_id=plans.pop() if len(plans) == 1 else None,
        published_by=actor,
    )
    session.add(decision)
    session.flush()
    claims.claim(session, ids, "publication", f"Quyết định công bố {number}", decision.id)
    items = _items(session, decision, checked)
    session.add(DecisionSeal(decision_id=decision.id))  # last: the database refuses more items
    warnings = _late_warnings(signed_on, [e["act"] for e in checked])
    write_audit(
        session=session, actor=actor, action="decision.publish", entity="decision",
        entity_id=decision.id,
        after={**jsonable(decision), "items": [jsonable(i) for i in items], "warnings": warnings},
    )  # fmt: skip
    return Publication(decision, items, warnings)


def _items(session: Session, decision: Decision, checked: list[dict]) -> list[DecisionItem]:
    agencies = _agency_names(session)
    order = list(SECTIONS)
    checked = sorted(
        checked,
        key=lambda e: (order.index(e["section"]), e["procedure"].code or "", e["procedure"].name),
    )
    positions = dict.fromkeys(SECTIONS, 0)
    items = []
    for e in checked:
        proc, section = e["procedure"], e["section"]
        positions[section] += 1
        note = None
        if e["replacement"] is not None:
            other = session.get(Procedure, e["replacement"])
            note = " ".join(f"Được thay thế bởi {other.code or ''} – {other.name}".split())
        item = DecisionItem(
            decision_id=decision.id, section=section, position=positions[section],
            procedure_id=proc.id,
            proposal_id=e["routing"].proposal_id if e["routing"] else None,
            code=proc.code, name=proc.name, field=proc.field,
            agency=agencies.get(proc.agency_id) or proc.competent_agency,
            legal_basis=f"{e['act'].number} – {e['act'].title}", note=note,
            act_id=e["act"].id, routing_id=e["routing"].id if e["routing"] else None,
            replacement_procedure_id=e["replacement"],
        )  # fmt: skip
        session.add(item)
        items.append(item)
    session.flush()
    return items


def _title(checked: list[dict]) -> str:
    words = {
        "new": "mới ban hành",
        "amended": "được sửa đổi, bổ sung",
        "replaced": "được thay thế",
        "abolished": "bị bãi bỏ",
    }
    present = [words[s] for s in SECTIONS if any(e["section"] == s for e in checked)]
    listed = ", ".join(present[:-1]) + (" và " if len(present) > 1 else "") + present[-1]
    return f"Về việc công bố danh mục thủ tục hành chính {listed}"
