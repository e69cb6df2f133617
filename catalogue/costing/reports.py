"""Savings reports for analysts: what is in force, by stage, against the programmes' targets.

Every figure reads the one definition of the stages (proposed, adopted, enacted, in
force: :func:`catalogue.cycle.stages.savings_by_stage`). The groupings by plan, agency,
field, level, year and programme (:func:`analysis.savings_report`) count what is in
force; programme progress counts what is in force within the programme's scope against
the catalogue as it stood on its baseline day, with adopted and enacted as the pipeline.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd
from sqlmodel import Session

from analysis import load_programmes, savings_report
from analysis.rates import cut_rate, cut_rates, saving

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
    *, session: Session, actor: str, costs: pd.DataFrame, today: date | None = None
) -> dict[str, pd.DataFrame]:
    """Savings **in force** on ``today`` by every grouping, programme progress and the stages.

    One definition of the stages (:func:`catalogue.cycle.stages.savings_by_stage`): the
    groupings count what is in force (``stage`` says so); ``programmes`` is
    :func:`stage_report`'s progress (in force against each programme's baseline catalogue,
    adopted and enacted beside it as the pipeline); ``by_stage`` and ``procedures`` are
    the stage totals and rows; ``adopted_proposals`` one row: every adopted proposal
    whatever its stage since (:func:`catalogue.cycle.stages.adopted_totals`). ``costs`` is
    :func:`catalogue.costing.burden.catalogue_costs` (callers cache it). Also returned, from
    :func:`analysis.savings_report`: ``adopted`` (the options in force, one row per
    procedure), ``by_plan``, ``by_agency``, ``by_field``, ``by_level``, ``by_year``,
    ``by_programme`` and ``catalogue``.
    """
    from catalogue.cycle.stages import adopted_totals

    today = today or date.today()
    staged = stage_report(session=session, actor=actor, costs=costs, today=today)
    stages = staged["procedures"]
    in_force = stages[stages["stage"] == "in_force"]
    report = savings_report(evaluated_frame(costs, in_force), plans_frame_for(in_force, costs))
    report["programmes"] = staged["programmes"]
    report["by_stage"] = staged["by_stage"]
    report["adopted_proposals"] = pd.DataFrame([adopted_totals(stages)])
    report["procedures"] = stages
    report["stage"] = pd.DataFrame([{"stage": "in_force", "on": today}])
    return report


# --------------------------------------------------------------------------- by stage (issue 12)

ENDED = ("abolished", "replaced", "draft")  # out of the current totals


def current_costs(costs: pd.DataFrame) -> pd.DataFrame:
    """Procedures in force now: abolished and replaced ones leave from their date in force."""
    return costs[~costs["status"].isin(ENDED)]


def baseline_costs(
    *,
    session: Session,
    costs: pd.DataFrame,
    stages: pd.DataFrame,
    day: date,
    scope: dict[int, bool] | None = None,
) -> pd.DataFrame:
    """The in-scope catalogue as it stood on ``day``, with each procedure's cost then.

    Reconstructed from the revisions and their enactments: a procedure counts when it
    existed on ``day`` (it was not started by an entry in force later, and had not ended
    by an entry in force by then); its cost is the one signed before the change when a
    change came into force after ``day`` (``routing.cost_before``), else today's cost.
    ``scope`` is :func:`catalogue.cycle.scope.business_related_map` (read when not given).
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
    scope = business_related_map(session) if scope is None else scope
    frame = costs[~costs["procedure_id"].isin(started_after | ended_by)].copy()
    frame = frame[frame["status"] != "draft"]
    frame = frame[frame["procedure_id"].map(scope).fillna(False).astype(bool)]
    # an unknown population has no yearly cost: out of the baseline, as out of the totals
    if "population_known" in frame.columns:
        frame = frame[frame["population_known"].astype(bool)]
    changed = stages[(stages["stage"] == "in_force") & (stages["in_force_on"] > day)]
    for column, signed in (("annual_cost", "cost_before"), ("deadline_days", "deadline_before")):
        dtype = "Int64" if column == "annual_cost" else "Float64"  # đồng stay exact integers
        signed_then = changed[changed[signed].notna()]
        then = pd.Series(
            pd.array(signed_then[signed].tolist(), dtype=dtype),
            index=signed_then["procedure_id"].to_numpy(),
        )
        then = then[~then.index.duplicated(keep="last")]  # as the signed figures were read
        now = frame[column].astype(dtype)
        frame[column] = frame["procedure_id"].map(then).astype(dtype).fillna(now).fillna(0)
    frame["annual_cost"] = frame["annual_cost"].astype("int64")
    frame["deadline_days"] = frame["deadline_days"].astype("float64")
    return frame


def stage_report(
    *, session: Session, actor: str, costs: pd.DataFrame, today: date
) -> dict[str, pd.DataFrame]:
    """Savings by stage (``by_stage``, one row per procedure in ``procedures``) and programme
    progress counting what is in force against each baseline catalogue (``programmes``)."""
    from analysis.targets import baseline_day, stage_progress
    from catalogue.cycle.scope import business_related_map
    from catalogue.cycle.stages import savings_by_stage, stage_totals

    stages = savings_by_stage(session=session, actor=actor, today=today)
    programmes = load_programmes()
    scope = business_related_map(session)  # once for every programme's baseline
    baselines, days = {}, {}
    for programme in programmes:
        day = baseline_day(programme)
        then = baseline_costs(session=session, costs=costs, stages=stages, day=day, scope=scope)
        baselines[programme.code] = int(then["annual_cost"].sum())
        days[programme.code] = float(then["deadline_days"].sum())
    return {
        "procedures": stages,
        "by_stage": stage_totals(stages),
        "programmes": stage_progress(stages, baselines, programmes, days),
        "current_annual_cost": pd.DataFrame(
            [{"stage": "in_force", "annual_cost": int(current_costs(costs)["annual_cost"].sum())}]
        ),
    }
