"""One-stop performance reports reproduce the arithmetic of published figures exactly."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.formatting import format_number
from catalogue.onestop.report import (
    dossier_frame,
    format_rate,
    most_late,
    overview,
    percent,
    percent_tenths,
    performance,
    published_line,
    totals,
)
from catalogue.onestop.stats import import_stats
from catalogue.registry.store import import_records
from tests.factories import add_users, make_record

COUNTS = ["received", "resolved_early", "resolved_on_time", "resolved_late", "pending", "online"]


def test_published_district_figure():
    # "cấp huyện tiếp nhận và giải quyết xong 924/956 hồ sơ, đạt 96,6 %, trong đó trước hạn
    # 70,3 %, đúng hạn 26,3 %": 650 early and 243 on time of the 924 resolved (31 late).
    line = published_line(956, 650, 243, 31)
    assert line.startswith("924/956 hồ sơ, đạt 96,6 %, trong đó trước hạn 70,3 %, đúng hạn 26,3 %")
    assert line.endswith("quá hạn 3,4 %")
    assert (percent(650, 924), percent(243, 924), percent(893, 924)) == (
        Decimal("70.3"),
        Decimal("26.3"),
        Decimal("96.6"),
    )
    # 924 ÷ 956 itself is 96,65… %: half-up gives 96,7 %, so "đạt" is the on-time rate.
    assert percent(924, 956) == Decimal("96.7")


def test_published_yearly_figure():
    # "năm 2017 tiếp nhận 3.281.500 hồ sơ, trả kết quả đúng hạn 3.226.809"
    received, on_time = 3_281_500, 3_226_809
    assert format_number(received) == "3.281.500" and format_number(on_time) == "3.226.809"
    assert percent(on_time, received) == Decimal("98.3")
    line = published_line(received, 0, on_time, received - on_time)
    assert line.startswith("3.281.500/3.281.500 hồ sơ, đạt 98,3 %")
    assert line.endswith("quá hạn 1,7 %")
    assert published_line(956, 650, 243, 31, lang="en").startswith(
        "924/956 dossiers, 96.6 % on time or early"
    )


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (1, 8, "12.5"),
        (1, 3, "33.3"),
        (2, 3, "66.7"),
        (1, 16, "6.3"),
        (0, 5, "0.0"),
        (5, 5, "100.0"),
    ],
)
def test_half_up_one_decimal(part, whole, expected):
    assert percent(part, whole) == Decimal(expected)
    assert percent_tenths(np.array([part]), np.array([whole]))[0] == float(expected)


@given(st.integers(0, 10**10), st.integers(1, 10**10))
def test_vectorised_rate_matches_decimal(part, whole):
    assert percent_tenths(np.array([part]), np.array([whole]))[0] == float(percent(part, whole))


def test_unknown_rate_shows_a_dash():
    assert percent(1, 0) is None and format_rate(None) == "–" and format_rate(96.6) == "96,6 %"


def frame():
    rows = [
        # procedure 1 at agency A: 2 months
        (1, "1.1", "Thủ tục một", "Hộ tịch", "A", "commune", "2025-01", 100, 60, 30, 5, 5, 10),
        (1, "1.1", "Thủ tục một", "Hộ tịch", "A", "commune", "2025-02", 200, 120, 60, 10, 10, None),
        # procedure 2 at agency B: many late dossiers
        (2, "1.2", "Thủ tục hai", "Đất đai", "B", "district", "2025-01", 50, 10, 10, 30, 0, 50),
        # procedure 3: nothing late
        (3, "1.3", "Thủ tục ba", "Đất đai", "B", "district", "2025-02", 10, 10, 0, 0, 0, 0),
    ]
    cols = ["procedure_id", "code", "name", "field", "agency", "level", "period", *COUNTS]
    out = pd.DataFrame(rows, columns=cols)
    out[COUNTS] = out[COUNTS].astype("Int64")
    return out


def test_performance_by_agency():
    table = performance(frame(), "agency").set_index("agency")
    a = table.loc["A"]
    assert (a["received"], a["resolved"], a["resolved_late"], a["online"]) == (300, 285, 15, 10)
    assert (a["on_time_rate"], a["early_share"], a["late_share"]) == (94.7, 63.2, 5.3)
    assert a["published"] == (
        "285/300 hồ sơ, đạt 94,7 %, trong đó trước hạn 63,2 %, đúng hạn 31,6 %, quá hạn 5,3 %"
    )
    assert list(table.index) == ["A", "B"]  # most received first


@pytest.mark.parametrize("by", ["procedure", "agency", "field", "level", "period"])
def test_every_grouping_adds_up(by):
    table = performance(frame(), by)
    assert table["received"].sum() == 360 and table["resolved_late"].sum() == 45


def test_period_order_and_bad_grouping():
    assert performance(frame(), "period")["period"].tolist() == ["2025-01", "2025-02"]
    with pytest.raises(ValueError, match="by must be"):
        performance(frame(), "province")


def test_most_late():
    procs = most_late(frame(), "procedure")
    assert procs["code"].tolist() == ["1.2", "1.1"]  # 1.3 has no late dossier
    assert procs["resolved_late"].tolist() == [30, 15]
    agencies = most_late(frame(), "agency", top=1)
    assert agencies["agency"].tolist() == ["B"]


def test_totals_are_json_ready():
    out = totals(frame())
    assert out["received"] == 360 and out["resolved"] == 345 and out["on_time_rate"] == 87.0
    assert isinstance(out["received"], int) and out["online_share"] == 16.7


def test_report_from_the_database(engine, tmp_path):
    import_records(
        engine,
        [make_record("1.000001", "Cấp bản sao"), make_record("1.000002", "Khai sinh")],
        source="test",
    )
    add_users(engine, {"admin": "admin"})
    path = tmp_path / "s.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            ["ma_tthc", "co_quan", "ky", "tiep_nhan", "truoc_han", "dung_han", "qua_han"]
        )
        writer.writerow(["1.000001", "UBND huyện X", "2025-01", 956, 650, 243, 31])
    import_stats(engine, path, actor="admin", today=date(2026, 1, 1))
    data = dossier_frame(engine)
    # 1.000001: the file's month; 1.000002: the catalogue's 2024 volume (period "2024")
    assert sorted(data["period"]) == ["2024", "2024", "2025-01"]
    row = data[data["period"] == "2025-01"].iloc[0]
    assert (row["agency"], row["level"]) == ("UBND huyện X", "province")
    view = overview(engine)
    assert view["year"] == 2025
    assert view["totals"]["published"].startswith("924/956 hồ sơ, đạt 96,6 %")
    assert view["late_agencies"]["agency"].tolist() == ["UBND huyện X"]
