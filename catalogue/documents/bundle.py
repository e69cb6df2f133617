"""Every document available for a plan and its decision, written into one folder.

The file names are those of the annual-cycle script (issue 19): ``phuong-an.xlsx``,
``qd-cong-bo.docx``, ``qd-cong-bo.xlsx``, ``bao-cao-tiet-kiem.xlsx``, plus the standalone
``phuong-an.docx``. Documents of other stages (review plan, review and cost forms,
Quyết định thông qua, Biểu 06) join :data:`PLAN_DOCUMENTS` / :data:`DECISION_DOCUMENTS`
under their own names as they are built.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import Engine

from catalogue.registry.db import session_scope

# file name → builder(session=, actor=, plan_id= | decision_id=) → bytes
PLAN_DOCUMENTS: dict[str, Callable[..., bytes]] = {}
DECISION_DOCUMENTS: dict[str, Callable[..., bytes]] = {}


def _builders() -> None:
    from catalogue.documents import cong_bo, phuong_an

    PLAN_DOCUMENTS.setdefault("phuong-an.docx", phuong_an.plan_docx)
    PLAN_DOCUMENTS.setdefault("phuong-an.xlsx", phuong_an.plan_xlsx)
    DECISION_DOCUMENTS.setdefault("qd-cong-bo.docx", cong_bo.decision_docx)
    DECISION_DOCUMENTS.setdefault("qd-cong-bo.xlsx", cong_bo.decision_xlsx)


def write_documents(
    engine: Engine,
    *,
    actor: str,
    outdir: Path,
    plan_id: int | None = None,
    decision_id: int | None = None,
    savings: bool = False,
) -> list[Path]:
    """Write the documents of ``plan_id``, ``decision_id`` and (``savings``) the savings
    report into ``outdir``; returns the paths written. Every document is built before any
    file is written, so a refusal (a missing profile value) leaves the folder untouched."""
    _builders()
    made: dict[str, bytes] = {}
    with session_scope(engine) as session:
        if plan_id is not None:
            for name, build in PLAN_DOCUMENTS.items():
                made[name] = build(session=session, actor=actor, plan_id=plan_id)
        if decision_id is not None:
            for name, build in DECISION_DOCUMENTS.items():
                made[name] = build(session=session, actor=actor, decision_id=decision_id)
    if savings:
        from catalogue.costing.burden import catalogue_costs
        from catalogue.documents.tiet_kiem import savings_xlsx

        costs = catalogue_costs(engine)
        with session_scope(engine) as session:
            made["bao-cao-tiet-kiem.xlsx"] = savings_xlsx(session=session, actor=actor, costs=costs)
    outdir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in made.items():
        path = outdir / name
        path.write_bytes(data)
        paths.append(path)
    return paths
