"""The one cut-rate rule: savings ÷ before × 100, half-up (away from zero) to 2 decimals.

Expected values are worked out by hand (the table) or with exact fractions in the test
(the property), never with the module under test.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.rates import cut_rate, cut_rates, percent, percents, saving

# (saved, before, expected cut rate in %), each checked by hand
TABLE = [
    (650, 975, "66.67"),  # the published tax-reporting example: 650 of 975 tỷ
    (0, 975, "0.00"),  # nothing saved
    (5, 0, "0.00"),  # no baseline: 0 by definition, not an error
    (0, 0, "0.00"),
    (1, 800, "0.13"),  # 0,125 %: an exact half rounds up
    (-1, 800, "-0.13"),  # a cost increase: the half rounds away from zero
    (3, 800, "0.38"),  # 0,375 %
    (1, 3, "33.33"),
    (2, 3, "66.67"),
    (975, 975, "100.00"),  # abolished: everything saved
    (-975, 975, "-100.00"),  # the cost doubled
    (1, 2_000_000_000_000_000, "0.00"),  # tiny share of a national total
    (10**18, 10**18 + 1, "100.00"),  # beyond int64 when multiplied by 10 000
    (2**63, 1, "922337203685477580800.00"),  # beyond int64 itself (numpy reads it as uint64)
    (Decimal("1.5"), Decimal("12"), "12.50"),  # days with decimals
    (Decimal("0.05"), Decimal("20"), "0.25"),
]


@pytest.mark.parametrize(("saved", "before", "expected"), TABLE)
def test_cut_rate_table(saved, before, expected):
    assert cut_rate(saved, before) == Decimal(expected)
    assert cut_rates(pd.Series([saved], dtype=object), pd.Series([before], dtype=object))[
        0
    ] == float(expected)


def test_array_and_scalar_agree_on_the_whole_table():
    saved = np.array([row[0] for row in TABLE if isinstance(row[0], int)], dtype=object)
    before = np.array([row[1] for row in TABLE if isinstance(row[0], int)], dtype=object)
    expected = [float(row[2]) for row in TABLE if isinstance(row[0], int)]
    assert cut_rates(saved, before).tolist() == expected


def test_one_decimal_shares_of_the_published_one_stop_figures():
    # 924 of 956 → 96,65… → 96,7 %; 893 of 924 → 96,64… → 96,6 % (PROCESS.md §5)
    assert percent(924, 956, decimals=1) == Decimal("96.7")
    assert percent(893, 924, decimals=1) == Decimal("96.6")
    assert percents(np.array([650, 243]), np.array([924, 924]), decimals=1).tolist() == [
        70.3,
        26.3,
    ]


def test_saving_is_before_minus_after():
    assert saving(975, 325) == 650
    assert saving(100, 150) == -50
    assert saving(np.array([10, 5]), np.array([4, 9])).tolist() == [6, -4]


def _oracle(saved: int, before: int) -> Fraction:
    """Half-up (away from zero) rounding to hundredths with exact fractions."""
    if before == 0:
        return Fraction(0)
    exact = Fraction(saved * 100, before)
    sign = -1 if exact < 0 else 1
    hundredths = (abs(exact) * 100 + Fraction(1, 2)).__floor__()
    return Fraction(sign * hundredths, 100)


@given(
    st.integers(min_value=-(10**20), max_value=10**20),
    st.integers(min_value=0, max_value=10**20),
)
def test_cut_rate_matches_exact_fractions(saved, before):
    assert Fraction(cut_rate(saved, before)) == _oracle(saved, before)
