"""Scenario files (tests/scenarios/*.yaml): input sheet → expected figures.

Each file is readable by a domain expert; both evaluators must produce its figures.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from analysis.reference import evaluate_sheet
from analysis.report import result_to_dict
from analysis.sheet import parse_sheet
from analysis.vectorised import evaluate_frames, sheets_to_frames
from analysis.yamlio import load_yaml


def _plain(value):
    """YAML decimals as floats, so ``66.67`` compares with the JSON number."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


SCENARIOS = sorted((Path(__file__).parents[1] / "scenarios").glob("*.yaml"))


def test_scenarios_exist():
    assert len(SCENARIOS) >= 6
    assert any(p.stem == "published-tax-reporting" for p in SCENARIOS)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_scenario(path, params):
    scenario = load_yaml(path)
    assert {"name", "sheet", "expect"} <= set(scenario), "a scenario needs name, sheet, expect"
    sheet = parse_sheet(scenario["sheet"], params=params, file=str(path))
    report = result_to_dict(evaluate_sheet(sheet))
    expect = scenario["expect"]
    for key, value in expect.get("baseline", {}).items():
        assert report["baseline"][key] == _plain(value), f"baseline.{key}"
    options = {o["id"]: o for o in report["options"]}
    for option_id, figures in expect.get("options", {}).items():
        for key, value in figures.items():
            assert options[option_id][key] == _plain(value), f"{option_id}.{key}"
    if "estimated_figures" in expect:
        assert [f["path"] for f in report["estimated_figures"]] == expect["estimated_figures"]

    # the vectorised evaluator agrees on the same figures
    frames = sheets_to_frames({"p": sheet})
    evaluated = evaluate_frames(frames.variants, frames.activities, frames.fees).set_index(
        "option_id"
    )
    assert evaluated.loc["baseline", "annual_cost"] == report["baseline"]["annual_cost"]
    for option in report["options"]:
        row = evaluated.loc[option["id"]]
        for key in ("unit_cost", "annual_cost", "savings", "cut_rate", "documents", "activities"):
            assert row[key] == option[key], f"vectorised {option['id']}.{key}"


def test_published_case_exact(params):
    """975.000.000.000 đ/năm; 12 → 4 lần/năm tiết kiệm 650.000.000.000 đ (66,67 %)."""
    scenario = load_yaml(Path(__file__).parents[1] / "scenarios" / "published-tax-reporting.yaml")
    result = evaluate_sheet(parse_sheet(scenario["sheet"], params=params))
    assert result.baseline.annual_cost == 975_000_000_000
    (option,) = result.options
    assert option.savings == 650_000_000_000
    assert str(option.cut_rate) == "66.67"
