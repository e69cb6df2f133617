"""Published decisions (Quyết định công bố): their immutability and the catalogue revision.

A decision is signed through :func:`catalogue.cycle.publication.publish_list` and applied
from its act's date in force by :mod:`catalogue.cycle.enactment`, which writes each
procedure's new revision with :func:`_new_revision`. Decisions published by the earlier
shortcut (before migration 0009) are still read by the views and exports; no service
publishes that way any more. A published decision is never edited nor deleted.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, select

from catalogue.cycle.common import Immutable, _get
from catalogue.registry.models import Agency, Decision, Procedure, Revision, utcnow
from catalogue.registry.store import compress_snapshot, content_hash, load_records


def _agency_names(session: Session) -> dict[int, str]:
    return {a.id: a.name for a in session.exec(select(Agency))}


def _record_of(session: Session, procedure_id: int) -> dict[str, Any]:
    return load_records(session.connection(), ids=[procedure_id], with_ids=True)[procedure_id]


def _new_revision(
    session: Session,
    procedure: Procedure,
    *,
    actor: str,
    source: str,
    status: str,
    before: dict[str, Any] | None = None,
    **extra: Any,
) -> None:
    """Give ``procedure`` the new status and a revision (snapshot of its rows as they now are).

    ``before`` is its record before the change (read now when not given), to name the
    changed fields.
    """
    conn = session.connection()
    if before is None:
        before = _record_of(session, procedure.id)
    table = Procedure.__table__
    values = {"status": status, **extra}
    session.execute(
        update(table)
        .where(table.c.id == procedure.id)
        .values(
            **values,
            revision=table.c.revision + 1,
            version=table.c.version + 1,
            updated_at=utcnow(),
        )
    )
    record = load_records(conn, ids=[procedure.id], with_ids=True)[procedure.id]
    changed = sorted(k for k in record if k != "volumes" and record.get(k) != before.get(k))
    number = session.execute(
        select(func.max(Revision.number)).where(Revision.procedure_id == procedure.id)
    ).scalar_one()
    # Procedure.content_hash stays the hash of the last imported source, so re-importing
    # that same source later changes nothing and does not undo the published amendment.
    record_hash = content_hash(record)
    session.add(
        Revision(
            procedure_id=procedure.id,
            number=(number or 0) + 1,
            actor=actor,
            source=source,
            content_hash=record_hash,
            changed_fields=changed or ["decision"],
            snapshot=compress_snapshot(record),
        )
    )
    session.expire(procedure)


def update_decision(*, session: Session, actor: str, decision_id: int, **changes: Any) -> None:
    """Always refused: a published decision is immutable; publish a new one that amends it."""
    decision = _get(session, Decision, decision_id, "quyết định")
    raise Immutable(
        f"Quyết định {decision.number} đã công bố, không thể sửa; hãy ban hành quyết định mới "
        f"sửa đổi quyết định này (published decisions are immutable; publish an amending one)"
    )


def delete_decision(*, session: Session, actor: str, decision_id: int) -> None:
    """Always refused: a published decision is never deleted."""
    update_decision(session=session, actor=actor, decision_id=decision_id)
