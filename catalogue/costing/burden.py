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

import pandas as pd
from sqlalchemy import delete, insert, select
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
from catalogue.costing.containment import UNPRICEABLE_ERRORS, evaluate_contained
from catalogue.costing.sheets import (  # noqa: F401  (the sheet services, re-exported)
    from_json,
    save_sheet,
    stored_sheets,
    to_json,
)
from catalogue.registry.models import BaselineCost, CostingSheet, Procedure, Volume
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


CHUNK = 5000


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
) -> dict[int, Sheet]:
    """Baseline sheet of every procedure (or of ``ids``), stored where a reviewer wrote one.

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
                data = {k: v for k, v in stored[pid].items() if k != "options"}
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


def _population_known(conn: Connection, procs: pd.DataFrame) -> pd.Series:
    """Per procedure, whether a reviewer's sheet gives a population or, for an estimate,
    a yearly volume with dossiers received exists (the rule of :mod:`analysis.estimate`)."""
    table = CostingSheet.__table__
    stored = {
        pid: content.get("population") is not None
        for pid, content in conn.execute(select(table.c.procedure_id, table.c.content))
    }
    with_volume = {
        pid
        for (pid,) in conn.execute(
            select(Volume.procedure_id).where(Volume.received.is_not(None)).distinct()
        )
    }
    ids = procs["procedure_id"].tolist()
    return pd.Series(
        [stored[pid] if pid in stored else pid in with_volume for pid in ids], index=ids
    )


def _input_keys(conn: Connection, procs: pd.DataFrame, signature: str) -> pd.Series:
    """Per procedure, a key of everything its baseline depends on."""
    sheets = pd.DataFrame(
        conn.execute(select(CostingSheet.procedure_id, CostingSheet.version)).all(),
        columns=["procedure_id", "sheet_version"],
    )
    volumes = pd.DataFrame(
        conn.execute(
            select(Volume.procedure_id, Volume.year, Volume.received, Volume.online)
        ).all(),
        columns=["procedure_id", "year", "received", "online"],
    )
    volumes = volumes[volumes["received"].notna()].sort_values("year")
    latest = volumes.drop_duplicates("procedure_id", keep="last")
    frame = procs[["procedure_id", "content_hash", "revision"]].merge(
        sheets, on="procedure_id", how="left"
    )
    frame = frame.merge(latest, on="procedure_id", how="left")
    columns = ("content_hash", "revision", "sheet_version", "year", "received", "online")
    rows = zip(*(frame[c].tolist() for c in columns), strict=True)
    texts = ("|".join(map(str, values)) for values in rows)
    return pd.Series(
        [hashlib.blake2b(f"{t}|{signature}".encode(), digest_size=12).hexdigest() for t in texts],
        index=frame["procedure_id"].to_numpy(),
    )


def _compute(
    conn: Connection,
    ids: list[int],
    *,
    params: ParameterSet,
    on: date | None,
    unpriceable: dict[int, str],
) -> pd.DataFrame:
    parts = []
    for start in range(0, len(ids), CHUNK):
        sheets = catalogue_sheets(
            conn, params=params, on=on, ids=ids[start : start + CHUNK], unpriceable=unpriceable
        )
        parts += evaluate_contained(sheets, unpriceable)
    if not parts:
        return pd.DataFrame(columns=["procedure_id", *RESULT_COLUMNS])
    out = pd.concat(parts, ignore_index=True)
    out["procedure_id"] = out["procedure_id"].astype(int)
    return out[["procedure_id", *RESULT_COLUMNS]]


def _store_cache(engine: Engine, fresh: pd.DataFrame, keys: pd.Series) -> None:
    """Replace the cached rows of ``fresh``; a concurrent writer's rows win (no error)."""
    table = BaselineCost.__table__
    rows = [
        {
            "procedure_id": int(r.procedure_id),
            "input_key": keys[r.procedure_id],
            "unit_cost": int(r.unit_cost),
            "annual_cost": int(r.annual_cost),
            "deadline_days": None if pd.isna(r.deadline_days) else float(r.deadline_days),
            "documents": int(r.documents),
            "activities": int(r.activities),
            "estimated": bool(r.estimated),
        }
        for r in fresh.itertuples()
    ]
    ids = [row["procedure_id"] for row in rows]
    try:
        with engine.begin() as conn:
            for start in range(0, len(ids), CHUNK):
                part = ids[start : start + CHUNK]
                conn.execute(delete(table).where(table.c.procedure_id.in_(part)))
            for start in range(0, len(rows), CHUNK):
                conn.execute(insert(table), rows[start : start + CHUNK])
    except (IntegrityError, OperationalError) as exc:  # another session filled it first
        log.info("baseline cost cache not updated: %s", exc)


def catalogue_costs(
    engine: Engine, *, params: ParameterSet | None = None, on: date | None = None
) -> pd.DataFrame:
    """Baseline compliance cost of every procedure (vectorised), one row per procedure.

    Columns: :data:`COST_COLUMNS`; ``estimated`` tells which figures come from the
    parameters rather than a reviewer's sheet; ``annual_cost`` is null where the
    population is unknown (``population_known`` false); ``in_force`` (status active or
    amended) and ``counted`` (in force with a known population) say which rows totals
    take. Results are cached in ``baseline_cost``
    with a key of everything they depend on (record revision, reviewer's sheet version,
    latest yearly volume, parameter values in effect); only procedures whose key changed
    are evaluated again, in chunks so that memory stays bounded at national scale.
    A procedure whose figures cannot be priced (a value beyond what the evaluator holds) is
    left out, logged and listed in ``attrs["unpriceable"]`` (:func:`unpriceable_procedures`).
    """
    from catalogue.registry.models import Agency

    params = params or load_parameters()
    signature = parameter_signature(params, on or date.today())
    with engine.connect() as conn:
        procs = pd.DataFrame(
            conn.execute(
                select(
                    Procedure.id.label("procedure_id"),
                    Procedure.code,
                    Procedure.name,
                    Procedure.field,
                    Procedure.levels,
                    Procedure.status,
                    Procedure.agency_id,
                    Procedure.content_hash,
                    Procedure.revision,
                ).order_by(Procedure.id)
            ).all(),
            columns=[
                "procedure_id", "code", "name", "field", "levels", "status", "agency_id",
                "content_hash", "revision",
            ],
        )  # fmt: skip
        agencies = dict(conn.execute(select(Agency.id, Agency.name)).all())
        keys = _input_keys(conn, procs, signature)
        known = _population_known(conn, procs)
        table = BaselineCost.__table__
        cached = pd.DataFrame(
            conn.execute(select(table)).mappings().all(),
            columns=["procedure_id", "input_key", *RESULT_COLUMNS],
        )
        cached = cached[
            cached["input_key"].to_numpy() == keys.reindex(cached["procedure_id"]).to_numpy()
        ]
        stale = sorted(set(procs["procedure_id"]) - set(cached["procedure_id"]))
        unpriceable: dict[int, str] = {}
        fresh = _compute(conn, stale, params=params, on=on, unpriceable=unpriceable)
    if len(fresh):
        _store_cache(engine, fresh, keys)
    results = (
        pd.concat([cached.drop(columns=["input_key"]), fresh], ignore_index=True)
        if len(cached)
        else fresh
    )
    procs["agency"] = procs["agency_id"].map(agencies)
    procs["level"] = procs["levels"].map(lambda lv: lv[0] if lv else None)
    out = procs.merge(results, on="procedure_id", how="left")
    bad = out["procedure_id"].isin(list(unpriceable))
    named = out.loc[bad, ["procedure_id", "code", "name"]].to_dict("records")
    out = out[~bad].copy()
    out["estimated"] = out["estimated"].astype(bool)
    out["population_known"] = out["procedure_id"].map(known).astype(bool)
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
    )
    grouped = frame[frame["in_force"]].groupby(by, dropna=False)
    totals = grouped.agg(
        procedures=("counted", "sum"),
        annual_cost=("annual", "sum"),
        estimated=("estimated", lambda s: int((s & frame.loc[s.index, "counted"]).sum())),
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
