"""A demo database with a review cycle in every state, for the page tests: an adopted plan
whose tax amendment is published and in force while its abolition waits for the công bố,
a submitted plan with one proposal for the chair and one returned with his comment, and a
draft plan. Import the fixtures by name into a test module."""

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


def _adopted_and_in_force(engine, plan_id: int) -> None:
    """The law's sequence on the first plan: the chair decides and adopts it (both proposals
    sent to Bộ Tài chính), an act implements both, the chair publishes the tax amendment
    citing it, and its date in force is reached; the abolition waits for its công bố."""
    from catalogue import cycle as wf
    from catalogue.registry.db import session_scope

    with session_scope(engine) as s:
        proposals = wf.proposals_frame(session=s, actor="chair", plan_id=plan_id)
        for proposal in proposals.itertuples():
            wf.decide_proposal(
                session=s, actor="chair", proposal_id=int(proposal.id), verdict="approve"
            )
    routes = {
        int(p.id): {"route": "recommendation", "addressee": "Bộ Tài chính"}
        for p in proposals.itertuples()
    }
    with session_scope(engine) as s:
        wf.adopt_plan(
            session=s,
            actor="chair",
            plan_id=plan_id,
            number="125/QĐ-UBND",
            signed_on=date(2026, 1, 20),
            signer="Nguyễn Văn An",
            routes=routes,
        )
    with session_scope(engine) as s:
        act = wf.record_act(
            session=s,
            actor="reviewer",
            number="05/2026/TT-BTC",
            title="Thông tư sửa đổi chế độ kê khai",
            issuer="Bộ Tài chính",
            issued_on=date(2026, 2, 1),
            in_force_on=date(2026, 3, 20),
        )
        routings = wf.routings_frame(session=s, actor="reviewer", plan_id=plan_id)
        for routing in routings.itertuples():
            wf.link_act(
                session=s,
                actor="reviewer",
                act_id=act.id,
                routing_id=int(routing.id),
                extent="whole",
            )
        amended = routings[routings["action"] == "amend"]
        wf.publish_list(
            session=s,
            actor="chair",
            number="15/QĐ-UBND",
            signed_on=date(2026, 3, 5),
            signer="Nguyễn Văn An",
            entries=[{"routing_id": int(amended["id"].iloc[0]), "act_id": act.id}],
        )
    with session_scope(engine) as s:
        wf.apply_due_changes(session=s, actor="chair", today=date(2026, 3, 20))


def _cycle(engine, tax_id: int) -> None:
    """An adopted plan (the tax sheet amended and in force, one abolition waiting for its
    công bố), a submitted plan with one proposal for the chair and one he returned with a
    comment, and a draft plan."""
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
        plan = wf.create_plan(
            session=s, actor="reviewer", name="Phương án 2026", year=2026, programme="NQ66"
        )
        wf.add_proposal(
            session=s,
            actor="reviewer",
            plan_id=plan.id,
            procedure_id=tax_id,
            action="amend",
            option=AMEND,
        )
        wf.add_proposal(
            session=s,
            actor="reviewer",
            plan_id=plan.id,
            procedure_id=others[0],
            action="abolish",
            reason="Không còn cần thiết",
        )
        wf.submit_plan(session=s, actor="reviewer", plan_id=plan.id)
        plan_id = plan.id
    _adopted_and_in_force(engine, plan_id)
    with session_scope(engine) as s:
        waiting = wf.create_plan(
            session=s, actor="reviewer", name="Phương án bổ sung", year=2026, programme="NQ66"
        )
        cost = int(costs.set_index("procedure_id").loc[others[1], "annual_cost"] or 0)
        wf.add_proposal(
            session=s,
            actor="reviewer",
            plan_id=waiting.id,
            procedure_id=others[1],
            action="abolish",
            reason="Trùng với thủ tục khác",
            figures={"cost_before": cost, "cost_after": 0},
            figures_source="model: catalogue_costs",
        )
        returned = wf.add_proposal(
            session=s,
            actor="reviewer",
            plan_id=waiting.id,
            procedure_id=others[2],
            action="abolish",
            reason="Ít hồ sơ",
        )
        wf.submit_plan(session=s, actor="reviewer", plan_id=waiting.id)
        wf.create_plan(
            session=s, actor="reviewer", name="Dự thảo 2027", year=2027, programme="NQ66"
        )
    with session_scope(engine) as s:
        wf.decide_proposal(
            session=s,
            actor="chair",
            proposal_id=returned.id,
            verdict="return",
            comment="Cần số liệu hồ sơ ba năm gần nhất",
        )


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
