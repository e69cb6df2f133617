"""Import of one-stop dossier statistics: validation, matching, roll-up, costs (both back-ends)."""

from __future__ import annotations

import csv
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import func, select

from catalogue.costing.burden import catalogue_costs
from catalogue.onestop.stats import (
    StatsError,
    costs_with_statistics,
    import_stats,
    parse_periods,
    rollup_years,
    synthetic_stats,
    write_stats_file,
)
from catalogue.registry.errors import ImportFailed, PermissionDenied
from catalogue.registry.models import AuditLog, DossierStat, Procedure, Volume
from catalogue.registry.store import import_records, load_records
from tests.factories import add_users, make_record

HEADER = [
    "ma_tthc",
    "ten_tthc",
    "co_quan",
    "cap",
    "ky",
    "tiep_nhan",
    "truoc_han",
    "dung_han",
    "qua_han",
    "dang_giai_quyet",
    "truc_tuyen",
]
TODAY = date(2026, 6, 1)


@pytest.fixture
def world(engine):
    """Three procedures (one code at two agencies), an admin and an analyst."""
    import_records(
        engine,
        [
            make_record("1.000001", "Cấp bản sao trích lục hộ tịch"),
            make_record(
                "1.000002", "Đăng ký khai sinh", agency="UBND xã An Bình", levels=["commune"]
            ),
            make_record(
                "1.000002", "Đăng ký khai sinh", agency="UBND xã Tân Phú", levels=["commune"]
            ),
        ],
        source="test",
    )
    add_users(engine, {"admin": "admin", "analyst": "analyst"})
    return engine


def write(path, rows, header=HEADER):
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def pid(engine, code, agency=None):
    with engine.connect() as conn:
        recs = load_records(conn, with_ids=True)
    return next(i for i, r in recs.items() if r["code"] == code and agency in (None, r["agency"]))


def monthly(code, agency="", year=2025, received=100, early=50, on_time=30, late=5, pending=3):
    return [
        [code, "", agency, "", f"{year}-{m:02d}", received, early, on_time, late, pending + m, 40]
        for m in range(1, 13)
    ]


def volumes(engine, procedure_id):
    with engine.connect() as conn:
        rows = conn.execute(
            select(Volume).where(Volume.procedure_id == procedure_id).order_by(Volume.year)
        ).all()
    return {r.year: r for r in rows}


def test_monthly_rows_roll_up_into_the_yearly_volume(world, tmp_path):
    # pending is a stock: December's count (3 + 12 = 15), not the sum of the months.
    rows = monthly("1.000001")
    result = import_stats(world, write(tmp_path / "s.csv", rows), actor="admin", today=TODAY)
    assert (result.stored, result.procedures, result.volumes_written) == (12, 1, 1)
    assert result.periods[0] == "2025-01" and result.periods[-1] == "2025-12"
    assert result.partial_years == []
    vol = volumes(world, pid(world, "1.000001"))[2025]
    assert (vol.received, vol.resolved_early, vol.resolved_on_time, vol.resolved_late) == (
        1200,
        600,
        360,
        60,
    )
    assert (vol.pending, vol.online) == (15, 480)
    # the catalogue's own 2024 volume is kept
    assert 2024 in volumes(world, pid(world, "1.000001"))
    with world.connect() as conn:
        stats = conn.execute(select(DossierStat)).all()
        audit = conn.execute(select(AuditLog).where(AuditLog.action == "stats.import")).one()
    assert len(stats) == 12 and {s.source for s in stats} == {"s.csv"}
    assert audit.actor == "admin" and audit.after["stored"] == 12


def test_reimport_replaces_the_same_rows(world, tmp_path):
    path = write(tmp_path / "s.csv", monthly("1.000001"))
    import_stats(world, path, actor="admin", today=TODAY)
    again = import_stats(world, path, actor="admin", today=TODAY)
    assert again.replaced == 12
    with world.connect() as conn:
        assert conn.execute(select(func.count()).select_from(DossierStat)).scalar() == 12
    assert volumes(world, pid(world, "1.000001"))[2025].received == 1200


def test_second_half_of_the_year_adds_to_the_first(world, tmp_path):
    rows = monthly("1.000001")
    first = import_stats(world, write(tmp_path / "a.csv", rows[:6]), actor="admin", today=TODAY)
    assert first.partial_years == [{"year": 2025, "procedures": 1}]
    import_stats(world, write(tmp_path / "b.csv", rows[6:]), actor="admin", today=TODAY)
    vol = volumes(world, pid(world, "1.000001"))[2025]
    assert vol.received == 1200 and vol.pending == 15


def test_units_are_summed_and_quarters_accepted(world, tmp_path):
    rows = [
        ["1.000001", "", "", "Cấp tỉnh", f"2025-Q{q}", 300, 200, 90, 5, 5, ""] for q in (1, 2, 3, 4)
    ] + [["1.000001", "", "", "Cấp xã", "2025", 50, 40, 10, 0, 0, ""]]
    import_stats(world, write(tmp_path / "s.csv", rows), actor="admin", today=TODAY)
    vol = volumes(world, pid(world, "1.000001"))[2025]
    assert (vol.received, vol.pending, vol.online) == (1250, 5, None)


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        # resolved (60 + 40 + 10) > received (100)
        (
            ["1.000001", "", "", "", "2025-01", 100, 60, 40, 10, 0, 0],
            "truoc_han+dung_han+qua_han",
            "resolved > received",
        ),
        (["1.000001", "", "", "", "2025-01", 100, -1, 40, 10, 0, 0], "truoc_han", "whole number"),
        (["1.000001", "", "", "", "2025-13", 100, 50, 40, 10, 0, 0], "ky", "unknown period"),
        (["1.000001", "", "", "", "tháng 1", 100, 50, 40, 10, 0, 0], "ky", "unknown period"),
        (["1.000001", "", "", "", "2031", 100, 50, 40, 10, 0, 0], "ky", "unknown period"),
        (
            ["9.999999", "", "", "", "2025-01", 100, 50, 40, 10, 0, 0],
            "ma_tthc",
            "unknown procedure",
        ),
        (["1.000001", "", "", "", "2025-01", "", 50, 40, 10, 0, 0], "tiep_nhan", "missing"),
        (["1.000001", "", "", "", "2025-01", 100, 50, 40, 5, 5, 101], "truc_tuyen", "online"),
        (["1.000001", "", "", "", "2025-01", 100, 50, 40, 5, 6, 0], "dang_giai_quyet", "pending"),
        (["1.000001", "", "", "Cấp huyện", "2025-01", 100, 50, 40, 5, 0, 0], "cap", "level"),
        (["1.000001", "", "", "cấp thôn", "2025-01", 100, 50, 40, 5, 0, 0], "cap", "unknown level"),
        # one code at two agencies and no agency given
        (["1.000002", "", "", "", "2025-01", 100, 50, 40, 5, 0, 0], "ma_tthc", "several"),
    ],
)
def test_inconsistent_rows_are_reported_and_nothing_is_written(
    world, tmp_path, row, field, message
):
    good = ["1.000001", "", "", "", "2025-02", 100, 50, 40, 5, 5, 30]
    path = write(tmp_path / "bad.csv", [good, row])
    with pytest.raises(ImportFailed) as err:
        import_stats(world, path, actor="admin", today=TODAY)
    problems = err.value.problems
    assert [(p.line, p.field) for p in problems] == [(3, field)]
    assert message in problems[0].message
    with world.connect() as conn:
        assert conn.execute(select(func.count()).select_from(DossierStat)).scalar() == 0
    assert 2025 not in volumes(world, pid(world, "1.000001"))


def test_every_problem_is_listed_with_row_and_column(world, tmp_path):
    rows = [
        ["1.000001", "", "", "", "2025-01", 10, 8, 5, 0, 0, 0],  # line 2: resolved > received
        ["1.000001", "", "", "", "2025-1x", 10, 1, 1, 0, 0, 0],  # line 3: period
        ["1.000001", "", "", "", "2025-02", 10, "1,5", 1, 0, 0, 0],  # line 4: not whole
        ["1.000001", "", "", "", "2025-02", 10, 1, 1, 0, 0, 0],  # line 5: duplicate of 4
        ["1.000001", "", "", "", "2025-02", 10, 1, 1, 0, 0, 0],  # line 6: duplicate of 4
        ["1.000001", "", "", "", "2025", 10, 1, 1, 0, 0, 0],  # line 7: year mixed with months
    ]
    with pytest.raises(ImportFailed) as err:
        import_stats(world, write(tmp_path / "bad.csv", rows), actor="admin", today=TODAY)
    found = [(p.line, p.field) for p in err.value.problems]
    assert found == [
        (2, "truoc_han+dung_han+qua_han"),
        (3, "ky"),
        (4, "truoc_han"),
        (5, "ky"),
        (6, "ky"),
        (7, "ky"),
    ]


def test_same_code_at_two_agencies_is_told_apart_by_agency(world, tmp_path):
    rows = monthly("1.000002", agency="UBND xã Tân Phú")
    import_stats(world, write(tmp_path / "s.csv", rows), actor="admin", today=TODAY)
    assert 2025 in volumes(world, pid(world, "1.000002", "UBND xã Tân Phú"))
    assert 2025 not in volumes(world, pid(world, "1.000002", "UBND xã An Bình"))


def test_rows_without_code_wait_for_confirmation(world, tmp_path):
    rows = [["", "Cấp bản sao trích lục hộ tịch", "", "", "2025", 100, 50, 40, 5, 0, 10]]
    path = write(tmp_path / "s.csv", rows)
    result = import_stats(world, path, actor="admin", today=TODAY)
    assert result.stored == 0 and len(result.to_confirm) == 1
    item = result.to_confirm[0]
    assert item["row"] == 2 and item["candidates"][0]["code"] == "1.000001"
    assert 2025 not in volumes(world, pid(world, "1.000001"))
    accepted = import_stats(world, path, actor="admin", accept_above=90, today=TODAY)
    assert accepted.stored == 1 and accepted.accepted[0]["code"] == "1.000001"
    assert volumes(world, pid(world, "1.000001"))[2025].received == 100


def test_only_an_admin_may_import(world, tmp_path):
    path = write(tmp_path / "s.csv", monthly("1.000001"))
    with pytest.raises(PermissionDenied):
        import_stats(world, path, actor="analyst", today=TODAY)


def test_missing_column_names_it(world, tmp_path):
    path = write(tmp_path / "s.csv", [["1.000001", "2025"]], header=["ma_tthc", "ky"])
    with pytest.raises(StatsError, match="tiep_nhan"):
        import_stats(world, path, actor="admin", today=TODAY)


def test_excel_file_with_banner_and_accented_headers(world, tmp_path):
    frame = pd.DataFrame(
        [["1.000001", "2025-03", 1.234, 1000, 200, 34]],
        columns=["Mã TTHC", "Kỳ", "Tiếp nhận", "Trước hạn", "Đúng hạn", "Quá hạn"],
    )
    frame["Tiếp nhận"] = ["1.234"]  # Vietnamese thousands grouping, as text
    path = tmp_path / "s.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame([["Thống kê hồ sơ một cửa tỉnh Bình An"]]).to_excel(
            writer, index=False, header=False
        )
        frame.to_excel(writer, index=False, startrow=2)
    result = import_stats(world, path, actor="admin", today=TODAY)
    assert result.stored == 1
    assert volumes(world, pid(world, "1.000001"))[2025].received == 1234


def test_yearly_dossiers_become_the_population_of_the_estimate(world, tmp_path):
    procedure_id = pid(world, "1.000001")
    before = catalogue_costs(world).set_index("procedure_id").loc[procedure_id]
    rows = monthly("1.000001", received=250, early=190, on_time=40, late=5, pending=0)
    import_stats(world, write(tmp_path / "hcc-2025.csv", rows), actor="admin", today=TODAY)
    costs = costs_with_statistics(world).set_index("procedure_id")
    after = costs.loc[procedure_id]
    # population × frequency: 3.000 dossiers in 2025 × 1, replacing 1.000 of 2024
    assert after["population"] == 3000 and after["population_year"] == 2025
    assert after["population_source"] == "thống kê một cửa: hcc-2025.csv, kỳ 2025-01…2025-12"
    # annual cost = unit cost × population (rounded once, so within half a đồng per dossier)
    assert abs(after["annual_cost"] - after["unit_cost"] * 3000) <= 1500
    assert abs(before["annual_cost"] - before["unit_cost"] * 1000) <= 500
    other = costs.loc[pid(world, "1.000002", "UBND xã An Bình")]
    assert other["population_source"] == "số liệu năm trong danh mục"


def test_parse_periods_forms():
    got = parse_periods(
        pd.Series(["2025", "2025-Q4", "q1/2024", "07/2025", "2025-7", "2025-00", "25"]),
        today=TODAY,
    )
    assert got["period"].tolist()[:5] == ["2025", "2025-Q4", "2024-Q1", "2025-07", "2025-07"]
    assert got["period"].isna().tolist()[5:] == [True, True]
    assert got["end_month"].tolist()[:4] == [12, 12, 3, 7]


def test_rollup_rule_on_a_small_frame():
    stats = pd.DataFrame(
        [
            # unit A, months 1-2: flows summed, pending of month 2
            (1, "A", 2025, "month", 1, 10, 5, 3, 1, 1, 4),
            (1, "A", 2025, "month", 2, 20, 10, 6, 2, 2, None),
            # unit B, one quarter: pending 7 added to A's 2
            (1, "B", 2025, "quarter", 3, 30, 20, 2, 1, 7, None),
        ],
        columns=[
            "procedure_id",
            "unit",
            "year",
            "kind",
            "end_month",
            "received",
            "resolved_early",
            "resolved_on_time",
            "resolved_late",
            "pending",
            "online",
        ],
    )
    out = rollup_years(stats).iloc[0]
    assert (out["received"], out["resolved_late"], out["pending"], out["online"]) == (60, 4, 9, 4)
    assert out["months"] == 2  # unit A covers two months only


def test_generator_file_imports_cleanly(world, tmp_path):
    with world.connect() as conn:
        records = load_records(conn)
    frame = synthetic_stats(records, year=2025, seed=3, without_code=1)
    assert len(frame) == 36 and (frame["ma_tthc"] == "").sum() == 12
    assert (frame[["truoc_han", "dung_han", "qua_han"]].sum(axis=1) <= frame["tiep_nhan"]).all()
    path = write_stats_file(frame, tmp_path / "gen.csv")
    result = import_stats(world, path, actor="admin", today=TODAY)
    assert result.stored == 24 and len(result.to_confirm) == 12
    with world.connect() as conn:
        n = conn.execute(select(func.count()).select_from(Procedure)).scalar()
    assert n == 3


def test_the_estimate_names_the_statistics_file_behind_its_population(world, tmp_path):
    from analysis import load_parameters
    from catalogue.costing.burden import procedure_sheet

    procedure_id = pid(world, "1.000001")
    with world.connect() as conn:
        before = procedure_sheet(conn, procedure_id, params=load_parameters())
    assert before.population.method == "estimate"
    rows = monthly("1.000001", received=250, early=190, on_time=40, late=5, pending=0)
    import_stats(world, write(tmp_path / "hcc-2025.csv", rows), actor="admin", today=TODAY)
    with world.connect() as conn:
        sheet = procedure_sheet(conn, procedure_id, params=load_parameters())
    assert sheet.population.value == 3000
    assert sheet.population.method == "statistics"
    assert sheet.population.source.startswith("thống kê một cửa: hcc-2025.csv, kỳ 2025-01…2025-12")
