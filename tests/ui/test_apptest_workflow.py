"""Compare, plan, approval queue and cycle pages: the whole journey in AppTest, in the law's
order (proposal, the chair's decision, Quyết định thông qua, the act, Quyết định công bố,
the date in force)."""

from datetime import date, timedelta

from ui_helpers import drop_population_evidence, no_exception, open_page, sign_in, sign_out, texts


def _compare_tax_sheet(at, procedure_id):
    at.session_state["procedure_id"] = procedure_id
    at = open_page(at, "compare")
    at.selectbox(key="change_type").select("set_frequency").run()
    at.text_input(key="change_set_frequency_value").input("4")
    at.text_input(key="change_reason").input("Kê khai theo quý thay vì theo tháng")
    at.button(key="change_add").click().run()
    no_exception(at)
    return at


def test_compare_reproduces_the_published_case(app, sheet_procedure_id):
    at = sign_in(app.run(), "reviewer")
    at = _compare_tax_sheet(at, sheet_procedure_id)
    shown = texts(at)
    assert "975.000.000.000 đ (975 tỷ đồng)" in shown  # baseline, next to every figure
    assert "650.000.000.000 đ (650 tỷ đồng)" in shown  # savings
    assert "66,67 %" in shown
    assert "Hiện trạng: 975.000.000.000 đ (975 tỷ đồng)" in shown
    assert len(at.get("vega_lite_chart")) == 3


def test_sensitivity_of_the_published_case(app, sheet_procedure_id):
    at = sign_in(app.run(), "reviewer")
    at = _compare_tax_sheet(at, sheet_procedure_id)
    table = at.dataframe[-1].value
    row = table[
        (table["Yếu tố"] == "Số đối tượng/năm") & (table["Phương án"] == "Sửa đổi, bổ sung")
    ].iloc[0]
    # population ±20 %: the 650 tỷ saved becomes 520 / 780 tỷ
    assert row["Tiết kiệm khi giảm 20 %"].startswith("520.000.000.000 đ")
    assert row["Tiết kiệm (trung bình)"].startswith("650.000.000.000 đ")
    assert row["Tiết kiệm khi tăng 20 %"].startswith("780.000.000.000 đ")
    at.slider(key="compare_sensitivity").set_value(10).run()
    no_exception(at)
    table = at.dataframe[-1].value
    assert "Tiết kiệm khi tăng 10 %" in table.columns


def test_invalid_change_is_reported_not_raised(app, sheet_procedure_id):
    at = sign_in(app.run(), "reviewer")
    at.session_state["procedure_id"] = sheet_procedure_id
    at = open_page(at, "compare")
    at.selectbox(key="change_type").select("set_channels").run()
    at.text_input(key="change_set_channels_value_direct").input("50")
    at.text_input(key="change_set_channels_value_online").input("20")
    at.text_input(key="change_reason").input("Sai tỷ lệ")
    at.button(key="change_add").click().run()
    no_exception(at)
    assert at.error and "không hợp lệ" in at.error[0].value
    assert at.session_state["compare_option"]["changes"] == []


def test_change_without_reason_is_refused(app, sheet_procedure_id):
    at = sign_in(app.run(), "reviewer")
    at.session_state["procedure_id"] = sheet_procedure_id
    at = open_page(at, "compare")
    at.button(key="change_add").click().run()
    no_exception(at)
    assert "Cần ghi lý do" in texts(at)


def test_estimated_sheet_for_a_procedure_without_one(app):
    at = open_page(app.run(), "catalogue")
    at.button(key="catalogue_open").click().run()
    at = open_page(at, "detail")
    assert "ước tính" in texts(at).lower()


def _reviewer_proposes(at, procedure_id):
    """Reviewer: a plan, the tax sheet's frequency cut in the compare page, submitted."""
    at = sign_in(at, "reviewer")
    at = open_page(at, "plan")
    at.text_input(key="plan_name").input("Phương án đơn giản hóa 2026")
    at.number_input(key="plan_year").set_value(2026)
    at.selectbox(key="plan_programme").select("NQ66")
    at.button(key="plan_create").click().run()
    no_exception(at)
    at = _compare_tax_sheet(at, procedure_id)
    at.button(key="compare_add").click().run()
    no_exception(at)
    assert "650.000.000.000 đ" in at.success[0].value
    at = open_page(at, "plan")
    assert "66,67 %" in texts(at)
    at.button(key="plan_submit").click().run()
    no_exception(at)
    assert at.success
    return sign_out(at)


def _chair_decides(at):
    """Chair: the file he signs, the phương án to download, approve; on to the adoption."""
    at = sign_in(at, "chair")
    at = open_page(at, "queue")
    shown = texts(at)
    assert "650.000.000.000 đ (650 tỷ đồng)" in shown  # the money at stake
    # the file he signs: the plan, the change with its reason, the phương án to download
    assert "Thuộc phương án: Phương án đơn giản hóa 2026 (2026)" in shown
    assert "Kê khai theo quý thay vì theo tháng" in shown
    assert [d.proto.label for d in at.get("download_button")] == [
        "Tải phương án (Word)",
        "Tải phương án (Excel)",
    ]
    # the shortcut that rewrote the catalogue at once is gone
    assert not [b for b in at.button if b.key in ("queue_approve", "queue_publish_button")]
    at.button(key="queue_decide_button").click().run()
    no_exception(at)
    shown = texts(at)
    assert "Chấp thuận: Đề xuất #" in shown  # the flash, and the new state below
    assert (
        "Phương án **Phương án đơn giản hóa 2026**: đã quyết định cả 1 đề xuất, chấp thuận 1; "
        "sẵn sàng ký Quyết định thông qua." in shown
    )
    assert at.get("page_link")[-1].proto.page.endswith("cycle")
    return at


def _chair_adopts(at):
    """Chair: the Quyết định thông qua, routed to Bộ Tư pháp, after the summary."""
    at = open_page(at, "cycle")
    (route,) = [r for r in at.radio if r.key.startswith("cycle_route_")]
    assert route.value == "recommendation"  # the procedure's kind: not set by the province
    proposal_id = route.key.removeprefix("cycle_route_")
    at.text_input(key=f"cycle_to_{proposal_id}").input("Bộ Tư pháp")
    at.text_input(key="cycle_adopt_number").input("125/QĐ-UBND")
    at.text_input(key="cycle_adopt_signer").input("Nguyễn Văn An")
    at.run()
    summary = at.info[-1].value
    # one proposal, its route, 975 − 325 = 650 tỷ saved a year; the catalogue is not touched
    assert "125/QĐ-UBND" in summary and "1 đề xuất" in summary
    assert "tổng chi phí tiết kiệm mỗi năm 650.000.000.000 đ (650 tỷ đồng)" in summary
    assert "Sửa đổi, bổ sung; kiến nghị Bộ Tư pháp; tiết kiệm mỗi năm 650.000.000.000 đ" in summary
    assert "Danh mục TTHC không thay đổi" in summary
    assert at.button(key="cycle_adopt").disabled  # not before the confirmation
    at.checkbox(key="cycle_adopt_sure").check().run()
    at.button(key="cycle_adopt").click().run()
    no_exception(at)
    assert "Đã ký Quyết định thông qua 125/QĐ-UBND: 1 đề xuất được chuyển xử lý." in [
        s.value for s in at.success
    ]
    shown = texts(at)
    assert "kiến nghị Bộ Tư pháp" in shown  # the routings table, in words
    assert "Đã thông qua: 650 tỷ đồng" in shown
    assert "650.000.000.000 đ (650 tỷ đồng) · 1 TTHC · cắt giảm 66,67 %" in shown
    return sign_out(at)


def _reviewer_records_the_act(at, in_force):
    at = sign_in(at, "reviewer")
    at = open_page(at, "cycle")
    at.text_input(key="cycle_act_number").input("05/2026/TT-BTP")
    at.text_input(key="cycle_act_title").input("Thông tư sửa đổi thủ tục đăng ký hộ tịch")
    at.text_input(key="cycle_act_issuer").input("Bộ Tư pháp")
    at.date_input(key="cycle_act_issued").set_value(in_force - timedelta(days=45))
    at.date_input(key="cycle_act_force").set_value(in_force)
    at.button(key="cycle_act_button").click().run()
    no_exception(at)
    when = in_force.strftime("%d/%m/%Y")
    assert f"Đã ghi nhận văn bản 05/2026/TT-BTP, có hiệu lực từ ngày {when}." in [
        s.value for s in at.success
    ]
    assert at.radio(key="cycle_link_extent").value == "whole"
    at.button(key="cycle_link_button").click().run()
    no_exception(at)
    assert any("thực thi toàn bộ" in s.value for s in at.success)
    assert "05/2026/TT-BTP (thực thi toàn bộ)" in texts(at)
    return sign_out(at)


def _chair_publishes(at, in_force):
    at = sign_in(at, "chair")
    at = open_page(at, "cycle")
    assert len(at.multiselect(key="cycle_publish_entries").value) == 1
    at.text_input(key="cycle_publish_number").input("200/QĐ-UBND")
    at.text_input(key="cycle_publish_signer").input("Nguyễn Văn An")
    at.run()
    summary = at.info[-1].value
    when = in_force.strftime("%d/%m/%Y")
    assert "Ký Quyết định công bố 200/QĐ-UBND" in summary
    assert "1 thủ tục trong danh mục, tổng chi phí tiết kiệm mỗi năm 650.000.000.000 đ" in summary
    assert f"Sửa đổi, bổ sung, theo văn bản 05/2026/TT-BTP, có hiệu lực {when}" in summary
    assert f"Từ ngày {when}, danh mục TTHC áp dụng thay đổi của 1 thủ tục" in summary
    assert at.button(key="cycle_publish").disabled
    at.checkbox(key="cycle_publish_sure").check().run()
    at.button(key="cycle_publish").click().run()
    no_exception(at)
    assert any(
        s.value.startswith("Đã ký Quyết định công bố 200/QĐ-UBND: 1 thủ tục") for s in at.success
    )
    assert "Chưa có đề xuất nào được văn bản QPPL thực thi mà chưa công bố." in texts(at)
    return at


def _status_in_catalogue(at, procedure_id) -> str:
    """The record's status line on the detail page (and the warning naming the decision)."""
    at.session_state["procedure_id"] = procedure_id
    at = open_page(at, "detail")
    (line,) = [x for x in texts(at).split("\n") if x.startswith("**Tình trạng:**")]
    return line.strip() + "\n" + "\n".join(w.value for w in at.warning)


def _in_programme_scope(url: str, procedure_id: int) -> None:
    """The tax sheet sits on a citizens' procedure: a reviewer puts it in the programmes'
    scope (related to production and business), which alone the targets count."""
    from catalogue import cycle as wf
    from catalogue.registry.db import session_scope
    from catalogue.sources.service import open_catalogue

    engine = open_catalogue(url, migrate=False)
    with session_scope(engine) as s:
        wf.set_business_scope(
            session=s,
            actor="reviewer",
            procedure_id=procedure_id,
            business_related=True,
            reason="Kê khai của doanh nghiệp",
        )
    engine.dispose()


def _programme_row(at, code: str):
    """The savings page's row of one programme (as the analyst sees it)."""
    at = sign_in(sign_out(at), "analyst")
    at = open_page(at, "savings")
    no_exception(at)
    return at, at.dataframe[0].value.set_index("Mã chương trình").loc[code]


def test_journey_in_the_laws_order(app, app_db, sheet_procedure_id, monkeypatch):
    """Reviewer proposes → chair decides → chair adopts → reviewer records and links the act
    → chair signs the công bố → on the date in force the catalogue shows the change.

    By hand: the tax sheet files 12 times a year at 975.000.000.000 đ; filed 4 times it costs
    975 × 4 / 12 = 325 tỷ, so 650.000.000.000 đ a year are saved (66,67 %)."""
    drop_population_evidence(app_db)  # the catalogue's yearly cost is the sheet's alone
    _in_programme_scope(app_db, sheet_procedure_id)
    monkeypatch.delenv("TTHC_TODAY", raising=False)
    in_force = date.today() + timedelta(days=30)
    at = _reviewer_proposes(app.run(), sheet_procedure_id)
    at = _chair_decides(at)
    at = _chair_adopts(at)
    assert _status_in_catalogue(at, sheet_procedure_id) == "**Tình trạng:** Đang hiệu lực\n"
    at = _reviewer_records_the_act(at, in_force)
    at = _chair_publishes(at, in_force)

    # Before the date in force: the record is as it was, the coming change is visible.
    assert _status_in_catalogue(at, sheet_procedure_id) == "**Tình trạng:** Đang hiệu lực\n"
    at = open_page(at, "cycle")
    at.text_input(key="cycle_pending_code").input(_code(app_db, sheet_procedure_id)).run()
    shown = texts(at)
    assert "**Đã công bố, chờ ngày có hiệu lực** · Sửa đổi, bổ sung" in shown
    assert f"có hiệu lực: {in_force.strftime('%d/%m/%Y')}" in shown
    assert "Đã có hiệu lực: 0 đ" in shown
    at, nq66 = _programme_row(at, "NQ66-2026")
    assert nq66["Số thủ tục"] == "0"  # enacted, not yet in force: nothing achieved
    at = sign_in(sign_out(at), "chair")

    # The date in force: the page applies the change; the catalogue shows it.
    monkeypatch.setenv("TTHC_TODAY", in_force.isoformat())
    at = open_page(at, "cycle")
    shown = texts(at)
    assert "Đã áp dụng 1 thay đổi đến ngày có hiệu lực." in shown
    assert "Đã có hiệu lực: 650 tỷ đồng" in shown
    assert _status_in_catalogue(at, sheet_procedure_id) == (
        "**Tình trạng:** Đã sửa đổi\nThủ tục Đã sửa đổi theo quyết định 200/QĐ-UBND. Xem quyết "
        "định công bố và văn bản quy phạm pháp luật ở trang Quyết định công bố."
    )
    # In force: NQ66-2026 counts it against the catalogue in scope on 31/12/2024, here the
    # tax sheet's 975.000.000.000 đ alone (no other procedure in scope has a population):
    # by hand 650.000.000.000 ÷ 975.000.000.000 × 100 = 66,666… → 66,67 %, target 50 %.
    at, nq66 = _programme_row(at, "NQ66-2026")
    assert nq66["Số thủ tục"] == "1"
    assert nq66["CPTT gốc (đồng/năm)"] == "975.000.000.000 đ (975 tỷ đồng)"
    assert nq66["Chi phí tiết kiệm (đồng/năm)"] == "650.000.000.000 đ (650 tỷ đồng)"
    assert nq66["Cắt giảm chi phí"] == "66,67 %"
    assert nq66["Đạt mục tiêu chi phí"] == "✓"


def _code(url, procedure_id) -> str:
    import sqlite3

    with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
        return db.execute("select code from procedure where id = ?", (procedure_id,)).fetchone()[0]


def test_reviewer_has_no_approval_queue(app):
    at = sign_in(app.run(), "reviewer")
    at.switch_page("ui/pages/queue.py").run()  # a shared link: routed, not shown
    no_exception(at)
    assert at.title[0].value == "Cần đăng nhập"
    assert "Vai trò của bạn không được dùng chức năng này." in texts(at)
    assert not at.get("selectbox") or "queue_pick" not in [s.key for s in at.selectbox]
