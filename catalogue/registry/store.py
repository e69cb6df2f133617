"""Write canonical procedure records to the tables and read them back, in bulk.

An import runs in one transaction: it either stores every record or nothing. A record
whose content is unchanged (same hash) is left alone; a changed record replaces its child
rows and gets a new revision with a compressed snapshot; volumes are merged by year and
never deleted by an import (they usually come from another source).
"""

from __future__ import annotations

import hashlib
import json
import logging
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.engine import Connection, Engine

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
    utcnow,
)
from catalogue.registry.records import SOURCE_HASH_KEY, ProcedureRecord, empty_record, identity_key

log = logging.getLogger(__name__)

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


@dataclass
class ImportSummary:
    """What an import did."""

    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    flags: Counter = field(default_factory=Counter)

    def add(self, other: ImportSummary) -> None:
        """Add another summary's counts to this one."""
        self.read += other.read
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.flags.update(other.flags)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "read": self.read,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "flags": dict(sorted(self.flags.items())),
        }


def identity_string(record: ProcedureRecord) -> str:
    """The unique identity column value: code | levels | agency."""
    return "|".join(identity_key(record))


def content_hash(record: ProcedureRecord) -> str:
    """Hash of everything an import compares (volumes and status excluded)."""
    payload = {k: v for k, v in record.items() if k not in ("volumes", "status") and k[0] != "_"}
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def compress_snapshot(record: ProcedureRecord) -> bytes:
    """zlib-compressed JSON of a record (revision snapshots)."""
    public = {k: v for k, v in record.items() if k[0] != "_"}
    text = json.dumps(public, sort_keys=True, ensure_ascii=False, default=str)
    return zlib.compress(text.encode("utf-8"), 1)


def decompress_snapshot(blob: bytes) -> ProcedureRecord:
    """Inverse of :func:`compress_snapshot`."""
    return json.loads(zlib.decompress(blob).decode("utf-8"))


def _chunks(rows: Sequence[dict], size: int = CHUNK) -> Iterable[Sequence[dict]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _insert_returning_ids(conn: Connection, table, rows: list[dict]) -> list[int]:
    ids: list[int] = []
    for chunk in _chunks(rows):
        result = conn.execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True), list(chunk)
        )
        ids.extend(r[0] for r in result)
    return ids


def _insert(conn: Connection, table, rows: list[dict]) -> None:
    for chunk in _chunks(rows):
        conn.execute(insert(table), list(chunk))


def _agency_ids(conn: Connection, names: set[str]) -> dict[str, int]:
    known = {n: i for i, n in conn.execute(select(T_AGENCY.c.id, T_AGENCY.c.name))}
    missing = sorted(n for n in names if n and n not in known)
    if missing:
        new_ids = _insert_returning_ids(conn, T_AGENCY, [{"name": n} for n in missing])
        known.update(zip(missing, new_ids, strict=True))
    return known


def _procedure_row(rec: ProcedureRecord, agencies: dict[str, int]) -> dict[str, Any]:
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


def _write_children(conn: Connection, pid_records: list[tuple[int, ProcedureRecord]]) -> None:
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
    channel_ids = _insert_returning_ids(conn, T_CHANNEL, channel_rows)
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
    _insert(conn, T_FEE, fee_rows)
    _insert(conn, T_DOC, docs)
    _insert(conn, T_STEP, steps)
    _insert(conn, T_LEGAL, legal)


def _delete_children(conn: Connection, procedure_ids: list[int]) -> None:
    for start in range(0, len(procedure_ids), CHUNK):
        ids = procedure_ids[start : start + CHUNK]
        channel_ids = select(T_CHANNEL.c.id).where(T_CHANNEL.c.procedure_id.in_(ids))
        conn.execute(delete(T_FEE).where(T_FEE.c.channel_id.in_(channel_ids)))
        for table in (T_CHANNEL, T_DOC, T_STEP, T_LEGAL):
            conn.execute(delete(table).where(table.c.procedure_id.in_(ids)))


def _merge_volumes(conn: Connection, pid_records: list[tuple[int, ProcedureRecord]]) -> None:
    wanted = [(pid, v) for pid, rec in pid_records for v in rec.get("volumes") or []]
    if not wanted:
        return
    pids = sorted({pid for pid, _ in wanted})
    existing: dict[tuple[int, int], int] = {}
    for start in range(0, len(pids), CHUNK):
        ids = pids[start : start + CHUNK]
        for vid, pid, year in conn.execute(
            select(T_VOLUME.c.id, T_VOLUME.c.procedure_id, T_VOLUME.c.year).where(
                T_VOLUME.c.procedure_id.in_(ids)
            )
        ):
            existing[(pid, year)] = vid
    new_rows, changed = [], []
    for pid, vol in wanted:
        values = {k: vol.get(k) for k in VOLUME_KEYS}
        key = (pid, int(vol["year"]))
        if key in existing:
            changed.append({"vid": existing[key], **{f"v_{k}": v for k, v in values.items()}})
        else:
            new_rows.append({"procedure_id": pid, "year": key[1], **values})
    if changed:  # one executemany, not one statement per volume
        conn.execute(
            update(T_VOLUME)
            .where(T_VOLUME.c.id == bindparam("vid"))
            .values(**{k: bindparam(f"v_{k}") for k in VOLUME_KEYS}),
            changed,
        )
    _insert(conn, T_VOLUME, new_rows)


def _drop_known_codes(
    conn: Connection, records: list[ProcedureRecord]
) -> tuple[list[ProcedureRecord], int]:
    codes = sorted({r["code"] for r in records if r.get("code")})
    known: set[str] = set()
    for start in range(0, len(codes), CHUNK):
        part = codes[start : start + CHUNK]
        known.update(
            c for (c,) in conn.execute(select(T_PROC.c.code).where(T_PROC.c.code.in_(part)))
        )
    kept = [r for r in records if r.get("code") not in known]
    return kept, len(records) - len(kept)


LIST_STUB = "list_stub"  # flag of a procedure known only from a list export


def _list_stubs(conn: Connection) -> dict[str, tuple[int, str, int]]:
    """code → (id, identity, revision) of the stubs a list export left (one per code)."""
    rows = conn.execute(
        select(T_PROC.c.id, T_PROC.c.code, T_PROC.c.identity, T_PROC.c.revision, T_PROC.c.flags)
        .where(T_PROC.c.status == "draft")
        .order_by(T_PROC.c.id)
    )
    stubs: dict[str, tuple[int, str, int]] = {}
    for pid, code, ident, rev, flags in rows:
        if code and any(f.get("kind") == LIST_STUB for f in flags or []):
            stubs.setdefault(code, (pid, ident, rev))
    return stubs


def known_source_hashes(conn: Connection) -> set[str]:
    """Hashes of the raw source lines the stored procedures were imported from."""
    return {
        h
        for (h,) in conn.execute(
            select(T_PROC.c.source_hash).where(T_PROC.c.source_hash.is_not(None))
        )
    }


def existing_identities(conn: Connection) -> dict[str, tuple[int, str, int]]:
    """identity → (procedure id, content hash, revision) of every stored procedure."""
    return {
        ident: (pid, chash, rev)
        for pid, ident, chash, rev in conn.execute(
            select(T_PROC.c.id, T_PROC.c.identity, T_PROC.c.content_hash, T_PROC.c.revision)
        )
    }


def store_records(
    conn: Connection,
    records: Iterable[ProcedureRecord],
    *,
    source: str,
    actor: str | None = None,
    match_by_code: bool = False,
    known: dict[str, tuple[int, str, int]] | None = None,
) -> ImportSummary:
    """Store records inside the caller's transaction and return what changed.

    With ``match_by_code`` (a list export such as the portal's "Danh sách TTHC" that has
    no levels), a record whose code is already catalogued is taken as that procedure and
    counted unchanged instead of being stored a second time. ``known`` is the identity
    map of :func:`existing_identities`, passed (and kept up to date) by callers that store
    one file in several batches.
    """
    summary = ImportSummary()
    records = list(records)
    if match_by_code:
        records, matched = _drop_known_codes(conn, records)
        summary.unchanged += matched
        summary.read += matched
    summary.read += len(records)
    for rec in records:
        for flag in rec.get("flags") or []:
            summary.flags[flag.get("kind", "unknown")] += 1
    agency_names = {
        n for rec in records for n in (rec.get("agency"), rec.get("issuing_agency")) if n
    }
    agencies = _agency_ids(conn, agency_names)
    existing = known if known is not None else existing_identities(conn)
    now = utcnow()
    new_rows: list[dict] = []
    new_records: list[ProcedureRecord] = []
    changed: list[tuple[int, int, ProcedureRecord, str]] = []
    volume_only: list[tuple[int, ProcedureRecord]] = []
    new_sources: list[dict[str, Any]] = []
    stubs = {} if match_by_code else _list_stubs(conn)
    completing: set[int] = set()
    for rec in records:
        ident = identity_string(rec)
        chash = content_hash(rec)
        stub = stubs.pop(rec.get("code"), None) if ident not in existing else None
        if stub is not None:  # a full record completes the stub its code left from a list
            pid, stub_ident, rev = stub
            existing.pop(stub_ident, None)
            existing[ident] = (pid, chash, rev + 1)
            completing.add(pid)
            summary.updated += 1
            changed.append((pid, rev + 1, rec, chash))
            continue
        if ident in existing:
            pid, old_hash, rev = existing[ident]
            if old_hash == chash:
                summary.unchanged += 1
                volume_only.append((pid, rec))
                if rec.get(SOURCE_HASH_KEY):
                    new_sources.append({"pid": pid, "hash": rec[SOURCE_HASH_KEY]})
            else:
                summary.updated += 1
                changed.append((pid, rev + 1, rec, chash))
            continue
        row = _procedure_row(rec, agencies)
        row.update(
            identity=ident,
            status=rec.get("status") or "active",
            content_hash=chash,
            revision=1,
            version=1,
            created_at=now,
            updated_at=now,
        )
        new_rows.append(row)
        new_records.append(rec)
        existing[ident] = (-1, chash, 1)  # placeholder until the id is known
    new_ids = _insert_returning_ids(conn, T_PROC, new_rows)
    for pid, row in zip(new_ids, new_rows, strict=True):
        existing[row["identity"]] = (pid, row["content_hash"], 1)
    for pid, rev, rec, chash in changed:
        existing[identity_string(rec)] = (pid, chash, rev)
    summary.created = len(new_ids)
    created = list(zip(new_ids, new_records, strict=True))
    _write_children(conn, created)

    previous: dict[int, ProcedureRecord] = {}
    if changed:
        previous = load_records(conn, ids=[pid for pid, _, _, _ in changed], with_ids=True)
        _delete_children(conn, [pid for pid, _, _, _ in changed])
        for pid, rev, rec, chash in changed:
            row = _procedure_row(rec, agencies)
            if row["online_level"] is None:
                del row["online_level"]  # a source silent on it keeps the reviewer's value
            row.update(content_hash=chash, revision=rev, updated_at=now)
            if pid in completing:
                row.update(identity=identity_string(rec), status=rec.get("status") or "active")
            conn.execute(
                update(T_PROC).where(T_PROC.c.id == pid).values(**row, version=T_PROC.c.version + 1)
            )
        _write_children(conn, [(pid, rec) for pid, _, rec, _ in changed])

    revisions = [
        {
            "procedure_id": pid,
            "number": 1,
            "created_at": now,
            "actor": actor,
            "source": source,
            "content_hash": row["content_hash"],
            "changed_fields": [],
            "snapshot": compress_snapshot(rec),
        }
        for (pid, rec), row in zip(created, new_rows, strict=True)
    ]
    if changed:
        for pid, rev, rec, chash in changed:
            old = previous.get(pid, {})
            fields = sorted(
                k
                for k in rec
                if k not in ("volumes", "status") and k[0] != "_" and rec.get(k) != old.get(k)
            )
            revisions.append(
                {
                    "procedure_id": pid,
                    "number": rev,
                    "created_at": now,
                    "actor": actor,
                    "source": source,
                    "content_hash": chash,
                    "changed_fields": fields,
                    "snapshot": compress_snapshot(rec),
                }
            )
    _insert(conn, T_REVISION, revisions)
    if new_sources:
        conn.execute(
            update(T_PROC)
            .where(T_PROC.c.id == bindparam("pid"))
            .values(source_hash=bindparam("hash")),
            new_sources,
        )
    _merge_volumes(conn, created + [(pid, rec) for pid, _, rec, _ in changed] + volume_only)
    if summary.created or summary.updated:
        conn.execute(
            insert(T_AUDIT).values(
                at=now,
                actor=actor,
                action="import",
                entity="procedure",
                entity_id=None,
                before=None,
                after={"source": source, **summary.as_dict()},
            )
        )
    return summary


def import_records(
    engine: Engine,
    records: Iterable[ProcedureRecord],
    *,
    source: str,
    actor: str | None = None,
) -> ImportSummary:
    """Store records in one transaction (all or nothing)."""
    with engine.begin() as conn:
        return store_records(conn, records, source=source, actor=actor)


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
