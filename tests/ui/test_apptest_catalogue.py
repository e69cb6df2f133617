"""Overview, catalogue and procedure detail pages, driven with AppTest."""

from ui_helpers import no_exception, open_page, texts


def test_overview_shows_catalogue_figures(app):
    at = app.run()
    no_exception(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Số thủ tục"] == "55"
    assert at.title[0].value == "Tổng quan"


def test_english_toggle_switches_the_texts(app):
    at = app.run()
    at.radio(key="lang").set_value("en").run()
    no_exception(at)
    assert at.title[0].value == "Overview"
    assert "Procedures" in {m.label for m in at.metric}


def test_search_ignores_accents_and_typos(app):
    at = open_page(app.run(), "catalogue")
    at.text_input(key="catalogue_query").input("dang ky khai sihn").run()
    no_exception(at)
    first = at.dataframe[0].value.iloc[0]
    assert first["Tên thủ tục"] == "Thủ tục đăng ký khai sinh"
    assert "Độ khớp" in at.dataframe[0].value.columns


def test_filters_and_paging(app):
    at = open_page(app.run(), "catalogue")
    total = len(at.dataframe[0].value)
    assert total == 50  # one page of the 55 demo procedures
    assert "Hiển thị 55 / 55 thủ tục" in texts(at)
    at.number_input(key="catalogue_page").set_value(2).run()
    assert len(at.dataframe[0].value) == 5
    at.multiselect(key="catalogue_field").select("Hộ tịch").run()
    no_exception(at)
    rows = at.dataframe[0].value
    assert set(rows["Lĩnh vực"]) == {"Hộ tịch"}
    at.multiselect(key="catalogue_levels").select("commune").run()
    assert set(at.dataframe[0].value["Cấp thực hiện"]).issubset({"Cấp xã", "Cấp huyện, Cấp xã"})
    at.multiselect(key="catalogue_status").select("abolished").run()
    no_exception(at)


def test_open_detail_from_the_catalogue(app):
    at = open_page(app.run(), "catalogue")
    at.text_input(key="catalogue_query").input("dang ky khai sinh").run()
    first_id = (
        at.selectbox(key="catalogue_pick").options and at.selectbox(key="catalogue_pick").value
    )
    at.button(key="catalogue_open").click().run()
    assert at.session_state["procedure_id"] == first_id
    at = open_page(at, "detail")
    shown = texts(at)
    assert "Thủ tục đăng ký khai sinh" in shown
    assert "Trực tiếp" in shown  # channels table
    assert "Luật Hộ tịch" in shown or "Hộ tịch" in shown


def test_detail_without_a_choice_points_to_the_catalogue(app):
    at = open_page(app.run(), "detail")
    assert "Chọn một thủ tục" in texts(at)


def test_search_by_code_with_filters_set(app):
    # Issue 18: a code typed with any filter set crashed the page ("output array is
    # read-only"). Expected rows come from the demo file itself: codes starting with the
    # typed prefix, in the chosen field.
    from pathlib import Path

    import yaml

    root = Path(__file__).resolve().parents[2]
    demo = yaml.safe_load((root / "data" / "demo" / "catalogue.yaml").read_text("utf-8"))
    wanted = sorted(
        p["code"]
        for p in demo["procedures"]
        if (p.get("code") or "").startswith("1.0016") and p["field"] == "Hộ tịch"
    )
    assert wanted == ["1.001695", "1.001695"]  # one code at two agencies
    at = open_page(app.run(), "catalogue")
    at.multiselect(key="catalogue_field").select("Hộ tịch").run()
    at.text_input(key="catalogue_query").input("1.0016").run()
    no_exception(at)
    assert sorted(at.dataframe[0].value["Mã TTHC"]) == wanted
