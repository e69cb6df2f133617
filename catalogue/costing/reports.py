"""Savings reports for analysts: published proposals against the catalogue's baseline.

Joins the workflow (only approved proposals of published plans count) with the cost
model's whole-catalogue baseline and hands both to :func:`analysis.savings_report`, which
totals savings by plan, agency, field, level, year and programme and measures progress
against the national targets.
"""

from __future__ import annotations

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
    """Savings of published decisions, by every grouping, and progress to the targets.

    ``costs`` is :func:`catalogue.costing.burden.catalogue_costs` (callers cache it). Returns
    the frames of :func:`analysis.savings_report` (``adopted``, ``by_plan``, ``by_agency``,
    ``by_field``, ``by_level``, ``by_year``, ``by_programme``, ``programmes``,
    ``catalogue``).
    """
    adopted = approved_savings_frame(session=session, actor=actor)
    return savings_report(evaluated_frame(costs, adopted), plans_frame_for(adopted, costs))
