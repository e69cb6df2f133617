"""One adoption and one publication per procedure at a time (issue 18, item 2).

A phương án adopted, or a công bố list signed, *claims* each procedure it changes
(``procedure_claim``, unique per procedure and stage). A second chair adopting or
publishing a change to the same procedure is refused with the procedure and the other
decision named, instead of two contradictory signed decisions.

Serialisation: :func:`lock_procedures` is the first write of the transaction. On
PostgreSQL it takes row locks (``SELECT … FOR UPDATE`` in id order, so two publishers
cannot deadlock); on SQLite the first write takes the database's write lock (the driver
opens the transaction there). Either way the second publisher waits for the first to
commit and then reads its claims. The unique constraint is the backstop.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from catalogue.registry.errors import ServiceError
from catalogue.registry.models import Procedure, ProcedureClaim

STAGES = {"adoption": "thông qua", "publication": "công bố"}


class ClaimConflict(ServiceError):
    """The procedure is already held by another adopted phương án or công bố list."""


def lock_procedures(session: Session, procedure_ids: Iterable[int]) -> None:
    """Wait for (and hold until commit) the procedures about to be claimed."""
    ids = sorted(set(procedure_ids))
    if not ids:
        return
    table = Procedure.__table__
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            select(table.c.id).where(table.c.id.in_(ids)).order_by(table.c.id).with_for_update()
        )
    else:
        # A no-op write: on SQLite it is what takes the write lock for the transaction.
        session.execute(update(table).where(table.c.id.in_(ids)).values(version=table.c.version))


def _label(session: Session, procedure_id: int) -> str:
    proc = session.get(Procedure, procedure_id)
    return f"{proc.code or '#' + str(proc.id)} – {proc.name}" if proc else f"#{procedure_id}"


def check_free(session: Session, procedure_ids: Iterable[int], stage: str) -> None:
    """Refuse when any procedure is held at ``stage``, naming it and the holder."""
    ids = sorted(set(procedure_ids))
    if not ids:
        return
    table = ProcedureClaim.__table__
    held = session.execute(
        select(table.c.procedure_id, table.c.holder)
        .where(table.c.procedure_id.in_(ids), table.c.stage == stage)
        .order_by(table.c.procedure_id)
    ).all()
    if held:
        lines = "; ".join(f"{_label(session, pid)} ({holder})" for pid, holder in held)
        raise ClaimConflict(
            f"Thủ tục đang thuộc một quyết định {STAGES[stage]} khác: {lines}. "
            f"(procedure already in another {stage}: {lines})"
        )


def claim(
    session: Session, procedure_ids: Iterable[int], stage: str, holder: str, holder_id: int
) -> None:
    """Claim the procedures for ``holder``; ClaimConflict when another holds one."""
    ids = sorted(set(procedure_ids))
    check_free(session, ids, stage)
    for pid in ids:
        session.add(
            ProcedureClaim(procedure_id=pid, stage=stage, holder=holder, holder_id=holder_id)
        )
    try:
        session.flush()
    except IntegrityError as exc:  # the backstop: a claim written since check_free
        raise ClaimConflict(
            f"Thủ tục vừa được một quyết định {STAGES[stage]} khác giữ; hãy tải lại "
            f"(a procedure was just claimed by another {stage}; reload)"
        ) from exc


def release(session: Session, procedure_id: int, stages: Iterable[str] = tuple(STAGES)) -> None:
    """Free a procedure once its change is in force (or was declined)."""
    table = ProcedureClaim.__table__
    session.execute(
        delete(table).where(table.c.procedure_id == procedure_id, table.c.stage.in_(list(stages)))
    )
