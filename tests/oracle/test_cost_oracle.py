"""The independent oracle against the product's two evaluators, on random sheets.

The oracle (``cost_oracle``) is written from the method's text and imports nothing from
``analysis`` or ``catalogue``; it is first checked on the hand-worked scenarios, then
compared with the reference evaluator (``parse_sheet`` + ``evaluate_sheet``, what
``tthc cost`` prints) and with the vectorised one (``sheets_to_frames`` +
``evaluate_frames``, what prices the catalogue) on random sheets and options.

The ``oracle`` hypothesis profile runs 1.000 examples (``TTHC_ORACLE_EXAMPLES`` raises it).
"""

from __future__ import annotations

import math
import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from cost_oracle import Figures, Refused, price_sheet
from hypothesis import HealthCheck, given, settings
from sheet_strategies import CHANGE_TYPES, sheets

from analysis import (
    BASELINE_ID,
    SheetError,
    evaluate_frames,
    evaluate_sheet,
    load_parameters,
    parse_sheet,
    render_table,
    result_to_dict,
    sheets_to_frames,
)

SCENARIOS = sorted((Path(__file__).resolve().parents[1] / "scenarios").glob("*.yaml"))

settings.register_profile(
    "oracle",
    max_examples=int(os.environ.get("TTHC_ORACLE_EXAMPLES", "1000")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_oracle_reproduces_the_hand_worked_scenarios(path):
    """The oracle itself is checked first against figures worked out by hand."""
    scenario = yaml.safe_load(path.read_text(encoding="utf-8"))
    baseline, options = price_sheet(scenario["sheet"])
    _expect(baseline, scenario["expect"]["baseline"])
    for option_id, expected in scenario["expect"].get("options", {}).items():
        _expect(options[option_id], expected)


def _expect(got: Figures, expected: dict) -> None:
    for key, value in expected.items():
        if key == "data_reuse":
            assert [{"document": d, "database": b} for d, b in got.data_reuse] == value
        elif key in ("cut_rate", "deadline_cut_rate", "deadline_days"):
            assert getattr(got, key) == Decimal(str(value)), key
        else:
            assert getattr(got, key) == value, key


def _as_number(value) -> float | None:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return float(value)


def _reference_rows(result) -> dict[str, dict]:
    rows = {}
    for out in (result.baseline, *result.options):
        rows[out.option_id] = {
            "unit_cost": out.unit_cost,
            "annual_cost": out.annual_cost,
            "deadline_days": _as_number(out.deadline_days),
            "documents": out.documents,
            "activities": out.activities,
            "savings": out.savings,
            "cut_rate": _as_number(out.cut_rate),
            "deadline_cut_rate": _as_number(out.deadline_cut_rate),
            "data_reuse": [(r.document, r.database) for r in out.data_reuse],
        }
    return rows


def _oracle_rows(baseline: Figures, options: dict[str, Figures]) -> dict[str, dict]:
    rows = {}
    for option_id, fig in ((BASELINE_ID, baseline), *options.items()):
        rows[option_id] = {
            "unit_cost": fig.unit_cost,
            "annual_cost": fig.annual_cost,
            "deadline_days": _as_number(fig.deadline_days),
            "documents": fig.documents,
            "activities": fig.activities,
            "savings": fig.savings,
            "cut_rate": _as_number(fig.cut_rate),
            "deadline_cut_rate": _as_number(fig.deadline_cut_rate),
            "data_reuse": fig.data_reuse,
        }
    return rows


_VECTORISED_KEYS = (
    "unit_cost",
    "annual_cost",
    "deadline_days",
    "documents",
    "activities",
    "savings",
    "cut_rate",
    "deadline_cut_rate",
)


def _vectorised_disagreements(expected: dict[str, dict], got: dict[str, dict]) -> dict:
    differing = {}
    for option_id, row in expected.items():
        for key in _VECTORISED_KEYS:
            unknown = row["annual_cost"] is None or expected[BASELINE_ID]["annual_cost"] is None
            if unknown and row[key] is None and key in ("annual_cost", "savings", "cut_rate"):
                # the frames have no "unknown" value: their caller masks the yearly figures
                # of an unknown population (catalogue burden, ``population_known``)
                continue
            have, want = _as_number(got[option_id][key]), _as_number(row[key])
            if option_id == BASELINE_ID and key in ("savings", "cut_rate", "deadline_cut_rate"):
                if have not in (None, 0):  # the baseline compared with itself
                    differing[(option_id, key)] = (have, 0)
            elif have != want:
                differing[(option_id, key)] = (have, want)
    return differing


def _features(data: dict) -> set[str]:
    """What a priced sheet exercised: change types, USD fees, currency changes."""
    seen = {c["type"] for o in data["options"] for c in o.get("changes", [])}
    seen |= {o["action"] for o in data["options"]}
    if any(f.get("currency") == "USD" for f in data["fees"]):
        seen.add("usd_fee")
    for o in data["options"]:
        for c in o.get("changes", []):
            if c["type"] == "set_fee" and "currency" in c:
                seen.add(f"set_fee_to_{c['currency']}")
    if "hourly_rate" not in data:
        seen.add("rate_from_parameters")
    if data["population"] is None:
        seen.add("unknown_population")
    return seen


EVERYTHING = {
    *CHANGE_TYPES,
    "keep",
    "abolish",
    "usd_fee",
    "set_fee_to_USD",
    "set_fee_to_VND",
    "rate_from_parameters",
    "unknown_population",
}


def test_oracle_agrees_with_both_evaluators():
    """≥ 1.000 random sheets: the oracle, the reference and the vectorised evaluator agree.

    The reference evaluator is compared example by example (hypothesis shrinks a
    disagreement to a small sheet); the vectorised one prices every collected sheet in
    one call, as it prices the catalogue, and a disagreement is reported on the smallest
    sheet that shows it.
    """
    params = load_parameters()
    priced: list[tuple[dict, object, dict]] = []
    refused = []

    @settings(settings.get_profile("oracle"))
    @given(sheets())
    def reference_agrees(data):
        try:
            expected = _oracle_rows(*price_sheet(data))
        except Refused:
            with pytest.raises(SheetError):
                parse_sheet(data, params=params)
            refused.append(data)
            return
        sheet = parse_sheet(data, params=params)
        reference = _reference_rows(evaluate_sheet(sheet))
        differing = {
            (option_id, key): (reference[option_id][key], want)
            for option_id, row in expected.items()
            for key, want in row.items()
            if reference[option_id][key] != want
        }
        assert not differing, f"reference != oracle (reference, oracle): {differing}"
        priced.append((data, sheet, expected))

    reference_agrees()
    examples = settings.get_profile("oracle").max_examples
    assert len(priced) + len(refused) >= examples
    assert len(priced) >= 0.9 * examples  # most random options are valid ones
    exercised = set().union(*(_features(data) for data, _, _ in priced))
    assert exercised >= EVERYTHING, f"never priced: {EVERYTHING - exercised}"

    frames = sheets_to_frames({f"s{i}": sheet for i, (_, sheet, _) in enumerate(priced)})
    table = evaluate_frames(frames.variants, frames.activities, frames.fees)
    got: dict[str, dict[str, dict]] = {}
    for rec in table.to_dict("records"):
        got.setdefault(rec["procedure_id"], {})[rec["option_id"]] = rec
    failures = []
    for i, (data, _, expected) in enumerate(priced):
        differing = _vectorised_disagreements(expected, got[f"s{i}"])
        if differing:
            failures.append((len(repr(data)), differing, data))
    assert not failures, (
        f"vectorised != oracle on {len(failures)} of {len(priced)} sheets; smallest: "
        f"(vectorised, oracle) {min(failures, key=lambda f: f[0])[1:]}"
    )


def test_unknown_population_has_no_yearly_figures():
    """Found by the oracle: an unknown population priced the year at 0 đ, so abolishing
    "saved 0 đ" and an option that sets the population "cost" −10.000 đ. The README says
    the yearly cost is then *chưa có số liệu*; 1 h × 1.000 đ = 1.000 đ a time is known."""
    data = {
        "date": date(2026, 1, 1),
        "hourly_rate": 1000,
        "population": None,
        "frequency": 1,
        "channels": {"direct": 1},
        "activities": [{"name": "Nộp", "hours": 1}],
        "options": [
            {"id": "y", "action": "amend", "changes": [_set_population(10)]},
            {"id": "bo", "action": "abolish", "reason": "r"},
        ],
    }
    result = evaluate_sheet(parse_sheet(data, params=load_parameters()))
    shown = result_to_dict(result)
    assert shown["baseline"] == {
        "unit_cost": 1000,
        "annual_cost": None,
        "deadline_days": None,
        "documents": 0,
        "activities": 1,
    }
    y, bo = shown["options"]
    assert (y["annual_cost"], y["savings"], y["cut_rate"]) == (10_000, None, None)  # 1.000 × 1 × 10
    assert (bo["annual_cost"], bo["savings"], bo["cut_rate"]) == (None, None, None)
    assert render_table(result).count("chưa có số liệu") == 2  # baseline and abolish


def _set_population(value: int) -> dict:
    return {"type": "set_population", "value": value, "reason": "Có số liệu thống kê"}
