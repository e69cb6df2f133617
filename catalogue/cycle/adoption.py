"""Quyết định thông qua phương án: the chair adopts a phương án and routes each proposal.

PROCESS.md §1 stage 4. Adoption is a recommendation: it changes no catalogue record.
Each adopted proposal (other than "keep", which belongs to the báo cáo, not the phương
án) is routed (Article 2 of the decision):

* ``province``: the procedure is set by the province's own legal documents (its kind
  says the law gives the locality the detail, or the reviewer says so); a named
  department drafts the amendment by a due date;
* ``recommendation``: a kiến nghị sent to a named ministry or the Government.

The adoption stores the figures as signed (per proposal in ``routing``, totals in
``adoption``), so later reports never recompute them from mutable rows; both tables are
immutable (service and database triggers, migration 0009). A procedure can be in one
adopted phương án at a time (:mod:`catalogue.cycle.claims`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict
from datetime import date
from typing import Any

from sqlmodel import Session, select

from analysis.rates import cut_rate, saving
from catalogue.cycle import claims
from catalogue.cycle.common import OPEN_STATUSES, Immutable, _get, _plan_dict, _versioned_update
from catalogue.cycle.figures import current_figures
from catalogue.registry.audit import jsonable, write_audit
from catalogue.registry.auth import require
from catalogue.registry.errors import ServiceError
from catalogue.registry.models import Adoption, Plan, Procedure, Proposal, Routing

ROUTES = {
    "province": "thuộc thẩm quyền của tỉnh (within the province's competence)",
    "recommendation": "kiến nghị Bộ, ngành / Chính phủ (recommendation to a ministry)",
}
# "số/QĐ-cơ quan": 125/QĐ-UBND, 12/QĐ-CT, 3/QĐ-UBND-KSTT (NĐ 30/2020, Phụ lục III).
DECISION_NUMBER = re.compile(r"^\d{1,6}/QĐ-[A-ZĐ0-9]+(?:-[A-ZĐ0-9]+)*$")


def check_decision_number(number: str | None) -> str:
    """The decision number in its official form, or a ServiceError saying what is wrong.

    >>> check_decision_number(" 125/QĐ-UBND ")
    '125/QĐ-UBND'
    >>> check_decision_number("125/QD-UBND")
    Traceback (most recent call last):
    ...
    catalogue.registry.errors.ServiceError: Số quyết định '125/QD-UBND' không đúng dạng \
"số/QĐ-cơ quan", ví dụ 125/QĐ-UBND (decision number must look like 125/QĐ-UBND)
    """
    text = unicodedata.normalize("NFC", (number or "").strip())
    if not DECISION_NUMBER.match(text):
        raise ServiceError(
            f"Số quyết định '{text}' không đúng dạng \"số/QĐ-cơ quan\", ví dụ 125/QĐ-UBND "
            "(decision number must look like 125/QĐ-UBND)"
        )
    return text


def default_route(procedure: Procedure) -> str:
    """``province`` when the procedure's kind says the law gives the locality the detail.

    >>> default_route(Procedure(identity="x", name="x",
    ...     kind="TTHC được giao luật quy định chi tiết"))
    'province'
    >>> default_route(Procedure(identity="x", name="x",
    ...     kind="TTHC không được luật giao cho địa phương quy định"))
    'recommendation'
    """
    kind = unicodedata.normalize("NFC", procedure.kind or "").casefold()
    return "province" if kind.startswith("tthc được") else "recommendation"


def _route_of(proposal: Proposal, procedure: Procedure, given: dict[str, Any]) -> dict[str, Any]:
    label = procedure.code or f"#{procedure.id}"
    route = given.get("route") or default_route(procedure)
    if route not in ROUTES:
        raise ServiceError(
            f"Đề xuất #{proposal.id} ({label}): hình thức xử lý '{route}' không hợp lệ "
            f"(route must be {' or '.join(ROUTES)})"
        )
    out = {"route": route, "department": None, "due_on": None, "addressee": None}
    if route == "province":
        department = (given.get("department") or "").strip()
        due_on = given.get("due_on")
        if isinstance(due_on, str):
            due_on = date.fromisoformat(due_on)
        if not department or not isinstance(due_on, date):
            raise ServiceError(
                f"Đề xuất #{proposal.id} ({label}) thuộc thẩm quyền của tỉnh: cần cơ quan chủ "
                "trì soạn thảo và thời hạn (a provincial proposal needs the department and "
                "its due date)"
            )
        out.update(department=department, due_on=due_on)
    else:
        addressee = (given.get("addressee") or "").strip()
        if not addressee:
            raise ServiceError(
                f"Đề xuất #{proposal.id} ({label}): cần nêu Bộ, ngành hoặc Chính phủ nhận kiến "
                "nghị (a recommendation needs the ministry or the Government it goes to)"
            )
        out["addressee"] = addressee
        due_on = given.get("due_on")  # optional: by when the ministry is asked to act
        out["due_on"] = date.fromisoformat(due_on) if isinstance(due_on, str) else due_on
    return out


def _adoptable(session: Session, plan_id: int) -> tuple[Plan, list[Proposal]]:
    plan = _get(session, Plan, plan_id, "phương án")
    if plan.status in ("adopted", "approved", "published"):
        raise Immutable(f"Phương án #{plan.id} đã được thông qua (plan is {plan.status} already)")
    if plan.status != "submitted":
        raise ServiceError(
            f"Phương án #{plan.id} đang '{plan.status}', chỉ thông qua được phương án đã trình "
            "(only a submitted plan can be adopted)"
        )
    proposals = list(
        session.exec(select(Proposal).where(Proposal.plan_id == plan.id).order_by(Proposal.id))
    )
    undecided = [f"#{p.id}" for p in proposals if p.status in OPEN_STATUSES]
    if undecided:
        raise ServiceError(
            f"Còn đề xuất chưa quyết định: {', '.join(undecided)} "
            "(every proposal must be approved, rejected or withdrawn first)"
        )
    approved = [p for p in proposals if p.status == "approved" and p.action != "keep"]
    if not approved:
        raise ServiceError(
            "Phương án không có đề xuất đơn giản hóa nào được chấp thuận (nothing adopted)"
        )
    return plan, approved


def adopt_plan(
    *,
    session: Session,
    actor: str,
    plan_id: int,
    number: str,
    signed_on: date,
    signer: str,
    routes: dict[int, dict[str, Any]] | None = None,
) -> Adoption:
    """Sign the Quyết định thông qua phương án; one routing per adopted proposal.

    ``routes`` maps a proposal id to ``{route, department, due_on}`` or ``{route,
    addressee}``; ``route`` defaults to :func:`default_route`. Figures are taken as
    they are now (re-computed from the stored sheet when the model made them, see
    :func:`catalogue.cycle.figures.current_figures`) and stored with the decision.
    """
    require(session=session, actor=actor, action="plan.adopt")
    number = check_decision_number(number)
    if not (signer or "").strip():
        raise ServiceError("Cần người ký (signer required)")
    if not isinstance(signed_on, date):
        raise ServiceError("Cần ngày ký (signing date required)")
    plan, approved = _adoptable(session, plan_id)
    routes = {int(k): v for k, v in (routes or {}).items()}
    procedures = {p.id: _get(session, Procedure, p.procedure_id, "thủ tục") for p in approved}
    routed = {p.id: _route_of(p, procedures[p.id], routes.get(p.id, {})) for p in approved}
    claims.lock_procedures(session, [p.procedure_id for p in approved])
    if session.exec(select(Adoption).where(Adoption.number == number)).first() is not None:
        raise ServiceError(f"Số quyết định {number} đã dùng (decision number already used)")
    holder = f"Quyết định thông qua {number}"
    claims.check_free(session, [p.procedure_id for p in approved], "adoption")
    priced = {p.id: current_figures(session, p) for p in approved}
    before = sum(priced[p.id][0].cost_before or 0 for p in approved)
    after = sum(priced[p.id][0].cost_after or 0 for p in approved)
    adoption = Adoption(
        plan_id=plan.id, number=number, signed_on=signed_on, signer=signer.strip(),
        adopted_by=actor,
        totals={
            "proposals": len(approved), "cost_before": before, "cost_after": after,
            "savings": int(saving(before, after)),
            "cut_rate": float(cut_rate(saving(before, after), before)) if before else None,
        },
    )  # fmt: skip
    session.add(adoption)
    session.flush()
    claims.claim(session, [p.procedure_id for p in approved], "adoption", holder, adoption.id)
    rows = []
    for proposal in approved:
        figures, source, sheet = priced[proposal.id]
        row = Routing(
            adoption_id=adoption.id,
            proposal_id=proposal.id,
            procedure_id=proposal.procedure_id,
            action=proposal.action,
            option=proposal.option or {},
            replacement_procedure_id=proposal.replacement_procedure_id,
            figures_source=source,
            sheet=sheet,
            **routed[proposal.id],
            **asdict(figures),
        )
        session.add(row)
        rows.append(row)
    session.flush()
    old = _plan_dict(plan)
    _versioned_update(session, plan, {"status": "adopted", "approved_by": actor}, None)
    write_audit(
        session=session, actor=actor, action="plan.adopt", entity="adoption",
        entity_id=adoption.id,
        after={**jsonable(adoption), "routings": [jsonable(r) for r in rows]},
    )  # fmt: skip
    write_audit(
        session=session, actor=actor, action="plan.status", entity="plan", entity_id=plan.id,
        before=old, after=_plan_dict(plan),
    )  # fmt: skip
    return adoption


def update_adoption(*, session: Session, actor: str, adoption_id: int, **changes: Any) -> None:
    """Always refused: a signed adoption is immutable; a correction is a new decision."""
    adoption = _get(session, Adoption, adoption_id, "quyết định thông qua")
    raise Immutable(
        f"Quyết định thông qua {adoption.number or '#' + str(adoption.id)} đã ký, không thể "
        "sửa hoặc xóa (a signed adoption is immutable)"
    )
