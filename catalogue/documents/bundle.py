"""Every document available for a plan, its adoption and its công bố, written into one folder.

The file names are those of the annual-cycle script (issue 19): ``to-trinh-phuong-an.docx``
(the Tờ trình submitting the plan), ``qd-thong-qua-phuong-an.docx`` and ``phuong-an.xlsx``
(the adoption as signed), ``qd-cong-bo.docx``, ``qd-cong-bo.xlsx``,
``bao-cao-tiet-kiem.xlsx``, plus the standalone ``phuong-an.docx`` of a plan. The review
documents and Biểu 06 are written by their own commands (``tthc review export``,
``tthc stats export``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.engine import Engine

from catalogue.registry.db import session_scope


@dataclass(frozen=True)
class Submission:
    """The Tờ trình submitting a plan: its number, date, signer, and the review plan it
    carries out (as cited: "Quyết định số 15/QĐ-UBND ngày … ban hành Kế hoạch …")."""

    number: str
    on: date | None
    signer: str
    review_plan: str | None = None


def _submission(session, actor: str, plan_id: int, submission: Submission) -> bytes:
    from catalogue.documents.to_trinh import submission_docx

    return submission_docx(
        session=session, actor=actor, plan_id=plan_id, number=submission.number,
        on=submission.on, signer=submission.signer, review_plan=submission.review_plan,
    )  # fmt: skip


# file name → builder(session=, actor=, plan_id= | decision_id=) → bytes
PLAN_DOCUMENTS: dict[str, Callable[..., bytes]] = {}
DECISION_DOCUMENTS: dict[str, Callable[..., bytes]] = {}
ADOPTION_DOCUMENTS: dict[str, Callable[..., bytes]] = {}


def _builders() -> None:
    from catalogue.documents import cong_bo, phuong_an, thong_qua

    PLAN_DOCUMENTS.setdefault("phuong-an.docx", phuong_an.plan_docx)
    PLAN_DOCUMENTS.setdefault("phuong-an.xlsx", phuong_an.plan_xlsx)
    DECISION_DOCUMENTS.setdefault("qd-cong-bo.docx", cong_bo.decision_docx)
    DECISION_DOCUMENTS.setdefault("qd-cong-bo.xlsx", cong_bo.decision_xlsx)
    ADOPTION_DOCUMENTS.setdefault("qd-thong-qua-phuong-an.docx", thong_qua.adoption_docx)
    ADOPTION_DOCUMENTS.setdefault("phuong-an.xlsx", thong_qua.adoption_xlsx)


def write_documents(
    engine: Engine,
    *,
    actor: str,
    outdir: Path,
    plan_id: int | None = None,
    decision_id: int | None = None,
    adoption_id: int | None = None,
    submission: Submission | None = None,
    savings: bool = False,
    today: date | None = None,
) -> list[Path]:
    """Write the documents of ``plan_id`` (and its Tờ trình when ``submission`` is
    given), ``adoption_id``, ``decision_id`` and (``savings``) the savings report into
    ``outdir``; returns the paths written. Every document is built before any file is
    written, so a refusal (a missing profile value) leaves the folder untouched.

    The Quyết định thông qua cites the Tờ trình of ``submission``; the savings report
    counts the stages reached on ``today`` (default: the day it is written).
    """
    _builders()
    made: dict[str, bytes] = {}
    cited = (submission.number, submission.on) if submission else None
    with session_scope(engine) as session:
        if plan_id is not None:
            for name, build in PLAN_DOCUMENTS.items():
                made[name] = build(session=session, actor=actor, plan_id=plan_id)
            if submission is not None:
                made["to-trinh-phuong-an.docx"] = _submission(session, actor, plan_id, submission)
        if adoption_id is not None:
            made["qd-thong-qua-phuong-an.docx"] = ADOPTION_DOCUMENTS["qd-thong-qua-phuong-an.docx"](
                session=session, actor=actor, adoption_id=adoption_id, submission=cited,
                review_plans=[submission.review_plan] if submission and submission.review_plan
                else [],
            )  # fmt: skip
            made["phuong-an.xlsx"] = ADOPTION_DOCUMENTS["phuong-an.xlsx"](
                session=session, actor=actor, adoption_id=adoption_id
            )
        if decision_id is not None:
            for name, build in DECISION_DOCUMENTS.items():
                made[name] = build(session=session, actor=actor, decision_id=decision_id)
    if savings:
        from catalogue.costing.burden import catalogue_costs
        from catalogue.documents.tiet_kiem import savings_xlsx

        costs = catalogue_costs(engine)
        with session_scope(engine) as session:
            made["bao-cao-tiet-kiem.xlsx"] = savings_xlsx(
                session=session, actor=actor, costs=costs, today=today
            )
    outdir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in made.items():
        path = outdir / name
        path.write_bytes(data)
        paths.append(path)
    return paths
