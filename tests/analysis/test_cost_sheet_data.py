"""``sheet_to_data`` is the inverse of ``parse_sheet``: every sheet reads back equal.

Checked on the example sheets, the scenario inputs, and estimates of registry records
(the factory's, hypothesis variations of it, and the whole demo catalogue), both
directly and through the YAML text the dashboard's sheet editor shows.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import (
    Figure,
    estimate_sheet,
    evaluate_sheet,
    load_sheet,
    parse_sheet,
    result_to_dict,
    sheet_to_data,
)
from analysis.changes import apply_option
from analysis.yamlio import load_yaml, parse_yaml
from catalogue.costing.burden import from_json, to_json
from catalogue.sources.formats import read_catalogue_file
from tests.factories import make_record

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "data" / "sheets").glob("*.yaml"))
SCENARIOS = sorted((ROOT / "tests" / "scenarios").glob("*.yaml"))
DEMO = ROOT / "data" / "demo" / "catalogue.yaml"
ON = date(2026, 1, 1)


def _fields(sheet) -> dict:
    return {f.name: getattr(sheet, f.name) for f in dataclasses.fields(sheet)}


def assert_round_trip(sheet, params) -> None:
    """Read back directly and through the editor's YAML text: equal fields, equal results."""
    data = sheet_to_data(sheet)
    text = yaml.safe_dump(to_json(data), allow_unicode=True, sort_keys=False)
    for again in (data, from_json(parse_yaml(text))):
        back = parse_sheet(again, params=params, file=sheet.source_file)
        assert _fields(back) == _fields(sheet)
        assert back == sheet
        assert result_to_dict(evaluate_sheet(back)) == result_to_dict(evaluate_sheet(sheet))


def _demo_records() -> list[dict]:
    return [record for _, record in read_catalogue_file(DEMO)]


def test_there_is_something_to_round_trip():
    assert EXAMPLES and len(SCENARIOS) >= 6 and len(_demo_records()) >= 50


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_sheets(path, params):
    assert_round_trip(load_sheet(path, params=params), params)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_scenario_inputs(path, params):
    sheet = parse_sheet(load_yaml(path)["sheet"], params=params, file=str(path))
    assert sheet.options  # the options and their changes are part of the round trip
    assert_round_trip(sheet, params)


def test_estimate_of_the_factory_record(params):
    sheet = estimate_sheet(make_record(), params, on=ON)
    assert_round_trip(sheet, params)
    data = sheet_to_data(sheet)
    assert data["estimated"] is True
    assert data["date"] == ON
    assert data["procedure"] == {"code": "1.000001", "name": "Cấp bản sao trích lục hộ tịch"}
    # provenance of every estimated figure is kept
    assert data["population"]["method"] == "estimate"
    assert data["hourly_rate"]["method"] == "default"
    assert [a["name"] for a in data["activities"]] == [a.name for a in sheet.activities]


def test_demo_catalogue_estimates(params):
    for record in _demo_records():
        assert_round_trip(estimate_sheet(record, params, on=ON), params)


def _channel(kind: str, days: int | None, fee: tuple[int, str] | None) -> dict:
    fees = []
    if fee is not None:
        amount, currency = fee
        fees.append({"kind": "phi", "amount": amount, "currency": currency, "free": False})
    return {"kind": kind, "deadline": {"value": days, "unit": "days"}, "fees": fees}


records = st.builds(
    lambda subjects, levels, channels, documents, volume: make_record(
        subjects=subjects, levels=levels, channels=channels, documents=documents, volumes=volume
    ),
    subjects=st.sampled_from([["Công dân Việt Nam"], ["Doanh nghiệp"], []]),
    levels=st.lists(st.sampled_from(["ministry", "province", "district", "commune"]), max_size=2),
    channels=st.lists(
        st.builds(
            _channel,
            st.sampled_from(["direct", "online", "postal"]),
            st.none() | st.integers(1, 60),
            st.none() | st.tuples(st.integers(0, 500_000), st.sampled_from(["VND", "USD"])),
        ),
        max_size=3,
    ),
    documents=st.lists(
        st.fixed_dictionaries(
            {
                "name": st.sampled_from(["Tờ khai", "Giấy tờ tùy thân", "Ảnh"]),
                "copies": st.integers(0, 3),
                "certified_copies": st.none() | st.integers(0, 2),
                "template": st.none() | st.just("Mau01.docx"),
            }
        ),
        max_size=4,
    ),
    volume=st.lists(
        st.fixed_dictionaries(
            {"year": st.integers(2020, 2025), "received": st.integers(1, 10**6)},
            optional={"online": st.integers(0, 10**6)},
        ),
        max_size=2,
    ),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(record=records)
def test_estimates_of_varied_records(record, params):
    assert_round_trip(estimate_sheet(record, params, on=ON), params)


def test_figures_are_written_with_their_provenance(params):
    sheet = load_sheet(EXAMPLES[0], params=params)
    sheet = dataclasses.replace(sheet, frequency=Figure(Decimal("0.25")))
    data = sheet_to_data(sheet)
    assert data["frequency"] == Decimal("0.25")  # a bare figure is a plain number
    assert set(data["population"]) == {"value", "source", "method"}
    assert "estimated" not in data
    assert_round_trip(sheet, params)


def test_the_outcome_of_an_abolish_option_is_refused(params):
    sheet = load_sheet(EXAMPLES[0], params=params)
    abolish = next(o for o in sheet.options if o.action == "abolish")
    with pytest.raises(ValueError, match="not a costing sheet"):
        sheet_to_data(apply_option(sheet, abolish))


def test_doctests():
    import doctest

    import analysis.sheet_data

    assert doctest.testmod(analysis.sheet_data).failed == 0
