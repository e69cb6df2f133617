"""National simplification programmes and progress of approved plans against their targets.

Programmes are data (``data/parameters/programmes.yaml``): NQ 68/NQ-CP (2020-2025,
−20 % compliance cost against the rules in force on 31/05/2020), NQ 66/NQ-CP with Công
điện 144/CĐ-TTg (−30 % time and cost in 2025 against 2024) and NQ 66/NQ-CP for 2026
(−50 % time and cost against 2024, counting 2025 and 2026 plans).

Progress of a programme: the adopted options of counted plans tagged with the
programme's ``plan_tag`` and taking effect in its years (one per procedure: the latest),
against the baseline of the whole evaluated catalogue (cost: Σ baseline annual cost;
time: Σ baseline deadline days). The caller evaluates the catalogue as it stood at the
programme's baseline, or passes ``baselines`` explicitly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import ParameterError
from analysis.rates import cut_rate, cut_rates
from analysis.yamlio import YamlSyntaxError, load_yaml

__all__ = [
    "DEFAULT_PROGRAMMES",
    "Programme",
    "baseline_day",
    "load_programmes",
    "programme_progress",
    "stage_progress",
]

DEFAULT_PROGRAMMES = Path(__file__).resolve().parents[1] / "data" / "parameters" / "programmes.yaml"


@dataclass(frozen=True)
class Programme:
    """A programme: its plan tag, years counted, baseline and target cut rates (%)."""

    code: str
    name: str
    legal_basis: str
    plan_tag: str
    first_year: int
    last_year: int
    baseline_kind: str  # rules_in_force | year
    baseline_date: date | None
    baseline_year: int | None
    cost_cut_rate: float | None
    time_cut_rate: float | None


def load_programmes(path: str | Path | None = None) -> list[Programme]:
    """Read the programmes file; :class:`ParameterError` names the file and key on a problem."""
    file = Path(path) if path is not None else DEFAULT_PROGRAMMES
    try:
        data = load_yaml(file)
    except (OSError, YamlSyntaxError) as exc:
        raise ParameterError(f"{file}: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("programmes"), list):
        raise ParameterError(f"{file}: programmes: missing list")
    result = []
    for i, raw in enumerate(data["programmes"]):
        where = f"{file}: programmes[{i}]"
        try:
            baseline, targets = raw["baseline"], raw.get("targets") or {}
            kind = baseline["kind"]
            if kind not in ("rules_in_force", "year"):
                raise ParameterError(f"{where}.baseline.kind: must be rules_in_force or year")
            cost, time = targets.get("cost_cut_rate"), targets.get("time_cut_rate")
            result.append(
                Programme(
                    code=str(raw["code"]),
                    name=str(raw["name"]),
                    legal_basis=str(raw["legal_basis"]),
                    plan_tag=str(raw["plan_tag"]),
                    first_year=int(raw["first_year"]),
                    last_year=int(raw["last_year"]),
                    baseline_kind=kind,
                    baseline_date=baseline.get("date"),
                    baseline_year=baseline.get("year"),
                    cost_cut_rate=float(cost) if cost is not None else None,
                    time_cut_rate=float(time) if time is not None else None,
                )
            )
        except (KeyError, TypeError) as exc:
            raise ParameterError(f"{where}: missing or malformed key {exc}") from exc
    return result


def programme_progress(
    adopted: pd.DataFrame,
    baseline_annual_cost: int,
    baseline_deadline_days: float,
    programmes: list[Programme],
    *,
    baselines: Mapping[str, tuple[int, float]] | None = None,
) -> pd.DataFrame:
    """One row per programme: savings and time saved so far against baseline and target.

    ``adopted`` comes from :func:`analysis.aggregate.adopted_options`; the two baseline
    totals apply to every programme unless ``baselines`` gives ``{code: (cost, days)}``.
    Columns: programme, name, legal_basis, procedures, baseline_annual_cost, savings,
    cut_rate, target_cut_rate, cost_gap (target − achieved, percentage points), cost_met,
    baseline_deadline_days, deadline_saved_days, time_cut_rate, target_time_cut_rate,
    time_gap, time_met.
    """
    rows = []
    for programme in programmes:
        cost_base, days_base = (baselines or {}).get(
            programme.code, (baseline_annual_cost, baseline_deadline_days)
        )
        chosen = adopted[
            (adopted["programme"] == programme.plan_tag)
            & adopted["year"].between(programme.first_year, programme.last_year)
        ]
        # one adopted option per procedure: the latest plan counts, earlier ones are superseded
        chosen = chosen.sort_values(["year", "plan_id"]).drop_duplicates(
            "procedure_id", keep="last"
        )
        savings = int(chosen["savings"].sum())
        saved_e2 = _hundredths(chosen["deadline_saved_days"].sum())
        rows.append(
            {
                "programme": programme.code,
                "name": programme.name,
                "legal_basis": programme.legal_basis,
                "procedures": len(chosen),
                "baseline_annual_cost": int(cost_base),
                "savings": savings,
                "target_cut_rate": programme.cost_cut_rate,
                "baseline_deadline_days": float(days_base),
                "deadline_saved_days": saved_e2 / 100,
                "time_cut_rate": float(cut_rate(saved_e2, _hundredths(days_base))),
                "target_time_cut_rate": programme.time_cut_rate,
            }
        )
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    frame["cut_rate"] = cut_rates(frame["savings"], frame["baseline_annual_cost"])
    for kind, achieved, target in (
        ("cost", "cut_rate", "target_cut_rate"),
        ("time", "time_cut_rate", "target_time_cut_rate"),
    ):
        has = frame[target].notna()
        frame[f"{kind}_gap"] = np.where(has, (frame[target] - frame[achieved]).round(2), np.nan)
        frame[f"{kind}_met"] = np.where(has, frame[achieved] >= frame[target], pd.NA)
    order = [
        "programme",
        "name",
        "legal_basis",
        "procedures",
        "baseline_annual_cost",
        "savings",
        "cut_rate",
        "target_cut_rate",
        "cost_gap",
        "cost_met",
        "baseline_deadline_days",
        "deadline_saved_days",
        "time_cut_rate",
        "target_time_cut_rate",
        "time_gap",
        "time_met",
    ]
    return frame[order]


def _hundredths(days: float) -> int:
    """Days (held to 2 decimals by the evaluators) as exact hundredths of a day."""
    return int(np.rint(float(days) * 100))


def baseline_day(programme: Programme) -> date:
    """The day the programme's baseline catalogue is read on (a year: its last day).

    >>> baseline_day(Programme("NQ66-2025", "", "", "NQ66", 2025, 2025, "year", None, 2024,
    ...     30.0, 30.0))
    datetime.date(2024, 12, 31)
    """
    if programme.baseline_date is not None:
        return programme.baseline_date
    return date(int(programme.baseline_year), 12, 31)


def stage_progress(
    stages: pd.DataFrame,
    baselines: Mapping[str, int],
    programmes: list[Programme],
    days: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Per programme: savings **in force** against its baseline, adopted and enacted beside.

    ``stages`` has one row per procedure (``programme`` tag, ``year``, ``stage``,
    ``in_force_on``, ``business_related``, ``savings``, ``deadline_before``,
    ``deadline_after``); ``baselines`` maps a programme code to the yearly cost of the
    in-scope catalogue as it stood on its baseline day, ``days`` to its total deadline
    days then. Only procedures in scope (related to production and business) count;
    ``in_force`` ones count when they came into force after the baseline day. The cost
    and time cut rates, gaps and whether the target is met are those of what is in
    force (``stage``); ``cut_rate_adopted`` and ``cut_rate_enacted`` rate the pipeline
    against the same baseline, never added to it.
    """
    rows = []
    for programme in programmes:
        day = baseline_day(programme)
        mine = stages[
            (stages["programme"].isin([programme.plan_tag, programme.code]))
            & stages["year"].between(programme.first_year, programme.last_year)
            & stages["business_related"].astype(bool)
        ]
        live = mine[(mine["stage"] != "in_force") | (mine["in_force_on"] > day)]

        def total(stage: str, frame: pd.DataFrame = live) -> int:
            return int(frame.loc[frame["stage"] == stage, "savings"].fillna(0).sum())

        in_force = live[live["stage"] == "in_force"]
        saved = (in_force["deadline_before"] - in_force["deadline_after"]).dropna()
        days_base = float((days or {}).get(programme.code, 0.0))
        rows.append(
            {
                "programme": programme.code,
                "name": programme.name,
                "legal_basis": programme.legal_basis,
                "baseline_day": day,
                "baseline_annual_cost": int(baselines.get(programme.code, 0)),
                "stage": "in_force",
                "procedures_in_force": len(in_force),
                "savings_in_force": total("in_force"),
                "target_cut_rate": programme.cost_cut_rate,
                "pipeline_adopted": total("adopted"),
                "pipeline_enacted": total("enacted"),
                "proposed": total("proposed"),
                "baseline_deadline_days": round(days_base, 2),
                "deadline_saved_days": _hundredths(float(saved.sum())) / 100,
                "time_cut_rate": float(
                    cut_rate(_hundredths(float(saved.sum())), _hundredths(days_base))
                ),
                "target_time_cut_rate": programme.time_cut_rate,
            }
        )
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    base = frame["baseline_annual_cost"]
    frame["cut_rate_in_force"] = cut_rates(frame["savings_in_force"], base)
    frame["cut_rate_adopted"] = cut_rates(frame["pipeline_adopted"], base)
    frame["cut_rate_enacted"] = cut_rates(frame["pipeline_enacted"], base)
    # the names programme_progress uses, so that every table and document reads one frame
    frame["procedures"] = frame["procedures_in_force"]
    frame["savings"] = frame["savings_in_force"]
    frame["cut_rate"] = frame["cut_rate_in_force"]
    for kind, achieved, target in (
        ("cost", "cut_rate", "target_cut_rate"),
        ("time", "time_cut_rate", "target_time_cut_rate"),
    ):
        has = frame[target].notna()
        frame[f"{kind}_gap"] = np.where(has, (frame[target] - frame[achieved]).round(2), np.nan)
        frame[f"{kind}_met"] = np.where(has, frame[achieved] >= frame[target], pd.NA)
    return frame
