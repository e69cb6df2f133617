"""The costing sheet used for one procedure, figure by figure, as plain data.

:func:`sheet_view` serves ``tthc sheet show``: the reviewer's stored sheet or the estimate,
each figure with its value, source and method, the fees with the alternatives and the rule
the estimate applied, the documents with their kind, the activities, and the cost of one
execution and per year (None when the population is unknown).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from analysis import ParameterSet, evaluate_sheet
from analysis.document_kinds import document_kind
from analysis.model import Figure
from analysis.vocab import IN_FORCE_STATUSES
from catalogue.costing.burden import procedure_sheet, to_json
from catalogue.registry.errors import NotFound
from catalogue.registry.models import Procedure

__all__ = ["sheet_view"]


def _figure(figure: Figure) -> dict[str, Any]:
    return {"value": to_json(figure.value), "source": figure.source, "method": figure.method}


def _procedure(conn: Connection, code: str, procedure_id: int | None) -> tuple[int, str]:
    query = select(Procedure.id, Procedure.status).where(Procedure.code == code)
    if procedure_id is not None:
        query = query.where(Procedure.id == procedure_id)
    found = conn.execute(query).all()
    if not found:
        raise NotFound(f"Không có thủ tục mã {code} (no procedure with code {code})")
    if len(found) > 1:
        ids = [row.id for row in found]
        raise NotFound(
            f"Mã {code} có {len(found)} thủ tục; chọn một id (code {code} is shared; pick an id): "
            f"{ids}"
        )
    return found[0].id, found[0].status


def sheet_view(
    conn: Connection,
    code: str,
    *,
    params: ParameterSet,
    procedure_id: int | None = None,
    on: date | None = None,
) -> dict[str, Any]:
    """The sheet of the procedure with ``code`` (see the module docstring) as JSON data.

    Raises :class:`NotFound` when no procedure (or several, without ``procedure_id``)
    has the code.
    """
    pid, status = _procedure(conn, code, procedure_id)
    sheet = procedure_sheet(conn, pid, params=params, on=on)
    assert sheet is not None
    outcome = evaluate_sheet(sheet).baseline
    documents = {d.name: d for d in sheet.documents}
    kinds = {a.document: a.kind for a in sheet.activities if a.document and a.kind}
    return {
        "code": code,
        "procedure_id": pid,
        "name": sheet.name,
        "status": status,
        "in_force": status in IN_FORCE_STATUSES,
        "estimated": sheet.estimated,
        "date": sheet.date.isoformat(),
        "parameters": sheet.parameters,
        "population": _figure(sheet.population) | {"value": None}
        if not sheet.population_known
        else _figure(sheet.population),
        "frequency": _figure(sheet.frequency),
        "hourly_rate": _figure(sheet.hourly_rate),
        "subject": sheet.subject,
        "subject_shares": to_json(sheet.subject_shares),
        "channels": to_json(sheet.channels),
        "deadline_days": to_json(sheet.deadline_days),
        "fees": [
            {
                "name": f.name,
                "amount": to_json(f.amount.value),
                "currency": f.currency,
                "amount_vnd": to_json(sheet.fee_vnd(f)),
                "channels": list(f.channels) if f.channels else None,
                "alternatives": list(f.alternatives),
                "rule": f.rule,
                "source": f.amount.source,
                "method": f.amount.method,
            }
            for f in sheet.fees
        ],
        "documents": [
            {
                "name": name,
                "copies": d.copies,
                "certified_copies": d.certified_copies,
                "kind": kinds.get(name, document_kind(name)),
            }
            for name, d in documents.items()
        ],
        "activities": [
            {
                "name": a.name,
                "hours": to_json(a.hours.value),
                "people": to_json(a.people.value),
                "out_of_pocket": to_json(a.out_of_pocket.value),
                "channels": list(a.channels) if a.channels else None,
                "kind": a.kind,
                "document": a.document,
                "source": a.hours.source,
                "out_of_pocket_source": a.out_of_pocket.source,
            }
            for a in sheet.activities
        ],
        "unit_cost": outcome.unit_cost,
        "annual_cost": outcome.annual_cost if sheet.population_known else None,
        "deadline": to_json(outcome.deadline_days),
    }
