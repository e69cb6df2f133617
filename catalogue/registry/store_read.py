"""Read stored procedures back as canonical records, and their revision history."""

from __future__ import annotations

import json
import zlib
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from catalogue.registry.records import ProcedureRecord, empty_record
from catalogue.registry.store_rows import (
    CHUNK,
    T_AGENCY,
    T_CHANNEL,
    T_DOC,
    T_FEE,
    T_LEGAL,
    T_PROC,
    T_REVISION,
    T_STEP,
    T_VOLUME,
    VOLUME_KEYS,
)


def decompress_snapshot(blob: bytes) -> ProcedureRecord:
    """Inverse of :func:`catalogue.registry.store.compress_snapshot`."""
    return json.loads(zlib.decompress(blob).decode("utf-8"))


def _clean_amount(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _rows_by(conn: Connection, table, key, order_cols, ids: list[int] | None) -> dict:
    """Rows of ``table`` grouped by ``key`` (all, or those whose key is in ``ids``)."""
    q = select(table).order_by(key, *order_cols)
    out: dict[int, list] = defaultdict(list)
    if ids is None:
        for row in conn.execute(q).mappings():
            out[row[key.name]].append(row)
        return out
    for start in range(0, len(ids), CHUNK):
        for row in conn.execute(q.where(key.in_(ids[start : start + CHUNK]))).mappings():
            out[row[key.name]].append(row)
    return out


def _channel(c, fees: dict[int, list]) -> dict[str, Any]:
    return {
        "kind": c["kind"],
        "deadline": {
            "value": _clean_amount(c["deadline_value"]),
            "unit": c["deadline_unit"],
            "raw": c["deadline_raw"],
        },
        "fees": [
            {
                "kind": f["kind"],
                "amount": _clean_amount(f["amount"]),
                "currency": f["currency"],
                "free": bool(f["free"]),
                "unit": f["unit"],
                "raw": f["raw"],
            }
            for f in fees.get(c["id"], [])
        ],
        "description": c["description"],
        "raw": c["raw"],
    }


DOCUMENT_KEYS = ("name", "originals", "copies", "certified_copies", "template", "case", "raw")
MAIN_KEYS = (
    "code", "name", "field", "kind", "competent_agency", "authorised_agency",
    "coordinating_agency", "status", "decision", "source_url", "result", "conditions",
)  # fmt: skip


def _record(p, agencies: dict[int, str], children: dict[str, dict]) -> ProcedureRecord:
    """One canonical record from its procedure row and its grouped child rows."""
    pid = p["id"]
    rec = empty_record()
    rec.update({k: p[k] for k in MAIN_KEYS})
    rec.update(
        levels=list(p["levels"] or []),
        subjects=list(p["subjects"] or []),
        agency=agencies.get(p["agency_id"]),
        issuing_agency=agencies.get(p["issuing_agency_id"]),
        flags=list(p["flags"] or []),
    )
    rec["channels"] = [_channel(c, children["fees"]) for c in children["channels"].get(pid, [])]
    rec["documents"] = [
        {k: d[k] for k in DOCUMENT_KEYS} for d in children["documents"].get(pid, [])
    ]
    rec["steps"] = [
        {"order": s["order"], "text": s["text"], "actor": s["actor"]}
        for s in children["steps"].get(pid, [])
    ]
    rec["legal_bases"] = [
        {"number": lb["number"], "title": lb["title"], "raw": lb["raw"]}
        for lb in children["legal"].get(pid, [])
    ]
    rec["volumes"] = [
        {"year": v["year"], **{k: v[k] for k in VOLUME_KEYS}}
        for v in children["volumes"].get(pid, [])
    ]
    return rec


def load_records(
    conn: Connection,
    *,
    ids: Sequence[int] | None = None,
    with_ids: bool = False,
) -> Any:
    """Read procedures back as canonical records.

    Returns a list ordered by (code, identity), or a dict id → record with ``with_ids``.
    """
    query = select(T_PROC).order_by(T_PROC.c.code, T_PROC.c.identity)
    if ids is not None:
        query = query.where(T_PROC.c.id.in_(list(ids)))
    procs = list(conn.execute(query).mappings())
    if not procs:
        return {} if with_ids else []
    agencies = {i: n for i, n in conn.execute(select(T_AGENCY.c.id, T_AGENCY.c.name))}
    only = [p["id"] for p in procs] if ids is not None else None

    def by_procedure(table, *order):
        return _rows_by(conn, table, table.c.procedure_id, order, only)

    channels = by_procedure(T_CHANNEL, T_CHANNEL.c.position)
    channel_ids = [c["id"] for rows in channels.values() for c in rows] if only else None
    children = {
        "channels": channels,
        "fees": _rows_by(conn, T_FEE, T_FEE.c.channel_id, [T_FEE.c.position], channel_ids),
        "documents": by_procedure(T_DOC, T_DOC.c.position),
        "steps": by_procedure(T_STEP, T_STEP.c.order, T_STEP.c.id),
        "legal": by_procedure(T_LEGAL, T_LEGAL.c.position),
        "volumes": by_procedure(T_VOLUME, T_VOLUME.c.year),
    }
    out = {p["id"]: _record(p, agencies, children) for p in procs}
    if with_ids:
        return out
    return [out[p["id"]] for p in procs]


def revision_history(conn: Connection, procedure_id: int) -> list[dict[str, Any]]:
    """Revisions of one procedure, oldest first, with their snapshots decoded."""
    rows = conn.execute(
        select(T_REVISION)
        .where(T_REVISION.c.procedure_id == procedure_id)
        .order_by(T_REVISION.c.number)
    ).mappings()
    return [
        {
            "number": r["number"],
            "created_at": r["created_at"],
            "actor": r["actor"],
            "source": r["source"],
            "changed_fields": list(r["changed_fields"] or []),
            "snapshot": decompress_snapshot(r["snapshot"]),
        }
        for r in rows
    ]
