"""The columnar copy of the cost frames and the narrow pricing index (issue 17).

A cold start prices the catalogue from ``cost_columns`` (one value per column) where each
procedure's input key still matches, and from ``cost_frame`` or a fresh estimate for the
others. The expected figures come from the reference evaluator (``evaluate_sheet``) and
the counts from the stored rows read plainly, never from the code under test.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import delete, func, select

from analysis import evaluate_sheet
from catalogue.costing import burden as costing
from catalogue.costing.columns import read_columns, write_columns
from catalogue.registry.cost_models import CostColumns
from catalogue.registry.models import CostFrame, Procedure
from catalogue.sources.service import catalogue_figures
from tests.test_cost_frames import priced_world  # noqa: F401  (the shared fixture)


def _reference(engine, pid, params):
    with engine.connect() as conn:
        sheet = costing.procedure_sheet(conn, pid, params=params, with_options=True)
    result = evaluate_sheet(sheet)
    return {o.option_id: o.unit_cost for o in (result.baseline, *result.options)}


def _product(engine, pid, params):
    _, _, evaluated, _ = costing.catalogue_variants(engine, params=params)
    mine = evaluated[evaluated["procedure_id"] == pid]
    return {o: int(u) for o, u in zip(mine["option_id"], mine["unit_cost"], strict=True)}


def _levels(rows):
    return dict(zip(rows["procedure_id"].tolist(), rows["level"].tolist(), strict=True))


def test_the_copy_is_served_while_its_keys_match(engine, priced_world):  # noqa: F811
    params = priced_world["params"]
    pid = priced_world["reviewed"][0]  # a reviewer's sheet with options
    costing.catalogue_costs(engine, params=params)  # writes the copy
    with engine.begin() as conn:
        assert conn.execute(select(func.count()).select_from(CostColumns)).scalar() > 0
        conn.execute(delete(CostFrame.__table__).where(CostFrame.procedure_id == pid))
    want = _reference(engine, pid, params)
    assert len(want) > 2 and _product(engine, pid, params) == want
    with engine.connect() as conn:  # served from the copy: nothing was made again
        left = conn.execute(select(func.count()).where(CostFrame.procedure_id == pid)).scalar()
    assert left == 0


def test_a_copy_row_whose_key_is_stale_is_never_served(engine, priced_world):  # noqa: F811
    params = priced_world["params"]
    pid = priced_world["reviewed"][1]
    costing.catalogue_costs(engine, params=params)
    with engine.begin() as conn:  # the copy's rows of pid made from other inputs, wrong
        rows = read_columns(conn)
        mine = rows.frame["procedure_id"] == pid
        assert mine.any()
        rows.frame.loc[mine, "input_key"] = 12345
        rows.frame.loc[mine, "population"] = 10**9
        write_columns(conn, rows, _levels(rows.frame))
    assert _product(engine, pid, params) == _reference(engine, pid, params)
    with engine.begin() as conn:  # and with the stored frames stale too, made again
        conn.execute(delete(CostFrame.__table__).where(CostFrame.procedure_id == pid))
        rows = read_columns(conn)
        rows.frame.loc[rows.frame["procedure_id"] == pid, "input_key"] = 12345
        write_columns(conn, rows, _levels(rows.frame))
    assert _product(engine, pid, params) == _reference(engine, pid, params)


def test_pricing_reads_the_narrow_index_on_sqlite(sqlite_engine):
    with sqlite_engine.connect() as conn:
        plan = conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT id, code, name, field, status, agency_id, content_hash,"
            " revision FROM procedure"
        ).all()
    assert "COVERING INDEX ix_procedure_pricing" in " ".join(str(row) for row in plan)


def test_the_narrow_index_has_the_pricing_columns(engine):
    """On both engines the index holds exactly the columns pricing reads, in order."""
    from sqlalchemy import inspect

    (index,) = [i for i in inspect(engine).get_indexes("procedure")
                if i["name"] == "ix_procedure_pricing"]  # fmt: skip
    assert index["column_names"] == [
        "code", "id", "name", "field", "status", "agency_id", "content_hash", "revision",
    ]  # fmt: skip


def test_headline_counts_and_levels_agree_with_the_records(engine, priced_world):  # noqa: F811
    params = priced_world["params"]
    table = Procedure.__table__
    with engine.connect() as conn:
        rows = conn.execute(
            select(table.c.id, table.c.field, table.c.agency_id, table.c.status, table.c.levels)
        ).all()
    figures = catalogue_figures(engine)
    assert figures["procedures"] == len(rows) == len(priced_world["ids"])
    assert figures["fields"] == len({r.field for r in rows if r.field is not None})
    assert figures["agencies"] == len({r.agency_id for r in rows if r.agency_id is not None})
    assert figures["by_status"] == dict(Counter(r.status for r in rows))
    costs = costing.catalogue_costs(engine, params=params).set_index("procedure_id")
    for r in rows:
        assert costs.loc[r.id, "level"] == (r.levels[0] if r.levels else None)
