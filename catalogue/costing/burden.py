"""Costing sheets in the registry, and the whole catalogue's compliance cost.

A reviewer's sheet is stored with its procedure (``costing_sheet``); every procedure
without one gets an estimated baseline derived by the cost model from its registry record
and the dated parameters, flagged as estimated, so whole-catalogue totals exist from day
one. This module is the one place that turns stored rows into :mod:`analysis` sheets.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from analysis import (
    ParameterSet,
    Sheet,
    estimate_sheet,
    load_parameters,
    parse_sheet,
)
from analysis.estimate import ESTIMATOR_VERSION
from analysis.sheet import BASELINE_KEYS
from analysis.vocab import IN_FORCE_STATUSES
from catalogue.costing.containment import UNPRICEABLE_ERRORS, evaluate_rows
from catalogue.costing.cost_rows import CostRows
from catalogue.costing.frames import (
    CHUNK,
    build_rows,
    first_levels,
    frame_of,
    input_keys,
    read_rows,
    write_rows,
)
from catalogue.costing.sheets import (  # noqa: F401  (the sheet services, re-exported)
    from_json,
    save_sheet,
    stored_sheets,
    to_json,
)
from catalogue.registry.bulk_reads import bulk_reads
from catalogue.registry.models import Procedure
from catalogue.registry.store import load_records

log = logging.getLogger(__name__)

COST_COLUMNS = (
    "procedure_id",
    "code",
    "name",
    "field",
    "agency",
    "level",
    "status",
    "unit_cost",
    "annual_cost",
    "deadline_days",
    "documents",
    "activities",
    "estimated",
    "population_known",
    "in_force",
    "counted",
)


def procedure_sheet(
    conn: Connection,
    procedure_id: int,
    *,
    params: ParameterSet,
    on: date | None = None,
    with_options: bool = False,
) -> Sheet | None:
    """The procedure's sheet: the reviewer's stored one, else an estimate (None if absent).

    Raises :class:`analysis.SheetError` when a stored sheet no longer validates.
    """
    stored = stored_sheets(conn, [procedure_id]).get(procedure_id)
    if stored is not None:
        if not with_options:
            stored = {k: v for k, v in stored.items() if k != "options"}
        return parse_sheet(stored, params=params, file=f"sheet[{procedure_id}]", today=on)
    records = load_records(conn, ids=[procedure_id], with_ids=True)
    if procedure_id not in records:
        return None
    record = records[procedure_id]
    return _with_statistics_source(
        conn, estimate_sheet(record, params, on=on), record, procedure_id
    )


def _with_statistics_source(
    conn: Connection, sheet: Sheet, record: dict[str, Any], procedure_id: int
) -> Sheet:
    """Name the one-stop statistics file behind an estimate's population, when there is one.

    The estimate takes the latest yearly dossiers received as its population (frequency
    1); when that year was imported from a statistics file, the figure says so and counts
    as statistics rather than an estimate.
    """
    from dataclasses import replace

    from catalogue.registry.models import DossierStat

    volumes = [v for v in record.get("volumes") or [] if v.get("received") is not None]
    if not volumes:
        return sheet
    year = max(v["year"] for v in volumes)
    rows = conn.execute(
        select(DossierStat.source, DossierStat.period).where(
            DossierStat.procedure_id == procedure_id, DossierStat.year == year
        )
    ).all()
    received = max(v["received"] for v in volumes if v["year"] == year)
    if not rows or sheet.population.value != received:
        return sheet  # no statistics for that year, or the population came from elsewhere
    sources = ", ".join(sorted({r.source for r in rows if r.source}))
    periods = sorted(r.period for r in rows)
    span = periods[0] if periods[0] == periods[-1] else f"{periods[0]}…{periods[-1]}"
    figure = replace(
        sheet.population,
        source=f"thống kê một cửa: {sources}, kỳ {span} (hồ sơ tiếp nhận năm {year}; tần suất 1)",
        method="statistics",
    )
    return replace(sheet, population=figure)


def code_only_sheet(data: Any) -> str | None:
    """The procedure code of a sheet that gives no baseline key of its own, else None."""
    procedure = data.get("procedure") if isinstance(data, dict) else None
    code = procedure.get("code") if isinstance(procedure, dict) else None
    if not code or any(key in data for key in BASELINE_KEYS):
        return None
    return str(code)


def complete_sheet_data(
    conn: Connection,
    data: dict[str, Any],
    *,
    params: ParameterSet,
    file: str = "<sheet>",
    on: date | None = None,
) -> dict[str, Any]:
    """A sheet that names only its procedure's code takes its baseline from the catalogue.

    When the sheet gives none of :data:`BASELINE_KEYS`, the baseline is the procedure's
    sheet in the registry (the reviewer's stored one, else the estimate from its record)
    and the sheet's own options (and date) are kept. A sheet that gives any baseline key
    is a full sheet and is returned unchanged. Raises :class:`analysis.SheetError`
    naming ``procedure.code`` when the code is not catalogued or is shared by several
    procedures.
    """
    from analysis import SheetError, SheetProblem, sheet_to_data

    code = code_only_sheet(data)
    if code is None:
        return data
    procedure = data["procedure"]
    found = conn.execute(select(Procedure.id, Procedure.name).where(Procedure.code == code)).all()
    if len(found) != 1:
        what = "is not in the catalogue" if not found else f"is shared by {len(found)} procedures"
        raise SheetError(file, [SheetProblem("procedure.code", f"code {code!r} {what}")])
    ((pid, name),) = found
    base = procedure_sheet(conn, pid, params=params, on=on)
    merged = {k: v for k, v in sheet_to_data(base).items() if k not in ("options", "estimated")}
    merged.update({k: v for k, v in data.items() if v is not None})
    merged["procedure"] = {"code": str(code), "name": name, **procedure}
    if base.estimated:
        merged["estimated"] = True
    return merged


def catalogue_sheets(
    conn: Connection,
    *,
    params: ParameterSet,
    on: date | None = None,
    ids: list[int] | None = None,
    unpriceable: dict[int, str] | None = None,
    with_options: bool = False,
) -> dict[int, Sheet]:
    """Baseline sheet of every procedure (or of ``ids``), stored where a reviewer wrote one
    (with its options when ``with_options``).

    With ``unpriceable`` (a dict to fill), a procedure whose sheet cannot be built (a
    stored sheet that no longer validates, a record whose figures break the estimate) is
    left out and named there with the reason, instead of failing the whole catalogue.
    """
    stored = stored_sheets(conn, ids)
    records = load_records(conn, ids=ids, with_ids=True)
    sheets: dict[int, Sheet] = {}
    for pid, rec in records.items():
        try:
            if pid in stored:
                data = stored[pid]
                if not with_options:
                    data = {k: v for k, v in data.items() if k != "options"}
                sheets[pid] = parse_sheet(data, params=params, file=f"sheet[{pid}]", today=on)
            else:
                sheets[pid] = estimate_sheet(rec, params, on=on)
        except UNPRICEABLE_ERRORS as exc:
            if unpriceable is None:
                raise
            unpriceable[pid] = f"{type(exc).__name__}: {exc}"
    return sheets


RESULT_COLUMNS = (
    "unit_cost",
    "annual_cost",
    "deadline_days",
    "documents",
    "activities",
    "estimated",
)


def parameter_signature(params: ParameterSet, on: date) -> str:
    """A hash of every parameter value in effect on ``on`` (changes when any value does)."""
    parts = []
    for key in params.keys():
        entries = [e for e in params.entries[key] if e.effective <= on]
        if entries:
            e = max(entries, key=lambda entry: entry.effective)
            parts.append(f"{key}={e.effective}:{e.value}:{e.formula_text}:{e.round}")
    parts.append(f"estimator={ESTIMATOR_VERSION}")  # a new estimator recomputes every estimate
    return hashlib.blake2b("|".join(parts).encode(), digest_size=12).hexdigest()


def _procedures(
    conn: Connection, ids: list[int] | None = None, *, with_levels: bool = True
) -> pd.DataFrame:
    """The columns pricing reads of every procedure (or of ``ids``), ordered by id.

    Read unordered from the covering index ``ix_procedure_pricing`` (migration 0018)
    rather than the wide procedure rows, then sorted. ``level`` (the first of the JSON
    ``levels``, which no PostgreSQL btree index holds) only ``with_levels``: pricing
    the whole catalogue takes it from the columnar copy where it can (:func:`.frames.first_levels`).
    """
    from catalogue.registry.models import Agency

    table = Procedure.__table__
    columns = ["procedure_id", "code", "name", "field", "status", "agency_id", "content_hash",
               "revision"]  # fmt: skip
    query = select(table.c.id.label("procedure_id"), *(table.c[c] for c in columns[1:]))
    if ids is not None:
        query = query.where(table.c.id.in_(ids))
    procs = frame_of(conn, query, columns).sort_values("procedure_id", ignore_index=True)
    agencies = dict(conn.execute(select(Agency.__table__.c.id, Agency.__table__.c.name)).all())
    procs["agency"] = procs["agency_id"].map(agencies)
    if with_levels:
        procs["level"] = _with_levels(procs, first_levels(conn, ids))
    return procs


def _with_levels(procs: pd.DataFrame, levels: dict[int, str | None]) -> pd.Series:
    return pd.Series([levels.get(p) for p in procs["procedure_id"].tolist()], dtype=object)


def _stored_rows(
    conn: Connection, wanted: pd.DataFrame, ids: list[int] | None
) -> tuple[CostRows, bool, dict[int, str | None]]:
    """The stored rows whose input key is still the ``wanted`` one (columns
    ``procedure_id``, ``wanted``), whether the columnar copy should be rewritten, and the
    first level of the procedures served from the copy.

    For the whole catalogue they come from the columnar copy (:mod:`.columns`) where its
    key matches (the key covers the record's content, levels included), and from
    ``cost_frame`` for the other procedures.
    """
    from catalogue.costing.columns import STALE_SHARE, read_columns

    copy = read_columns(conn) if ids is None else None
    if copy is None:
        return _matching(CostRows.from_packed(read_rows(conn, ids)), wanted), ids is None, {}
    served = _matching(copy, wanted)
    base = served.frame[served.frame["variant_no"] == 0]
    levels = dict(zip(base["procedure_id"].tolist(), base["level"].tolist(), strict=True))
    served = served.with_frame(served.frame.drop(columns=["level"]))
    outside = wanted.loc[~wanted["procedure_id"].isin(base["procedure_id"]), "procedure_id"]
    outside = outside.tolist()
    extra = copy.frame["procedure_id"].nunique() - base["procedure_id"].nunique()
    rewrite = len(outside) + extra > STALE_SHARE * len(wanted)
    if not outside:
        return served, rewrite, levels
    stored = read_rows(conn, outside if len(outside) <= CHUNK else None)
    stored = CostRows.from_packed(stored[stored["procedure_id"].isin(outside)])
    return CostRows.concat([served, _matching(stored, wanted)]), rewrite, levels


def _matching(stored: CostRows, wanted: pd.DataFrame) -> CostRows:
    """The ``stored`` rows whose input key is the one ``wanted`` for their procedure."""
    frame = stored.frame.merge(wanted, on="procedure_id", how="inner")
    matched = frame[frame["input_key"].to_numpy(np.int64) == frame["wanted"].to_numpy()]
    return stored.with_frame(matched.drop(columns=["wanted"]))


def _current_rows(
    conn: Connection,
    procs: pd.DataFrame,
    *,
    params: ParameterSet,
    on: date | None,
    ids: list[int] | None = None,
) -> tuple[CostRows, pd.DataFrame, list[int], bool]:
    """The stored cost-frame rows whose key still matches, the fresh rows of the others
    (estimated or read from the reviewer's sheet now), the ids of those others and
    whether the columnar copy should be rewritten. Without ``level`` in ``procs`` (the
    whole catalogue), it is added: from the copy where served, else read."""
    keys = input_keys(conn, procs, parameter_signature(params, on or date.today()))
    wanted = pd.DataFrame({"procedure_id": keys.index, "wanted": keys.to_numpy()})
    matched, rewrite, levels = _stored_rows(conn, wanted, ids)
    if "level" not in procs.columns:
        missing = [p for p in procs["procedure_id"].tolist() if p not in levels]
        if missing:
            levels.update(first_levels(conn, missing if len(missing) <= CHUNK else None))
        procs["level"] = _with_levels(procs, levels)
    served = matched.frame
    current = procs["procedure_id"].isin(served.loc[served["variant_no"] == 0, "procedure_id"])
    stale = procs.loc[~current, "procedure_id"].astype(int).tolist()

    def sheets_of(c: Connection, ids: list[int], problems: dict[int, str]) -> dict[int, Sheet]:
        return catalogue_sheets(
            c, params=params, on=on, ids=ids, unpriceable=problems, with_options=True
        )

    return matched, build_rows(conn, stale, keys, sheets_of), stale, rewrite


def _all_rows(matched: CostRows, fresh: pd.DataFrame) -> CostRows:
    rows = CostRows.concat([matched, CostRows.from_packed(fresh)]) if len(fresh) else matched
    return rows.sorted()


def refresh_cost_frames(
    engine_or_conn: Engine | Connection,
    *,
    params: ParameterSet | None = None,
    on: date | None = None,
    ids: list[int] | None = None,
) -> int:
    """Make (and store) the cost frames of every procedure (or of ``ids``) whose inputs
    changed since they were made; returns how many procedures were made again.

    Called after imports and when a sheet is saved, so that pricing the catalogue later
    only reads stored rows; for the whole catalogue it also rewrites the columnar copy
    when it is out of date. Given a connection, it writes in that connection's transaction.
    """
    from catalogue.costing.columns import write_columns

    params = params or load_parameters()
    if isinstance(engine_or_conn, Connection):
        procs = _procedures(engine_or_conn, ids, with_levels=ids is not None)
        matched, fresh, stale, rewrite = _current_rows(
            engine_or_conn, procs, params=params, on=on, ids=ids
        )
        write_rows(engine_or_conn, fresh, stale)
        if rewrite:
            write_columns(engine_or_conn, _all_rows(matched, fresh), _level_map(procs))
        return len(stale)
    with engine_or_conn.begin() as conn:
        return refresh_cost_frames(conn, params=params, on=on, ids=ids)


def _level_map(procs: pd.DataFrame) -> dict[int, str | None]:
    return dict(zip(procs["procedure_id"].tolist(), procs["level"].tolist(), strict=True))


def _store(
    engine: Engine,
    fresh: pd.DataFrame,
    stale: list[int],
    rows: CostRows | None,
    levels: dict[int, str | None],
) -> None:
    """Store fresh rows (and the columnar copy of every row, when ``rows`` are given); a
    concurrent writer's rows win (no error: they are made again)."""
    from catalogue.costing.columns import write_columns

    if not stale and rows is None:
        return
    try:
        with engine.begin() as conn:
            write_rows(conn, fresh, stale)
            if rows is not None:
                write_columns(conn, rows, levels)
    except (IntegrityError, OperationalError) as exc:  # another session stored them first
        log.info("cost frames not stored: %s", exc)


def catalogue_variants(
    engine: Engine, *, params: ParameterSet | None = None, on: date | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, dict[int, str]]:
    """Every procedure, its stored cost-frame rows and every variant evaluated at once.

    Returns ``(procs, rows, evaluated, unpriceable)``: ``evaluated`` has one row per
    baseline and per option of a reviewer's sheet (:data:`analysis.EVALUATED_COLUMNS`,
    ``procedure_id`` as the registry id); ``unpriceable`` names, with the reason, the
    procedures whose figures cannot be priced. Rows whose inputs changed are made again
    and stored first (:func:`refresh_cost_frames`).
    """
    params = params or load_parameters()
    with bulk_reads(engine) as conn:  # whole-table reads as Arrow columns on an SQLite file
        procs = _procedures(conn, with_levels=False)
        matched, fresh, stale, rewrite = _current_rows(conn, procs, params=params, on=on)
    rows = _all_rows(matched, fresh)
    _store(engine, fresh, stale, rows if rewrite else None, _level_map(procs) if rewrite else {})
    bad = rows.frame["problem"].notna().to_numpy()
    problems = rows.frame.loc[bad, ["procedure_id", "problem"]].values
    unpriceable = {int(pid): str(reason) for pid, reason in problems}
    parts = evaluate_rows(rows.where(~bad), unpriceable)
    if parts:
        evaluated = pd.concat(parts, ignore_index=True)
        evaluated["procedure_id"] = evaluated["procedure_id"].astype(np.int64)
    else:
        evaluated = pd.DataFrame(columns=["procedure_id", "option_id", *RESULT_COLUMNS])
    return procs, rows.frame, evaluated, unpriceable


def catalogue_costs(
    engine: Engine, *, params: ParameterSet | None = None, on: date | None = None
) -> pd.DataFrame:
    """Baseline compliance cost of every procedure (vectorised), one row per procedure.

    Columns: :data:`COST_COLUMNS`; ``estimated`` tells which figures come from the
    parameters rather than a reviewer's sheet; ``annual_cost`` is null where the
    population is unknown (``population_known`` false); ``in_force`` (status active or
    amended) and ``counted`` (in force with a known population) say which rows totals
    take. The figures are evaluated from the stored cost frames (:mod:`.frames`), read
    in bulk; only procedures whose inputs changed (record revision, reviewer's sheet
    version, latest yearly volume, parameter values in effect) are made again, in chunks
    so that memory stays bounded at national scale. A procedure whose figures cannot be
    priced (a value beyond what the evaluator holds) is left out, logged and listed in
    ``attrs["unpriceable"]`` (:func:`unpriceable_procedures`).
    """
    procs, rows, evaluated, unpriceable = catalogue_variants(engine, params=params, on=on)
    results = evaluated[evaluated["option_id"] == "baseline"][["procedure_id", *RESULT_COLUMNS]]
    known = rows.loc[rows["variant_no"] == 0].set_index("procedure_id")["population_known"]
    out = procs.merge(results, on="procedure_id", how="left")
    bad = out["procedure_id"].isin(list(unpriceable))
    named = out.loc[bad, ["procedure_id", "code", "name"]].to_dict("records")
    out = out[~bad].copy()
    out["estimated"] = out["estimated"].astype(bool)
    out["population_known"] = out["procedure_id"].map(known).fillna(False).astype(bool)
    # an unknown population has no yearly cost ("chưa có số liệu"), not a cost of 0
    out["annual_cost"] = out["annual_cost"].astype("Int64").where(out["population_known"])
    out["in_force"] = out["status"].isin(IN_FORCE_STATUSES)
    out["counted"] = out["in_force"] & out["population_known"]
    out = out[list(COST_COLUMNS)].reset_index(drop=True)
    out.attrs["unpriceable"] = [{**r, "reason": unpriceable[r["procedure_id"]]} for r in named]
    for row in out.attrs["unpriceable"]:
        log.warning("procedure %s (#%s) cannot be priced: %s", row["code"], row["procedure_id"],
                    row["reason"])  # fmt: skip
    return out


def unpriceable_procedures(costs: pd.DataFrame) -> list[dict[str, Any]]:
    """The procedures :func:`catalogue_costs` could not price: id, code, name, reason."""
    return list(costs.attrs.get("unpriceable", []))


def cost_totals(costs: pd.DataFrame, by: str) -> pd.DataFrame:
    """Yearly burden by ``by`` (field, agency, level, status), largest first: procedures in
    force with a known population; ``unknown_population`` counts those left out."""
    frame = costs.assign(
        unknown=costs["in_force"] & ~costs["population_known"],
        annual=costs["annual_cost"].where(costs["counted"], 0).fillna(0).astype("int64"),
        estimated_counted=costs["estimated"].astype(bool) & costs["counted"],
    )
    grouped = frame[frame["in_force"]].groupby(by, dropna=False)
    totals = grouped.agg(
        procedures=("counted", "sum"),
        annual_cost=("annual", "sum"),
        estimated=("estimated_counted", "sum"),
        unknown_population=("unknown", "sum"),
    )
    return totals.sort_values("annual_cost", ascending=False).reset_index()


def burden_summary(costs: pd.DataFrame) -> dict[str, int]:
    """Yearly cost of the ``procedures`` in force with a known population; how many in
    force are left out (``unknown_population``) and how many are ``not_in_force``."""
    counted = costs[costs["counted"]]
    return {
        "procedures": len(counted),
        "annual_cost": int(counted["annual_cost"].fillna(0).sum()),
        "estimated_procedures": int(counted["estimated"].sum()),
        "unknown_population": int((costs["in_force"] & ~costs["population_known"]).sum()),
        "not_in_force": int((~costs["in_force"]).sum()),
    }
