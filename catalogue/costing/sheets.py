"""Reviewers' costing sheets stored with their procedures: JSON form, versioned saves.

A save is checked in the database (``UPDATE … WHERE version = v``), so two reviewers
saving the same sheet never both succeed; see :func:`save_sheet`.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from analysis import ParameterSet, load_parameters, parse_sheet
from catalogue.registry.audit import write_audit
from catalogue.registry.auth import require
from catalogue.registry.errors import ConcurrentEdit, NotFound
from catalogue.registry.models import CostingSheet, Procedure, utcnow

log = logging.getLogger(__name__)


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
            try:
                out["date"] = date.fromisoformat(out["date"])
            except ValueError:
                pass  # left as text: parse_sheet names it ("date: must be a date")
        return out
    if isinstance(value, list):
        return [from_json(v) for v in value]
    return value


def _refresh_frames(session: Session, params: ParameterSet | None, procedure_id: int) -> None:
    from catalogue.costing.burden import refresh_cost_frames  # burden imports this module

    refresh_cost_frames(session.connection(), params=params, ids=[procedure_id])


def save_sheet(
    *,
    session: Session,
    actor: str,
    procedure_id: int,
    content: dict[str, Any],
    params: ParameterSet | None = None,
    expected_version: int | None = None,
    refresh_frames: bool = True,
) -> CostingSheet:
    """Validate a reviewer's sheet and store it with its procedure (audited); its cost
    frames are made in the same transaction unless ``refresh_frames`` is false.

    ``expected_version`` is the version the reviewer started from (0: no sheet stored
    yet). Without it the save is a read-modify-write of the version read now. Either way
    the write is a compare-and-set in the database (``UPDATE … WHERE version = …``, or
    the unique procedure of a first sheet), so of two concurrent saves exactly one wins
    and the other gets :class:`ConcurrentEdit`. Raises :class:`analysis.SheetError`
    (nothing stored) when the sheet is invalid.
    """
    require(session=session, actor=actor, action="sheet.edit")
    if session.get(Procedure, procedure_id) is None:
        raise NotFound(f"Không có thủ tục #{procedure_id} (no procedure #{procedure_id})")
    data = to_json(content)  # validate exactly what will be stored and read back
    parse_sheet(from_json(data), params=params or load_parameters(), file=f"sheet[{procedure_id}]")
    table = CostingSheet.__table__
    row = session.execute(
        select(table.c.version, table.c.content).where(table.c.procedure_id == procedure_id)
    ).first()
    current = 0 if row is None else row.version
    before = None if row is None else row.content
    wanted = current if expected_version is None else expected_version

    def refused(theirs: Any) -> ConcurrentEdit:
        return ConcurrentEdit(
            "Bảng tính đã được người khác lưu trước; hãy tải lại "
            "(the sheet was saved by someone else first; reload it)",
            theirs=theirs,
            yours=data,
        )

    if wanted != current:
        raise refused(before)
    now = utcnow()
    if row is None:
        try:
            with session.begin_nested():  # a concurrent first save fails only this part
                session.execute(
                    insert(table).values(
                        procedure_id=procedure_id, content=data, author=actor,
                        estimated=False, version=1, updated_at=now,
                    )
                )  # fmt: skip
        except IntegrityError as exc:
            raise refused(None) from exc
    else:
        done = session.execute(
            update(table)
            .where(table.c.procedure_id == procedure_id, table.c.version == wanted)
            .values(content=data, author=actor, estimated=False, version=wanted + 1,
                    updated_at=now)
        )  # fmt: skip
        if done.rowcount != 1:
            raise refused(before)
    if refresh_frames:  # the evaluator's rows of the sheet and its options, made now
        _refresh_frames(session, params, procedure_id)
    session.expire_all()
    stored = session.scalars(
        select(CostingSheet).where(CostingSheet.procedure_id == procedure_id)
    ).one()
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
