"""Every stored number is range-checked at the door and contained at evaluation.

The sixteen inputs of issue 18 passed validation, were stored, then made ``tthc burden``,
``tthc priorities``, ``tthc savings`` and the dashboard crash for every user with
"OverflowError: Python int too large to convert to C long", naming no procedure; a
statistics count ≥ 2⁶³ was stored as −9.223.372.036.854.775.808. The expected bounds
below are the README's reliability section, written out here, not read from the code.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from analysis import SheetError
from catalogue.costing import burden as costing
from catalogue.onestop.priorities import review_priorities
from catalogue.onestop.stats import import_stats
from catalogue.registry.db import session_scope
from catalogue.registry.errors import ImportFailed
from catalogue.registry.models import CostingSheet, DossierStat, Procedure
from catalogue.registry.store import import_records
from catalogue.sources.service import import_files
from tests.factories import add_users, make_record
from tests.test_costing import SHEET
from tests.test_stats_import import HEADER, write
from tests.workflow_support import seed

TWO_63 = 2**63


def _fee(amount, currency="VND"):
    rec = make_record()
    rec["channels"][0]["fees"][0].update(amount=amount, currency=currency)
    return rec


def _deadline(value):
    rec = make_record()
    rec["channels"][0]["deadline"]["value"] = value
    return rec


def _volume(count):
    rec = make_record()
    rec["volumes"][0]["received"] = count
    return rec


RECORD_INPUTS = {
    "fee 100,125 đ (not whole đồng)": (_fee(100.125), "channels[0].fees[0].amount"),
    "fee 1e17 đ": (_fee(10**17), "channels[0].fees[0].amount"),
    "fee 1e20 USD": (_fee(10**20, "USD"), "channels[0].fees[0].amount"),
    "fee 1e20 as float": (_fee(1e20), "channels[0].fees[0].amount"),
    "fee NaN": (_fee(float("nan")), "channels[0].fees[0].amount"),
    "400-digit deadline": (_deadline(int("9" * 400)), "channels[0].deadline.value"),
    "deadline NaN": (_deadline(float("nan")), "channels[0].deadline.value"),
    "deadline infinity": (_deadline(float("inf")), "channels[0].deadline.value"),
    "volume 9e18": (_volume(9 * 10**18), "volumes[0].received"),
    "volume 2^63": (_volume(TWO_63), "volumes[0].received"),
}


@pytest.mark.parametrize("case", list(RECORD_INPUTS))
def test_a_record_out_of_range_is_refused_naming_file_line_and_field(engine, tmp_path, case):
    rec, field = RECORD_INPUTS[case]
    path = tmp_path / "bad.json"
    text = json.dumps({"format": "tthc-catalogue/1", "procedures": [rec]}, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ImportFailed) as failed:
        import_files(engine, [path])
    (problem,) = failed.value.problems
    assert (problem.file, problem.line, problem.field) == (str(path), 1, field)
    with session_scope(engine) as s:
        assert s.scalars(select(Procedure)).all() == []


def test_a_usd_fee_in_cents_and_a_large_real_fee_are_accepted(engine, tmp_path):
    path = tmp_path / "ok.json"
    recs = [_fee(12.75, "USD"), make_record("1.000002", "Khác")]
    recs[1]["channels"][0]["fees"][0]["amount"] = 5_000_000_000  # 5 tỷ đồng, a real order
    path.write_text(json.dumps({"procedures": recs}, ensure_ascii=False), encoding="utf-8")
    assert import_files(engine, [path]).created == 2


SHEET_INPUTS = {
    "population 1e20": ({"population": 10**20}, "population"),
    "population NaN": ({"population": float("nan")}, "population"),
    "frequency 1e5": ({"frequency": 10**5}, "frequency"),
    "fee 1e17 đ": ({"fees": [{"name": "Lệ phí", "amount": 10**17}]}, "fees[0].amount"),
    "fee 100,125 đ": ({"fees": [{"name": "Lệ phí", "amount": 100.125}]}, "fees[0].amount"),
    "hours 1e6": (
        {"activities": [{"name": "Chuẩn bị", "hours": 10**6, "people": 1}]},
        "activities[0].hours",
    ),
}


@pytest.mark.parametrize("case", list(SHEET_INPUTS))
def test_a_sheet_out_of_range_is_refused_at_save(engine, case):
    change, field = SHEET_INPUTS[case]
    world = seed(engine)
    with pytest.raises(SheetError) as failed, session_scope(engine) as s:
        costing.save_sheet(
            session=s, actor=world["users"]["reviewer"], procedure_id=world["procedures"][0],
            content={**SHEET, **change},
        )  # fmt: skip
    assert field in str(failed.value)
    with session_scope(engine) as s:
        assert s.scalars(select(CostingSheet)).all() == []


@pytest.mark.parametrize("count", [9 * 10**18, TWO_63, 10**13])
def test_a_statistics_count_out_of_range_is_refused_with_row_and_column(engine, tmp_path, count):
    import_records(engine, [make_record("1.000001", "Cấp bản sao")], source="t")
    add_users(engine, {"admin": "admin"})
    row = ["1.000001", "", "", "", "2025", count, 0, 0, 0, 0, 0]
    path = write(tmp_path / "stats.csv", [row])
    with pytest.raises(ImportFailed) as failed:
        import_stats(engine, path, actor="admin", today=date(2026, 6, 1))
    assert any(p.line == 2 and p.field == "tiep_nhan" for p in failed.value.problems)
    with session_scope(engine) as s:
        assert s.scalars(select(DossierStat)).all() == []
    assert HEADER[5] == "tiep_nhan"


BAD_SHEETS = {
    # past the door's bounds (a sheet stored before the bounds existed, or by SQL)
    "population 1e20": {**SHEET, "population": 10**20},
    # every figure within its bound, the product beyond 9,2 × 10¹⁸ đồng a year
    "product overflows": {
        **SHEET, "population": 10**10, "frequency": 10**4,
        "fees": [{"name": "Lệ phí", "amount": 10**13}],
    },
}  # fmt: skip


def _break_one_procedure(engine, world, content) -> int:
    """Store a sheet the evaluator cannot price on one procedure, bypassing the service."""
    bad = world["procedures"][1]
    with engine.begin() as conn:
        conn.execute(
            CostingSheet.__table__.insert().values(
                procedure_id=bad, content=content, estimated=False, version=1,
                updated_at=datetime.now(UTC),
            )
        )  # fmt: skip
    return bad


@pytest.mark.parametrize("case", list(BAD_SHEETS))
def test_a_bad_stored_value_makes_one_procedure_unpriceable_not_the_catalogue(engine, case):
    world = seed(engine)
    before = costing.catalogue_costs(engine)
    assert len(before) == 6 and costing.unpriceable_procedures(before) == []
    bad = _break_one_procedure(engine, world, BAD_SHEETS[case])
    costs = costing.catalogue_costs(engine)
    (row,) = costing.unpriceable_procedures(costs)
    assert row["procedure_id"] == bad and row["code"] == "1.000002" and row["reason"]
    assert sorted(costs["procedure_id"]) == sorted(p for p in world["procedures"] if p != bad)
    kept = before[before["procedure_id"] != bad].set_index("procedure_id")["annual_cost"]
    assert costs.set_index("procedure_id")["annual_cost"].to_dict() == kept.to_dict()
    ranked = review_priorities(engine)  # the priorities still rank every other procedure
    assert bad not in set(ranked["procedure_id"]) and len(ranked) >= 1
    from catalogue.costing.reports import savings_overview

    with session_scope(engine) as s:
        report = savings_overview(session=s, actor=world["users"]["analyst"], costs=costs)
    assert "programmes" in report


def test_tthc_burden_names_the_unpriceable_procedure_and_prices_the_rest(tmp_path):
    from typer.testing import CliRunner

    from catalogue.cli import build_app
    from catalogue.registry.db import make_engine, upgrade

    app = build_app()
    url = f"sqlite:///{tmp_path / 'c.sqlite'}"
    engine = make_engine(url)
    upgrade(engine)
    world = seed(engine)
    _break_one_procedure(engine, world, BAD_SHEETS["population 1e20"])
    result = CliRunner().invoke(app, ["burden", "--db", url])
    assert result.exit_code == 0, result.output
    assert "unpriceable (1)" in result.output and "1.000002" in result.output
    data = json.loads(CliRunner().invoke(app, ["burden", "--json", "--db", url]).stdout)
    # the seed has five procedures in force; the broken one is listed, not priced
    assert data["procedures"] == 4 and [u["code"] for u in data["unpriceable"]] == ["1.000002"]
