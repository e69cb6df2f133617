"""The cycle page: the chair signs the adoption after confirming; savings move stage."""

from sqlmodel import select
from ui_helpers import no_exception, open_page, sign_in, texts

from catalogue import cycle as wf
from catalogue.registry.db import session_scope
from catalogue.registry.models import Procedure
from catalogue.sources.service import open_catalogue


def _submitted(app_db):
    engine = open_catalogue(app_db, migrate=False)
    try:
        with session_scope(engine) as s:
            pid = s.exec(select(Procedure.id).where(Procedure.status == "active")).first()
            plan = wf.create_plan(session=s, actor="reviewer", name="PA thử", year=2027)
            proposal = wf.add_proposal(
                session=s, actor="reviewer", plan_id=plan.id, procedure_id=pid,
                action="abolish", reason="Không còn cần thiết",
                figures={"cost_before": 1_234_000, "cost_after": 0},
                figures_source="Báo cáo rà soát",
            )  # fmt: skip
            wf.submit_plan(session=s, actor="reviewer", plan_id=plan.id)
        with session_scope(engine) as s:
            wf.decide_proposal(session=s, actor="chair", proposal_id=proposal.id, verdict="approve")
        return plan.id, proposal.id
    finally:
        engine.dispose()


def test_chair_adopts_after_confirming(app, app_db):
    plan_id, proposal_id = _submitted(app_db)
    at = sign_in(app.run(), "chair")
    at = open_page(at, "cycle")
    assert "1.234.000 đ" in texts(at)  # the proposed stage shows the typed figure
    at.text_input(key=f"cycle_to_{proposal_id}").input("Bộ Tư pháp")
    at.text_input(key="cycle_adopt_number").input("125/QĐ-UBND")
    at.text_input(key="cycle_adopt_signer").input("Nguyễn Văn A")
    at.run()
    assert at.button(key="cycle_adopt").disabled  # not before the confirmation
    at.checkbox(key="cycle_adopt_sure").check().run()
    at.button(key="cycle_adopt").click().run()
    no_exception(at)
    assert any("125/QĐ-UBND" in s.value for s in at.success)
    engine = open_catalogue(app_db, migrate=False)
    try:
        with session_scope(engine) as s:
            routings = wf.routings_frame(session=s, actor="analyst", plan_id=plan_id)
    finally:
        engine.dispose()
    assert list(routings["addressee"]) == ["Bộ Tư pháp"]
    assert list(routings["savings"]) == [1_234_000]
