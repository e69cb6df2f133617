"""Totals of evaluated options by plan, agency, field, level, year and programme.

Input frames are described in :mod:`analysis.schema`: ``evaluated``
(:data:`~analysis.schema.EVALUATED_COLUMNS`, from either evaluator) and ``plans``
(:data:`~analysis.schema.PLAN_COLUMNS`, the option each plan adopts per procedure).
Only plans whose status counts (approved and published, by default) are added up.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.rates import cut_rates, saving
from analysis.schema import EVALUATED_COLUMNS, PLAN_COLUMNS, FrameError, check_frame

__all__ = ["COUNTED_STATUSES", "GROUPINGS", "adopted_options", "totals_by"]

COUNTED_STATUSES = ("approved", "published")
GROUPINGS = {
    "plan": "plan_id",
    "agency": "agency",
    "field": "field",
    "level": "level",
    "year": "year",
    "programme": "programme",
}


def adopted_options(
    evaluated: pd.DataFrame, plans: pd.DataFrame, *, statuses: tuple[str, ...] = COUNTED_STATUSES
) -> pd.DataFrame:
    """Plan rows with a counted status, joined with their option's evaluated figures.

    Adds ``baseline_annual_cost``, ``annual_cost``, ``savings``, ``baseline_deadline_days``,
    ``deadline_days``, ``deadline_saved_days`` (0 when either deadline is unknown),
    ``estimated`` and ``implementation_cost``. Raises :class:`FrameError` when a plan
    names an option that was not evaluated.
    """
    check_frame(evaluated, EVALUATED_COLUMNS, "evaluated")
    check_frame(plans, PLAN_COLUMNS, "plans")
    counted = plans[plans["status"].isin(statuses)]
    figures = evaluated[
        [
            "procedure_id",
            "option_id",
            "action",
            "baseline_annual_cost",
            "annual_cost",
            "savings",
            "baseline_deadline_days",
            "deadline_days",
            *[c for c in ("estimated", "implementation_cost") if c in evaluated.columns],
        ]
    ]
    joined = counted.merge(figures, on=["procedure_id", "option_id"], how="left", indicator=True)
    missing = joined[joined["_merge"] != "both"]
    if len(missing):
        pairs = ", ".join(f"{r.procedure_id}/{r.option_id}" for r in missing.head(3).itertuples())
        raise FrameError(f"frame 'plans': option(s) not evaluated: {pairs}")
    joined = joined.drop(columns="_merge")
    saved = saving(joined["baseline_deadline_days"], joined["deadline_days"])
    joined["deadline_saved_days"] = saved.fillna(0.0)
    joined["baseline_deadline_days"] = joined["baseline_deadline_days"].fillna(0.0)
    if "estimated" not in joined.columns:
        joined["estimated"] = False
    if "implementation_cost" not in joined.columns:
        joined["implementation_cost"] = 0
    return joined


def totals_by(adopted: pd.DataFrame, by: str) -> pd.DataFrame:
    """Totals of adopted options grouped by ``by`` (plan, agency, field, level, year, programme).

    Columns: the grouping column, ``procedures``, ``baseline_annual_cost``,
    ``annual_cost``, ``savings``, ``cut_rate`` (%), ``deadline_saved_days``,
    ``estimated_procedures``, ``implementation_cost``.
    """
    column = GROUPINGS.get(by, by)
    if column not in adopted.columns:
        raise FrameError(f"cannot total by {by!r}: no column {column!r}")
    grouped = adopted.assign(_key=adopted[column].fillna("(không rõ)")).groupby("_key", sort=True)
    totals = grouped.agg(
        procedures=("procedure_id", "nunique"),
        baseline_annual_cost=("baseline_annual_cost", "sum"),
        annual_cost=("annual_cost", "sum"),
        savings=("savings", "sum"),
        deadline_saved_days=("deadline_saved_days", "sum"),
        estimated_procedures=("estimated", "sum"),
        implementation_cost=("implementation_cost", "sum"),
    )
    totals.index.name = column
    totals = totals.reset_index()
    totals["cut_rate"] = cut_rates(totals["savings"], totals["baseline_annual_cost"])
    totals["estimated_procedures"] = totals["estimated_procedures"].astype(np.int64)
    order = [
        column,
        "procedures",
        "baseline_annual_cost",
        "annual_cost",
        "savings",
        "cut_rate",
        "deadline_saved_days",
        "estimated_procedures",
        "implementation_cost",
    ]
    return totals[order]
