"""Costing sheets in the registry, whole-catalogue costs and the savings overview."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from analysis import SheetError, evaluate_sheet, load_parameters, parse_sheet
from catalogue.costing import burden as costing
from catalogue.costing.reports import savings_overview
from catalogue.registry.db import session_scope
from catalogue.registry.errors import ConcurrentEdit, PermissionDenied
from catalogue.registry.models import AuditLog, CostingSheet
from tests.workflow_support import published_plan, seed

SHEET = {
    "procedure": {"code": "1.000001", "name": "Đăng ký khai sinh"},
    "date": "2026-01-01",
    "subject": "enterprise",
    "hourly_rate": 50000,
    "population": 325000,
    "frequency": 12,
    "channels": {"direct": 1},
    "fees": [{"name": "Chi phí nộp", "amount": 250000}],
    "activities": [],
}


def test_reviewer_saves_a_sheet_that_replaces_the_estimate(engine):
    world = seed(engine)
    pid = world["procedures"][0]
    params = load_parameters()
    with engine.connect() as conn:
        estimate = costing.procedure_sheet(conn, pid, params=params)
    assert estimate.estimated
    with session_scope(engine) as s:
        costing.save_sheet(
            session=s, actor=world["users"]["reviewer"], procedure_id=pid, content=SHEET
        )
    with engine.connect() as conn:
        stored = costing.procedure_sheet(conn, pid, params=params)
    assert not stored.estimated
    assert evaluate_sheet(stored).baseline.annual_cost == 975_000_000_000
    with session_scope(engine) as s:
        audit = s.scalars(select(AuditLog).where(AuditLog.action == "sheet.save")).all()
    assert len(audit) == 1 and audit[0].after["population"] == 325000


def test_invalid_sheet_is_refused_and_nothing_is_stored(engine):
    world = seed(engine)
    bad = {**SHEET, "population": -1}
    with pytest.raises(SheetError) as err, session_scope(engine) as s:
        costing.save_sheet(
            session=s, actor=world["users"]["reviewer"], procedure_id=world["procedures"][0],
            content=bad,
        )  # fmt: skip
    assert "population" in str(err.value)
    with session_scope(engine) as s:
        assert s.scalars(select(CostingSheet)).all() == []


def test_analyst_cannot_save_and_stale_version_is_detected(engine):
    world = seed(engine)
    pid = world["procedures"][0]
    with pytest.raises(PermissionDenied), session_scope(engine) as s:
        costing.save_sheet(
            session=s, actor=world["users"]["analyst"], procedure_id=pid, content=SHEET
        )
    rev = world["users"]["reviewer"]
    with session_scope(engine) as s:
        costing.save_sheet(session=s, actor=rev, procedure_id=pid, content=SHEET)
    with session_scope(engine) as s:
        costing.save_sheet(
            session=s, actor=rev, procedure_id=pid, content={**SHEET, "frequency": 4},
            expected_version=1,
        )  # fmt: skip
    with pytest.raises(ConcurrentEdit) as err, session_scope(engine) as s:
        costing.save_sheet(
            session=s, actor=rev, procedure_id=pid, content={**SHEET, "frequency": 6},
            expected_version=1,
        )  # fmt: skip
    assert err.value.theirs["frequency"] == 4 and err.value.yours["frequency"] == 6


def test_catalogue_costs_cover_every_procedure_and_match_the_reference(engine):
    world = seed(engine)
    pid = world["procedures"][0]
    with session_scope(engine) as s:
        costing.save_sheet(
            session=s, actor=world["users"]["reviewer"], procedure_id=pid, content=SHEET
        )
    params = load_parameters()
    costs = costing.catalogue_costs(engine, params=params)
    assert sorted(costs["procedure_id"]) == sorted(world["procedures"])
    row = costs.set_index("procedure_id").loc[pid]
    assert row["annual_cost"] == 975_000_000_000 and not row["estimated"]
    others = costs[costs["procedure_id"] != pid]
    assert others["estimated"].all() and (others["annual_cost"] > 0).all()
    with engine.connect() as conn:
        for other in others["procedure_id"]:
            sheet = costing.procedure_sheet(conn, int(other), params=params)
            expected = evaluate_sheet(sheet).baseline.annual_cost
            assert others.set_index("procedure_id").loc[other, "annual_cost"] == expected
    by_field = costing.cost_totals(costs, "field")
    # totals take only procedures in force with a known population
    counted = costs[costs["status"].isin(["active", "amended"]) & costs["annual_cost"].notna()]
    assert by_field["annual_cost"].sum() == counted["annual_cost"].sum()


def test_savings_overview_counts_what_is_in_force(engine):
    from datetime import date

    world = seed(engine)
    costs = costing.catalogue_costs(engine)
    analyst = world["users"]["analyst"]
    with session_scope(engine) as s:
        empty = savings_overview(session=s, actor=analyst, costs=costs, today=date(2027, 1, 1))
    assert empty["adopted"].empty
    published_plan(engine, world)  # công bố 22/12/2026, the act in force 31/12/2026
    with session_scope(engine) as s:
        waiting = savings_overview(session=s, actor=analyst, costs=costs, today=date(2026, 12, 30))
        report = savings_overview(session=s, actor=analyst, costs=costs, today=date(2027, 1, 1))
    # before the effective date nothing is in force: the three savings are enacted
    assert waiting["adopted"].empty
    by_stage = waiting["by_stage"].set_index("stage")["savings"]
    assert int(by_stage["enacted"]) == 600_000 + 2_345_678 + 200_000
    adopted = report["adopted"]
    # amend 1.000.000 → 400.000, abolish 2.345.678 → 0, replace 300.000 → 100.000; keep
    # changes nothing and is not a saving; the rejected proposal does not count
    assert int(adopted["savings"].sum()) == 600_000 + 2_345_678 + 200_000
    assert len(adopted) == 3
    progress = report["programmes"].set_index("programme")
    # every procedure's subject is "Công dân Việt Nam": outside the programmes' scope
    assert int(progress.loc["NQ66-2026", "savings"]) == 0
    # the catalogue baseline counts procedures in force with a known population only
    in_force = costs["status"].isin(["active", "amended"]) & costs["annual_cost"].notna()
    assert 0 < in_force.sum() < len(world["procedures"])
    assert report["catalogue"]["procedures"].iloc[0] == in_force.sum()


def test_stored_sheet_survives_json_round_trip():
    data = costing.from_json(costing.to_json({**SHEET, "frequency": 0.25}))
    sheet = parse_sheet(data, params=load_parameters(), file="x")
    assert str(sheet.frequency.value) == "0.25"


def test_baseline_costs_are_cached_and_recomputed_only_when_inputs_change(engine):
    from catalogue.registry.models import CostFrame, Volume

    world = seed(engine)
    first = costing.catalogue_costs(engine)
    with session_scope(engine) as s:
        baselines = s.scalars(select(CostFrame).where(CostFrame.variant_no == 0)).all()
        assert len(baselines) == len(world["procedures"])
        # a cached row that no longer matches its inputs must not be served
        pid = world["procedures"][1]
        s.add(Volume(procedure_id=pid, year=2030, received=123456, online=0))
    second = costing.catalogue_costs(engine)
    changed = second.set_index("procedure_id")["annual_cost"]
    before = first.set_index("procedure_id")["annual_cost"]
    assert changed[pid] != before[pid]
    others = [p for p in world["procedures"] if p != pid]
    assert (changed[others] == before[others]).all()
    with engine.connect() as conn:
        sheet = costing.procedure_sheet(conn, pid, params=load_parameters())
    assert changed[pid] == evaluate_sheet(sheet).baseline.annual_cost
    # the parameter values in effect are part of the key: changing one changes it
    import copy
    import dataclasses
    from datetime import date

    params = load_parameters()
    on = date(2026, 6, 1)
    edited = copy.deepcopy(params)
    key = "working_hours_per_day" if "working_hours_per_day" in edited.entries else edited.keys()[0]
    entry = max(edited.entries[key], key=lambda e: e.effective)
    edited.entries[key] = [dataclasses.replace(entry, value=(entry.value or 0) + 1)]
    assert costing.parameter_signature(params, on) == costing.parameter_signature(
        load_parameters(), on
    )
    assert costing.parameter_signature(edited, on) != costing.parameter_signature(params, on)


def test_adopted_rates_round_half_up_like_the_cost_model():
    import numpy as np
    import pandas as pd

    from catalogue.costing.reports import evaluated_frame

    costs = pd.DataFrame(
        {"procedure_id": [1], "unit_cost": [10], "annual_cost": [800], "deadline_days": [8.0],
         "documents": [1], "activities": [1], "estimated": [True]}
    )  # fmt: skip
    adopted = pd.DataFrame(
        {"action": ["amend"], "cost_before": [800], "cost_after": [799], "procedure_id": [1],
         "proposal_id": [7], "deadline_before": np.array([8.0]), "deadline_after": np.array([7.99])}
    )  # fmt: skip
    row = evaluated_frame(costs, adopted).iloc[1]
    assert row["cut_rate"] == 0.13  # 0,125 % half-up (banker's rounding would give 0,12)
    assert row["deadline_cut_rate"] == 0.13
