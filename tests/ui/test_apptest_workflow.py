"""Compare, plan, approval queue, decisions and savings pages: the whole journey in AppTest."""

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


def _in_programme_scope(url: str, procedure_id: int) -> None:
    """The tax sheet sits on a citizens' procedure: a reviewer puts it in the programmes'
    scope (related to production and business), which alone the targets count."""
    from catalogue import cycle as wf
    from catalogue.registry.db import session_scope
    from catalogue.sources.service import open_catalogue

    engine = open_catalogue(url, migrate=False)
    with session_scope(engine) as s:
        wf.set_business_scope(session=s, actor="reviewer", procedure_id=procedure_id,
                              business_related=True, reason="Kê khai của doanh nghiệp")  # fmt: skip
    engine.dispose()


def test_journey_plan_approve_publish_report(app, app_db, sheet_procedure_id):
    drop_population_evidence(app_db)  # the catalogue's yearly cost is the sheet's alone
    _in_programme_scope(app_db, sheet_procedure_id)
    at = sign_in(app.run(), "reviewer")
    at = open_page(at, "plan")
    at.text_input(key="plan_name").input("Phương án đơn giản hóa 2026")
    at.number_input(key="plan_year").set_value(2026)
    at.selectbox(key="plan_programme").select("NQ66")
    at.button(key="plan_create").click().run()
    no_exception(at)
    at = _compare_tax_sheet(at, sheet_procedure_id)
    at.button(key="compare_add").click().run()
    no_exception(at)
    assert "650.000.000.000 đ" in at.success[0].value
    at = open_page(at, "plan")
    assert "66,67 %" in texts(at)
    at.button(key="plan_submit").click().run()
    no_exception(at)
    assert at.success

    sign_out(at)
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
    at.button(key="queue_decide_button").click().run()
    no_exception(at)
    at.button(key="queue_approve").click().run()
    no_exception(at)
    at.text_input(key="queue_number").input("15/QĐ-UBND")
    at.text_input(key="queue_signer").input("Nguyễn Văn An")
    at.button(key="queue_publish_button").click().run()
    no_exception(at)
    assert "15/QĐ-UBND" in at.success[0].value
    at = open_page(at, "decisions")
    assert "15/QĐ-UBND" in texts(at)
    downloads = at.get("download_button")
    assert len(downloads) == 2

    sign_out(at)
    at = sign_in(at, "analyst")
    at = open_page(at, "savings")
    shown = texts(at)
    assert "650.000.000.000 đ (650 tỷ đồng)" in shown
    # NQ66-2026 counts the 2026 NQ66 plan, in force from today's publication, against the
    # catalogue in scope on 31/12/2024, here the tax sheet's 975.000.000.000 đ alone (no
    # other procedure in scope has a population): by hand,
    # 650.000.000.000 ÷ 975.000.000.000 × 100 = 66,666… → 66,67 %, above the 50 % target.
    targets = at.dataframe[0].value.set_index("Mã chương trình")
    nq66 = targets.loc["NQ66-2026"]
    assert nq66["Số thủ tục"] == "1"
    assert nq66["CPTT gốc (đồng/năm)"] == "975.000.000.000 đ (975 tỷ đồng)"
    assert nq66["Chi phí tiết kiệm (đồng/năm)"] == "650.000.000.000 đ (650 tỷ đồng)"
    assert nq66["Cắt giảm chi phí"] == "66,67 %"
    assert nq66["Mục tiêu chi phí"] == "50,00 %"
    assert nq66["Đạt mục tiêu chi phí"] == "✓"
    assert targets.loc["NQ68", "Số thủ tục"] == "0"  # 2020-2025 only
    assert len(at.get("vega_lite_chart")) == 2  # targets, savings by group
    at.radio(key="savings_by").set_value("agency").run()
    no_exception(at)
    assert "Ủy ban nhân dân cấp xã" in at.dataframe[1].value.iloc[:, 0].tolist()
    assert len(at.get("download_button")) == 6  # Excel, CSV, 2 charts × PNG/SVG


def test_reviewer_has_no_approval_queue(app):
    at = sign_in(app.run(), "reviewer")
    at.switch_page("ui/pages/queue.py").run()  # a shared link: routed, not shown
    no_exception(at)
    assert at.title[0].value == "Cần đăng nhập"
    assert "Vai trò của bạn không được dùng chức năng này." in texts(at)
    assert not at.get("selectbox") or "queue_pick" not in [s.key for s in at.selectbox]
