"""Biểu 06 (TT 01/2020/TT-VPCP): import with carried-over dossiers, the form's checks, periods.

Every expected figure below is worked out by hand from the rows written in the test
(the arithmetic is in the comments), never by the code under test.
"""

from __future__ import annotations

import csv
from decimal import Decimal

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from catalogue.onestop.report import by_period, overview, stats_report
from catalogue.onestop.stats import import_stats
from catalogue.registry.errors import ImportFailed
from catalogue.registry.models import OnestopResult, Volume
from catalogue.registry.store import import_records, load_records
from tests.factories import add_users, make_record

Q1 = "Kỳ báo cáo: từ ngày 15/12/2025 đến ngày 14/03/2026"
Q2 = "Kỳ báo cáo: từ ngày 15/03/2026 đến ngày 14/06/2026"
UNIT = "Đơn vị báo cáo: UBND tỉnh Bình An"
# name, code, level, online, direct, carried, early, on time, late, within, overdue, apology
Q1_ROWS = [
    ("A. CẤP TỈNH",),
    ("Đất đai", "", "Cấp tỉnh", 20, 30, 25, 40, 15, 5, 10, 5, 6),
    ("Cấp giấy phép xây dựng", "1.000010", "Cấp tỉnh", 5, 15, 4, 10, 9, 2, 3, 0, 2),
    ("B. CẤP XÃ",),
    # the defect of the old format: 107 resolved of 100 received, 10 carried over
    ("Hộ tịch", "", "Cấp xã", 60, 40, 10, 70, 33, 4, 2, 1, 4),
]
# Q1's total, added by hand: received 50+20+100, online 20+5+60, direct 30+15+40, …
Q1_TOTAL = (170, 85, 85, 39, 188, 120, 57, 11, 21, 15, 6, 12)
Q2_ROWS = [
    ("Đất đai", "", "Cấp tỉnh", 30, 20, 15, 35, 15, 5, 8, 2, None),
    ("Hộ tịch", "", "Cấp xã", 50, 40, 3, 60, 25, 3, 5, 0, None),
]


def bieu06_workbook(path, period_text, rows, *, total=None):
    """The form as a province fills it: banner, two heading rows, column numbers, rows."""
    book = Workbook()
    ws = book.active
    ws.title = "Biểu 06"
    ws.append(["Biểu số 06a/VPCP/KSTT"])
    ws.append(["TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"])
    ws.append([period_text])
    ws.append([UNIT])
    ws.append(["Đơn vị tính: hồ sơ"])
    ws.append(
        ["STT", "Lĩnh vực, thủ tục", "Mã TTHC", "Cấp", "Số hồ sơ nhận giải quyết", None, None]
        + [None, "Số hồ sơ đã giải quyết", None, None, None, "Số hồ sơ đang giải quyết"]
        + [None, None, "Số hồ sơ quá hạn có Phiếu xin lỗi và hẹn lại ngày trả kết quả"]
    )
    ws.append(
        [None, None, None, None, "Tổng số", "Trực tuyến", "Trực tiếp, dịch vụ bưu chính"]
        + ["Từ kỳ trước", "Tổng số", "Trước hạn", "Đúng hạn", "Quá hạn", "Tổng số"]
        + ["Trong hạn", "Quá hạn", None]
    )
    for first, last in (("E6", "H6"), ("I6", "L6"), ("M6", "O6")):
        ws.merge_cells(f"{first}:{last}")
    ws.append([f"({i})" for i in range(1, 17)])
    number = 0
    for row in rows:
        if len(row) == 1:
            ws.append([None, row[0]])
            continue
        number += 1
        name, code, level, online, direct, carried, early, on_time, late, within, over, apol = row
        ws.append(
            [number, name, code or None, level, online + direct, online, direct, carried]
            + [early + on_time + late, early, on_time, late, within + over, within, over, apol]
        )
    if total is not None:
        ws.append([None, "Tổng cộng", None, None, *total])
    book.save(path)
    return path


@pytest.fixture
def world(engine):
    import_records(
        engine,
        [
            make_record("1.000001", "Cấp bản sao trích lục hộ tịch"),
            make_record(
                "1.000010", "Cấp giấy phép xây dựng", field="Xây dựng", levels=["province"]
            ),
        ],
        source="test",
    )
    add_users(engine, {"admin": "admin"})
    return engine


def count_rows(engine):
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(OnestopResult)).scalar()


def test_workbook_with_carried_over_dossiers_reproduces_its_totals(world, tmp_path):
    path = bieu06_workbook(tmp_path / "bieu-06-q1.xlsx", Q1, Q1_ROWS, total=Q1_TOTAL)
    result = import_stats(world, path, actor="admin")
    assert (result.format, result.stored, result.periods) == ("bieu06", 3, ["2026-Q1"])
    assert result.units == ["UBND tỉnh Bình An"] and result.procedures == 1
    view = overview(world, period="2026-Q1")
    t = view["totals"]
    assert (t["received"], t["online"], t["direct"], t["carried_over"]) == (170, 85, 85, 39)
    assert (t["resolved"], t["resolved_early"], t["resolved_on_time"]) == (188, 120, 57)
    assert (t["resolved_late"], t["pending"], t["pending_on_time"]) == (11, 21, 15)
    assert (t["pending_overdue"], t["apologised"]) == (6, 12)
    # 188 resolved of 170 + 39 = 209; (120 + 57) / 188 = 94,15 %; 120/188 = 63,83 %;
    # 57/188 = 30,32 %; 11/188 = 5,85 %
    assert t["published"] == (
        "188/209 hồ sơ, đạt 94,1 %, trong đó trước hạn 63,8 %, đúng hạn 30,3 %, quá hạn 5,9 %"
    )
    # late dossiers: 11 resolved late + 6 pending overdue = 17, 12 with a Phiếu xin lỗi
    assert (t["late"], t["without_apology"]) == (17, 5)
    assert t["online_share"] == 50.0  # 85 / 170
    assert view["period_text"] == "quý 1 năm 2026"
    levels = view["by_level"].set_index("level")
    # province: 70 received + 29 carried; 81 resolved (50, 24, 7): 74/81 = 91,36 %
    assert levels.loc["province", "published"].startswith("81/99 hồ sơ, đạt 91,4 %")
    # commune: 107/110; 103/107 = 96,26 %; 70/107 = 65,42 %; 33/107 = 30,84 %
    assert levels.loc["commune", "published"] == (
        "107/110 hồ sơ, đạt 96,3 %, trong đó trước hạn 65,4 %, đúng hạn 30,8 %, quá hạn 3,7 %"
    )
    late_fields = view["late_fields"]
    assert late_fields["field"].tolist()[:2] == ["Đất đai", "Hộ tịch"]  # 10 and 5 late
    assert view["late_procedures"]["code"].tolist() == ["1.000010"]
    # the procedure row gives its yearly volume: one quarter so far (a partial year)
    with world.connect() as conn:
        records = load_records(conn, with_ids=True)
        pid = next(i for i, r in records.items() if r["code"] == "1.000010")
        vol = conn.execute(
            select(Volume).where(Volume.procedure_id == pid, Volume.year == 2026)
        ).one()
    assert (vol.received, vol.resolved_early, vol.resolved_on_time) == (20, 10, 9)
    assert (vol.resolved_late, vol.pending, vol.online) == (2, 3, 5)
    assert result.partial_years == [{"year": 2026, "procedures": 1}]


def test_six_months_from_two_quarters_count_the_carry_over_once(world, tmp_path):
    import_stats(world, bieu06_workbook(tmp_path / "q1.xlsx", Q1, Q1_ROWS), actor="admin")
    import_stats(world, bieu06_workbook(tmp_path / "q2.xlsx", Q2, Q2_ROWS), actor="admin")
    half = overview(world, period="2026-H1")["totals"]
    # Đất đai: received 50 + 50, carried 25 (Q1's; Q2's 15 is Q1's pending), pending 10;
    # Hộ tịch: 100 + 90, carried 10, pending 5; the permit: Q1 only (20, carried 4).
    assert half["received"] == 310 and half["carried_over"] == 39  # not 39 + 18
    assert (half["resolved"], half["resolved_early"], half["resolved_on_time"]) == (331, 215, 97)
    # 312/331 = 94,26 %; 215/331 = 64,95 %; 97/331 = 29,31 %; 19/331 = 5,74 %
    assert half["published"] == (
        "331/349 hồ sơ, đạt 94,3 %, trong đó trước hạn 65,0 %, đúng hạn 29,3 %, quá hạn 5,7 %"
    )
    # pending at the end of June: 10 + 5 (the permit has no June figure: unknown, not 3)
    assert half["pending"] == 15
    quarters = by_period(world, year=2026).set_index("period")
    assert quarters.loc["2026-Q1", "received"] == 170 and quarters.loc["2026-Q2", "received"] == 140
    # without a period: the latest year, composed from its quarters (never summed with 2025)
    assert overview(world)["totals"]["received"] == 310
    table = stats_report(world, by="field", period="2026-Q2").set_index("field")
    assert table.loc["Hộ tịch", "carried_over"] == 3 and table.loc["Hộ tịch", "resolved"] == 88


def test_years_are_never_added_together(world, tmp_path):
    old = tmp_path / "2025.csv"
    with old.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["ma_tthc", "ky", "tiep_nhan", "truoc_han", "dung_han", "qua_han"])
        writer.writerow(["1.000001", "2025-03", 956, 650, 243, 31])
    import_stats(world, old, actor="admin")
    import_stats(world, bieu06_workbook(tmp_path / "q1.xlsx", Q1, Q1_ROWS), actor="admin")
    latest = overview(world)
    assert latest["year"] == 2026 and latest["totals"]["received"] == 170
    seeds = overview(world, year=2025)["totals"]
    assert seeds["published"].startswith(
        "924/956 hồ sơ, đạt 96,6 %, trong đó trước hạn 70,3 %, đúng hạn 26,3 %"
    )


def test_reimport_replaces_the_units_report_for_the_period(world, tmp_path):
    path = bieu06_workbook(tmp_path / "q1.xlsx", Q1, Q1_ROWS)
    import_stats(world, path, actor="admin")
    again = import_stats(world, path, actor="admin")
    assert again.replaced == 3 and count_rows(world) == 3


def csv_file(path, rows):
    header = (
        "don_vi,tu_ngay,den_ngay,ten,cap,tiep_nhan,truc_tuyen,truc_tiep_buu_chinh,tu_ky_truoc,"
        "da_giai_quyet,truoc_han,dung_han,qua_han,dang_giai_quyet,trong_han,dang_qua_han,"
        "phieu_xin_loi"
    ).split(",")
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for row in rows:
            writer.writerow(["UBND xã An Bình", "01/01/2026", "31/03/2026", *row])
    return path


def test_csv_twin_imports_the_same_columns(world, tmp_path):
    # received 100 = 60 + 40; resolved 107 = 70 + 33 + 4; 107 + 3 = 100 + 10
    path = csv_file(
        tmp_path / "b06.csv", [["Hộ tịch", "Cấp xã", 100, 60, 40, 10, 107, 70, 33, 4, 3, 2, 1, 4]]
    )
    result = import_stats(world, path, actor="admin")
    assert result.format == "bieu06" and result.periods == ["2026-Q1"]
    t = overview(world, period="2026-Q1")["totals"]
    assert t["published"].startswith("107/110 hồ sơ, đạt 96,3 %")
    assert (t["late"], t["apologised"], t["without_apology"]) == (5, 4, 1)


def test_bad_rows_are_named_by_row_and_column_and_nothing_is_stored(world, tmp_path):
    rows = [
        ["Lĩnh vực 1", "Cấp xã", 100, 60, 40, 0, 95, 70, 20, 5, 5, 5, 0, 5],  # line 2: fine
        ["Lĩnh vực 2", "Cấp xã", 100, 60, 30, 0, 95, 70, 20, 5, 5, 5, 0, 0],  # 60 + 30 ≠ 100
        ["Lĩnh vực 3", "Cấp xã", 100, 60, 40, 10, 100, 70, 25, 5, 5, 5, 0, 0],  # 105 ≠ 110
        ["Lĩnh vực 4", "Cấp xã", 100, 60, 40, 0, 96, 70, 20, 5, 4, 4, 0, 0],  # 96 ≠ 95
        ["Lĩnh vực 5", "Cấp xã", 100, 60, 40, 0, 95, 70, 20, 5, 5, 3, 1, 0],  # 5 ≠ 3 + 1
        ["Lĩnh vực 6", "Cấp xã", 100, 60, 40, 0, 95, 70, 20, 5, 5, 5, 0, 6],  # 6 > 5 late
        ["Lĩnh vực 7", "Cấp huyện", 100, 60, 40, 0, 95, 70, 20, 5, 5, 5, 0, 0],  # no district
        ["Lĩnh vực 8", "Cấp xã", 100, 60, 40, 0, 95, "-3", 20, 5, 5, 5, 0, 0],  # not whole
    ]
    path = csv_file(tmp_path / "bad.csv", rows)
    with pytest.raises(ImportFailed) as err:
        import_stats(world, path, actor="admin")
    found = [(p.line, p.field) for p in err.value.problems]
    assert found == [
        (3, "tiep_nhan"),
        (4, "dang_giai_quyet"),
        (5, "da_giai_quyet"),
        (6, "dang_giai_quyet"),
        (7, "phieu_xin_loi"),
        (8, "cap"),
        (9, "truoc_han"),
    ]
    messages = [p.message for p in err.value.problems]
    assert "trực tuyến + trực tiếp" in messages[0] and "từ kỳ trước" in messages[1]
    assert "trước hạn + đúng hạn + quá hạn" in messages[2] and "trong hạn + quá hạn" in messages[3]
    assert "phiếu xin lỗi" in messages[4] and "cấp huyện" in messages[5]
    assert count_rows(world) == 0


def test_a_wrong_total_row_or_period_refuses_the_workbook(world, tmp_path):
    wrong = (171, *Q1_TOTAL[1:])
    path = bieu06_workbook(tmp_path / "t.xlsx", Q1, Q1_ROWS, total=wrong)
    with pytest.raises(ImportFailed) as err:
        import_stats(world, path, actor="admin")
    (problem,) = err.value.problems
    # banner 5 rows, 2 heading rows, the numbering row, 5 rows: the total is row 14
    assert (problem.line, problem.field) == (14, "Số hồ sơ nhận giải quyết: Tổng số")
    assert "171" in problem.message and "170" in problem.message
    odd = bieu06_workbook(
        tmp_path / "p.xlsx", "Kỳ báo cáo: từ ngày 10/01/2026 đến ngày 14/03/2026", Q1_ROWS
    )
    with pytest.raises(ImportFailed) as err:
        import_stats(world, odd, actor="admin")
    assert {p.field for p in err.value.problems} == {"Kỳ báo cáo"}
    assert count_rows(world) == 0


def test_seeds_arithmetic_still_holds():
    from catalogue.onestop.report import percent, published_line

    assert published_line(956, 650, 243, 31).startswith(
        "924/956 hồ sơ, đạt 96,6 %, trong đó trước hạn 70,3 %, đúng hạn 26,3 %"
    )
    assert percent(3_226_809, 3_281_500) == Decimal("98.3")
