"""The review year as the pages see it: the review plan, one procedure's review and its
cost tables, the year's report and documents, each called as the signed-in user in one
transaction (:mod:`catalogue.cycle.review_plan`, :mod:`catalogue.cycle.review`,
:mod:`catalogue.costing.cost_form`, :mod:`catalogue.documents.review_docs`)."""

from __future__ import annotations

import importlib
from typing import Any

from ui.state import core, session

MODULES = {
    "plan": "catalogue.cycle.review_plan",
    "review": "catalogue.cycle.review",
    "report": "catalogue.cycle.review_report",
    "cost": "catalogue.costing.cost_form",
    "docs": "catalogue.documents.review_docs",
}


def call(area: str, name: str, /, **kwargs: Any) -> Any:
    """Call ``<module of area>.<name>`` as the signed-in user, in one transaction."""
    from catalogue.registry.db import session_scope

    with session_scope(core.engine()) as db:
        func = getattr(importlib.import_module(MODULES[area]), name)
        return func(session=db, actor=session.username(), **kwargs)


def plan_or_none(year: int) -> dict[str, Any] | None:
    """The year's plan with its items and progress, or None when the year has none."""
    from catalogue.registry.errors import NotFound

    try:
        return call("plan", "show_review_plan", year=year)
    except NotFound:
        return None


def save_and_mark(
    procedure_id: int,
    year: int,
    answers: dict,
    components: list,
    *,
    expected_version: int | None,
    mark: bool,
) -> Any:
    """Save the answers and, when ``mark``, mark the review reviewed — in one transaction."""
    from catalogue.cycle import review as rv
    from catalogue.registry.db import session_scope

    with session_scope(core.engine()) as db:
        who = session.username()
        review = rv.save_review(
            session=db,
            actor=who,
            procedure_id=procedure_id,
            year=year,
            answers=answers,
            components=components,
            expected_version=expected_version,
        )
        if mark:
            review = rv.mark_reviewed(session=db, actor=who, review_id=review.id)
        return review.version


def cost_tables(procedure_id: int) -> tuple[dict, dict, list[str], bool, int | None]:
    """The procedure's sheet as the cost form's tables, the sheet data, the figures still
    estimated, whether the whole sheet is an estimate, and the stored sheet's version."""
    from sqlmodel import select

    from analysis.sheet_data import sheet_to_data
    from catalogue.costing.burden import from_json, procedure_sheet, to_json
    from catalogue.costing.cost_form import still_estimated, tables_from_sheet
    from catalogue.registry.db import session_scope
    from catalogue.registry.models import CostingSheet

    with session_scope(core.engine()) as db:
        sheet = procedure_sheet(db.connection(), procedure_id, params=core.parameters())
        stored = db.exec(
            select(CostingSheet).where(CostingSheet.procedure_id == procedure_id)
        ).first()
        version = None if stored is None else stored.version
    if sheet is None:
        return {}, {}, [], True, None
    data = from_json(to_json(sheet_to_data(sheet)))
    return tables_from_sheet(data), data, still_estimated(data), sheet.estimated, version


def document(kind: str, year: int, code: str | None = None) -> tuple[bytes, str]:
    """One of the review year's documents and its file name."""
    return call("docs", "export_review_document", kind=kind, year=year, code=code)


def ground_tags() -> dict[str, str]:
    """Tags of an item's grounds, code → Vietnamese label."""
    from catalogue.cycle.review_plan import GROUND_TAGS

    return dict(GROUND_TAGS)


def seed(plan_id: int, top: int, agency: str, start_on: Any, end_on: Any) -> Any:
    """Add the top ``top`` procedures of the review priorities to the draft plan."""
    from catalogue.onestop.priorities import review_priorities

    ranking = review_priorities(core.engine(), params=core.parameters()).to_dict("records")
    return call(
        "plan",
        "seed_from_ranking",
        plan_id=plan_id,
        ranking=ranking,
        top=top,
        agency=agency,
        start_on=start_on,
        end_on=end_on,
    )


def form() -> Any:
    """The review form's questions (``data/forms/review-form.yaml``)."""
    from catalogue.cycle.review_form import load_form

    return load_form()


def change_types() -> list[str]:
    """The cost model's change types a component's proposed change may take."""
    from analysis.changes import CHANGE_TYPES

    return list(CHANGE_TYPES)


def vn_number(value: Any) -> str:
    """A number the Vietnamese way (``0,5``, ``1.234``) for a text box."""
    from catalogue.costing.cost_form import format_vn_number

    return format_vn_number(value)


def after_tables(procedure_id: int, year: int) -> tuple[dict, bool]:
    """The cost form's tables after simplification and whether the reviewer saved them
    (else: the current sheet with the review's typed changes applied)."""
    from catalogue.costing.burden import from_json
    from catalogue.costing.cost_form import tables_from_sheet
    from catalogue.cycle import review_option as ro
    from catalogue.cycle.review import find_review
    from catalogue.registry.db import session_scope

    with session_scope(core.engine()) as db:
        review = find_review(db, procedure_id, year)
        data = ro.after_start(db, procedure_id, review)
        saved = bool(review is not None and review.after_sheet)
    return tables_from_sheet(from_json(data)), saved


def save_after(procedure_id: int, year: int, tables: dict, base: dict, version: int | None) -> Any:
    """Read the after tables (refused whole, naming table, row, column) and store them as
    the review's sheet after simplification; the option's changes it adds."""
    from catalogue.costing.cost_form import sheet_from_tables
    from catalogue.cycle import review_option as ro
    from catalogue.registry.db import session_scope

    content = sheet_from_tables(tables, base=base)
    with session_scope(core.engine()) as db:
        review = ro.save_after_sheet(
            session=db, actor=session.username(), procedure_id=procedure_id, year=year,
            content=content, expected_version=version,
        )  # fmt: skip
        return ro.amend_changes(db, review) if review.conclusion == "amend" else []
