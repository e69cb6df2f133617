"""Helpers of the hostile-input tests: a full dump of the database to compare."""

from __future__ import annotations

from sqlalchemy import MetaData, select
from sqlalchemy.engine import Engine


def dump(engine: Engine) -> dict[str, list[str]]:
    """Every row of every table (reflected, so new tables count too), sorted, as text."""
    meta = MetaData()
    meta.reflect(engine)
    out: dict[str, list[str]] = {}
    with engine.connect() as conn:
        for table in meta.sorted_tables:
            out[table.name] = sorted(repr(tuple(row)) for row in conn.execute(select(table)))
    return out
