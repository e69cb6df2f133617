"""The cycle page and the reviewer's side of the sequence: the chair signs the adoption
after a summary; a returned proposal is reopened in the compare page, revised and
resubmitted; replace and new are offered; the công bố warns under 05 working days."""

from datetime import date

import cycle_fixture
from sqlmodel import select
from ui_helpers import drop_population_evidence, no_exception, open_page, sign_in, sign_out, texts

from catalogue import cycle as wf
from catalogue.registry.db import session_scope
from catalogue.registry.models import Procedure
from catalogue.sources.service import open_catalogue

cycle_db_file, cycle_app = cycle_fixture.cycle_db_file, cycle_fixture.cycle_app  # fixtures


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
    at.radio(key=f"cycle_route_{proposal_id}").set_value("province").run()
    at.text_input(key=f"cycle_dept_{proposal_id}").input("Sở Tư pháp")
    at.date_input(key=f"cycle_due_{proposal_id}").set_value(date(2027, 6, 30))
    at.text_input(key="cycle_adopt_number").input("125/QĐ-UBND")
    at.text_input(key="cycle_adopt_signer").input("Nguyễn Văn A")
    at.date_input(key="cycle_adopt_signed").set_value(date(2027, 3, 2))
    at.run()
    summary = at.info[-1].value
    assert summary.startswith(
        "Ký Quyết định thông qua 125/QĐ-UBND ngày 02/03/2027, người ký Nguyễn Văn A: 1 đề xuất, "
        "tổng chi phí tiết kiệm mỗi năm 1.234.000 đ."
    )
    assert summary.endswith(
        " — Bãi bỏ; thuộc thẩm quyền của tỉnh: Sở Tư pháp chủ trì soạn thảo, hạn 30/06/2027; "
        "tiết kiệm mỗi năm 1.234.000 đ"
    )
    assert at.button(key="cycle_adopt").disabled  # not before the confirmation
    at.checkbox(key="cycle_adopt_sure").check().run()
    at.button(key="cycle_adopt").click().run()
    no_exception(at)
    assert [s.value for s in at.success] == [
        "Đã ký Quyết định thông qua 125/QĐ-UBND: 1 đề xuất được chuyển xử lý."
    ]
    table = at.dataframe[-1].value  # the new state: the routings, in words
    assert list(table["Hình thức xử lý"]) == [
        "thuộc thẩm quyền của tỉnh: Sở Tư pháp chủ trì soạn thảo, hạn 30/06/2027"
    ]
    assert list(table["Đề xuất"]) == ["Bãi bỏ"]
    engine = open_catalogue(app_db, migrate=False)
    try:
        with session_scope(engine) as s:
            routings = wf.routings_frame(session=s, actor="analyst", plan_id=plan_id)
    finally:
        engine.dispose()
    assert list(routings["department"]) == ["Sở Tư pháp"]
    assert list(routings["due_on"]) == [date(2027, 6, 30)]
    assert list(routings["savings"]) == [1_234_000]


def _tax_plan_returned(app_db, procedure_id):
    """A submitted plan with the tax sheet filed 6 times a year instead of 12 (by hand:
    975 tỷ × 6 / 12 = 487,5 tỷ after, 487.500.000.000 đ saved)."""
    option = {
        "id": "amend",
        "action": "amend",
        "changes": [{"type": "set_frequency", "value": 6, "reason": "Kê khai sáu lần một năm"}],
    }
    engine = open_catalogue(app_db, migrate=False)
    try:
        with session_scope(engine) as s:
            plan = wf.create_plan(session=s, actor="reviewer", name="PA trả lại", year=2027)
            proposal = wf.add_proposal(
                session=s,
                actor="reviewer",
                plan_id=plan.id,
                procedure_id=procedure_id,
                action="amend",
                option=option,
            )
            wf.submit_plan(session=s, actor="reviewer", plan_id=plan.id)
        return plan.id, proposal.id
    finally:
        engine.dispose()


def test_a_returned_proposal_is_revised_in_the_compare_page_and_resubmitted(
    app, app_db, sheet_procedure_id
):
    drop_population_evidence(app_db)
    plan_id, proposal_id = _tax_plan_returned(app_db, sheet_procedure_id)
    at = sign_in(app.run(), "chair")
    at = open_page(at, "queue")
    assert "487.500.000.000 đ (487,5 tỷ đồng)" in texts(at)
    at.radio(key="queue_verdict").set_value("return")
    at.text_input(key="queue_comment").input("Cần cắt giảm mạnh hơn: kê khai theo quý")
    at.button(key="queue_decide_button").click().run()
    no_exception(at)
    sign_out(at)

    at = sign_in(at, "reviewer")
    at = open_page(at, "plan")
    warning = (
        f"Đề xuất #{proposal_id} ({_code(app_db, sheet_procedure_id)} · Thủ tục đăng ký khai "
        "sinh) bị trả lại. Ý kiến của Chủ tịch: Cần cắt giảm mạnh hơn: kê khai theo quý"
    )
    assert warning in [w.value for w in at.warning]
    at.button(key=f"plan_reopen_{proposal_id}").click().run()
    no_exception(at)
    assert at.title[0].value == "So sánh phương án"  # switched to the compare page
    at = open_page(at, "compare")  # AppTest reruns the page it opened last, so open it
    assert any(f"Đang sửa đề xuất #{proposal_id} bị trả lại" in w.value for w in at.warning)
    changes = at.session_state["compare_option"]["changes"]
    assert [(c["type"], c["value"]) for c in changes] == [("set_frequency", 6)]
    at.button(key="change_clear").click().run()  # the option reopened: replace its change
    at.selectbox(key="change_type").select("set_frequency").run()
    at.text_input(key="change_set_frequency_value").input("4")
    at.text_input(key="change_reason").input("Kê khai theo quý")
    at.button(key="change_add").click().run()
    no_exception(at)
    at.button(key="compare_revise_save").click().run()
    no_exception(at)
    # 975 tỷ × 4 / 12 = 325 tỷ after: 650.000.000.000 đ saved
    assert (
        f"Đã sửa đề xuất #{proposal_id} (tiết kiệm mỗi năm 650.000.000.000 đ" in at.success[0].value
    )
    at = open_page(at, "plan")
    at.button(key="plan_submit").click().run()
    no_exception(at)
    sign_out(at)

    at = sign_in(at, "chair")
    at = open_page(at, "queue")
    shown = texts(at)
    assert "650.000.000.000 đ (650 tỷ đồng)" in shown
    assert "Kê khai theo quý" in shown


def test_replace_and_new_are_offered(app, app_db, sheet_procedure_id):
    """Replace (with the replacing procedure picked) in the compare page; a new procedure,
    one of the catalogue's drafts, on the plan page."""
    draft_id = _draft_procedure(app_db)
    at = sign_in(app.run(), "reviewer")
    at = open_page(at, "plan")
    at.text_input(key="plan_name").input("PA thay thế")
    at.button(key="plan_create").click().run()
    no_exception(at)
    at.session_state["procedure_id"] = sheet_procedure_id
    at = open_page(at, "compare")
    at.radio(key="compare_action").set_value("replace").run()
    successor = at.selectbox(key="compare_successor")
    assert successor.value is not None and successor.value != sheet_procedure_id
    successor_id = successor.value
    at.text_area(key="compare_content").input("Gộp vào thủ tục liên thông")
    at.button(key="compare_add").click().run()
    no_exception(at)
    assert at.success and "Đã đưa vào phương án" in at.success[0].value
    at = open_page(at, "plan")
    assert at.selectbox(key="plan_new_proc").value == draft_id
    at.text_input(key="plan_new_reason").input("Thủ tục mới theo luật sửa đổi")
    at.button(key="plan_new_add").click().run()
    no_exception(at)
    assert "Đã đưa đề xuất ban hành mới" in at.success[0].value
    table = at.dataframe[-1].value
    assert sorted(table["Phương án"]) == ["Ban hành mới", "Thay thế"]
    engine = open_catalogue(app_db, migrate=False)
    try:
        with session_scope(engine) as s:
            rows = wf.proposals_frame(session=s, actor="analyst").set_index("procedure_id")
    finally:
        engine.dispose()
    assert rows.loc[sheet_procedure_id, "replacement_procedure_id"] == successor_id
    assert rows.loc[draft_id, "action"] == "new"


def _draft_procedure(url) -> int:
    from catalogue.registry.models import Procedure

    engine = open_catalogue(url, migrate=False)
    try:
        with session_scope(engine) as s:
            proc = Procedure(
                identity="draft-test-1",
                code="9.999999",
                name="Thủ tục cấp giấy phép thử nghiệm",
                status="draft",
                field="Hộ tịch",
            )
            s.add(proc)
            s.flush()
            return proc.id
    finally:
        engine.dispose()


def _code(url, procedure_id) -> str:
    import sqlite3

    with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
        return db.execute("select code from procedure where id = ?", (procedure_id,)).fetchone()[0]


def test_publishing_warns_under_five_working_days_then_applies_on_the_date(cycle_app):
    """The fixture's abolition is adopted and implemented by 05/2026/TT-BTC, in force on
    Friday 20/03/2026. By hand (working days after the signing day, up to that Friday):
    signed Monday 16/03 → Tue, Wed, Thu, Fri = 04 (warned); signed Friday 13/03 → 05."""
    at, _ = cycle_app
    at = open_page(sign_in(at.run(), "chair"), "cycle")
    entries = at.multiselect(key="cycle_publish_entries")
    assert len(entries.value) == 1
    (line,) = entries.value
    at.date_input(key="cycle_publish_signed").set_value(date(2026, 3, 16)).run()
    summary = at.info[-1].value
    assert "Bãi bỏ, theo văn bản 05/2026/TT-BTC, có hiệu lực 20/03/2026" in summary
    late = "Ngày ký chỉ cách ngày 20/03/2026 (văn bản có hiệu lực) 04 ngày làm việc"
    assert any(w.value.startswith(late) for w in at.warning)
    at.date_input(key="cycle_publish_signed").set_value(date(2026, 3, 13)).run()
    assert not any("Ngày ký chỉ cách" in w.value for w in at.warning)
    at.text_input(key="cycle_publish_number").input("16/QĐ-UBND")
    at.text_input(key="cycle_publish_signer").input("Nguyễn Văn An")
    at.checkbox(key="cycle_publish_sure").check().run()
    at.button(key="cycle_publish").click().run()
    no_exception(at)
    shown = [s.value for s in at.success]
    assert shown[0].startswith("Đã ký Quyết định công bố 16/QĐ-UBND: 1 thủ tục")
    # the act has been in force since March: the page applies the abolition at once
    assert "Đã áp dụng 1 thay đổi đến ngày có hiệu lực." in shown
    assert "Chưa có đề xuất nào được văn bản QPPL thực thi mà chưa công bố." in texts(at)
