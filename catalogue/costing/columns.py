"""A columnar copy of every stored cost frame, so that a cold start reads few values.

``cost_frame`` holds one row per procedure and variant (25 values each): the right shape
for a sheet saved or an estimate made, but reading 121.000 of them at a cold start makes
three million Python objects (1,4–1,9 s of CPU). ``cost_columns`` holds the same rows as
columns, one database row per column: integers as packed little-endian int64 arrays
(nullable ones with a mask), texts as a JSON list, the packed activities and fees
concatenated with each row's length. It is read with one query and turned into
:class:`catalogue.costing.cost_rows.CostRows` with numpy: the activities and fees stay
the arrays they were stored as (no object per row).

It is a copy, never the only source: every row carries the input key it was made from,
and :func:`catalogue.costing.burden._current_rows` serves a procedure's rows from here only
while that key matches what the procedure's inputs give now; the others come from
``cost_frame`` or are made again. It is rewritten whole (one transaction) when the
catalogue is priced or refreshed and more than :data:`STALE_SHARE` of it no longer matches.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import numpy as np
import pandas as pd
from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Connection

from catalogue.costing.cost_rows import PACKED, CostRows
from catalogue.costing.frames import _DEADLINES, _SHARES, ROW_COLUMNS, _plain, fetch_rows
from catalogue.registry.cost_models import CostColumns

TABLE = CostColumns.__table__
FORMAT = b"cost-columns/2"  # a new layout is not read as this one
STALE_SHARE = 0.01  # rewritten once more than 1 % of the procedures are served elsewhere
_INTEGERS = ("procedure_id", "variant_no", "input_key", "hourly_rate_e2", "population",
             "frequency_e6", *_SHARES, "documents", "estimated", "population_known",
             "implementation_cost")  # fmt: skip
_TEXTS = ("option_id", "action", "problem")


def _int64(values: np.ndarray) -> bytes:
    return np.ascontiguousarray(values, dtype="<i8").tobytes()


def write_columns(conn: Connection, rows: CostRows, levels: Mapping[int, str | None]) -> None:
    """Replace the columnar copy by ``rows`` (every procedure's current rows) with each
    procedure's first level from ``levels`` (by id; derived from the record, whose content
    the input key covers), in ``conn``'s transaction."""
    rows = rows.sorted()
    frame = rows.frame
    items = [("format", FORMAT)]
    level = [levels.get(int(p)) for p in frame["procedure_id"].tolist()]
    items.append(("level", json.dumps(level, ensure_ascii=False).encode("utf-8")))
    for column in _INTEGERS:
        items.append((column, _int64(np.asarray(frame[column].to_numpy(), dtype=np.int64))))
    for column in _DEADLINES:
        values = pd.to_numeric(frame[column].astype(object).map(_plain), errors="raise")
        items.append((column, _int64(values.fillna(0).to_numpy(np.int64))))
        items.append((f"{column}.null", values.isna().to_numpy(np.uint8).tobytes()))
    for column in _TEXTS:
        texts = [_plain(v) for v in frame[column]]
        items.append((column, json.dumps(texts, ensure_ascii=False).encode("utf-8")))
    for column in PACKED:
        data, sizes = rows.packed(column)
        items.append((column, data))
        items.append((f"{column}.bytes", _int64(sizes)))
    conn.execute(delete(TABLE))
    conn.execute(insert(TABLE), [{"name": name, "data": data} for name, data in items])


def read_columns(conn: Connection) -> CostRows | None:
    """The columnar copy as rows (:data:`ROW_COLUMNS` and ``level``, ordered by procedure
    and variant; the activities and fees in pools, :class:`.cost_rows.CostRows`), or None
    when there is none (or one of another layout)."""
    stored = fetch_rows(conn, select(TABLE.c.name, TABLE.c.data))  # a few large values
    blobs = {name: bytes(data) for name, data in stored}
    if blobs.get("format") != FORMAT:
        return None
    out = {c: np.frombuffer(blobs[c], dtype="<i8").astype(np.int64) for c in _INTEGERS}
    for column in _DEADLINES:
        values = np.frombuffer(blobs[column], dtype="<i8").astype(np.int64)
        mask = np.frombuffer(blobs[f"{column}.null"], dtype=np.uint8).astype(bool)
        out[column] = pd.arrays.IntegerArray(values, mask)
    for column in _TEXTS:
        out[column] = pd.Series(json.loads(blobs[column].decode("utf-8")), dtype=object)
    out["level"] = pd.Series(json.loads(blobs["level"].decode("utf-8")), dtype=object)
    pools, counts = {}, {}
    for column, fields in PACKED.items():
        pools[column] = np.frombuffer(blobs[column], dtype="<i8").reshape(-1, len(fields))
        width = 8 * len(fields)
        counts[column] = np.frombuffer(blobs[f"{column}.bytes"], dtype="<i8").astype(np.int64)
        counts[column] //= width
    columns = [c for c in ROW_COLUMNS if c not in PACKED]
    return CostRows.from_pools(pd.DataFrame(out)[[*columns, "level"]], pools, counts)
