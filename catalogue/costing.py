"""Costing sheets in the registry, and the whole catalogue's compliance cost.

A reviewer's sheet is stored with its procedure (``costing_sheet``); every procedure
without one gets an estimated baseline derived by the cost model from its registry record
and the dated parameters, flagged as estimated, so whole-catalogue totals exist from day
one. This module is the one place that turns stored rows into :mod:`analysis` sheets.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

from analysis import (
    ParameterSet,
    Sheet,
    estimate_sheet,
    evaluate_frames,
    load_parameters,
    parse_sheet,
    sheets_to_frames,
)
from catalogue.audit import write_audit
from catalogue.auth import require
from catalogue.errors import ConcurrentEdit, NotFound
from catalogue.models import CostingSheet, Procedure, utcnow
from catalogue.store import load_records

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
)


def to_json(value: Any) -> Any:
    """Sheet data (Decimals, dates) as JSON-ready values."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    return value


def from_json(value: Any) -> Any:
    """Stored JSON back to sheet data: floats become exact Decimals, ``date`` a date."""
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, dict):
        out = {k: from_json(v) for k, v in value.items()}
        if isinstance(out.get("date"), str):
            out["date"] = date.fromisoformat(out["date"])
        return out
    if isinstance(value, list):
        return [from_json(v) for v in value]
    return value


def save_sheet(
    *,
    session: Session,
    actor: str,
    procedure_id: int,
    content: dict[str, Any],
    params: ParameterSet | None = None,
    expected_version: int | None = None,
) -> CostingSheet:
    """Validate a reviewer's sheet and store it with its procedure (audited).

    Raises :class:`analysis.SheetError` (nothing stored) when the sheet is invalid and
    :class:`ConcurrentEdit` when someone saved the sheet since ``expected_version``.
    """
    require(session=session, actor=actor, action="sheet.edit")
    if session.get(Procedure, procedure_id) is None:
        raise NotFound(f"Không có thủ tục #{procedure_id} (no procedure #{procedure_id})")
    data = to_json(content)  # validate exactly what will be stored and read back
    parse_sheet(from_json(data), params=params or load_parameters(), file=f"sheet[{procedure_id}]")
    stored = session.scalars(
        select(CostingSheet).where(CostingSheet.procedure_id == procedure_id)
    ).first()
    before = None if stored is None else stored.content
    if stored is None:
        stored = CostingSheet(procedure_id=procedure_id, content=data, author=actor)
        session.add(stored)
    else:
        if expected_version is not None and stored.version != expected_version:
            raise ConcurrentEdit(
                "Bảng tính đã được người khác lưu trước; hãy tải lại "
                "(the sheet was saved by someone else first; reload it)",
                theirs=stored.content,
                yours=data,
            )
        stored.content = data
        stored.author = actor
        stored.estimated = False
        stored.version += 1
        stored.updated_at = utcnow()
    session.flush()
    write_audit(
        session=session,
        actor=actor,
        action="sheet.save",
        entity="costing_sheet",
        entity_id=str(procedure_id),
        before=before,
        after=data,
    )
    return stored


def stored_sheets(conn: Connection, ids: list[int] | None = None) -> dict[int, dict[str, Any]]:
    """Reviewers' stored sheet data by procedure id."""
    table = CostingSheet.__table__
    query = select(table.c.procedure_id, table.c.content)
    if ids is not None:
        query = query.where(table.c.procedure_id.in_(ids))
    return {pid: from_json(content) for pid, content in conn.execute(query)}


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
    return estimate_sheet(records[procedure_id], params, on=on)


CHUNK = 5000


def catalogue_sheets(
    conn: Connection,
    *,
    params: ParameterSet,
    on: date | None = None,
    ids: list[int] | None = None,
) -> dict[int, Sheet]:
    """Baseline sheet of every procedure (or of ``ids``), stored where a reviewer wrote one."""
    stored = stored_sheets(conn, ids)
    records = load_records(conn, ids=ids, with_ids=True)
    sheets: dict[int, Sheet] = {}
    for pid, rec in records.items():
        if pid in stored:
            data = {k: v for k, v in stored[pid].items() if k != "options"}
            sheets[pid] = parse_sheet(data, params=params, file=f"sheet[{pid}]", today=on)
        else:
            sheets[pid] = estimate_sheet(rec, params, on=on)
    return sheets


def catalogue_costs(
    engine: Engine, *, params: ParameterSet | None = None, on: date | None = None
) -> pd.DataFrame:
    """Baseline compliance cost of every procedure (vectorised), one row per procedure.

    Columns: :data:`COST_COLUMNS`; ``estimated`` tells which figures come from the
    parameters rather than a reviewer's sheet. Procedures are read and evaluated in
    chunks so that memory stays bounded on a national-scale catalogue.
    """
    from catalogue.models import Agency

    params = params or load_parameters()
    parts = []
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
                ).order_by(Procedure.id)
            ).all(),
            columns=["procedure_id", "code", "name", "field", "levels", "status", "agency_id"],
        )
        agencies = dict(conn.execute(select(Agency.id, Agency.name)).all())
        ids = procs["procedure_id"].tolist()
        for start in range(0, len(ids), CHUNK):
            sheets = catalogue_sheets(conn, params=params, on=on, ids=ids[start : start + CHUNK])
            frames = sheets_to_frames({str(pid): s for pid, s in sheets.items()})
            evaluated = evaluate_frames(frames.variants, frames.activities, frames.fees)
            parts.append(evaluated[evaluated["option_id"] == "baseline"])
    if not parts:
        return pd.DataFrame(columns=list(COST_COLUMNS))
    evaluated = pd.concat(parts, ignore_index=True)
    evaluated["procedure_id"] = evaluated["procedure_id"].astype(int)
    procs["agency"] = procs["agency_id"].map(agencies)
    procs["level"] = procs["levels"].map(lambda lv: lv[0] if lv else None)
    out = procs.merge(evaluated, on="procedure_id", how="left")
    return out[list(COST_COLUMNS)].reset_index(drop=True)


def cost_totals(costs: pd.DataFrame, by: str) -> pd.DataFrame:
    """Yearly burden summed by ``by`` (field, agency, level, status), largest first."""
    grouped = costs.groupby(by, dropna=False).agg(
        procedures=("procedure_id", "count"),
        annual_cost=("annual_cost", "sum"),
        estimated=("estimated", "sum"),
    )
    return grouped.sort_values("annual_cost", ascending=False).reset_index()
