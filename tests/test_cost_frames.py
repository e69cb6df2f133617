"""Stored cost frames (issue 17): the product's pricing path against the reference evaluator.

The catalogue is priced from the stored ``cost_frame`` rows, read in bulk and evaluated
at once (``catalogue.costing.burden.catalogue_variants`` / ``catalogue_costs``). The
expected figures come from the reference evaluator (``analysis.reference.evaluate_sheet``,
exact Decimal arithmetic, one sheet at a time), never from the code under test: every
procedure of a real ministry's records (estimates, some with yearly volumes) and every
option of reviewers' sheets that use each kind of change must agree to the đồng.
"""

from __future__ import annotations

import gzip
import json
import math

import pytest
from sqlalchemy import select, update
from typer.testing import CliRunner

from analysis import evaluate_sheet, load_parameters, sheet_to_data
from catalogue.cli import build_app
from catalogue.costing import burden as costing
from catalogue.registry.db import session_scope
from catalogue.registry.models import CostFrame, CostingSheet, Procedure, Volume
from catalogue.sources.service import import_portal_files
from tests.factories import add_users

FOLDER = "bo-tu-phap"  # 271 real records
STEP = 3  # every third of them (91), to keep the suite quick on a shared machine


def _ministry(portal_jsonl, tmp_path):
    lines = [
        line
        for line in gzip.open(portal_jsonl, "rt", encoding="utf-8")
        if json.loads(line).get("_source_folder") == FOLDER
    ][::STEP]
    path = tmp_path / f"{FOLDER}.jsonl"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _options(data: dict) -> list[dict]:
    """Options using every kind of change, on the sheet's own documents, fees, activities."""
    docs = [d["name"] for d in data.get("documents", [])]
    fees = [f["name"] for f in data.get("fees", [])]
    acts = [a["name"] for a in data.get("activities", [])]
    why = {"reason": "rà soát"}
    options = [
        {"id": "keep", "action": "keep"},
        {"id": "freq", "action": "amend", "changes": [
            {"type": "set_frequency", "value": 0.5, **why},
            {"type": "set_population", "value": 1234, **why}]},
        {"id": "channels", "action": "amend", "changes": [
            {"type": "set_channels", "value": {"direct": 0.3, "online": 0.7}, **why},
            {"type": "set_deadline", "days": 4.5, **why},
            {"type": "set_deadline", "channel": "online", "days": 2, **why}]},
        {"id": "acts", "action": "amend", "changes": [
            {"type": "set_activity", "name": acts[0], "hours": 1.25, "people": 2,
             "out_of_pocket": 1000.5, "channels": ["direct"], **why},
            {"type": "remove_activity", "name": acts[-1], **why},
            {"type": "add_activity", "name": "Tra cứu trực tuyến", "hours": 0.3,
             "channels": ["online"], **why}]},
        {"id": "abolish", "action": "abolish", "reason": "không cần thiết"},
    ]  # fmt: skip
    if docs:
        changes = [{"type": "remove_document", "document": docs[0], **why}]
        if len(docs) > 1:
            changes.append({"type": "replace_document_with_lookup", "document": docs[1],
                            "database": "CSDL quốc gia về dân cư", **why})  # fmt: skip
        options.append({"id": "docs", "action": "amend", "changes": changes})
    if fees:
        changes = [{"type": "set_fee", "name": fees[0], "amount": 2.5, "currency": "USD", **why}]
        if len(fees) > 1:
            changes.append({"type": "remove_fee", "name": fees[1], **why})
        options.append({"id": "fees", "action": "amend", "changes": changes})
    return options


@pytest.fixture
def priced_world(engine, portal_jsonl, tmp_path):
    """Real records of a ministry, volumes on every other one, reviewers' sheets on every
    fifth (from their estimate, with the options above), saved through ``save_sheet``."""
    import_portal_files(engine, [_ministry(portal_jsonl, tmp_path)])
    add_users(engine, {"lan": "reviewer"})
    params = load_parameters()
    with engine.begin() as conn:
        ids = [pid for (pid,) in conn.execute(select(Procedure.id).order_by(Procedure.id))]
        conn.execute(
            Volume.__table__.insert(),
            [{"procedure_id": pid, "year": 2025, "received": 40 + pid * 13, "online": pid % 7}
             for pid in ids[::2]],
        )  # fmt: skip
    reviewed = ids[::5]
    with session_scope(engine) as session:
        for pid in reviewed:
            base = costing.procedure_sheet(session.connection(), pid, params=params)
            data = costing.to_json(
                {k: v for k, v in sheet_to_data(base).items() if k != "estimated"}
            )
            data["options"] = _options(data)
            costing.save_sheet(session=session, actor="lan", procedure_id=pid, content=data)
    return {"ids": ids, "reviewed": reviewed, "params": params}


def _same(product, reference) -> bool:
    if reference is None:
        return product is None or (isinstance(product, float) and math.isnan(product))
    return product == pytest.approx(float(reference), abs=1e-9)


def test_every_procedure_and_option_agrees_with_the_reference(engine, priced_world):
    agrees_with_the_reference(engine, priced_world)


def agrees_with_the_reference(engine, priced_world) -> None:
    """Every procedure and option priced by ``catalogue_variants`` is the reference
    evaluator's figure (``evaluate_sheet`` on its sheet, one at a time)."""
    params = priced_world["params"]
    _, _, evaluated, unpriceable = costing.catalogue_variants(engine, params=params)
    assert unpriceable == {}
    got = evaluated.set_index(["procedure_id", "option_id"])
    compared = 0
    with engine.connect() as conn:
        for pid in priced_world["ids"]:
            sheet = costing.procedure_sheet(conn, pid, params=params, with_options=True)
            result = evaluate_sheet(sheet)
            for outcome in (result.baseline, *result.options):
                row = got.loc[(pid, outcome.option_id)]
                where = f"#{pid} {outcome.option_id}"
                assert int(row["unit_cost"]) == outcome.unit_cost, where
                if outcome.annual_cost is None:  # unknown population: no yearly figures
                    assert not sheet.population_known, where
                    continue
                assert int(row["annual_cost"]) == outcome.annual_cost, where
                assert _same(row["deadline_days"], outcome.deadline_days), where
                assert int(row["documents"]) == outcome.documents, where
                assert int(row["activities"]) == outcome.activities, where
                if outcome.savings is not None:
                    assert int(row["savings"]) == outcome.savings, where
                    assert _same(row["cut_rate"], outcome.cut_rate), where
                compared += 1
    reviewed = len(priced_world["reviewed"])
    assert compared >= len(priced_world["ids"])  # unknown populations have no yearly figure
    # the options really change the figures (else the comparison would prove little)
    amended = evaluated[evaluated["option_id"] == "freq"]
    assert len(amended) == reviewed and (amended["savings"] != 0).any()


def test_catalogue_costs_take_the_stored_baselines(engine, priced_world):
    params = priced_world["params"]
    costs = costing.catalogue_costs(engine, params=params).set_index("procedure_id")
    assert sorted(costs.index) == priced_world["ids"]
    with engine.connect() as conn:
        for pid in priced_world["ids"][::3]:
            sheet = costing.procedure_sheet(conn, pid, params=params)
            expected = evaluate_sheet(sheet).baseline
            assert costs.loc[pid, "unit_cost"] == expected.unit_cost
            if sheet.population_known:
                assert costs.loc[pid, "annual_cost"] == expected.annual_cost
            else:  # no volume: the yearly cost is unknown, not 0
                assert costs.loc[pid, "annual_cost"] is costs["annual_cost"].dtype.na_value
            assert bool(costs.loc[pid, "estimated"]) == (pid not in priced_world["reviewed"])


def test_a_saved_sheet_writes_its_frames_in_the_same_transaction(engine, priced_world):
    pid = priced_world["reviewed"][0]
    with engine.connect() as conn:
        rows = conn.execute(
            select(CostFrame.variant_no, CostFrame.option_id)
            .where(CostFrame.procedure_id == pid)
            .order_by(CostFrame.variant_no)
        ).all()
        content = conn.execute(
            select(CostingSheet.content).where(CostingSheet.procedure_id == pid)
        ).scalar_one()
    assert [r.option_id for r in rows] == ["baseline", *(o["id"] for o in content["options"])]
    assert [r.variant_no for r in rows] == list(range(len(rows)))


def test_only_procedures_whose_inputs_changed_are_made_again(engine, priced_world):
    params = priced_world["params"]
    costing.catalogue_costs(engine, params=params)
    table = CostFrame.__table__

    def keys():
        with engine.connect() as conn:
            return dict(
                conn.execute(
                    select(table.c.procedure_id, table.c.input_key).where(table.c.variant_no == 0)
                ).all()
            )

    before = keys()
    assert sorted(before) == priced_world["ids"]
    assert costing.refresh_cost_frames(engine, params=params) == 0  # nothing changed
    pid = priced_world["ids"][1]  # no volume so far (odd position)
    with engine.begin() as conn:
        conn.execute(Volume.__table__.insert(), [{"procedure_id": pid, "year": 2026,
                                                   "received": 777, "online": 0}])  # fmt: skip
    costs = costing.catalogue_costs(engine, params=params).set_index("procedure_id")
    after = keys()
    assert after[pid] != before[pid]
    assert {p: k for p, k in after.items() if p != pid} == {
        p: k for p, k in before.items() if p != pid
    }
    with engine.connect() as conn:
        sheet = costing.procedure_sheet(conn, pid, params=params)
    assert sheet.population.value == 777
    assert costs.loc[pid, "annual_cost"] == evaluate_sheet(sheet).baseline.annual_cost


def test_a_stored_row_with_a_stale_key_is_never_served(engine, priced_world):
    params = priced_world["params"]
    pid = priced_world["ids"][0]
    table = CostFrame.__table__
    with engine.begin() as conn:  # a row made from other inputs, with wrong figures
        conn.execute(
            update(table)
            .where(table.c.procedure_id == pid)
            .values(input_key=12345, population=10**9)
        )
    costs = costing.catalogue_costs(engine, params=params).set_index("procedure_id")
    with engine.connect() as conn:
        sheet = costing.procedure_sheet(conn, pid, params=params)
    assert costs.loc[pid, "annual_cost"] == evaluate_sheet(sheet).baseline.annual_cost


def test_a_sheet_that_no_longer_validates_is_named_and_the_rest_priced(engine, priced_world):
    params = priced_world["params"]
    pid = priced_world["reviewed"][1]
    with engine.begin() as conn:  # stored before a rule tightened: a share above 1
        content = conn.execute(
            select(CostingSheet.content).where(CostingSheet.procedure_id == pid)
        ).scalar_one()
        content = {**content, "channels": {"direct": 2}}
        conn.execute(
            update(CostingSheet.__table__)
            .where(CostingSheet.procedure_id == pid)
            .values(content=content, version=CostingSheet.version + 1)
        )
    costs = costing.catalogue_costs(engine, params=params)
    (named,) = costing.unpriceable_procedures(costs)
    assert named["procedure_id"] == pid and "channels" in named["reason"]
    assert len(costs) == len(priced_world["ids"]) - 1
    with engine.connect() as conn:
        problem = conn.execute(
            select(CostFrame.problem).where(CostFrame.procedure_id == pid)
        ).scalar_one()
    assert "channels" in problem


def test_an_import_from_the_command_line_makes_the_estimates(tmp_path, portal_jsonl, monkeypatch):
    monkeypatch.setenv("TTHC_DEMO", "0")
    db = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    path = _ministry(portal_jsonl, tmp_path)
    done = CliRunner().invoke(build_app(), ["import-portal", str(path), "--db", db])
    assert done.exit_code == 0, done.output
    from catalogue.registry.db import make_engine

    engine = make_engine(db)
    with engine.connect() as conn:
        procedures = conn.execute(select(Procedure.id)).all()
        baselines = conn.execute(select(CostFrame.procedure_id).where(CostFrame.variant_no == 0))
        assert len(baselines.all()) == len(procedures) == len(range(0, 271, STEP))
    # pricing then makes nothing again
    assert costing.refresh_cost_frames(engine) == 0
    engine.dispose()
