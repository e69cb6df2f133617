"""Savings reports for analysts: published proposals against the catalogue's baseline.

Joins the workflow (only adopted proposals in force count:
:func:`catalogue.cycle.approved_savings_frame`) with the cost
model's whole-catalogue baseline and hands both to :func:`analysis.savings_report`, which
totals savings by plan, agency, field, level, year and programme and measures progress
against the national targets.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd
from sqlmodel import Session

from analysis import load_programmes, savings_report
from analysis.rates import cut_rate, cut_rates, saving
from catalogue.cycle import approved_savings_frame

# Workflow actions as the cost model counts them: a replacement costs what the new
# procedure costs (an amendment of the burden); a brand-new procedure has no baseline.
COUNTED_ACTIONS = {"keep": "keep", "amend": "amend", "abolish": "abolish", "replace": "amend"}


def _dec(days: float) -> Decimal:
    return Decimal(repr(float(days)))  # numpy floats too; deadlines carry 2 decimals


def evaluated_frame(costs: pd.DataFrame, adopted: pd.DataFrame) -> pd.DataFrame:
    """Cost-model rows: every procedure's baseline plus one row per adopted proposal.

    Baselines count only procedures in force with a known population (``counted``).
    """
    if "counted" in costs.columns:
        costs = costs[costs["counted"].astype(bool)]
    base = pd.DataFrame(
        {
            "procedure_id": costs["procedure_id"].astype(str),
            "option_id": "baseline",
            "action": "baseline",
            "unit_cost": costs["unit_cost"].fillna(0).astype("int64"),
            "annual_cost": costs["annual_cost"].fillna(0).astype("int64"),
            "deadline_days": costs["deadline_days"].astype(float),
            "documents": costs["documents"].fillna(0).astype("int64"),
            "activities": costs["activities"].fillna(0).astype("int64"),
            "estimated": costs["estimated"].fillna(True).astype(bool),
        }
    )
    base["baseline_annual_cost"] = base["annual_cost"]
    base["baseline_deadline_days"] = base["deadline_days"]
    base["savings"] = 0
    base["cut_rate"] = 0.0
    base["deadline_cut_rate"] = base["deadline_days"].where(base["deadline_days"].isna(), 0.0)
    counted = adopted[adopted["action"].isin(list(COUNTED_ACTIONS))]
    before = counted["cost_before"].fillna(0).astype("int64")
    after = counted["cost_after"].fillna(0).astype("int64")
    dl_before = counted["deadline_before"].astype(float)
    dl_after = counted["deadline_after"].astype(float)
    options = pd.DataFrame(
        {
            "procedure_id": counted["procedure_id"].astype(str),
            "option_id": "proposal-" + counted["proposal_id"].astype(str),
            "action": counted["action"].map(COUNTED_ACTIONS),
            "unit_cost": 0,
            "annual_cost": after,
            "deadline_days": dl_after,
            "documents": 0,
            "activities": 0,
            "estimated": False,
            "baseline_annual_cost": before,
            "baseline_deadline_days": dl_before,
            "savings": saving(before, after),
            # the cost model's rates: half-up to 2 decimals, 0 when the baseline is 0
            "cut_rate": cut_rates(saving(before, after), before),
            "deadline_cut_rate": [
                float(cut_rate(saving(_dec(b), _dec(a)), _dec(b)))
                if pd.notna(b) and pd.notna(a) and b
                else None
                for b, a in zip(dl_before, dl_after, strict=True)
            ],
        }
    )
    frame = pd.concat([base, options], ignore_index=True)
    frame["deadline_cut_rate"] = frame["deadline_cut_rate"].astype(float)
    frame.insert(0, "variant_id", range(len(frame)))
    return frame


def plans_frame_for(adopted: pd.DataFrame, costs: pd.DataFrame) -> pd.DataFrame:
    """The cost model's plan rows (one per adopted proposal) with level from the catalogue."""
    counted = adopted[adopted["action"].isin(list(COUNTED_ACTIONS))]
    levels = dict(zip(costs["procedure_id"], costs["level"], strict=True))
    # A plan may name a programme by its code (NQ66-2026) or by its tag (NQ66).
    tags = {p.code: p.plan_tag for p in load_programmes()}
    return pd.DataFrame(
        {
            "plan_id": counted["plan_id"].astype(str),
            "procedure_id": counted["procedure_id"].astype(str),
            "option_id": "proposal-" + counted["proposal_id"].astype(str),
            "status": "published",
            "year": counted["year"].astype("int64"),
            "programme": counted["programme"].map(lambda v: tags.get(v, v)),
            "agency": counted["agency"],
            "field": counted["field"],
            "level": counted["procedure_id"].map(levels),
        }
    )


def savings_overview(
    *, session: Session, actor: str, costs: pd.DataFrame
) -> dict[str, pd.DataFrame]:
    """Savings of adopted proposals in force, by every grouping, and progress to the targets.

    ``costs`` is :func:`catalogue.costing.burden.catalogue_costs` (callers cache it). Returns
    the frames of :func:`analysis.savings_report` (``adopted``, ``by_plan``, ``by_agency``,
    ``by_field``, ``by_level``, ``by_year``, ``by_programme``, ``programmes``,
    ``catalogue``).
    """
    adopted = approved_savings_frame(session=session, actor=actor)
    return savings_report(evaluated_frame(costs, adopted), plans_frame_for(adopted, costs))


# --------------------------------------------------------------------------- by stage (issue 12)

ENDED = ("abolished", "replaced", "draft")  # out of the current totals


def current_costs(costs: pd.DataFrame) -> pd.DataFrame:
    """Procedures in force now: abolished and replaced ones leave from their date in force."""
    return costs[~costs["status"].isin(ENDED)]


def baseline_costs(
    *, session: Session, costs: pd.DataFrame, stages: pd.DataFrame, day: date
) -> pd.DataFrame:
    """The in-scope catalogue as it stood on ``day``, with each procedure's cost then.

    Reconstructed from the revisions and their enactments: a procedure counts when it
    existed on ``day`` (it was not started by an entry in force later, and had not ended
    by an entry in force by then); its cost is the one signed before the change when a
    change came into force after ``day`` (``routing.cost_before``), else today's cost.
    """
    from sqlmodel import select

    from catalogue.cycle.scope import business_related_map
    from catalogue.registry.models import DecisionItem, Enactment

    started_after, ended_by = set(), set()
    for item, enactment in session.exec(
        select(DecisionItem, Enactment).join(
            Enactment, Enactment.decision_item_id == DecisionItem.id
        )
    ):
        if item.section == "new" and enactment.in_force_on > day:
            started_after.add(item.procedure_id)
        if item.replacement_procedure_id and enactment.in_force_on > day:
            started_after.add(item.replacement_procedure_id)
        if item.section in ("abolished", "replaced") and enactment.in_force_on <= day:
            ended_by.add(item.procedure_id)
    scope = business_related_map(session)
    frame = costs[~costs["procedure_id"].isin(started_after | ended_by)].copy()
    frame = frame[frame["status"] != "draft"]
    frame = frame[frame["procedure_id"].map(lambda i: scope.get(i, False))]
    changed = stages[(stages["stage"] == "in_force") & (stages["in_force_on"] > day)]
    before = dict(zip(changed["procedure_id"], changed["cost_before"], strict=True))
    frame["annual_cost"] = [
        int(before[p]) if p in before and pd.notna(before[p]) else int(c or 0)
        for p, c in zip(frame["procedure_id"], frame["annual_cost"], strict=True)
    ]
    return frame


def stage_report(
    *, session: Session, actor: str, costs: pd.DataFrame, today: date
) -> dict[str, pd.DataFrame]:
    """Savings by stage (``by_stage``, one row per procedure in ``procedures``) and programme
    progress counting what is in force against each baseline catalogue (``programmes``)."""
    from analysis.targets import baseline_day, stage_progress
    from catalogue.cycle.stages import savings_by_stage, stage_totals

    stages = savings_by_stage(session=session, actor=actor, today=today)
    programmes = load_programmes()
    baselines = {
        p.code: int(
            baseline_costs(session=session, costs=costs, stages=stages, day=baseline_day(p))[
                "annual_cost"
            ].sum()
        )
        for p in programmes
    }
    return {
        "procedures": stages,
        "by_stage": stage_totals(stages),
        "programmes": stage_progress(stages, baselines, programmes),
        "current_annual_cost": pd.DataFrame(
            [{"stage": "in_force", "annual_cost": int(current_costs(costs)["annual_cost"].sum())}]
        ),
    }
