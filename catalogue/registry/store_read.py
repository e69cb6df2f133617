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
    id_filter = [p["id"] for p in procs] if ids is not None else None

    def children(table, order_cols):
        q = select(table).order_by(table.c.procedure_id, *order_cols)
        out: dict[int, list] = defaultdict(list)
        if id_filter is None:
            for row in conn.execute(q).mappings():
                out[row["procedure_id"]].append(row)
        else:
            for start in range(0, len(id_filter), CHUNK):
                part = id_filter[start : start + CHUNK]
                for row in conn.execute(q.where(table.c.procedure_id.in_(part))).mappings():
                    out[row["procedure_id"]].append(row)
        return out

    channels = children(T_CHANNEL, [T_CHANNEL.c.position])
    channel_ids = [c["id"] for rows in channels.values() for c in rows]
    fees: dict[int, list] = defaultdict(list)
    fee_q = select(T_FEE).order_by(T_FEE.c.channel_id, T_FEE.c.position)
    if id_filter is None:
        for row in conn.execute(fee_q).mappings():
            fees[row["channel_id"]].append(row)
    else:
        for start in range(0, len(channel_ids), CHUNK):
            part = channel_ids[start : start + CHUNK]
            for row in conn.execute(fee_q.where(T_FEE.c.channel_id.in_(part))).mappings():
                fees[row["channel_id"]].append(row)
    docs = children(T_DOC, [T_DOC.c.position])
    steps = children(T_STEP, [T_STEP.c.order, T_STEP.c.id])
    legal = children(T_LEGAL, [T_LEGAL.c.position])
    volumes = children(T_VOLUME, [T_VOLUME.c.year])

    out: dict[int, ProcedureRecord] = {}
    for p in procs:
        rec = empty_record()
        pid = p["id"]
        rec.update(
            code=p["code"],
            name=p["name"],
            field=p["field"],
            kind=p["kind"],
            levels=list(p["levels"] or []),
            subjects=list(p["subjects"] or []),
            agency=agencies.get(p["agency_id"]),
            competent_agency=p["competent_agency"],
            authorised_agency=p["authorised_agency"],
            coordinating_agency=p["coordinating_agency"],
            issuing_agency=agencies.get(p["issuing_agency_id"]),
            status=p["status"],
            decision=p["decision"],
            source_url=p["source_url"],
            result=p["result"],
            conditions=p["conditions"],
            flags=list(p["flags"] or []),
        )
        rec["channels"] = [
            {
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
            for c in channels.get(pid, [])
        ]
        rec["documents"] = [
            {
                "name": d["name"],
                "originals": d["originals"],
                "copies": d["copies"],
                "certified_copies": d["certified_copies"],
                "template": d["template"],
                "case": d["case"],
                "raw": d["raw"],
            }
            for d in docs.get(pid, [])
        ]
        rec["steps"] = [
            {"order": s["order"], "text": s["text"], "actor": s["actor"]}
            for s in steps.get(pid, [])
        ]
        rec["legal_bases"] = [
            {"number": lb["number"], "title": lb["title"], "raw": lb["raw"]}
            for lb in legal.get(pid, [])
        ]
        rec["volumes"] = [
            {"year": v["year"], **{k: v[k] for k in VOLUME_KEYS}} for v in volumes.get(pid, [])
        ]
        out[pid] = rec
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
