"""Write canonical procedure records to the tables, in bulk, inside the caller's transaction.

An import runs in one transaction: it either stores every record or nothing. A record
whose content is unchanged (same hash) is left alone; a changed record replaces its child
rows and gets a new revision with a compressed snapshot; volumes are merged by year and
never deleted by an import (they usually come from another source), and every volume
that changes is reported and audited.

Three rules keep what is stored from being lost by an import:

- a *main-fields-only* record (the flat CSV template) updates the procedure's main
  fields and keeps its stored channels, fees, documents, steps, legal bases and flags;
- a changed record that has fewer child rows than the stored one is counted in
  :attr:`ImportSummary.deleted` (the service refuses it unless deletions are allowed);
- a procedure changed by a published decision is never overwritten by a re-import of
  its source: the import keeps the published state and lists what the source says
  differently (:attr:`ImportSummary.kept`) for a reviewer to resolve.

Reading back lives in :mod:`catalogue.registry.store_read`; row writing in
:mod:`catalogue.registry.store_rows`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection, Engine

from catalogue.registry.models import Decision, utcnow
from catalogue.registry.records import (
    MAIN_FIELDS_ONLY_KEY,
    SOURCE_HASH_KEY,
    ProcedureRecord,
    identity_key,
)
from catalogue.registry.store_read import decompress_snapshot, load_records, revision_history
from catalogue.registry.store_rows import (
    CHUNK,
    T_AUDIT,
    T_PROC,
    T_REVISION,
    agency_ids,
    delete_children,
    insert_returning_ids,
    insert_rows,
    merge_volumes,
    procedure_row,
    write_children,
)

__all__ = [
    "ImportSummary",
    "compress_snapshot",
    "content_hash",
    "decompress_snapshot",
    "existing_identities",
    "import_records",
    "known_source_hashes",
    "load_records",
    "revision_history",
    "store_records",
    "write_import_audit",
]

log = logging.getLogger(__name__)

# Child lists a main-fields-only record takes from the stored procedure.
CHILD_KEYS = ("channels", "documents", "steps", "legal_bases", "flags")
# Statuses only a published decision sets.
PUBLISHED_STATUSES = ("amended", "abolished", "replaced")


@dataclass
class ImportSummary:
    """What an import did."""

    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    flags: Counter = field(default_factory=Counter)
    volumes: int = 0  # stored procedures whose yearly volumes changed
    deleted: Counter = field(default_factory=Counter)  # child rows removed, by kind
    deletions: list[dict[str, Any]] = field(default_factory=list)  # per procedure
    kept: list[dict[str, Any]] = field(default_factory=list)  # published state kept

    def add(self, other: ImportSummary) -> None:
        """Add another summary's counts to this one."""
        self.read += other.read
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.flags.update(other.flags)
        self.volumes += other.volumes
        self.deleted.update(other.deleted)
        self.deletions.extend(other.deletions)
        self.kept.extend(other.kept)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "read": self.read,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "volumes_changed": self.volumes,
            "deleted": dict(sorted(self.deleted.items())),
            "kept_published": self.kept,
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


def _spaced(value: Any) -> Any:
    """``value`` with every text's runs of white space folded to one space (for comparing)."""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, dict):
        return {k: _spaced(v) for k, v in value.items() if k[0] != "_"}
    if isinstance(value, list):
        return [_spaced(v) for v in value]
    return value


def changed_fields(new: ProcedureRecord, old: ProcedureRecord, *, spaces: bool = False) -> list:
    """Keys (volumes and status aside) whose values differ; ``spaces`` folds white space."""
    norm = _spaced if spaces else (lambda v: v)
    return sorted(
        k
        for k in new
        if k not in ("volumes", "status") and k[0] != "_" and norm(new.get(k)) != norm(old.get(k))
    )


def _child_counts(rec: ProcedureRecord) -> Counter:
    counts = Counter()
    counts["channel"] = len(rec.get("channels") or [])
    counts["fee"] = sum(len(ch.get("fees") or []) for ch in rec.get("channels") or [])
    counts["document"] = len(rec.get("documents") or [])
    counts["step"] = len(rec.get("steps") or [])
    counts["legal_basis"] = len(rec.get("legal_bases") or [])
    counts["flag"] = len(rec.get("flags") or [])
    return counts


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


def _published(conn: Connection, pids: list[int]) -> dict[int, tuple[str, str | None]]:
    """Of ``pids``, those a published decision changed: id → (status, decision number)."""
    if not pids:
        return {}
    ours = {n for (n,) in conn.execute(select(Decision.__table__.c.number))}
    out = {}
    for start in range(0, len(pids), CHUNK):
        part = pids[start : start + CHUNK]
        rows = conn.execute(
            select(T_PROC.c.id, T_PROC.c.status, T_PROC.c.decision).where(T_PROC.c.id.in_(part))
        )
        for pid, status, decision in rows:
            if status in PUBLISHED_STATUSES or (decision and decision in ours):
                out[pid] = (status, decision)
    return out


def _last_imported(conn: Connection, pid: int) -> ProcedureRecord | None:
    """The snapshot of the source as last imported (its revision carries the stored hash)."""
    chash = conn.execute(select(T_PROC.c.content_hash).where(T_PROC.c.id == pid)).scalar_one()
    blob = conn.execute(
        select(T_REVISION.c.snapshot)
        .where(T_REVISION.c.procedure_id == pid, T_REVISION.c.content_hash == chash)
        .order_by(T_REVISION.c.number.desc())
        .limit(1)
    ).scalar()
    return None if blob is None else decompress_snapshot(blob)


def _fill_main_fields_only(
    conn: Connection, records: list[ProcedureRecord], existing: dict
) -> dict[int, ProcedureRecord]:
    """Give each main-fields-only record of a stored procedure its stored children.

    Returns the stored records of those procedures by id (to compare against).
    """
    partial = [r for r in records if r.get(MAIN_FIELDS_ONLY_KEY)]
    pids = [existing[identity_string(r)][0] for r in partial if identity_string(r) in existing]
    stored = load_records(conn, ids=pids, with_ids=True) if pids else {}
    for rec in partial:
        ident = identity_string(rec)
        if ident in existing and existing[ident][0] in stored:
            old = stored[existing[ident][0]]
            for key in CHILD_KEYS:
                rec[key] = old[key]
    return stored


def _classify(conn, records, existing, summary, stubs):
    """Split records into new, changed, unchanged-but-for-volumes and kept-published; a
    full record whose code a list export left as a stub completes that stub (``completing``)."""
    stored = _fill_main_fields_only(conn, records, existing)
    candidates = []
    new, changed, volume_only, sources = [], [], [], []
    completing: set[int] = set()
    for rec in records:
        ident = identity_string(rec)
        stub = stubs.pop(rec.get("code"), None) if ident not in existing else None
        if stub is not None:
            pid, stub_ident, rev = stub
            existing.pop(stub_ident, None)
            existing[ident] = (pid, content_hash(rec), rev + 1)
            completing.add(pid)
            summary.updated += 1
            changed.append((pid, rev + 1, rec, content_hash(rec)))
            continue
        if ident not in existing:
            new.append(rec)
            existing[ident] = (-1, content_hash(rec), 1)  # placeholder until the id is known
            continue
        pid, old_hash, rev = existing[ident]
        chash = content_hash(rec)
        partial = rec.get(MAIN_FIELDS_ONLY_KEY) and pid in stored
        same = (
            not changed_fields(rec, stored[pid]) and rec["status"] == stored[pid]["status"]
            if partial
            else old_hash == chash
        )
        if same:
            summary.unchanged += 1
            volume_only.append((pid, rec))
            if rec.get(SOURCE_HASH_KEY):
                sources.append({"pid": pid, "hash": rec[SOURCE_HASH_KEY]})
        else:
            candidates.append((pid, rev + 1, rec, chash, partial))
    published = _published(conn, [c[0] for c in candidates if not c[4]])
    for pid, rev, rec, chash, _ in candidates:
        if pid in published:
            _keep_published(conn, pid, rec, published[pid], summary)
            volume_only.append((pid, rec))
            continue
        summary.updated += 1
        changed.append((pid, rev, rec, chash))
    return new, changed, volume_only, sources, completing


def _keep_published(conn, pid, rec, state, summary) -> None:
    """Leave a procedure changed by a decision as published; report what the source says."""
    source = _last_imported(conn, pid)
    current = load_records(conn, ids=[pid], with_ids=True)[pid]
    since = changed_fields(rec, source, spaces=True) if source is not None else ["*"]
    summary.unchanged += 1
    if not since:
        return  # the source differs from what was imported only in spacing
    summary.kept.append(
        {
            "code": rec.get("code"),
            "identity": identity_string(rec),
            "status": state[0],
            "decision": state[1],
            "source_changed": since,
            "differs_from_published": changed_fields(rec, current, spaces=True),
        }
    )


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
    one file in several batches. The caller writes the import's audit row
    (:func:`write_import_audit`) once the whole import is stored.
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
    names = {n for rec in records for n in (rec.get("agency"), rec.get("issuing_agency")) if n}
    agencies = agency_ids(conn, names)
    existing = known if known is not None else existing_identities(conn)
    now = utcnow()
    stubs = {} if match_by_code else _list_stubs(conn)
    new, changed, volume_only, sources, completing = _classify(
        conn, records, existing, summary, stubs
    )
    new_rows = [
        {
            **procedure_row(rec, agencies),
            "identity": identity_string(rec),
            "status": rec.get("status") or "active",
            "content_hash": content_hash(rec),
            "revision": 1,
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }
        for rec in new
    ]
    new_ids = insert_returning_ids(conn, T_PROC, new_rows)
    for pid, row in zip(new_ids, new_rows, strict=True):
        existing[row["identity"]] = (pid, row["content_hash"], 1)
    for pid, rev, rec, chash in changed:
        existing[identity_string(rec)] = (pid, chash, rev)
    summary.created = len(new_ids)
    created = list(zip(new_ids, new, strict=True))
    write_children(conn, created)
    revisions = [
        _revision_row(pid, 1, rec, row["content_hash"], [], now, actor, source)
        for (pid, rec), row in zip(created, new_rows, strict=True)
    ]
    revisions += _rewrite_changed(conn, changed, agencies, now, actor, source, summary, completing)
    insert_rows(conn, T_REVISION, revisions)
    if sources:
        conn.execute(
            update(T_PROC)
            .where(T_PROC.c.id == bindparam("pid"))
            .values(source_hash=bindparam("hash")),
            sources,
        )
    moved = merge_volumes(conn, created + [(p, r) for p, _, r, _ in changed] + volume_only)
    summary.volumes = len(set(moved) - set(new_ids))  # stored procedures' volumes changed
    return summary


def _revision_row(pid, number, rec, chash, fields, now, actor, source) -> dict[str, Any]:
    return {
        "procedure_id": pid,
        "number": number,
        "created_at": now,
        "actor": actor,
        "source": source,
        "content_hash": chash,
        "changed_fields": fields,
        "snapshot": compress_snapshot(rec),
    }


def _rewrite_changed(
    conn, changed, agencies, now, actor, source, summary, completing=frozenset()
) -> list[dict]:
    """Replace the rows of changed procedures (a completed stub takes the record's identity
    and status); count child rows that disappear."""
    if not changed:
        return []
    ids = [pid for pid, _, _, _ in changed]
    previous = load_records(conn, ids=ids, with_ids=True)
    delete_children(conn, ids)
    revisions = []
    for pid, rev, rec, chash in changed:
        old = previous.get(pid, {})
        # Counter subtraction keeps positives; a completed stub loses only its stub flag
        lost = Counter() if pid in completing else _child_counts(old) - _child_counts(rec)
        if lost:
            summary.deleted.update(lost)
            summary.deletions.append(
                {"code": rec.get("code"), "identity": identity_string(rec), "rows": dict(lost)}
            )
        row = procedure_row(rec, agencies)
        if row["online_level"] is None:
            del row["online_level"]  # a source silent on it keeps the reviewer's value
        row.update(content_hash=chash, revision=rev, updated_at=now)
        if pid in completing:
            row.update(identity=identity_string(rec), status=rec.get("status") or "active")
        if rec.get(MAIN_FIELDS_ONLY_KEY):
            row.pop("source_hash")  # the CSV template is not the source: keep its hash
        conn.execute(
            update(T_PROC).where(T_PROC.c.id == pid).values(**row, version=T_PROC.c.version + 1)
        )
        fields = changed_fields(rec, old)
        revisions.append(_revision_row(pid, rev, rec, chash, fields, now, actor, source))
    write_children(conn, [(pid, rec) for pid, _, rec, _ in changed])
    return revisions


def write_import_audit(
    conn: Connection, summary: ImportSummary, *, sources: list[str], actor: str | None
) -> None:
    """One audit row per import, whatever it changed (who imported what, and the result)."""
    conn.execute(
        insert(T_AUDIT).values(
            at=utcnow(),
            actor=actor,
            action="import",
            entity="procedure",
            entity_id=None,
            before=None,
            after={"sources": sources, **summary.as_dict()},
        )
    )


def import_records(
    engine: Engine,
    records: Iterable[ProcedureRecord],
    *,
    source: str,
    actor: str | None = None,
) -> ImportSummary:
    """Store records in one transaction (all or nothing), audited."""
    with engine.begin() as conn:
        summary = store_records(conn, records, source=source, actor=actor)
        write_import_audit(conn, summary, sources=[source], actor=actor)
        return summary
