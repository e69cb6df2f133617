"""Saving a procedure's costing sheet from the detail page: valid, invalid, concurrent,
read-only for analysts and chairs, and a first sheet replacing an estimate."""

import pytest
from ui_helpers import no_exception, open_page, sign_in, texts

# The stored tax-reporting sheet: 325.000 enterprises × 12 times × 250.000 đ = 975 tỷ đồng.
STORED_COST = "975.000.000.000 đ (975 tỷ đồng)"
QUARTERLY_COST = "325.000.000.000 đ (325 tỷ đồng)"  # the same sheet with frequency 4


def _detail(at, procedure_id):
    at.session_state["procedure_id"] = procedure_id
    return open_page(at, "detail")


def _metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_reviewer_edits_and_saves_the_stored_sheet(app, sheet_procedure_id):
    at = _detail(sign_in(app.run(), "reviewer"), sheet_procedure_id)
    assert _metric(at, "CPTT hằng năm") == STORED_COST
    editor = at.text_area(key="detail_sheet_text")
    assert "population:" in editor.value and "Khai thuế giá trị gia tăng" in editor.value
    assert "phiên bản 1" in texts(at)
    text = editor.value.replace("value: 12\n", "value: 4\n", 1)
    assert text != editor.value
    editor.input(text)
    at.button(key="detail_sheet_save").click().run()
    no_exception(at)
    assert "Đã lưu bảng tính (phiên bản 2)" in at.success[0].value
    assert _metric(at, "CPTT hằng năm") == QUARTERLY_COST
    assert "phiên bản 2" in texts(at)


def test_invalid_sheet_lists_key_paths_and_saves_nothing(app, sheet_procedure_id):
    at = _detail(sign_in(app.run(), "reviewer"), sheet_procedure_id)
    at.text_area(key="detail_sheet_text").input(
        "population: -5\nfrequency: mỗi tháng\nchannels: {direct: 0.5}\n"
    )
    at.button(key="detail_sheet_save").click().run()
    no_exception(at)
    assert "Bảng tính không hợp lệ, chưa lưu gì" in at.error[0].value
    listed = texts(at)
    # Each problem says where in words and what as a sentence, no key path (issue 15).
    for where in ("Số đối tượng: ", "Tần suất: ", "Cách thức: "):
        assert where in listed
    assert "Tỷ lệ cách thức nộp phải cộng lại 100 %, hiện là 50,00 %." in listed
    assert "`population`" not in listed
    assert _metric(at, "CPTT hằng năm") == STORED_COST


def test_malformed_yaml_names_the_line(app, sheet_procedure_id):
    at = _detail(sign_in(app.run(), "reviewer"), sheet_procedure_id)
    at.text_area(key="detail_sheet_text").input("population: [1, 2\nfrequency: 3\n")
    at.button(key="detail_sheet_save").click().run()
    no_exception(at)
    assert "không phải YAML hợp lệ (line" in at.error[0].value


def test_concurrent_save_shows_both_versions_and_reloads(app, app_db, sheet_procedure_id):
    from analysis.yamlio import parse_yaml
    from catalogue.costing.burden import save_sheet
    from catalogue.registry.db import session_scope
    from catalogue.sources.service import open_catalogue

    at = _detail(sign_in(app.run(), "reviewer"), sheet_procedure_id)
    mine = at.text_area(key="detail_sheet_text").value.replace("value: 12\n", "value: 4\n", 1)
    # Meanwhile the admin saves a monthly sheet for 300.000 enterprises.
    theirs = at.text_area(key="detail_sheet_text").value.replace("325000", "300000")
    engine = open_catalogue(app_db, migrate=False)
    with session_scope(engine) as session:
        save_sheet(
            session=session,
            actor="admin",
            procedure_id=sheet_procedure_id,
            content=parse_yaml(theirs),
            expected_version=1,
        )
    engine.dispose()

    at.text_area(key="detail_sheet_text").input(mine)
    at.button(key="detail_sheet_save").click().run()
    no_exception(at)
    assert "Người khác đã lưu bảng tính này" in at.error[0].value
    shown = [c.value for c in at.code]
    assert any("300000" in c for c in shown)  # theirs
    assert any("value: 4" in c and "325000" in c for c in shown)  # yours
    at.button(key="detail_sheet_reload").click().run()
    no_exception(at)
    assert "300000" in at.text_area(key="detail_sheet_text").value
    assert "phiên bản 2" in texts(at)
    # 300.000 × 12 × 250.000 đ: the figures follow the stored sheet, whoever saved it.
    assert _metric(at, "CPTT hằng năm") == "900.000.000.000 đ (900 tỷ đồng)"


@pytest.mark.parametrize("role", ["analyst", "chair"])
def test_analysts_and_chairs_see_the_sheet_read_only(app, sheet_procedure_id, role):
    at = _detail(sign_in(app.run(), role), sheet_procedure_id)
    assert not [a for a in at.text_area if a.key == "detail_sheet_text"]
    assert "detail_sheet_save" not in [b.key for b in at.button]
    assert any("population:" in c.value for c in at.code)
    assert "chỉ cán bộ kiểm soát TTHC và quản trị được sửa" in texts(at)


def _estimate(url: str, procedure_id: int):
    """The procedure's estimated sheet, straight from the costing service."""
    from analysis import load_parameters
    from catalogue.costing.burden import procedure_sheet
    from catalogue.sources.service import open_catalogue

    engine = open_catalogue(url, migrate=False)
    try:
        with engine.connect() as conn:
            return procedure_sheet(conn, procedure_id, params=load_parameters())
    finally:
        engine.dispose()


def test_first_sheet_starts_from_the_estimate_and_replaces_it(app, app_db):
    from analysis.yamlio import parse_yaml

    at = open_page(sign_in(app.run(), "admin"), "catalogue")
    at.text_input(key="catalogue_query").input("cap ban sao trich luc khai sinh").run()
    at.button(key="catalogue_open").click().run()
    at = open_page(at, "detail")
    assert "ước tính" in texts(at)
    estimated_cost = _metric(at, "CPTT hằng năm")
    estimate = _estimate(app_db, at.session_state["procedure_id"])
    assert estimate.estimated and len(estimate.activities) >= 3

    # The editor holds the estimate written as a sheet, for the reviewer to correct.
    start = at.text_area(key="detail_sheet_text").value
    assert start.startswith("procedure:")
    prefill = parse_yaml(start)
    assert [a["name"] for a in prefill["activities"]] == [a.name for a in estimate.activities]
    assert [a.name for a in estimate.activities][0] in start
    assert prefill["population"]["value"] == estimate.population.value
    assert "estimated" not in prefill  # what the reviewer saves is their sheet

    # Saved unchanged, the reviewer's sheet costs what the estimate did, and is no estimate.
    at.button(key="detail_sheet_save").click().run()
    no_exception(at)
    assert "phiên bản 1" in at.success[0].value
    assert _metric(at, "CPTT hằng năm") == estimated_cost
    assert "Bảng tính ước tính" not in texts(at)

    # A correction: one activity fewer (the first, learning the requirements).
    from ui.state.costing import sheet_text

    corrected = parse_yaml(at.text_area(key="detail_sheet_text").value)
    corrected["activities"] = corrected["activities"][1:]
    at.text_area(key="detail_sheet_text").input(sheet_text(corrected))
    at.button(key="detail_sheet_save").click().run()
    no_exception(at)
    assert "phiên bản 2" in at.success[0].value
    assert _metric(at, "CPTT hằng năm") != estimated_cost
