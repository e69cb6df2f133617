"""The amend builder the Vietnamese way: numbers typed as 0,5 and 1.234.567, shares in %,
changes and problems in words, fields cleared after each change (issue 15, items 3-5)."""

from ui_helpers import no_exception, open_page, sign_in, texts


def _compare(app, procedure_id):
    at = sign_in(app.run(), "reviewer")
    at.session_state["procedure_id"] = procedure_id
    return open_page(at, "compare")


def test_a_decimal_comma_is_read_as_a_decimal(app, sheet_procedure_id):
    at = _compare(app, sheet_procedure_id)
    at.selectbox(key="change_type").select("set_frequency").run()
    # The field starts from the sheet's 12 times a year, written the Vietnamese way.
    assert at.text_input(key="change_set_frequency_value").value == "12"
    at.text_input(key="change_set_frequency_value").input("0,5")
    at.text_input(key="change_reason").input("Nửa lần mỗi năm")
    at.button(key="change_add").click().run()
    no_exception(at)
    changes = at.session_state["compare_option"]["changes"]
    assert [str(c["value"]) for c in changes] == ["0.5"]  # not 5, not 05
    shown = texts(at)
    assert "Đã thêm thay đổi: Giảm tần suất thực hiện — Giá trị mới: 0,5" in shown
    # The fields start empty again for the next change (new widgets, so the browser too
    # shows them empty); the type stays where it was.
    reason = next(w for w in at.text_input if w.label == "Lý do")
    assert reason.key == "change_reason_1" and reason.value == ""
    assert at.selectbox(key="change_type").value == "set_frequency"


def test_grouped_thousands_are_read_as_one_number(app, sheet_procedure_id):
    at = _compare(app, sheet_procedure_id)
    at.selectbox(key="change_type").select("set_population").run()
    at.text_input(key="change_set_population_value").input("1.234.567")
    at.text_input(key="change_reason").input("Số liệu thống kê 2025")
    at.button(key="change_add").click().run()
    no_exception(at)
    assert at.session_state["compare_option"]["changes"][0]["value"] == 1234567
    table = at.dataframe[0].value
    assert table.iloc[0]["Nội dung"] == "Giá trị mới: 1.234.567"


def test_text_that_is_not_a_number_is_said_in_words(app, sheet_procedure_id):
    at = _compare(app, sheet_procedure_id)
    at.selectbox(key="change_type").select("set_frequency").run()
    at.text_input(key="change_set_frequency_value").input("bốn")
    at.run()
    no_exception(at)
    assert '"bốn" không phải là một số.' in texts(at)


def test_shares_are_typed_in_percent_and_their_sum_said_in_words(app, sheet_procedure_id):
    at = _compare(app, sheet_procedure_id)
    at.selectbox(key="change_type").select("set_channels").run()
    # The tax sheet files everything online: 100 % online, 0 % elsewhere.
    assert at.text_input(key="change_set_channels_value_online").value == "100"
    at.text_input(key="change_set_channels_value_direct").input("30")
    at.text_input(key="change_set_channels_value_online").input("50")
    at.text_input(key="change_reason").input("Mở nộp trực tiếp")
    at.button(key="change_add").click().run()
    no_exception(at)
    shown = texts(at)
    # 30 % + 50 % = 80 %: the sentence of the issue, not "shares must sum to 1, got 0.8".
    assert "Tỷ lệ cách thức nộp phải cộng lại 100 %, hiện là 80,00 %." in shown
    assert "must sum" not in shown and "changes[" not in shown
    at.text_input(key="change_set_channels_value_online").input("70")
    at.button(key="change_add").click().run()
    no_exception(at)
    table = at.dataframe[0].value
    assert table.iloc[0]["Nội dung"] == "Giá trị mới: Trực tiếp 30,00 %, Trực tuyến 70,00 %"
    assert "Decimal" not in table.to_string()


def test_a_deadline_for_every_channel_is_said_in_words(app, sheet_procedure_id):
    at = _compare(app, sheet_procedure_id)
    at.selectbox(key="change_type").select("set_deadline").run()
    at.text_input(key="change_set_deadline_days").input("2,5")
    at.text_input(key="change_reason").input("Rút ngắn")
    at.button(key="change_add").click().run()
    no_exception(at)
    content = at.dataframe[0].value.iloc[0]["Nội dung"]
    assert content == "Số ngày làm việc: 2,5 ngày làm việc; Cách thức: Mọi cách thức"
