"""Sensitivity (low / central / high), the low-average rule and NPV."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from cost_factories import make_sheet

from analysis.reference import evaluate_sheet
from analysis.sensitivity import low_average, npv, sensitivity


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([100], D(100)),
        ([100, 300], D(100)),  # two sources: the lower
        ([100, 120, 200], D(110)),  # mean 140; values at or below: 100, 120
        ([5, 5, 5], D(5)),
    ],
)
def test_low_average(values, expected):
    assert low_average(values) == expected


def test_low_average_needs_values():
    with pytest.raises(ValueError):
        low_average([])


def test_npv():
    assert npv(0, 1000, rate=D("0.1"), horizon=5) == -1000
    assert npv(1100, 0, rate=D("0.1"), horizon=1) == 1000
    assert npv(100, 0, rate=D(0), horizon=5) == 500


def test_sensitivity(params):
    sheet = make_sheet(
        params,
        options=[
            {
                "id": "o",
                "action": "amend",
                "changes": [{"type": "set_frequency", "value": 0.5, "reason": "r"}],
            }
        ],
    )
    frame = sensitivity(sheet, percent=20)
    central = evaluate_sheet(sheet)
    row = frame[
        (frame.factor == "population") & (frame.case == "central") & (frame.option_id == "o")
    ].iloc[0]
    assert row.annual_cost == central.options[0].annual_cost
    pop = frame[(frame.factor == "population") & (frame.option_id == "baseline")].set_index("case")
    assert pop.loc["high", "annual_cost"] == round(central.baseline.annual_cost * 1.2)
    assert pop.loc["low", "annual_cost"] == round(central.baseline.annual_cost * 0.8)
    # cut rate of a frequency change does not depend on population
    assert set(frame[(frame.factor == "population") & (frame.option_id == "o")].cut_rate) == {50.0}
    hours = frame[(frame.factor == "hours") & (frame.option_id == "baseline")].set_index("case")
    assert (
        hours.loc["low", "annual_cost"]
        < hours.loc["central", "annual_cost"]
        < hours.loc["high", "annual_cost"]
    )
    assert len(frame) == 3 * 3 * 2
