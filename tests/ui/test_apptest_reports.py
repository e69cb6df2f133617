"""Overview burden and savings-report pages: the figures come from the costing and
reports services unchanged, widgets switch the breakdown, charts export."""

from ui_helpers import drop_population_evidence, no_exception, open_page, sign_in, texts


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_overview_shows_the_yearly_burden_and_its_estimated_part(app, app_db):
    drop_population_evidence(app_db)
    at = app.run()
    no_exception(at)
    # By hand: only the reviewer's tax-reporting sheet has a population: 4 h × 62.500 đ
    # = 250.000 đ a time × 12 a year × 325.000 firms = 975.000.000.000 đ; the 49 estimated
    # procedures in force have no population evidence left and are left out.
    metrics = _metrics(at)
    assert metrics["Chi phí tuân thủ hằng năm"] == "975 tỷ đồng"
    assert "975.000.000.000 đ" in texts(at)  # the full amount under the headline
    # The demo has 55 procedures, 5 of them abolished (not counted); of the 50 in force only
    # the one with a reviewer's sheet is counted, and it is not estimated.
    assert metrics["Thủ tục có chi phí ước tính"] == "0/1"
    assert "0,00 % chi phí là ước tính" in texts(at)
    assert "chưa sẵn sàng" not in texts(at)


def test_overview_with_the_demo_volumes_adds_the_estimates(app):
    at = app.run()
    no_exception(at)
    # The demo has 55 procedures, 5 of them abolished (not counted); one has a reviewer's
    # sheet, the other 49 in force are estimated from their yearly volumes, so the total
    # is more than the sheet's 975 tỷ đồng.
    metrics = _metrics(at)
    assert metrics["Thủ tục có chi phí ước tính"] == "49/50"
    # the average is shown in tỷ đồng ("25,6 tỷ đồng") or in đồng ("1.234.567 đ")
    average = metrics["Bình quân một thủ tục (đồng/năm)"]
    if average.endswith("tỷ đồng"):
        amount = float(average.removesuffix("tỷ đồng").strip().replace(".", "").replace(",", "."))
        total = amount * 1e9 * 50
    else:
        total = int(average.removesuffix("đ").strip().replace(".", "")) * 50
    assert total > 975_000_000_000
    assert "chưa sẵn sàng" not in texts(at)


def test_overview_breakdown_by_field_agency_and_level(app):
    at = app.run()
    by_field = at.dataframe[0].value
    assert by_field.columns[0] == "Lĩnh vực"
    assert by_field.iloc[0]["Lĩnh vực"] == "Hộ tịch"  # the largest burden first
    at.radio(key="overview_by").set_value("agency").run()
    no_exception(at)
    assert at.dataframe[0].value.iloc[0]["Cơ quan thực hiện"] == "Ủy ban nhân dân cấp xã"
    at.radio(key="overview_by").set_value("level").run()
    no_exception(at)
    assert "Cấp xã" in at.dataframe[0].value["Cấp thực hiện"].tolist()
    assert len(at.get("vega_lite_chart")) == 1


def test_overview_in_english_keeps_its_charts(app):
    at = app.run()
    at.radio(key="lang").set_value("en").run()
    no_exception(at)
    assert "Yearly compliance cost" in _metrics(at)


def test_signed_in_overview_shows_progress_to_targets(app):
    at = sign_in(app.run(), "analyst")
    at = open_page(at, "overview")
    shown = texts(at)
    assert "Tiến độ so với mục tiêu" in shown
    assert "NQ66-2026" in shown
    assert "Chưa có phương án nào có hiệu lực" in shown


def test_savings_report_without_decisions_still_shows_targets(app):
    at = sign_in(app.run(), "analyst")
    at = open_page(at, "savings")
    shown = texts(at)
    assert "Chưa có phương án nào có hiệu lực" in shown
    assert "50 thủ tục" in shown  # the baseline: the 50 demo procedures in force
    programmes = at.dataframe[0].value
    assert set(programmes["Mã chương trình"]) == {"NQ68", "NQ66-2025", "NQ66-2026"}
    assert set(programmes["Cắt giảm chi phí"]) == {"0,00 %"}
    assert len(at.get("vega_lite_chart")) == 1
    assert len(at.get("download_button")) == 4  # Excel, CSV, targets chart PNG/SVG


def test_targets_chart_exports_as_png_and_svg(app_db):
    from catalogue.costing.burden import catalogue_costs
    from catalogue.costing.reports import savings_overview
    from catalogue.registry.db import session_scope
    from catalogue.sources.service import open_catalogue
    from ui import report_widgets
    from ui.state import reports as reports_state

    engine = open_catalogue(app_db, migrate=False)
    with session_scope(engine) as session:
        report = savings_overview(session=session, actor="analyst", costs=catalogue_costs(engine))
    engine.dispose()
    chart = report_widgets.targets_chart(report["programmes"])
    spec = chart.to_dict()
    assert reports_state.chart_image(spec, "png").startswith(b"\x89PNG")
    assert b"<svg" in reports_state.chart_image(spec, "svg")


def test_csv_download_is_readable_and_neutralised():
    import csv
    import io

    import pandas as pd

    from ui.state import reports as reports_state

    frame = pd.DataFrame({"Cơ quan": ["=SUM(A1)", "Sở Tư pháp"], "Tiết kiệm": [650, 0]})
    data = reports_state.csv_bytes(frame)
    assert data.startswith("\ufeff".encode())  # Excel opens Vietnamese text correctly
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["Cơ quan", "Tiết kiệm"], ["'=SUM(A1)", "650"], ["Sở Tư pháp", "0"]]


def test_report_pages_in_english(app):
    at = sign_in(app.run(), "analyst")
    at.radio(key="lang").set_value("en").run()
    for page, title in (
        ("savings", "Compliance-cost savings report"),
        ("priorities", "Review priorities"),
        ("onestop", "One-stop dossier results"),
        ("overview", "Overview"),
    ):
        at = open_page(at, page)
        assert at.title[0].value == title
    assert "Progress against targets" in texts(at)


def test_savings_workbook_download_is_the_filed_document(app_db, monkeypatch):
    """The page's Excel button serves the savings report officials file: Vietnamese
    headers and words, mã TTHC, no internal ids or English snake_case codes."""
    import io
    import re

    import openpyxl

    from ui.state import reports as reports_state
    from ui.state import session as session_state

    monkeypatch.setattr(session_state, "username", lambda: "analyst")
    workbook = openpyxl.load_workbook(io.BytesIO(reports_state.savings_workbook()))
    cells = [
        str(c.value)
        for ws in workbook.worksheets
        for row in ws.iter_rows(max_row=8)
        for c in row
        if c.value is not None
    ]
    assert any("CHI PHÍ TUÂN THỦ" in c for c in cells)  # the title block
    assert not [c for c in cells if re.fullmatch(r"[a-z]+(_[a-z]+)+", c)]  # no snake_case
    assert not [c for c in cells if c in {"id", "procedure_id", "plan_id", "amend", "commune"}]
