"""The review cycle as the pages see it: the workflow services called as the signed-in
user, a decision's Excel list or Word draft, and the programmes a plan counts towards."""

from __future__ import annotations

from typing import Any

from ui.state import core, session


def workflow(name: str, /, **kwargs: Any) -> Any:
    """Call ``catalogue.cycle.<name>`` as the signed-in user, in one transaction.

    The service checks the role and raises ServiceError / PermissionDenied with a
    message for the user; reads return frames, actions the changed row.
    """
    from catalogue import cycle as services
    from catalogue.registry.db import session_scope

    with session_scope(core.engine()) as db:
        return getattr(services, name)(session=db, actor=session.username(), **kwargs)


def programmes() -> list[str]:
    """Programme tags a plan can count towards (``data/parameters/programmes.yaml``)."""
    from analysis.targets import load_programmes

    return list(dict.fromkeys(p.plan_tag for p in load_programmes()))


def decision_export(decision_id: int, fmt: str) -> bytes:
    """The decision's list as Excel (``xlsx``) or its Word draft (``docx``), as bytes."""
    from catalogue.documents.exports import export_decision
    from catalogue.registry.db import session_scope

    with session_scope(core.engine()) as db:
        return export_decision(
            session=db, actor=session.username(), decision_id=decision_id, fmt=fmt
        )


def plan_document(plan_id: int, fmt: str) -> bytes:
    """The phương án of a plan as the Word draft (``docx``) or the Excel table (``xlsx``)."""
    from catalogue.documents.phuong_an import plan_docx, plan_xlsx
    from catalogue.registry.db import session_scope

    build = plan_docx if fmt == "docx" else plan_xlsx
    with session_scope(core.engine()) as db:
        return build(session=db, actor=session.username(), plan_id=plan_id)


def stage_totals(today: Any) -> Any:
    """Savings per stage of the cycle on ``today`` (``catalogue.cycle.stage_totals`` of
    ``savings_by_stage``), as the signed-in user."""
    from catalogue.cycle import stage_totals as totals

    return totals(workflow("savings_by_stage", today=today))


def default_routes(procedure_ids: list[int]) -> dict[int, str]:
    """The route the adoption service would take for each procedure when none is given
    (:func:`catalogue.cycle.adoption.default_route`)."""
    from catalogue.cycle import default_route
    from catalogue.registry.db import session_scope
    from catalogue.registry.models import Procedure

    with session_scope(core.engine()) as db:
        return {int(pid): default_route(db.get(Procedure, int(pid))) for pid in procedure_ids}


def act_links() -> Any:
    """Every act link with its act, extent, date in force and the công bố listing it
    (:func:`catalogue.cycle.cycle_views.act_links_frame`), as the signed-in user."""
    from catalogue.cycle.cycle_views import act_links_frame
    from catalogue.registry.db import session_scope

    with session_scope(core.engine()) as db:
        return act_links_frame(session=db, actor=session.username())


def working_days(start: Any, end: Any) -> tuple[int, int]:
    """Working days from ``start`` to ``end`` (:func:`catalogue.cycle.working_days_between`)
    and the fewest a công bố may give before the date in force (NĐ 48/2013)."""
    from catalogue.cycle.publication import MIN_WORKING_DAYS, working_days_between

    return working_days_between(start, end), MIN_WORKING_DAYS
