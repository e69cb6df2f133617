"""Read-only views of adoptions, routings, legal acts and công bố entries (issue 12)."""

from __future__ import annotations

import pandas as pd
from sqlmodel import Session, select

from catalogue.registry.auth import require
from catalogue.registry.errors import NotFound
from catalogue.registry.models import (
    ActLink,
    Adoption,
    Decision,
    DecisionItem,
    LegalAct,
    Procedure,
    Routing,
)

ROUTING_COLUMNS = [
    "id", "adoption_id", "adoption", "plan_id", "proposal_id", "procedure_id", "code", "name",
    "action", "route", "department", "due_on", "addressee", "cost_before", "cost_after",
    "savings", "cut_rate", "figures_source", "acts",
]  # fmt: skip
ACT_COLUMNS = [
    "id", "number", "title", "issuer", "issued_on", "in_force_on", "ministry_decision",
    "recorded_by", "links",
]  # fmt: skip


def routings_frame(*, session: Session, actor: str, plan_id: int | None = None) -> pd.DataFrame:
    """Adopted proposals as signed, with their route and the acts linked to each."""
    require(session=session, actor=actor, action="workflow.read")
    links: dict[int, list[str]] = {}
    for link, act in session.exec(
        select(ActLink, LegalAct).join(LegalAct, LegalAct.id == ActLink.act_id)
    ):
        links.setdefault(link.routing_id, []).append(f"{act.number} ({link.extent})")
    query = (
        select(Routing, Adoption, Procedure)
        .join(Adoption, Adoption.id == Routing.adoption_id)
        .join(Procedure, Procedure.id == Routing.procedure_id)
        .order_by(Routing.id)
    )
    if plan_id is not None:
        query = query.where(Adoption.plan_id == plan_id)
    rows = [
        {
            **routing.model_dump(exclude={"option", "sheet"}),
            "adoption": adoption.number,
            "plan_id": adoption.plan_id,
            "code": proc.code,
            "name": proc.name,
            "acts": ", ".join(links.get(routing.id, [])),
        }  # fmt: skip
        for routing, adoption, proc in session.exec(query)
    ]
    return pd.DataFrame(rows, columns=ROUTING_COLUMNS)


def acts_frame(*, session: Session, actor: str) -> pd.DataFrame:
    """Recorded legal acts, newest in force first, with how many proposals each links."""
    require(session=session, actor=actor, action="workflow.read")
    counts: dict[int, int] = {}
    for link in session.exec(select(ActLink)):
        counts[link.act_id] = counts.get(link.act_id, 0) + 1
    rows = [
        {**act.model_dump(), "links": counts.get(act.id, 0)}
        for act in session.exec(select(LegalAct).order_by(LegalAct.in_force_on.desc()))
    ]
    return pd.DataFrame(rows, columns=ACT_COLUMNS)


def find_act(*, session: Session, actor: str, ref: str | int) -> LegalAct:
    """An act by its number (``05/2027/TT-BTP``) or its id."""
    require(session=session, actor=actor, action="workflow.read")
    text = str(ref).strip()
    act = session.exec(select(LegalAct).where(LegalAct.number == text)).first()
    if act is None and text.isdigit():
        act = session.get(LegalAct, int(text))
    if act is None:
        raise NotFound(f"Không tìm thấy văn bản '{text}' (no legal act '{text}')")
    return act


def find_procedure_id(*, session: Session, actor: str, ref: str) -> int:
    """A procedure's id from its code (unambiguous) or its id."""
    require(session=session, actor=actor, action="workflow.read")
    text = str(ref).strip()
    found = list(session.exec(select(Procedure.id).where(Procedure.code == text)))
    if len(found) == 1:
        return found[0]
    if not found and text.isdigit() and session.get(Procedure, int(text)) is not None:
        return int(text)
    raise NotFound(
        f"Không tìm thấy một thủ tục duy nhất mã '{text}' ({len(found)} found for '{text}')"
    )


LINK_COLUMNS = ["id", "routing_id", "act_id", "act", "extent", "note", "in_force_on", "decision"]


def act_links_frame(*, session: Session, actor: str) -> pd.DataFrame:
    """Each act link: the adopted proposal (routing), the act, its extent and date in
    force, and the công bố that lists the proposal under that act (None while unlisted)."""
    require(session=session, actor=actor, action="workflow.read")
    listed = {
        (item.routing_id, item.act_id): number
        for item, number in session.exec(
            select(DecisionItem, Decision.number).join(
                Decision, Decision.id == DecisionItem.decision_id
            )
        )
        if item.routing_id is not None
    }
    rows = [
        {
            "id": link.id,
            "routing_id": link.routing_id,
            "act_id": act.id,
            "act": act.number,
            "extent": link.extent,
            "note": link.note,
            "in_force_on": act.in_force_on,
            "decision": listed.get((link.routing_id, act.id)),
        }
        for link, act in session.exec(
            select(ActLink, LegalAct)
            .join(LegalAct, LegalAct.id == ActLink.act_id)
            .order_by(ActLink.id)
        )
    ]
    return pd.DataFrame(rows, columns=LINK_COLUMNS)
