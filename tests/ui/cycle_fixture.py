"""A demo database with a review cycle in every state, for the page tests: a published
plan (the tax sheet amended, one procedure abolished), a submitted plan with one proposal
for the chair, and a draft plan. Import the fixtures by name into a test module."""

from __future__ import annotations

import shutil
from datetime import date

import pytest
from sqlmodel import Session, select

AMEND = {
    "id": "amend",
    "action": "amend",
    "reason": "Giảm tần suất kê khai",
    "changes": [{"type": "set_frequency", "value": 4, "reason": "Kê khai theo quý"}],
}


def _cycle(engine, tax_id: int) -> None:
    """A published plan (the tax sheet amended, one procedure abolished), a submitted plan
    with one proposal for the chair, and a draft plan."""
    from catalogue import cycle as wf
    from catalogue.costing.burden import catalogue_costs
    from catalogue.registry.db import session_scope
    from catalogue.registry.models import Procedure

    costs = catalogue_costs(engine)
    with Session(engine) as session:
        others = [
            p.id
            for p in session.exec(select(Procedure).order_by(Procedure.id)).all()
            if p.id != tax_id and p.status == "active"
        ][:3]
    with session_scope(engine) as s:
        plan = wf.create_plan(session=s, actor="reviewer", name="Phương án 2026", year=2026,
                              programme="NQ66")  # fmt: skip
        wf.add_proposal(session=s, actor="reviewer", plan_id=plan.id, procedure_id=tax_id,
                        action="amend", option=AMEND)  # fmt: skip
        wf.add_proposal(session=s, actor="reviewer", plan_id=plan.id, procedure_id=others[0],
                        action="abolish", reason="Không còn cần thiết")  # fmt: skip
        wf.submit_plan(session=s, actor="reviewer", plan_id=plan.id)
        plan_id = plan.id
    with session_scope(engine) as s:
        for proposal in wf.proposals_frame(session=s, actor="chair", plan_id=plan_id).itertuples():
            wf.decide_proposal(session=s, actor="chair", proposal_id=int(proposal.id),
                               verdict="approve")  # fmt: skip
        wf.approve_plan(session=s, actor="chair", plan_id=plan_id)
        wf.publish_decision(session=s, actor="chair", plan_id=plan_id, number="15/QĐ-UBND",
                            signed_on=date(2026, 3, 5), signer="Nguyễn Văn An",
                            effective_on=date(2026, 3, 20))  # fmt: skip
    with session_scope(engine) as s:
        waiting = wf.create_plan(session=s, actor="reviewer", name="Phương án bổ sung",
                                 year=2026, programme="NQ66")  # fmt: skip
        cost = int(costs.set_index("procedure_id").loc[others[1], "annual_cost"] or 0)
        wf.add_proposal(session=s, actor="reviewer", plan_id=waiting.id, procedure_id=others[1],
                        action="abolish", reason="Trùng với thủ tục khác",
                        figures={"cost_before": cost, "cost_after": 0},
                        figures_source="model: catalogue_costs")  # fmt: skip
        wf.submit_plan(session=s, actor="reviewer", plan_id=waiting.id)
        wf.create_plan(session=s, actor="reviewer", name="Dự thảo 2027", year=2027,
                       programme="NQ66")  # fmt: skip


@pytest.fixture(scope="module")
def cycle_db_file(demo_db_file, tmp_path_factory):
    from conftest import store_tax_sheet

    from catalogue.sources.service import open_catalogue

    path = tmp_path_factory.mktemp("cycle") / "cycle.sqlite"
    shutil.copy(demo_db_file, path)
    engine = open_catalogue(f"sqlite:///{path}", migrate=False)
    _cycle(engine, store_tax_sheet(engine))
    engine.dispose()
    return path


@pytest.fixture
def cycle_app(cycle_db_file, tmp_path, monkeypatch):
    import streamlit as st
    from conftest import APP, SHEET_PROCEDURE_NAME
    from streamlit.testing.v1 import AppTest

    from catalogue.registry.models import Procedure
    from catalogue.sources.service import open_catalogue

    path = tmp_path / "tthc.sqlite"
    shutil.copy(cycle_db_file, path)
    monkeypatch.setenv("TTHC_DATABASE_URL", f"sqlite:///{path}")
    st.cache_data.clear()
    engine = open_catalogue(f"sqlite:///{path}", migrate=False)
    with Session(engine) as session:
        pid = session.exec(
            select(Procedure.id).where(Procedure.name == SHEET_PROCEDURE_NAME)
        ).first()
    engine.dispose()
    return AppTest.from_file(APP, default_timeout=180), pid
