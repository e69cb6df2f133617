"""Several sources for one figure: the sheet takes the low average (TT 02/2017/TT-VPCP)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from cost_factories import make_sheet, make_sheet_data

from analysis import SheetError, parse_sheet


def test_population_from_three_sources_takes_the_low_average(params):
    sheet = make_sheet(
        params,
        population={
            "values": [100, 120, 200],  # mean 140; values at or below it: 100, 120 → 110
            "sources": ["Niên giám thống kê", "Khảo sát", "Báo cáo một cửa"],
            "method": "statistics",
        },
    )
    assert sheet.population.value == 110
    assert sheet.population.method == "statistics"
    assert "trung bình thấp" in sheet.population.source
    assert "100 (Niên giám thống kê)" in sheet.population.source


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([Decimal("1.5"), Decimal("2")], Decimal("1.5")),  # two sources: the lower one
        ([Decimal("1"), Decimal("2"), Decimal("2.5"), Decimal("3")], Decimal("1.5")),
        ([Decimal("0.1235"), Decimal("0.1236"), Decimal("5")], Decimal("0.124")),  # 0,12355 half-up
    ],
)
def test_hours_are_rounded_to_their_precision(params, values, expected):
    activities = [{"name": "Nộp hồ sơ", "hours": {"values": values}}]
    sheet = make_sheet(params, activities=activities)
    assert sheet.activities[0].hours.value == expected


@pytest.mark.parametrize(
    ("figure", "path"),
    [
        ({"values": []}, "population.values"),
        ({"values": [100, -5]}, "population.values[1]"),
        ({"values": [100, 200], "sources": ["only one"]}, "population.sources"),
        ({"values": [100], "value": 100}, "population.value"),
    ],
)
def test_bad_source_lists_name_their_key(params, figure, path):
    with pytest.raises(SheetError) as err:
        parse_sheet(make_sheet_data(population=figure), params=params, file="s.yaml")
    assert path in [p.path for p in err.value.problems]
