"""Vietnamese and English display of money, rates and dates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np
import pytest

from analysis.formatting import format_date, format_percent, format_ty, format_vnd


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda: format_vnd(1234567), "1.234.567 đ"),
        (lambda: format_vnd(0), "0 đ"),
        (lambda: format_vnd(-650), "-650 đ"),
        (lambda: format_vnd(999.5), "1.000 đ"),  # half-up
        (lambda: format_vnd(1234567, lang="en"), "1,234,567 VND"),
        (lambda: format_ty(975_000_000_000), "975 tỷ đồng"),
        (lambda: format_ty(1_250_000_000), "1,25 tỷ đồng"),
        (lambda: format_percent(66.666), "66,67 %"),
        (lambda: format_percent(Decimal("100")), "100,00 %"),
        (lambda: format_percent(66.666, lang="en"), "66.67 %"),
        (lambda: format_percent(np.float64(66.666)), "66,67 %"),  # pandas hands out numpy floats
        (lambda: format_vnd(np.int64(1234567)), "1.234.567 đ"),
        (lambda: format_date(date(2026, 12, 31)), "31/12/2026"),
        (lambda: format_date(date(2026, 12, 31), lang="en"), "2026-12-31"),
    ],
)
def test_format(call, expected):
    assert call() == expected
