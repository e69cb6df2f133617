"""Programme scope: whether a procedure is related to production and business.

NQ 68/NQ-CP and NQ 66/NQ-CP targets concern business regulations only (PROCESS.md §1).
The scope is derived from the procedure's subjects (đối tượng thực hiện) and a reviewer
may correct it (``business_scope``, audited); the correction wins over the derivation.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable

import numpy as np
import pandas as pd
from sqlalchemy import Text, cast
from sqlmodel import Session, select

from catalogue.cycle.common import _get
from catalogue.registry.audit import jsonable, write_audit
from catalogue.registry.auth import require
from catalogue.registry.models import BusinessScope, Procedure

# A subject names a business when it starts with one of these (after normalising); the
# portal's "Tổ chức (không bao gồm doanh nghiệp, HTX)" mentions enterprises only to
# exclude them, hence "starts with" and the parenthesis removed first.
BUSINESS_SUBJECTS = (
    "doanh nghiệp",
    "hợp tác xã",
    "liên hiệp hợp tác xã",
    "htx",
    "hộ kinh doanh",
    "tổ chức kinh tế",
    "nhà đầu tư",
    "thương nhân",
    "enterprise",
)


def _subjects(subjects: Iterable[str]) -> list[str]:
    out = []
    for subject in subjects or []:
        text = unicodedata.normalize("NFC", str(subject))
        text = re.sub(r"\([^)]*\)", "", text)
        out.extend(" ".join(part.split()).casefold() for part in text.split(","))
    return [s for s in out if s]


def derived_business_related(subjects: Iterable[str]) -> bool:
    """Whether any subject is a business (the derivation a reviewer may correct).

    >>> derived_business_related(["Công dân Việt Nam", "Doanh nghiệp có vốn đầu tư nước ngoài"])
    True
    >>> derived_business_related(["Tổ chức (không bao gồm doanh nghiệp, HTX)", "Công dân Việt Nam"])
    False
    """
    return any(s.startswith(BUSINESS_SUBJECTS) for s in _subjects(subjects))


def business_related_map(session: Session, ids: Iterable[int] | None = None) -> dict[int, bool]:
    """procedure id → in the programmes' scope (the reviewer's correction, else derived),
    for every procedure or for ``ids``.

    The subjects are read as JSON text in bulk (as Arrow columns on an SQLite file while
    the session has written nothing, :func:`catalogue.registry.bulk_reads.committed_reads`)
    and derived once per distinct list: a national catalogue repeats a few hundred lists
    over 100.000 procedures.
    """
    from catalogue.costing.frames import fetch_rows, frame_of
    from catalogue.registry.bulk_reads import committed_reads

    table, scope = Procedure.__table__, BusinessScope.__table__
    query = select(table.c.id, cast(table.c.subjects, Text))
    corrections = select(scope.c.procedure_id, scope.c.business_related)
    if ids is not None:
        wanted = sorted({int(i) for i in ids})
        query = query.where(table.c.id.in_(wanted))
        corrections = corrections.where(scope.c.procedure_id.in_(wanted))
    session.flush()  # the bulk reads see what this session has written, as a query would
    with committed_reads(session.connection()) as conn:
        found = frame_of(conn, query, ["procedure_id", "subjects"])
    codes, distinct = pd.factorize(found["subjects"])  # no subjects: code -1, not related
    derived = [derived_business_related(json.loads(t) if t else []) for t in distinct]
    related = np.array([*derived, False], dtype=bool)[codes]
    out = dict(zip(found["procedure_id"].astype(int).tolist(), related.tolist(), strict=True))
    for pid, flag in fetch_rows(session.connection(), corrections):
        out[int(pid)] = bool(flag)
    return out


def set_business_scope(
    *,
    session: Session,
    actor: str,
    procedure_id: int,
    business_related: bool | None,
    reason: str | None = None,
) -> bool:
    """A reviewer's correction (``None`` removes it); returns the procedure's scope now."""
    require(session=session, actor=actor, action="scope.edit")
    proc = _get(session, Procedure, procedure_id, "thủ tục")
    row = session.get(BusinessScope, procedure_id)
    before = jsonable(row) if row is not None else None
    if business_related is None:
        if row is not None:
            session.delete(row)
    elif row is None:
        row = BusinessScope(
            procedure_id=procedure_id, business_related=bool(business_related), reason=reason,
            set_by=actor,
        )  # fmt: skip
        session.add(row)
    else:
        row.business_related, row.reason, row.set_by = bool(business_related), reason, actor
    session.flush()
    now = (
        derived_business_related(proc.subjects)
        if business_related is None
        else bool(business_related)
    )
    write_audit(
        session=session, actor=actor, action="scope.edit", entity="procedure",
        entity_id=procedure_id, before=before,
        after={"business_related": now, "corrected": business_related is not None,
               "reason": reason},
    )  # fmt: skip
    return now
