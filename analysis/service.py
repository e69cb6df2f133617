"""The one entry point the dashboard calls for savings totals and programme progress.

Inputs are checked at this boundary against :mod:`analysis.schema`:

* ``evaluated`` — :data:`~analysis.schema.EVALUATED_COLUMNS`, one row per procedure ×
  option (baseline rows included), from :func:`analysis.vectorised.evaluate_frames`;
* ``plans`` — :data:`~analysis.schema.PLAN_COLUMNS`, one row per plan × procedure with
  the adopted option, status, year, programme tag, agency, field and level.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from analysis.aggregate import COUNTED_STATUSES, GROUPINGS, adopted_options, totals_by
from analysis.sensitivity import npv
from analysis.targets import Programme, load_programmes, programme_progress

__all__ = ["savings_report"]


def savings_report(
    evaluated: pd.DataFrame,
    plans: pd.DataFrame,
    *,
    programmes: list[Programme] | None = None,
    statuses: tuple[str, ...] = COUNTED_STATUSES,
    discount_rate: Decimal = Decimal("0.10"),
    horizon: int = 5,
    baselines: dict[str, tuple[int, float]] | None = None,
) -> dict[str, pd.DataFrame]:
    """Savings of counted plans, totalled every way the dashboard shows them.

    Returns frames keyed ``adopted`` (plan rows with figures and ``npv``), ``by_plan``,
    ``by_agency``, ``by_field``, ``by_level``, ``by_year``, ``by_programme`` (see
    :func:`analysis.aggregate.totals_by`), ``programmes`` (progress against targets, see
    :func:`analysis.targets.programme_progress`) and ``catalogue`` (one row: baseline
    totals of the whole evaluated catalogue and how much of it is estimated).
    """
    adopted = adopted_options(evaluated, plans, statuses=statuses)
    adopted["npv"] = [
        npv(s, c, rate=discount_rate, horizon=horizon)
        for s, c in zip(adopted["savings"], adopted["implementation_cost"], strict=True)
    ]
    baseline = evaluated[evaluated["option_id"] == "baseline"]
    estimated = (
        baseline["estimated"]
        if "estimated" in baseline.columns
        else pd.Series(False, baseline.index)
    )
    cost_total = int(baseline["annual_cost"].sum())
    days_total = float(baseline["deadline_days"].fillna(0).sum())
    report = {"adopted": adopted}
    for name in GROUPINGS:
        report[f"by_{name}"] = totals_by(adopted, name)
    report["programmes"] = programme_progress(
        adopted,
        cost_total,
        days_total,
        programmes if programmes is not None else load_programmes(),
        baselines=baselines,
    )
    report["catalogue"] = pd.DataFrame(
        [
            {
                "procedures": int(baseline["procedure_id"].nunique()),
                "baseline_annual_cost": cost_total,
                "baseline_deadline_days": round(days_total, 2),
                "estimated_procedures": int(estimated.sum()),
                "estimated_annual_cost": int(
                    baseline.loc[estimated.astype(bool), "annual_cost"].sum()
                ),
            }
        ]
    )
    return report
