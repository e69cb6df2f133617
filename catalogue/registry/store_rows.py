"""Row-level writing of procedure children and volumes, in chunks (used by the store)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.engine import Connection

from catalogue.registry.models import (
    Agency,
    AuditLog,
    Channel,
    Document,
    Fee,
    LegalBasis,
    Procedure,
    Revision,
    Step,
    Volume,
)
from catalogue.registry.records import SOURCE_HASH_KEY, ProcedureRecord

CHUNK = 2000
T_PROC = Procedure.__table__
T_AGENCY = Agency.__table__
T_CHANNEL = Channel.__table__
T_FEE = Fee.__table__
T_DOC = Document.__table__
T_STEP = Step.__table__
T_LEGAL = LegalBasis.__table__
T_VOLUME = Volume.__table__
T_REVISION = Revision.__table__
T_AUDIT = AuditLog.__table__

VOLUME_KEYS = (
    "received",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "pending",
    "online",
)


def chunks(rows: Sequence[dict], size: int = CHUNK) -> Iterable[Sequence[dict]]:
    """``rows`` in slices of ``size`` (bounded statement sizes on both engines)."""
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def insert_returning_ids(conn: Connection, table, rows: list[dict]) -> list[int]:
    """Insert ``rows`` and return their new ids, in order."""
    ids: list[int] = []
    for chunk in chunks(rows):
        result = conn.execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True), list(chunk)
        )
        ids.extend(r[0] for r in result)
    return ids


def insert_rows(conn: Connection, table, rows: list[dict]) -> None:
    """Insert ``rows`` in chunks."""
    for chunk in chunks(rows):
        conn.execute(insert(table), list(chunk))


def agency_ids(conn: Connection, names: set[str]) -> dict[str, int]:
    """Agency name → id, creating the agencies not stored yet."""
    known = {n: i for i, n in conn.execute(select(T_AGENCY.c.id, T_AGENCY.c.name))}
    missing = sorted(n for n in names if n and n not in known)
    if missing:
        new_ids = insert_returning_ids(conn, T_AGENCY, [{"name": n} for n in missing])
        known.update(zip(missing, new_ids, strict=True))
    return known


def procedure_row(rec: ProcedureRecord, agencies: dict[str, int]) -> dict[str, Any]:
    """The ``procedure`` table's main-field values of a record."""
    return {
        "code": rec.get("code"),
        "name": rec["name"],
        "field": rec.get("field"),
        "kind": rec.get("kind"),
        "levels": list(rec.get("levels") or []),
        "subjects": list(rec.get("subjects") or []),
        "agency_id": agencies.get(rec.get("agency") or ""),
        "issuing_agency_id": agencies.get(rec.get("issuing_agency") or ""),
        "competent_agency": rec.get("competent_agency"),
        "authorised_agency": rec.get("authorised_agency"),
        "coordinating_agency": rec.get("coordinating_agency"),
        "decision": rec.get("decision"),
        "source_url": rec.get("source_url"),
        "result": rec.get("result"),
        "conditions": rec.get("conditions"),
        "flags": list(rec.get("flags") or []),
        "source_hash": rec.get(SOURCE_HASH_KEY),
        "online_level": rec.get("online_level"),  # only when the source states it
    }


def write_children(conn: Connection, pid_records: list[tuple[int, ProcedureRecord]]) -> None:
    """Insert the channels, fees, documents, steps and legal bases of each record."""
    channel_rows: list[dict] = []
    channel_fees: list[list[dict]] = []
    docs: list[dict] = []
    steps: list[dict] = []
    legal: list[dict] = []
    for pid, rec in pid_records:
        for pos, ch in enumerate(rec.get("channels") or []):
            deadline = ch.get("deadline") or {}
            channel_rows.append(
                {
                    "procedure_id": pid,
                    "position": pos,
                    "kind": ch["kind"],
                    "deadline_value": deadline.get("value"),
                    "deadline_unit": deadline.get("unit") or "unspecified",
                    "deadline_raw": deadline.get("raw"),
                    "description": ch.get("description"),
                    "raw": ch.get("raw"),
                }
            )
            channel_fees.append(ch.get("fees") or [])
        for pos, doc in enumerate(rec.get("documents") or []):
            docs.append(
                {
                    "procedure_id": pid,
                    "position": pos,
                    "name": doc.get("name"),
                    "originals": doc.get("originals"),
                    "copies": doc.get("copies"),
                    "certified_copies": doc.get("certified_copies"),
                    "template": doc.get("template"),
                    "case": doc.get("case"),
                    "raw": doc.get("raw"),
                }
            )
        for step in rec.get("steps") or []:
            steps.append(
                {
                    "procedure_id": pid,
                    "order": step["order"],
                    "text": step["text"],
                    "actor": step.get("actor"),
                }
            )
        for pos, lb in enumerate(rec.get("legal_bases") or []):
            legal.append(
                {
                    "procedure_id": pid,
                    "position": pos,
                    "number": lb.get("number"),
                    "title": lb.get("title") or lb.get("number") or "",
                    "raw": lb.get("raw"),
                }
            )
    channel_ids = insert_returning_ids(conn, T_CHANNEL, channel_rows)
    fee_rows = [
        {
            "channel_id": cid,
            "position": pos,
            "kind": fee.get("kind") or "unspecified",
            "amount": fee.get("amount"),
            "currency": fee.get("currency") or "VND",
            "free": bool(fee.get("free")),
            "unit": fee.get("unit"),
            "raw": fee.get("raw"),
        }
        for cid, fees in zip(channel_ids, channel_fees, strict=True)
        for pos, fee in enumerate(fees)
    ]
    insert_rows(conn, T_FEE, fee_rows)
    insert_rows(conn, T_DOC, docs)
    insert_rows(conn, T_STEP, steps)
    insert_rows(conn, T_LEGAL, legal)


def delete_children(conn: Connection, procedure_ids: list[int]) -> None:
    """Delete the child rows (not volumes) of the procedures, before rewriting them."""
    for start in range(0, len(procedure_ids), CHUNK):
        ids = procedure_ids[start : start + CHUNK]
        channel_ids = select(T_CHANNEL.c.id).where(T_CHANNEL.c.procedure_id.in_(ids))
        conn.execute(delete(T_FEE).where(T_FEE.c.channel_id.in_(channel_ids)))
        for table in (T_CHANNEL, T_DOC, T_STEP, T_LEGAL):
            conn.execute(delete(table).where(table.c.procedure_id.in_(ids)))


def merge_volumes(
    conn: Connection, pid_records: list[tuple[int, ProcedureRecord]]
) -> dict[int, list[dict[str, Any]]]:
    """Merge yearly volumes by (procedure, year); never delete one.

    Returns, per procedure whose volumes changed, the list of changes
    (``{"year", "before", "after"}``, before None for a new year), for the audit log.
    """
    wanted = [(pid, v) for pid, rec in pid_records for v in rec.get("volumes") or []]
    if not wanted:
        return {}
    pids = sorted({pid for pid, _ in wanted})
    existing: dict[tuple[int, int], tuple[int, dict[str, Any]]] = {}
    cols = [T_VOLUME.c[k] for k in VOLUME_KEYS]
    for start in range(0, len(pids), CHUNK):
        ids = pids[start : start + CHUNK]
        for vid, pid, year, *values in conn.execute(
            select(T_VOLUME.c.id, T_VOLUME.c.procedure_id, T_VOLUME.c.year, *cols).where(
                T_VOLUME.c.procedure_id.in_(ids)
            )
        ):
            existing[(pid, year)] = (vid, dict(zip(VOLUME_KEYS, values, strict=True)))
    new_rows, changed = [], []
    changes: dict[int, list[dict[str, Any]]] = {}
    for pid, vol in wanted:
        values = {k: vol.get(k) for k in VOLUME_KEYS}
        key = (pid, int(vol["year"]))
        if key in existing:
            vid, old = existing[key]
            if old == values:
                continue
            changed.append({"vid": vid, **{f"v_{k}": v for k, v in values.items()}})
            changes.setdefault(pid, []).append({"year": key[1], "before": old, "after": values})
        else:
            new_rows.append({"procedure_id": pid, "year": key[1], **values})
            changes.setdefault(pid, []).append({"year": key[1], "before": None, "after": values})
    if changed:  # one executemany, not one statement per volume
        conn.execute(
            update(T_VOLUME)
            .where(T_VOLUME.c.id == bindparam("vid"))
            .values(**{k: bindparam(f"v_{k}") for k in VOLUME_KEYS}),
            changed,
        )
    insert_rows(conn, T_VOLUME, new_rows)
    return changes
