"""Stored cost frames: the vectorised evaluator's inputs, one row per procedure and variant.

When a reviewer's sheet is saved or a procedure's estimate is made, its baseline and the
options of its sheet are turned into the fixed-point rows :func:`analysis.evaluate_frames`
reads (:func:`analysis.sheets_to_frames`, plain Python, once per change) and stored in
``cost_frame``: one row per variant with its scalar columns, and its activities and fees
as packed little-endian int64 arrays (``hours_e3, people, out_of_pocket_e2,
channel_mask`` per activity; ``amount_e2, channel_mask`` per fee). Pricing the catalogue
then reads every row with one query (its columnar copy, :mod:`.columns`, at a cold start),
holds the arrays once (:class:`.cost_rows.CostRows`) and gathers the evaluator's frames
with numpy: nothing is done per procedure in Python.

Each row carries the key of everything it was derived from (:func:`input_keys`: the
record's content and revision, the reviewer's sheet version, the latest yearly volume and
the parameter values in effect), so a row whose inputs changed is never served: it is made
again. A procedure whose sheet cannot be built or turned into frames is stored as one row
with its ``problem`` (it is *unpriceable*, named with the reason).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Text, cast, delete, insert, select
from sqlalchemy.engine import Connection

from analysis import Frames, Sheet, sheets_to_frames
from analysis.vocab import CHANNEL_CODES
from catalogue.costing.containment import UNPRICEABLE_ERRORS
from catalogue.costing.cost_rows import ACTIVITY_FIELDS, FEE_FIELDS, CostRows
from catalogue.registry.models import CostFrame, CostingSheet, Procedure, Volume

__all__ = [
    "ROW_COLUMNS",
    "fetch_rows",
    "first_levels",
    "frame_of",
    "frames_from_rows",
    "input_keys",
    "read_rows",
    "rows_from_sheets",
    "write_rows",
]

log = logging.getLogger(__name__)

TABLE = CostFrame.__table__
_SHARES = tuple(f"share_{c}_e4" for c in CHANNEL_CODES)
_DEADLINES = tuple(f"deadline_{c}_e2" for c in CHANNEL_CODES)
SCALARS = (
    "option_id",
    "action",
    "hourly_rate_e2",
    "population",
    "frequency_e6",
    *_SHARES,
    *_DEADLINES,
    "documents",
    "estimated",
    "population_known",
    "implementation_cost",
)
ROW_COLUMNS = (
    "procedure_id",
    "variant_no",
    "input_key",
    *SCALARS,
    "activities",
    "fees",
    "problem",
)
_KEY_COLUMNS = ("content_hash", "revision", "sheet_version", "year", "received", "online")
CHUNK = 2000


def fetch_rows(conn: Connection, query: Any) -> list[tuple]:
    """A query's rows as plain tuples.

    A query without parameters (the whole catalogue) is run on the driver's own cursor, in
    ``conn``'s transaction: no per-value processing, several times faster at national
    scale than SQLAlchemy rows. Values come as the driver gives them (SQLite booleans as
    0/1, JSON as text when cast to text, which the callers convert).
    """
    compiled = query.compile(dialect=conn.dialect)
    if compiled.params:
        return [tuple(row) for row in conn.execute(query)]
    cursor = conn.connection.driver_connection.cursor()
    try:
        cursor.execute(str(compiled))
        return cursor.fetchall()
    finally:
        cursor.close()


def frame_of(conn: Connection, query: Any, columns: list[str]) -> pd.DataFrame:
    """A query's rows (:func:`fetch_rows`) as a frame (pandas' conversion of SQLAlchemy
    rows would be slower still)."""
    arrow = _arrow_frame(conn, query, columns)
    if arrow is not None:
        return arrow
    data = fetch_rows(conn, query)
    if not data:
        return pd.DataFrame(columns=columns)
    return pd.DataFrame.from_records(data, columns=columns)  # twice as quick as by column


def _arrow_frame(conn: Connection, query: Any, columns: list[str]) -> pd.DataFrame | None:
    """A whole-table query read as Arrow columns, on a connection from
    :func:`catalogue.registry.bulk_reads.bulk_reads` (else None)."""
    from catalogue.registry.bulk_reads import arrow_reader

    reader = arrow_reader(conn)
    if reader is None:
        return None
    compiled = query.compile(dialect=conn.dialect)
    frame = None if compiled.params else reader.frame(str(compiled), columns)
    if frame is not None and not len(frame):  # no rows: no types to infer, as read plainly
        return pd.DataFrame(columns=columns)
    return frame


def input_keys(conn: Connection, procs: pd.DataFrame, signature: str) -> pd.Series:
    """Per procedure (index), an int64 key of everything its cost frames depend on.

    ``procs`` has ``procedure_id``, ``content_hash`` and ``revision``. The key hashes, row
    by row, those with the reviewer's sheet version, the latest yearly volume with dossiers
    received (year, received, online) and ``signature`` (the parameter values in effect),
    all with pandas' vectorised hash; numbers are hashed as floats so that a column with
    or without gaps gives the same key.
    """
    sheet, volume = CostingSheet.__table__.c, Volume.__table__.c  # Core: quicker to compile
    sheet_query = select(sheet.procedure_id, sheet.version)
    volume_query = select(volume.procedure_id, volume.year, volume.received, volume.online).where(
        volume.received.is_not(None)
    )
    if len(procs) <= CHUNK:  # a few procedures (a sheet saved): read only theirs
        ids = [int(p) for p in procs["procedure_id"]]
        sheet_query = sheet_query.where(sheet.procedure_id.in_(ids))
        volume_query = volume_query.where(volume.procedure_id.in_(ids))
    sheets = _numbers(conn, sheet_query, ["procedure_id", "sheet_version"])
    volumes = _numbers(conn, volume_query, ["procedure_id", "year", "received", "online"])
    latest = volumes.sort_values(["procedure_id", "year"]).drop_duplicates(
        "procedure_id", keep="last"
    )
    frame = procs[["procedure_id", "content_hash", "revision"]].merge(
        sheets, on="procedure_id", how="left"
    )
    frame = frame.merge(latest, on="procedure_id", how="left")
    parts = frame[list(_KEY_COLUMNS)].copy()
    for column in _KEY_COLUMNS[1:]:
        parts[column] = pd.to_numeric(parts[column], errors="coerce").astype("float64")
    parts["content_hash"] = parts["content_hash"].fillna("").astype(str)
    parts["signature"] = signature
    hashed = pd.util.hash_pandas_object(parts, index=False).to_numpy(np.uint64)
    return pd.Series(hashed.view(np.int64), index=frame["procedure_id"].to_numpy())


def _numbers(conn: Connection, query: Any, columns: list[str]) -> pd.DataFrame:
    """A query of numbers as float64 columns (NULL as NaN; ``procedure_id`` as int64), in
    one numpy conversion rather than pandas' per-value inference."""
    arrow = _arrow_frame(conn, query, columns)
    if arrow is not None:
        frame = arrow.astype(np.float64) if len(arrow) else pd.DataFrame(columns=columns)
    else:
        values = np.array(fetch_rows(conn, query), dtype=np.float64).reshape(-1, len(columns))
        frame = pd.DataFrame(values, columns=columns)
    frame["procedure_id"] = frame["procedure_id"].astype(np.int64)
    return frame


def first_levels(conn: Connection, ids: list[int] | None) -> dict[int, str | None]:
    """The first level of every procedure (or of ``ids``, read in chunks), by id; the JSON
    decoded once per distinct list."""
    table = Procedure.__table__
    query = select(table.c.id, cast(table.c.levels, Text))
    parts = [None] if ids is None else [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]
    out: dict[int, str | None] = {}
    firsts: dict[Any, str | None] = {}
    for part in parts:
        chunk = query if part is None else query.where(table.c.id.in_(part))
        found = frame_of(conn, chunk, ["procedure_id", "levels"])
        for pid, text in zip(found["procedure_id"].tolist(), found["levels"].tolist(), strict=True):
            if text not in firsts:
                firsts[text] = _first_level(text)
            out[int(pid)] = firsts[text]
    return out


def _first_level(text: Any) -> str | None:
    levels = json.loads(text) if isinstance(text, str) else text
    return str(levels[0]) if isinstance(levels, list) and levels else None


def _packed(frame: pd.DataFrame, fields: tuple[str, ...], n: int) -> list[bytes]:
    """Per variant 0..n-1, its rows of ``frame`` (ordered by variant) as int64 bytes."""
    values = np.ascontiguousarray(frame[list(fields)].to_numpy(np.int64).astype("<i8"))
    bounds = np.searchsorted(frame["variant_id"].to_numpy(np.int64), np.arange(n + 1))
    return [values[bounds[i] : bounds[i + 1]].tobytes() for i in range(n)]


def _frames_contained(sheets: dict[int, Sheet], problems: dict[int, str]) -> list[Frames]:
    """Frames of ``sheets``; a sheet that cannot be turned into frames is named, not fatal."""
    if not sheets:
        return []
    try:
        return [sheets_to_frames(sheets)]
    except UNPRICEABLE_ERRORS as exc:
        if len(sheets) == 1:
            problems[next(iter(sheets))] = f"{type(exc).__name__}: {exc}"
            return []
        items = list(sheets.items())
        half = len(items) // 2
        return _frames_contained(dict(items[:half]), problems) + _frames_contained(
            dict(items[half:]), problems
        )


def rows_from_sheets(
    sheets: Mapping[int, Sheet], keys: Mapping[int, int], problems: Mapping[int, str]
) -> pd.DataFrame:
    """Cost-frame rows (:data:`ROW_COLUMNS`) of ``sheets`` (with their options) and of the
    procedures in ``problems`` (one row each, with the reason), keyed by ``keys``."""
    problems = dict(problems)
    parts = []
    for frames in _frames_contained(dict(sheets), problems):
        variants = frames.variants
        n = len(variants)
        rows = variants[[c for c in SCALARS if c in variants.columns]].copy()
        pids = variants["procedure_id"].astype(int).to_numpy()
        rows.insert(0, "procedure_id", pids)
        rows.insert(1, "variant_no", (variants["variant_id"] - variants["baseline_variant_id"]))
        rows.insert(2, "input_key", [keys[p] for p in pids])
        rows["population_known"] = [sheets[p].population_known for p in pids]
        rows["activities"] = _packed(frames.activities, ACTIVITY_FIELDS, n)
        rows["fees"] = _packed(frames.fees, FEE_FIELDS, n)
        rows["problem"] = None
        parts.append(rows)
    built = {int(p) for part in parts for p in part["procedure_id"]}
    bad = [pid for pid in problems if pid not in built]
    if bad:
        parts.append(_problem_rows(bad, keys, problems))
    if not parts:
        return pd.DataFrame(columns=list(ROW_COLUMNS))
    out = pd.concat(parts, ignore_index=True)
    return out[list(ROW_COLUMNS)]


def _problem_rows(
    pids: list[int], keys: Mapping[int, int], problems: Mapping[int, str]
) -> pd.DataFrame:
    rows = pd.DataFrame({"procedure_id": pids, "variant_no": 0})
    rows["input_key"] = [keys[p] for p in pids]
    for column in SCALARS:
        rows[column] = None if column in _DEADLINES else 0
    rows["option_id"], rows["action"] = "baseline", "baseline"
    rows["estimated"], rows["population_known"] = False, False
    rows["activities"], rows["fees"] = b"", b""
    rows["problem"] = [problems[p] for p in pids]
    return rows


def _plain(value: Any) -> Any:
    """A numpy or pandas scalar as the plain Python value a database driver takes."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def write_rows(conn: Connection, rows: pd.DataFrame, procedure_ids: list[int]) -> None:
    """Replace the stored cost frames of ``procedure_ids`` by ``rows`` (in ``conn``'s
    transaction)."""
    for start in range(0, len(procedure_ids), CHUNK):
        part = procedure_ids[start : start + CHUNK]
        conn.execute(delete(TABLE).where(TABLE.c.procedure_id.in_(part)))
    records = [
        {c: _plain(v) for c, v in zip(ROW_COLUMNS, values, strict=True)}
        for values in rows[list(ROW_COLUMNS)].itertuples(index=False, name=None)
    ]
    for start in range(0, len(records), CHUNK):
        conn.execute(insert(TABLE), records[start : start + CHUNK])


def read_rows(conn: Connection, ids: list[int] | None = None) -> pd.DataFrame:
    """Every stored cost-frame row (or those of ``ids``), one query, ordered by procedure
    and variant (sorted here: in the table's own order SQLite reads it sequentially,
    where ``ORDER BY`` would look every row up through the primary key's index)."""
    query = select(*(TABLE.c[c] for c in ROW_COLUMNS))
    if ids is not None:
        query = query.where(TABLE.c.procedure_id.in_(ids))
    rows = frame_of(conn, query, list(ROW_COLUMNS))
    return rows.sort_values(["procedure_id", "variant_no"], kind="stable", ignore_index=True)


def frames_from_rows(rows: CostRows) -> Frames:
    """The evaluator's frames of priceable ``rows`` (ordered by procedure and variant).

    ``variant_id`` is the row's position; ``baseline_variant_id`` the position of its
    procedure's ``variant_no`` 0 row; ``procedure_id`` is the registry id as text.
    """
    table = rows.frame
    n = len(table)
    positions = np.arange(n, dtype=np.int64)
    base = np.maximum.accumulate(np.where(table["variant_no"].to_numpy() == 0, positions, 0))
    variants = pd.DataFrame(
        {
            "variant_id": positions,
            "baseline_variant_id": base if n else positions,
            "procedure_id": table["procedure_id"].astype(np.int64).astype(str).to_numpy(),
        }
    )
    for column in SCALARS:
        variants[column] = table[column].to_numpy()
    for column in ("hourly_rate_e2", "population", "frequency_e6", *_SHARES, "documents"):
        variants[column] = variants[column].astype(np.int64)
    variants["implementation_cost"] = variants["implementation_cost"].astype(np.int64)
    for column in _DEADLINES:
        variants[column] = pd.array(pd.to_numeric(table[column]), dtype="Int64")
    variants["estimated"] = variants["estimated"].astype(bool)
    variants = variants.drop(columns=["population_known"])
    activity_values, activity_variant = rows.lines("activities")
    fee_values, fee_variant = rows.lines("fees")
    activities = pd.DataFrame(activity_values, columns=list(ACTIVITY_FIELDS))
    activities.insert(0, "variant_id", activity_variant)
    fees = pd.DataFrame(fee_values, columns=list(FEE_FIELDS))
    fees.insert(0, "variant_id", fee_variant)
    return Frames(variants, activities, fees)


def build_rows(
    conn: Connection,
    ids: list[int],
    keys: pd.Series,
    sheets_of: Callable[[Connection, list[int], dict[int, str]], dict[int, Sheet]],
) -> pd.DataFrame:
    """Fresh rows of ``ids`` (in chunks, so memory stays bounded): ``sheets_of`` gives each
    procedure's sheet with its options and names those it cannot build."""
    parts = []
    for start in range(0, len(ids), CHUNK):
        part = ids[start : start + CHUNK]
        problems: dict[int, str] = {}
        sheets = sheets_of(conn, part, problems)
        chunk_keys = {pid: int(keys[pid]) for pid in part}
        parts.append(rows_from_sheets(sheets, chunk_keys, problems))
    if not parts:
        return pd.DataFrame(columns=list(ROW_COLUMNS))
    return pd.concat(parts, ignore_index=True)
