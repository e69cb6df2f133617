"""Helpers of the hostile-input tests: a full dump of the database to compare."""

from __future__ import annotations

from sqlalchemy import MetaData, select
from sqlalchemy.engine import Engine

_TABLES: dict[int, MetaData] = {}


def dump(engine: Engine) -> dict[str, list[str]]:
    """Every row of every table (reflected once per engine, so every table counts), sorted."""
    meta = _TABLES.get(id(engine))
    if meta is None:
        meta = _TABLES[id(engine)] = MetaData()
        meta.reflect(engine)
    out: dict[str, list[str]] = {}
    with engine.connect() as conn:
        for table in meta.sorted_tables:
            out[table.name] = sorted(repr(tuple(row)) for row in conn.execute(select(table)))
    return out
