"""Dated parameters: lookup by date, derived hourly income, errors naming file and key."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from analysis.errors import ParameterError
from analysis.parameters import load_parameters


def test_every_value_has_a_source(params):
    for key in params.keys():
        for entry in params.entries[key]:
            assert entry.source.strip(), key


def test_lookup_takes_latest_on_or_before(params):
    assert params.value("base_salary", date(2024, 6, 30)) == 1_800_000
    assert params.value("base_salary", date(2024, 7, 1)) == 2_340_000
    assert params.get("base_salary", date(2026, 1, 1)).source.startswith("Nghị định 73/2024/NĐ-CP")


def test_hourly_income_is_derived_from_data(params):
    got = params.hourly_income("citizen", date(2025, 6, 1))
    # 7.700.000 đ/tháng ÷ 22 ngày ÷ 8 giờ = 43.750 đ/giờ
    assert got.value == D(43750)
    assert "income_monthly.citizen" in got.formula
    assert params.hourly_income("citizen", date(2024, 6, 1)).value == D(40341)  # 7,1tr/22/8 rounded


def test_too_early_names_file_and_key(params):
    with pytest.raises(
        ParameterError, match=r"cost\.yaml: parameters\.usd_rate: no value effective"
    ):
        params.get("usd_rate", date(2000, 1, 1))


def test_unknown_key(params):
    with pytest.raises(ParameterError, match=r"parameters\.nope: no such parameter"):
        params.get("nope", date(2026, 1, 1))


HEAD = "parameters:\n  a:\n    values:\n      - "


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            HEAD + "{effective: 2020-01-01, value: 1}\n",
            r"parameters\.a\.values\[0\]\.source: missing",
        ),
        (
            HEAD + "{value: 1, source: s}\n",
            r"parameters\.a\.values\[0\]\.effective",
        ),
        (
            HEAD + "{effective: 2020-01-01, value: x, source: s}\n",
            r"parameters\.a\.values\[0\]\.value: not a number",
        ),
        (
            HEAD + "{effective: 2020-01-01, formula: b * 2, source: s}\n",
            r"parameters\.a\.values\[0\]\.formula: unknown parameter 'b'",
        ),
        (
            HEAD + "{effective: 2020-01-01, formula: __import__('os'), source: s}\n",
            r"parameters\.a\.values\[0\]\.formula",
        ),
        ("parameters: [1, 2\n", r"malformed YAML"),
        ("name: x\n", r"parameters: missing"),
    ],
)
def test_bad_file_names_file_and_key(tmp_path, text, message):
    path = tmp_path / "p.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(ParameterError, match=message) as info:
        load_parameters(path)
    assert str(path) in str(info.value)


def test_formula_with_dotted_names_and_rounding(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(
        "parameters:\n"
        "  income.x: {values: [{effective: 2020-01-01, value: 1000, source: s}]}\n"
        "  rate.x: {values: [{effective: 2020-01-01, formula: income.x / 3, round: 2,"
        " source: s}]}\n",
        "utf-8",
    )
    assert load_parameters(path).value("rate.x", date(2021, 1, 1)) == D("333.33")
