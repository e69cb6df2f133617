"""Factories of the analysis tests: a base costing sheet and helpers to vary it."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from analysis.parameters import ParameterSet
from analysis.sheet import parse_sheet

TODAY = date(2026, 1, 1)


BASE_SHEET: dict[str, Any] = {
    "procedure": {"code": "1.000123", "name": "Thủ tục mẫu"},
    "date": TODAY,
    "subject": "citizen",
    "hourly_rate": 40000,
    "population": 10000,
    "frequency": 1,
    "channels": {"direct": 1},
    "deadline_days": {"direct": 10},
    "documents": [{"name": "Tờ khai"}, {"name": "Giấy xác nhận"}],
    "fees": [{"name": "Lệ phí", "amount": 50000}],
    "activities": [
        {"name": "Điền tờ khai", "hours": 1, "document": "Tờ khai"},
        {
            "name": "Xin giấy xác nhận",
            "hours": 4,
            "out_of_pocket": 30000,
            "document": "Giấy xác nhận",
        },
        {"name": "Nộp hồ sơ", "hours": 2, "out_of_pocket": 20000},
    ],
}


def make_sheet_data(**overrides: Any) -> dict[str, Any]:
    """A deep copy of BASE_SHEET with top-level keys replaced."""
    data = copy.deepcopy(BASE_SHEET)
    data.update(copy.deepcopy(overrides))
    return data


def make_sheet(params: ParameterSet, **overrides: Any):
    """A parsed sheet built from BASE_SHEET and ``overrides``."""
    return parse_sheet(make_sheet_data(**overrides), params=params, today=TODAY)
