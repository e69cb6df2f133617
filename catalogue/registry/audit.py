"""The audit log: who did what, when, before → after, written in the caller's transaction.

Every mutating service calls :func:`write_audit` inside the same session as its change,
so an audit row exists exactly when the change was committed. Values are turned into
JSON-ready data (dates as ISO text, Decimal as text) before they are stored.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Session, SQLModel

from catalogue.registry.models import AuditLog, utcnow


def jsonable(value: Any) -> Any:
    """``value`` as JSON-ready data: models become dicts, dates ISO text.

    >>> jsonable({"on": date(2026, 12, 31), "n": Decimal("1.5"), "xs": (1, 2)})
    {'on': '2026-12-31', 'n': '1.5', 'xs': [1, 2]}
    """
    if isinstance(value, SQLModel):
        return jsonable(value.model_dump())
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return None
    return value


def write_audit(
    *,
    session: Session,
    actor: str | None,
    action: str,
    entity: str,
    entity_id: Any = None,
    before: Any = None,
    after: Any = None,
) -> AuditLog:
    """Add one audit row to ``session`` (committed or rolled back with the change)."""
    row = AuditLog(
        at=utcnow(),
        actor=actor,
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        before=jsonable(before),
        after=jsonable(after),
    )
    session.add(row)
    return row
