"""Whole-table reads as Arrow columns on an SQLite file (``catalogue.registry.bulk_reads``).

Pricing the catalogue on an SQLite file reads its whole tables through the ADBC driver.
The figures must be the ones the reference evaluator gives (``evaluate_sheet``, one sheet
at a time, exact), the reader must really be used (else the comparison proves nothing),
and a column whose first thousand values are empty, or a driver that fails, must change
nothing but the speed.
"""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import column, select, table

from catalogue.costing import burden as costing
from catalogue.costing.frames import frame_of
from catalogue.registry import bulk_reads
from tests.test_cost_frames import agrees_with_the_reference, priced_world  # noqa: F401


@pytest.fixture
def engine(sqlite_file_engine):
    """An SQLite file (the reader needs one), migrated; ``priced_world`` fills it."""
    return sqlite_file_engine


@pytest.fixture
def reads(monkeypatch):
    """Counts the whole-table reads the Arrow reader answered."""
    answered = []
    frame = bulk_reads.ArrowReader.frame

    def counted(self, sql, columns):
        out = frame(self, sql, columns)
        if out is not None:
            answered.append(sql)
        return out

    monkeypatch.setattr(bulk_reads.ArrowReader, "frame", counted)
    return answered


def test_the_catalogue_priced_from_arrow_reads_agrees_with_the_reference(
    engine,
    priced_world,  # noqa: F811
    reads,
):
    agrees_with_the_reference(engine, priced_world)
    assert any("FROM procedure" in sql for sql in reads)  # the procedures came as Arrow


def test_costs_are_the_same_with_and_without_the_reader(engine, priced_world, monkeypatch):  # noqa: F811
    params = priced_world["params"]
    with_arrow = costing.catalogue_costs(engine, params=params)
    monkeypatch.setattr(bulk_reads.ArrowReader, "frame", lambda self, sql, columns: None)
    plain = costing.catalogue_costs(engine, params=params)
    pd.testing.assert_frame_equal(with_arrow, plain)
    assert len(plain) == len(priced_world["ids"])


def test_a_column_empty_for_its_first_thousands_rows_is_read_whole(engine, reads):
    """The driver infers a column's type from its first batch (1.024 rows by default): a
    column empty for 3.000 rows and then text must still come out as text."""
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE scratch (id INTEGER PRIMARY KEY, field TEXT)")
        conn.exec_driver_sql(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)"
            " INSERT INTO scratch (id, field) SELECT i, NULL FROM n"
        )
        conn.exec_driver_sql("INSERT INTO scratch (id, field) VALUES (3001, 'Hộ tịch')")
    query = select(column("id"), column("field")).select_from(table("scratch"))
    with engine.connect() as conn:
        plain = frame_of(conn, query, ["id", "field"])
    with bulk_reads.bulk_reads(engine) as conn:
        arrow = frame_of(conn, query, ["id", "field"])
    assert reads  # answered by the reader, not the fallback
    pd.testing.assert_frame_equal(arrow, plain)
    assert len(arrow) == 3001 and arrow["field"].iloc[-1] == "Hộ tịch"
    assert arrow["field"].iloc[:3000].isna().all()


def test_a_failing_driver_falls_back_to_the_usual_reads(engine, priced_world, monkeypatch):  # noqa: F811
    params = priced_world["params"]
    plain = costing.catalogue_costs(engine, params=params)

    def broken(*_args, **_kwargs):
        raise OSError("driver unavailable")

    import adbc_driver_sqlite.dbapi

    monkeypatch.setattr(adbc_driver_sqlite.dbapi, "connect", broken)
    pd.testing.assert_frame_equal(costing.catalogue_costs(engine, params=params), plain)


def test_no_reader_for_a_database_in_memory(sqlite_engine):
    with bulk_reads.bulk_reads(sqlite_engine) as conn:
        assert bulk_reads.arrow_reader(conn) is None


def test_the_programme_scope_read_in_bulk_is_the_one_read_plainly(
    engine,
    priced_world,  # noqa: F811
    reads,
    monkeypatch,
):
    from catalogue.cycle.scope import business_related_map, derived_business_related
    from catalogue.registry.db import session_scope
    from catalogue.registry.models import Procedure

    with session_scope(engine) as session:
        bulk = business_related_map(session)
        subjects = {p.id: p.subjects for p in session.scalars(select(Procedure))}
    assert any("subjects" in sql for sql in reads)  # read by the Arrow reader
    assert bulk == {pid: derived_business_related(s) for pid, s in subjects.items()}
    assert set(bulk.values()) == {True, False}  # the real records have both kinds
    monkeypatch.setattr(bulk_reads.ArrowReader, "frame", lambda self, sql, columns: None)
    with session_scope(engine) as session:
        assert business_related_map(session) == bulk


def test_a_session_that_wrote_reads_its_own_writes(engine, priced_world, reads):  # noqa: F811
    from catalogue.cycle.scope import business_related_map
    from catalogue.registry.db import session_scope
    from catalogue.registry.models import Procedure

    pid = priced_world["ids"][0]
    with session_scope(engine) as session:
        before = business_related_map(session)[pid]
        procedure = session.get(Procedure, pid)
        procedure.subjects = ["Doanh nghiệp"] if not before else ["Công dân Việt Nam"]
        session.add(procedure)
        reads.clear()
        after = business_related_map(session)  # not committed yet: the reader must not serve
        assert after[pid] is (not before)
        assert not any("subjects" in sql for sql in reads)
        session.rollback()
