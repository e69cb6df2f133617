"""The online level of each procedure (NĐ 42/2022/NĐ-CP): a catalogue field, set by a reviewer.

Levels (:data:`catalogue.registry.vocab.ONLINE_LEVELS`): ``full`` (dịch vụ công trực
tuyến toàn trình), ``partial`` (một phần), ``none`` (no online service). The portal import
stores the level where the channel text states it
(:func:`catalogue.sources.online_level.parse_online_level`); a reviewer records it
otherwise (:func:`set_online_level`, audited, the same right as recording a procedure's
burden: ``sheet.edit``). What the reports use (:func:`online_levels`) is the stored level,
else ``none`` for a procedure without any online channel, else unknown (None) — never a
guess from the wording.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from catalogue.registry.audit import write_audit
from catalogue.registry.auth import require
from catalogue.registry.errors import ConcurrentEdit, NotFound, ServiceError
from catalogue.registry.models import Channel, Procedure, utcnow
from catalogue.registry.vocab import ONLINE_LEVEL_CODES, ONLINE_LEVELS

LABELS_VI = {code: text for text, code in ONLINE_LEVELS.items()}
LABELS_EN = {"full": "full online", "partial": "partly online", "none": "not online"}


def online_label(level: str | None, *, lang: str = "vi") -> str:
    """``toàn trình``, ``một phần``, ``không có`` (or English); ``chưa rõ`` when unknown."""
    if level is None:
        return "chưa rõ" if lang == "vi" else "unknown"
    return (LABELS_VI if lang == "vi" else LABELS_EN)[level]


def set_online_level(
    *,
    session: Session,
    actor: str,
    procedure_id: int,
    level: str | None,
    expected_version: int | None = None,
) -> Procedure:
    """Record a procedure's online level (None clears it); audited in the caller's session.

    Raises PermissionDenied (not a reviewer or admin), NotFound, ServiceError for an
    unknown level, and ConcurrentEdit when the procedure changed since ``expected_version``.
    """
    require(session=session, actor=actor, action="sheet.edit")
    if level is not None and level not in ONLINE_LEVEL_CODES:
        raise ServiceError(
            f"mức độ trực tuyến không hợp lệ: {level!r} (unknown online level; known: "
            f"{', '.join(ONLINE_LEVEL_CODES)})"
        )
    procedure = session.get(Procedure, procedure_id)
    if procedure is None:
        raise NotFound(f"Không có thủ tục #{procedure_id} (no procedure #{procedure_id})")
    if expected_version is not None and procedure.version != expected_version:
        raise ConcurrentEdit(
            "Thủ tục đã được người khác sửa trước; hãy tải lại "
            "(the procedure was changed by someone else first; reload it)",
            theirs=procedure.online_level,
            yours=level,
        )
    before = procedure.online_level
    if before == level:
        return procedure
    procedure.online_level = level
    procedure.version += 1
    procedure.updated_at = utcnow()
    session.add(procedure)
    write_audit(
        session=session,
        actor=actor,
        action="procedure.online_level",
        entity="procedure",
        entity_id=procedure_id,
        before={"online_level": before},
        after={"online_level": level},
    )
    session.flush()
    return procedure


def online_levels(engine: Engine) -> pd.DataFrame:
    """``procedure_id``, ``online_level`` (stored, else ``none`` without an online channel,
    else None) and ``online_level_stated`` (whether the catalogue records it)."""
    proc, ch = Procedure.__table__, Channel.__table__
    with engine.connect() as conn:
        stored = pd.DataFrame(
            conn.execute(select(proc.c.id, proc.c.online_level)).all(),
            columns=["procedure_id", "online_level"],
        )
        online = {
            pid for (pid,) in conn.execute(select(ch.c.procedure_id).where(ch.c.kind == "online"))
        }
    stored["online_level_stated"] = stored["online_level"].notna()
    no_channel = ~stored["procedure_id"].isin(online)
    derived = stored["online_level"].where(stored["online_level_stated"] | ~no_channel, "none")
    stored["online_level"] = derived.astype(object).where(derived.notna(), None)
    return stored
