"""Savings by stage: proposed, adopted, enacted, in force (PROCESS.md §1), never mixed.

This module is the one definition of the stages: every report (plan totals, the savings
report and its programme progress, the overview, exports and documents) reads
:func:`savings_by_stage` and says which stage it counts.

One row per procedure, at the most advanced stage it has reached on ``today`` (a
procedure adopted in two phương án is counted once: at its furthest stage, the later
plan on a tie). Figures of adopted proposals are the ones signed with the Quyết định thông qua
(``routing``), never recomputed from mutable rows; proposed ones are the proposals' own.

* ``proposed``: in a plan not yet adopted (draft, submitted or approved proposals);
* ``adopted``: routed by a signed adoption, no act yet;
* ``enacted``: an act implements it (wholly or in part), not in force on ``today`` (a
  published list waiting for the date in force is still enacted);
* ``in_force``: the act is in force and the list entry was applied to the catalogue;
  entries migrated from before acts were recorded (0009: act "not recorded") count from
  their enactment's date, and plans published by the older one-step decision (no
  adoption) from the decision's effective date (:func:`_legacy_rows`).

A proposal whose act was declined by the issuer leaves the pipeline (``declined``).
Programme progress counts ``in_force`` only and shows ``adopted`` + ``enacted`` as the
pipeline (:func:`catalogue.costing.reports.stage_progress`).
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlmodel import Session, select

from analysis.rates import cut_rates
from catalogue.cycle.decisions import _agency_names
from catalogue.cycle.scope import business_related_map
from catalogue.registry.auth import require
from catalogue.registry.models import (
    ActLink,
    Adoption,
    Decision,
    DecisionFigure,
    DecisionItem,
    Enactment,
    LegalAct,
    Plan,
    Procedure,
    Proposal,
    Routing,
)

STAGES = ("proposed", "adopted", "enacted", "in_force")
STAGE_VI = {
    "proposed": "đề xuất",
    "adopted": "đã thông qua",
    "enacted": "đã ban hành văn bản",
    "in_force": "đã có hiệu lực",
    "declined": "không được chấp nhận",
}
STAGE_COLUMNS = [
    "procedure_id", "code", "name", "field", "agency", "business_related", "plan_id",
    "year", "programme", "proposal_id", "routing_id", "adoption", "acts", "decision",
    "in_force_on", "stage", "action", "cost_before", "cost_after", "savings", "cut_rate",
    "deadline_before", "deadline_after", "figures_source",
]  # fmt: skip
NOT_RECORDED = "không ghi nhận (not recorded)"  # the act of a migrated or older entry
FIGURES = ("cost_before", "cost_after", "savings", "cut_rate", "deadline_before", "deadline_after")


def _routing_stage(
    links: list[ActLink], acts: dict[int, LegalAct], listed: list[tuple], today: date
) -> tuple[str, date | None]:
    """The stage of one adopted proposal; ``listed`` holds its công bố entries as
    ``(item, enactment or None)``.

    An entry applied to the catalogue is in force from its enactment's date, whether its
    act is recorded or not (entries migrated by 0009 cite no act: "not recorded"); a
    listed entry or a live act link waiting for its date is enacted.
    """
    applied = [e.in_force_on for _, e in listed if e is not None]
    if any(day <= today for day in applied):
        return "in_force", min(day for day in applied if day <= today)
    live = [link for link in links if link.extent != "declined"]
    if links and not live and not listed:
        return "declined", None
    waiting = [acts[link.act_id].in_force_on for link in live]
    waiting += [acts[i.act_id].in_force_on for i, _ in listed if i.act_id in acts]
    waiting += applied
    if waiting or listed:
        return "enacted", min(waiting) if waiting else None
    return "adopted", None


def _listed(session: Session) -> tuple[dict[int, list[tuple]], dict[int, str]]:
    """Công bố entries per routing (with their enactment, if applied) and decision numbers."""
    listed: dict[int, list[tuple]] = {}
    for item, enactment in session.exec(
        select(DecisionItem, Enactment).join(
            Enactment, Enactment.decision_item_id == DecisionItem.id, isouter=True
        )
    ):
        if item.routing_id is not None:
            listed.setdefault(item.routing_id, []).append((item, enactment))
    numbers = {d.id: d.number for d in session.exec(select(Decision))}
    return listed, numbers


def _routing_rows(session: Session, today: date) -> list[dict]:
    links: dict[int, list[ActLink]] = {}
    for link in session.exec(select(ActLink)):
        links.setdefault(link.routing_id, []).append(link)
    acts = {a.id: a for a in session.exec(select(LegalAct))}
    listed, numbers = _listed(session)
    rows = []
    for routing, adoption, plan in session.exec(
        select(Routing, Adoption, Plan)
        .join(Adoption, Adoption.id == Routing.adoption_id)
        .join(Plan, Plan.id == Adoption.plan_id)
        .where(Routing.action != "keep")
    ):
        entries = listed.get(routing.id, [])
        stage, in_force_on = _routing_stage(links.get(routing.id, []), acts, entries, today)
        cited = [acts[x.act_id].number for x in links.get(routing.id, [])]
        cited += [acts[i.act_id].number for i, _ in entries if i.act_id in acts]
        rows.append(
            {
                "procedure_id": routing.procedure_id, "plan_id": plan.id, "year": plan.year,
                "programme": plan.programme, "proposal_id": routing.proposal_id,
                "routing_id": routing.id, "adoption": adoption.number,
                "acts": ", ".join(dict.fromkeys(cited)) if cited else (
                    NOT_RECORDED if entries else ""),
                "decision": numbers.get(entries[-1][0].decision_id) if entries else None,
                "in_force_on": in_force_on, "stage": stage, "action": routing.action,
                "figures_source": routing.figures_source,
                **{k: getattr(routing, k) for k in FIGURES},
            }
        )  # fmt: skip
    return rows


def _legacy_rows(session: Session, today: date) -> list[dict]:
    """Plans decided by the older two-step path (approve, then publish at once), which
    records no adoption: an approved plan is adopted; a published plan's approved
    proposals are in force from its decision's effective date (that publication already
    changed the catalogue), enacted before it. Figures as signed when stored."""
    adopted = {a.plan_id for a in session.exec(select(Adoption))}
    decisions = {d.plan_id: d for d in session.exec(select(Decision)) if d.plan_id is not None}
    signed = {f.proposal_id: f for f in session.exec(select(DecisionFigure))}
    rows = []
    for proposal, plan in session.exec(
        select(Proposal, Plan)
        .join(Plan, Plan.id == Proposal.plan_id)
        .where(
            Plan.status.in_(("approved", "published")),
            Proposal.status == "approved",
            Proposal.action != "keep",
        )
    ):
        if plan.id in adopted:
            continue
        decision = decisions.get(plan.id) if plan.status == "published" else None
        stage, in_force_on = "adopted", None
        if decision is not None:
            in_force_on = decision.effective_on
            stage = "in_force" if in_force_on <= today else "enacted"
        figures = signed.get(proposal.id, proposal)
        rows.append(
            {
                "procedure_id": proposal.procedure_id, "plan_id": plan.id, "year": plan.year,
                "programme": plan.programme, "proposal_id": proposal.id, "routing_id": None,
                "adoption": None, "acts": NOT_RECORDED if decision is not None else "",
                "decision": decision.number if decision is not None else None,
                "in_force_on": in_force_on, "stage": stage, "action": proposal.action,
                "figures_source": proposal.figures_source,
                **{k: getattr(figures, k) for k in FIGURES},
            }
        )  # fmt: skip
    return rows


def _proposed_rows(session: Session) -> list[dict]:
    rows = []
    for proposal, plan in session.exec(
        select(Proposal, Plan)
        .join(Plan, Plan.id == Proposal.plan_id)
        .where(
            Plan.status.in_(("draft", "submitted")),
            Proposal.status.in_(("draft", "submitted", "approved", "returned")),
            Proposal.action != "keep",
        )
    ):
        rows.append(
            {
                "procedure_id": proposal.procedure_id, "plan_id": plan.id, "year": plan.year,
                "programme": plan.programme, "proposal_id": proposal.id, "routing_id": None,
                "adoption": None, "acts": "", "decision": None, "in_force_on": None,
                "stage": "proposed", "action": proposal.action,
                "figures_source": proposal.figures_source,
                **{k: getattr(proposal, k) for k in FIGURES},
            }
        )  # fmt: skip
    return rows


def savings_by_stage(*, session: Session, actor: str, today: date) -> pd.DataFrame:
    """One row per procedure at its furthest stage on ``today`` (columns STAGE_COLUMNS)."""
    require(session=session, actor=actor, action="workflow.read")
    rows = _routing_rows(session, today) + _legacy_rows(session, today)
    rows += _proposed_rows(session)
    frame = pd.DataFrame(rows, columns=[c for c in STAGE_COLUMNS if c not in ("code", "name")])
    if frame.empty:
        return pd.DataFrame(columns=STAGE_COLUMNS)
    rank = {s: i for i, s in enumerate(("declined", *STAGES))}
    frame["_rank"] = frame["stage"].map(rank)
    frame = (
        frame.sort_values(["procedure_id", "_rank", "plan_id", "proposal_id"])
        .drop_duplicates("procedure_id", keep="last")
        .drop(columns="_rank")
    )
    procs = {
        p.id: p
        for p in session.exec(select(Procedure).where(Procedure.id.in_(list(frame.procedure_id))))
    }
    agencies = _agency_names(session)
    scope = business_related_map(session, procs)
    frame["code"] = frame["procedure_id"].map(lambda i: procs[i].code)
    frame["name"] = frame["procedure_id"].map(lambda i: procs[i].name)
    frame["field"] = frame["procedure_id"].map(lambda i: procs[i].field)
    frame["agency"] = frame["procedure_id"].map(
        lambda i: agencies.get(procs[i].agency_id) or procs[i].competent_agency
    )
    frame["business_related"] = frame["procedure_id"].map(lambda i: scope.get(i, False))
    return frame[STAGE_COLUMNS].reset_index(drop=True)


# The chair's adopted proposals, whatever stage they have reached since (each once).
ADOPTED_OR_LATER = ("adopted", "enacted", "in_force")


def adopted_totals(frame: pd.DataFrame) -> dict[str, int | float]:
    """Procedures, cost before and after, savings and cut rate (%) of every adopted
    proposal (stage adopted, enacted or in force on the frame's day), each counted once."""
    part = frame[frame["stage"].isin(ADOPTED_OR_LATER)]
    before = int(part["cost_before"].fillna(0).sum())
    after = int(part["cost_after"].fillna(0).sum())
    rate = cut_rates(pd.Series([before - after]), pd.Series([before]))[0]
    return {"procedures": len(part), "cost_before": before, "cost_after": after,
            "savings": before - after, "cut_rate": float(rate)}  # fmt: skip


def stage_totals(frame: pd.DataFrame) -> pd.DataFrame:
    """Per stage: procedures, cost before and after, savings and the cut rate (%)."""
    rows = []
    for stage in STAGES:
        part = frame[frame["stage"] == stage]
        before = int(part["cost_before"].fillna(0).sum())
        after = int(part["cost_after"].fillna(0).sum())
        rows.append(
            {
                "stage": stage, "label": STAGE_VI[stage], "procedures": len(part),
                "cost_before": before, "cost_after": after, "savings": before - after,
            }
        )  # fmt: skip
    out = pd.DataFrame(rows)
    out["cut_rate"] = cut_rates(out["savings"], out["cost_before"])
    return out
