"""The review-plan and review pages in AppTest, per role: the reviewer drafts and fills, the
chair approves, the analyst only reads."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select
from ui_helpers import no_exception, open_page, sign_in, texts

from catalogue.registry.db import session_scope
from catalogue.registry.models import Procedure, Review, ReviewPlan
from catalogue.sources.service import open_catalogue
from tests.review_support import one_procedure_review_plan

YEAR = 2027


@pytest.fixture
def planned(app_db, sheet_procedure_id):
    """A draft (or approved) plan of 2027 with the demo procedure that has a sheet."""

    def make(approve: bool) -> tuple[int, str]:
        engine = open_catalogue(app_db, migrate=False)
        with session_scope(engine) as s:
            code = s.get(Procedure, sheet_procedure_id).code
            one_procedure_review_plan(
                s, year=YEAR, code=code, title="KH 2027", grounds="Chi phí cao",
                approved_on=date(YEAR, 2, 3) if approve else None,
            )  # fmt: skip
        engine.dispose()
        return sheet_procedure_id, code

    return make


def _plan_page(at):
    at = open_page(at, "review_plan")
    at.number_input(key="rp_year").set_value(YEAR).run()
    no_exception(at)
    return at


def _plan(app_db) -> ReviewPlan:
    engine = open_catalogue(app_db, migrate=False)
    with session_scope(engine) as s:
        plan = s.exec(select(ReviewPlan).where(ReviewPlan.year == YEAR)).first()
    engine.dispose()
    return plan


def test_reviewer_drafts_the_plan(app, app_db):
    at = _plan_page(sign_in(app.run(), "reviewer"))
    assert "chưa có kế hoạch rà soát" in texts(at)
    at.button(key="rp_draft_submit").click().run()
    no_exception(at)
    assert _plan(app_db).status == "draft"
    assert at.button(key="rp_add_submit") is not None
    assert not [b for b in at.button if b.key == "rp_approve_submit"]


def test_chair_approves_late_and_sees_it(app, app_db, planned):
    planned(approve=False)
    at = _plan_page(sign_in(app.run(), "chair"))
    at.text_input(key="rp_number").input("27/QĐ-UBND")
    at.date_input(key="rp_on").set_value(date(YEAR, 2, 10))
    at.button(key="rp_approve_submit").click().run()
    no_exception(at)
    plan = _plan(app_db)
    assert (plan.status, plan.number, plan.approved_on) == (
        "approved",
        "27/QĐ-UBND",
        date(YEAR, 2, 10),
    )
    assert any("phê duyệt muộn" in w.value for w in at.warning)
    assert at.dataframe[0].value.iloc[0]["Tiến độ"] == "Chưa rà soát"


def test_reviewer_fills_the_form_and_is_told_what_is_missing(app, app_db, planned):
    pid, _ = planned(approve=True)
    at = open_page(sign_in(app.run(), "reviewer"), "review")
    at.number_input(key="rv_year").set_value(YEAR).run()
    no_exception(at)
    at.text_input(key="rv_q_II.1").input("Quản lý thuế giá trị gia tăng")
    at.selectbox(key="rv_q_II.3").set_value(False)
    at.button(key="rv_mark").click().run()
    no_exception(at)
    assert any("Câu II.7 (Kết luận về sự cần thiết): chưa trả lời" in e.value for e in at.error)
    at.button(key="rv_save").click().run()
    no_exception(at)
    engine = open_catalogue(app_db, migrate=False)
    with session_scope(engine) as s:
        review = s.exec(select(Review).where(Review.procedure_id == pid)).one()
        assert review.answers["II.1"] == "Quản lý thuế giá trị gia tăng"
        assert review.answers["II.3"] is False and review.status == "draft"
    engine.dispose()


def test_analyst_reads_without_editing(app, planned):
    planned(approve=True)
    at = open_page(sign_in(app.run(), "analyst"), "review")
    at.number_input(key="rv_year").set_value(YEAR).run()
    no_exception(at)
    keys = {b.key for b in at.button}
    assert "rv_save" not in keys and "rv_cost_save" not in keys
    assert at.text_input(key="rv_q_II.1").disabled
    assert "Rà soát 0 TTHC" in texts(at)


def test_unapproved_plan_admits_no_review(app, planned):
    planned(approve=False)
    at = open_page(sign_in(app.run(), "reviewer"), "review")
    at.number_input(key="rv_year").set_value(YEAR).run()
    no_exception(at)
    assert "chưa có kế hoạch rà soát được phê duyệt" in texts(at)


def test_reviewer_saves_the_sheet_after_simplification(app, app_db, planned):
    from catalogue.cycle import review as rv

    pid, _ = planned(approve=True)
    engine = open_catalogue(app_db, migrate=False)
    with session_scope(engine) as s:
        rv.save_review(session=s, actor="reviewer", procedure_id=pid, year=YEAR,
                       answers={"VI.1": "amend"})  # fmt: skip
    at = open_page(sign_in(app.run(), "reviewer"), "review")
    at.number_input(key="rv_year").set_value(YEAR).run()
    no_exception(at)
    assert "Chi phí sau đơn giản hóa" in texts(at)
    at.button(key="rv_after_save").click().run()
    no_exception(at)
    # Saved unchanged: the after sheet equals the current one, so it adds no change.
    assert any("Phương án gồm 0 thay đổi" in m.value for m in at.success)
    with session_scope(engine) as s:
        review = s.exec(select(Review).where(Review.procedure_id == pid)).one()
        assert review.after_sheet is not None and review.version == 2
    engine.dispose()
