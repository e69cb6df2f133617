"""One-stop performance and review-priority pages, driven with AppTest.

The statistics reproduce a published report: 956 dossiers received, 650 resolved early,
243 on time and 31 late, i.e. "924/956 hồ sơ, đạt 96,6 %, trong đó trước hạn 70,3 %,
đúng hạn 26,3 %" (the rate is of the 924 resolved).
"""

import pytest
from ui_helpers import no_exception, open_page, sign_in, texts

STATS = """ma_tthc,co_quan,cap,ky,tiep_nhan,truoc_han,dung_han,qua_han,dang_giai_quyet,truc_tuyen
1.001193,UBND xã An Bình,Cấp xã,2026-01,500,340,125,16,10,200
1.001193,UBND xã An Bình,Cấp xã,2026-02,456,310,118,15,6,150
"""
PUBLISHED = "924/956 hồ sơ, đạt 96,6 %, trong đó trước hạn 70,3 %, đúng hạn 26,3 %, quá hạn 3,4 %"


@pytest.fixture
def stats_db(app_db, tmp_path) -> str:
    """The demo database with two months of 2026 statistics for one procedure."""
    from catalogue.onestop.stats import import_stats
    from catalogue.sources.service import open_catalogue

    path = tmp_path / "thong-ke-2026.csv"
    path.write_text(STATS, encoding="utf-8")
    engine = open_catalogue(app_db, migrate=False)
    import_stats(engine, path, actor="admin")
    engine.dispose()
    return app_db


def test_onestop_reproduces_the_published_figures(app, stats_db):
    at = open_page(app.run(), "onestop")
    assert at.selectbox(key="onestop_year").value == 2026  # the latest year first
    shown = texts(at)
    assert f"Năm 2026 tiếp nhận 956 hồ sơ; giải quyết xong **{PUBLISHED}**." in shown
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Hồ sơ tiếp nhận"] == "956"
    assert metrics["Đã giải quyết"] == "924"
    assert metrics["Đúng hạn (đạt)"] == "96,6 %"
    assert metrics["Hồ sơ quá hạn"] == "31"
    assert metrics["Nộp trực tuyến"] == "36,6 %"  # 350 of 956
    assert "Tỷ lệ giải quyết: 96,7 %" in shown  # 924 ÷ 956, not the published rate
    late = at.dataframe[2].value
    assert late.iloc[0]["Tên thủ tục"] == "Thủ tục đăng ký khai sinh"
    assert late.iloc[0]["Quá hạn"] == "31"
    assert "Phiếu xin lỗi và hẹn lại ngày trả kết quả" in shown
    by_period = at.dataframe[1].value
    assert list(by_period["Kỳ"]) == ["2026-01", "2026-02"]
    assert len(at.get("vega_lite_chart")) == 1


def test_onestop_switches_year_and_language(app, stats_db):
    at = open_page(app.run(), "onestop")
    years = at.selectbox(key="onestop_year").options
    assert len(years) > 1  # the catalogue's own yearly volumes too
    at.selectbox(key="onestop_year").set_value(int(years[1])).run()
    no_exception(at)
    assert f"Năm {years[1]} tiếp nhận" in texts(at)
    at.selectbox(key="onestop_year").set_value(2026).run()
    at.radio(key="lang").set_value("en").run()
    no_exception(at)
    assert "924/956 dossiers, 96.6 % on time or early" in texts(at)


def test_priorities_are_ranked_and_explained(app, stats_db):
    at = open_page(sign_in(app.run(), "reviewer"), "priorities")
    table = at.dataframe[0].value
    first = list(table["Mã TTHC"][:3])
    assert "điểm" in table.iloc[0]["Lý do"]
    assert len(at.get("vega_lite_chart")) == 1

    # Only the late rate counts. By hand from the demo catalogue's volumes (latest year of
    # each procedure): 1.013452 resolved 0 early + 13 on time + 3 late in 2025, 3 ÷ 16 =
    # 18,75 %, the highest (next 1.012801: 15 ÷ 93 = 16,13 %; the 2026 statistics above
    # give 1.001193 only 31 ÷ 924 = 3,35 %).
    for factor in ("annual_cost", "documents", "deadline_days", "no_full_online"):
        at.slider(key=f"priorities_weight_{factor}").set_value(0)
    at.slider(key="priorities_weight_late_rate").set_value(100).run()
    no_exception(at)
    assert list(at.dataframe[0].value["Mã TTHC"][:2]) == ["1.013452", "1.012801"]
    assert "Tỷ lệ hồ sơ trễ hạn 100 %" in texts(at)

    # Only the documents count: 2.002120 (đăng ký thành lập hợp tác xã) asks for 5, the
    # most in the demo catalogue (the next ones ask for 4).
    at.slider(key="priorities_weight_late_rate").set_value(0)
    at.slider(key="priorities_weight_documents").set_value(100).run()
    no_exception(at)
    assert at.dataframe[0].value.iloc[0]["Mã TTHC"] == "2.002120"

    at.button(key="priorities_weight_reset").click().run()
    no_exception(at)
    assert at.slider(key="priorities_weight_annual_cost").value == 40
    assert list(at.dataframe[0].value["Mã TTHC"][:3]) == first  # the default ranking again


def test_priorities_need_a_positive_weight(app):
    at = open_page(sign_in(app.run(), "analyst"), "priorities")
    for slider in at.slider:
        slider.set_value(0)
    at.run()
    no_exception(at)
    assert "Cần ít nhất một trọng số lớn hơn 0" in at.warning[0].value


def test_priority_opens_the_procedure(app):
    at = open_page(sign_in(app.run(), "reviewer"), "priorities")
    picked = at.selectbox(key="priorities_pick").value
    at.button(key="priorities_open").click().run()
    assert at.session_state["procedure_id"] == picked
    at = open_page(at, "detail")
    assert "Chi tiết thủ tục" in texts(at)


def test_statistics_become_the_estimated_population(app, stats_db, tmp_path):
    from catalogue.onestop.stats import import_stats
    from catalogue.registry.store import load_records
    from catalogue.sources.service import open_catalogue

    path = tmp_path / "dat-dai-2025.csv"
    path.write_text(
        "ma_tthc,ky,tiep_nhan,truoc_han,dung_han,qua_han\n1.004227,2025-01,1234,1000,200,30\n",
        encoding="utf-8",
    )
    engine = open_catalogue(stats_db, migrate=False)
    import_stats(engine, path, actor="admin")
    with engine.connect() as conn:
        records = load_records(conn, with_ids=True)
    engine.dispose()
    at = app.run()
    at.session_state["procedure_id"] = next(
        i for i, r in records.items() if r["code"] == "1.004227"
    )
    at = open_page(at, "detail")
    shown = texts(at)
    assert "Số đối tượng/năm: 1.234 (nguồn: thống kê một cửa: dat-dai-2025.csv, kỳ 2025-01" in shown


def test_anonymous_users_see_onestop_but_not_priorities(app):
    at = open_page(app.run(), "onestop")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("ui/pages/priorities.py")


@pytest.fixture
def bieu06_db(app_db, tmp_path) -> str:
    """The demo database with a Biểu 06 for the first quarter of 2026 (two field rows)."""
    from catalogue.onestop.stats import import_stats
    from catalogue.sources.service import open_catalogue
    from tests.test_stats_bieu06 import Q1, bieu06_workbook

    rows = [
        ("Đất đai", "", "Cấp tỉnh", 20, 30, 25, 40, 15, 5, 10, 5, 6),
        ("Hộ tịch", "", "Cấp xã", 60, 40, 10, 70, 33, 4, 2, 1, 4),
    ]
    engine = open_catalogue(app_db, migrate=False)
    import_stats(engine, bieu06_workbook(tmp_path / "q1.xlsx", Q1, rows), actor="admin")
    engine.dispose()
    return app_db


def test_onestop_reports_one_period_of_a_bieu06(app, bieu06_db):
    at = open_page(app.run(), "onestop")
    assert at.selectbox(key="onestop_year").value == 2026
    period = at.selectbox(key="onestop_period_2026")
    assert period.options == ["Cả năm 2026", "Quý 1 năm 2026"]
    period.set_value("2026-Q1").run()
    no_exception(at)
    shown = texts(at)
    # received 50 + 100, carried 25 + 10; resolved 60 + 107 = 167 (110 early, 48 on time,
    # 9 late): 158/167 = 94,61 %, 110/167 = 65,87 %, 48/167 = 28,74 %, 9/167 = 5,39 %
    assert (
        "Quý 1 năm 2026 tiếp nhận 150 hồ sơ, kỳ trước chuyển sang 35; giải quyết xong "
        "**167/185 hồ sơ, đạt 94,6 %, trong đó trước hạn 65,9 %, đúng hạn 28,7 %, quá hạn 5,4 %**"
    ) in shown
    # late: 9 resolved late + 6 pending overdue; 10 with a Phiếu xin lỗi
    assert "Hồ sơ quá hạn: **15**; có Phiếu xin lỗi và hẹn lại ngày trả kết quả: **10**" in shown
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Hồ sơ tiếp nhận"] == "150" and metrics["Hồ sơ quá hạn"] == "15"
    assert "Nghị định 118/2025/NĐ-CP" in shown
    at.button(key="onestop_bieu06").click().run()
    no_exception(at)
    assert at.get("download_button")[0].proto.label == "Tải bieu-06.xlsx"


def test_reviewer_records_the_online_level_on_the_detail_page(app):
    from sqlalchemy import select

    from catalogue.registry.models import AuditLog

    at = sign_in(app.run(), "reviewer")
    at = open_page(at, "priorities")
    pid = at.selectbox(key="priorities_pick").value
    at.button(key="priorities_open").click().run()
    at = open_page(at, "detail")
    assert "Mức độ trực tuyến" in texts(at)
    at.selectbox(key=f"online_level_pick_{pid}").set_value("partial")
    at.button(key="online_level_save").click().run()
    no_exception(at)
    assert "Đã lưu mức độ trực tuyến." in texts(at)
    assert "Mức độ trực tuyến:** một phần (theo danh mục)" in texts(at)
    from ui.state import core

    with core.engine().connect() as conn:
        audit = conn.execute(
            select(AuditLog.__table__).where(
                AuditLog.__table__.c.action == "procedure.online_level"
            )
        ).one()
    assert audit.actor == "reviewer" and audit.after == {"online_level": "partial"}
