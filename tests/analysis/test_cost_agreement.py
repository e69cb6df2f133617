"""The vectorised evaluator agrees with the reference evaluator to the đồng (hypothesis)."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from cost_factories import TODAY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.model import CHANNEL_CODES
from analysis.reference import evaluate_sheet
from analysis.sheet import parse_sheet
from analysis.vectorised import evaluate_frames, sheets_to_frames


def _dec(places: int, high: int):
    return st.integers(0, high * 10**places).map(lambda n: Decimal(n).scaleb(-places))


hours = _dec(3, 200)
money = _dec(2, 5_000_000)
channel_sets = st.none() | st.lists(
    st.sampled_from(CHANNEL_CODES), min_size=1, max_size=3, unique=True
)


@st.composite
def shares(draw):
    chosen = draw(st.lists(st.sampled_from(CHANNEL_CODES), min_size=1, max_size=3, unique=True))
    cuts = sorted(
        draw(st.lists(st.integers(0, 10_000), min_size=len(chosen) - 1, max_size=len(chosen) - 1))
    )
    bounds = [0, *cuts, 10_000]
    return {c: Decimal(bounds[i + 1] - bounds[i]).scaleb(-4) for i, c in enumerate(chosen)}


@st.composite
def sheets(draw):
    docs = [f"D{i}" for i in range(draw(st.integers(0, 3)))]
    activities = [
        {
            "name": f"A{i}",
            "hours": draw(hours),
            "people": draw(st.integers(0, 5)),
            "out_of_pocket": draw(money),
            **({"channels": c} if (c := draw(channel_sets)) else {}),
            **({"document": d} if docs and (d := draw(st.sampled_from([None, *docs]))) else {}),
        }
        for i in range(draw(st.integers(0, 8)))
    ]
    fees = [
        {
            "name": f"F{i}",
            "amount": draw(money),
            "currency": draw(st.sampled_from(["VND", "USD"])),
            **({"channels": c} if (c := draw(channel_sets)) else {}),
        }
        for i in range(draw(st.integers(0, 3)))
    ]
    deadlines = {c: draw(_dec(2, 60)) for c in CHANNEL_CODES if draw(st.booleans())}
    changes = []
    for _ in range(draw(st.integers(1, 4))):
        pick = draw(st.integers(0, 6))
        if pick == 0:
            changes.append({"type": "set_frequency", "value": draw(_dec(6, 24))})
        elif pick == 1:
            changes.append({"type": "set_channels", "value": draw(shares())})
        elif pick == 2:
            changes.append({"type": "set_deadline", "days": draw(_dec(2, 30))})
        elif pick == 3:
            changes.append({"type": "set_population", "value": draw(st.integers(0, 10**6))})
        elif pick == 4:
            changes.append(
                {
                    "type": "add_activity",
                    "name": f"N{len(changes)}",
                    "hours": draw(hours),
                    "out_of_pocket": draw(money),
                }
            )
        elif pick == 5 and activities:
            changes.append(
                {"type": "set_activity", "name": activities[0]["name"], "hours": draw(hours)}
            )
        elif pick == 6 and docs:
            changes.append({"type": "remove_document", "document": docs[-1]})
            break  # removing the same document twice would be invalid
    if not changes:
        changes.append({"type": "set_frequency", "value": draw(_dec(6, 24))})
    for change in changes:
        change["reason"] = "r"
    return {
        "date": TODAY,
        "subject": draw(st.sampled_from(["citizen", "enterprise"])),
        "hourly_rate": draw(_dec(2, 500_000)),
        "population": draw(st.integers(0, 10**6)),
        "frequency": draw(_dec(6, 365)),
        "channels": draw(shares()),
        "deadline_days": deadlines,
        "documents": [{"name": d} for d in docs],
        "activities": activities,
        "fees": fees,
        "options": [
            {"id": "keep", "action": "keep"},
            {"id": "amend", "action": "amend", "changes": changes},
            {"id": "abolish", "action": "abolish", "reason": "r"},
        ],
    }


def _reference_rows(key, sheet):
    result = evaluate_sheet(sheet)
    rows = []
    for out in (result.baseline, *result.options):
        rows.append(
            {
                "procedure_id": key,
                "option_id": out.option_id,
                "unit_cost": out.unit_cost,
                "annual_cost": out.annual_cost,
                "deadline_days": float(out.deadline_days)
                if out.deadline_days is not None
                else np.nan,
                "documents": out.documents,
                "activities": out.activities,
                "savings": out.savings if out.savings is not None else 0,
                "cut_rate": float(out.cut_rate) if out.cut_rate is not None else 0.0,
                "deadline_cut_rate": float(out.deadline_cut_rate)
                if out.deadline_cut_rate is not None
                else (0.0 if out is result.baseline and out.deadline_days else np.nan),
            }
        )
    return rows


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(sheets(), min_size=1, max_size=4), st.randoms(use_true_random=False))
def test_vectorised_agrees_with_reference(params, data, rng):
    parsed = {f"p{i}": parse_sheet(d, params=params, today=TODAY) for i, d in enumerate(data)}
    expected = pd.DataFrame([r for k, s in parsed.items() for r in _reference_rows(k, s)])
    frames = sheets_to_frames(parsed)
    # shuffle rows and renumber variants: the evaluator must not rely on order
    variants = frames.variants.copy()
    new_ids = np.array(rng.sample(range(1000, 1000 + len(variants)), len(variants)))
    remap = dict(zip(variants["variant_id"], new_ids, strict=True))
    variants["variant_id"] = variants["variant_id"].map(remap)
    variants["baseline_variant_id"] = variants["baseline_variant_id"].map(remap)
    activities = frames.activities.assign(variant_id=frames.activities["variant_id"].map(remap))
    activities = activities.sample(frac=1, random_state=rng.randint(0, 999))
    fees = frames.fees.assign(variant_id=frames.fees["variant_id"].map(remap))
    got = evaluate_frames(variants, activities, fees)
    # and the ordered fast path gives the same
    ordered = evaluate_frames(frames.variants, frames.activities, frames.fees)
    columns = list(expected.columns)
    pd.testing.assert_frame_equal(got[columns].reset_index(drop=True), expected, check_dtype=False)
    pd.testing.assert_frame_equal(
        ordered[columns].reset_index(drop=True), expected, check_dtype=False
    )


def test_overflowing_products_fall_back_to_exact_integers(params):
    """Products beyond int64 are computed on Python integers and stay exact."""
    data = {
        "date": TODAY,
        "hourly_rate": Decimal("999999999.99"),
        "population": 1,
        "frequency": 1,
        "channels": {"direct": Decimal("0.3333"), "online": Decimal("0.6667")},
        "activities": [{"name": "A", "hours": Decimal("99999.999"), "people": 1000}],
    }
    sheet = parse_sheet(data, params=params, today=TODAY)
    frames = sheets_to_frames({"p": sheet})
    got = evaluate_frames(frames.variants, frames.activities, frames.fees)
    ref = evaluate_sheet(sheet).baseline
    assert int(got.loc[0, "unit_cost"]) == ref.unit_cost
    assert int(got.loc[0, "annual_cost"]) == ref.annual_cost


def test_a_sum_beyond_int64_of_values_within_it_stays_exact(params):
    """Two activities of 5 × 10¹⁸ (× 10⁹ đồng, each within int64) sum beyond it: the group
    is summed on Python integers (1.000 h × 5 people × 1.000.000 đ/h = 5 tỷ đ each)."""
    activity = {"name": "A", "hours": 1000, "people": 5}
    data = {
        "date": TODAY,
        "hourly_rate": 1_000_000,
        "population": 1,
        "frequency": 1,
        "channels": {"direct": 1},
        "activities": [activity, {**activity, "name": "B"}],
    }
    sheet = parse_sheet(data, params=params, today=TODAY)
    frames = sheets_to_frames({"p": sheet})
    got = evaluate_frames(frames.variants, frames.activities, frames.fees)
    assert int(got.loc[0, "unit_cost"]) == 10_000_000_000  # 2 × 5.000.000.000 đ, by hand
    assert int(got.loc[0, "unit_cost"]) == evaluate_sheet(sheet).baseline.unit_cost


def test_implausible_annual_cost_is_refused(params):
    data = {
        "date": TODAY,
        "hourly_rate": 10**9,
        "population": 10**9,
        "frequency": 1000,
        "channels": {"direct": 1},
        "activities": [{"name": "A", "hours": 1000}],
    }
    frames = sheets_to_frames({"p": parse_sheet(data, params=params, today=TODAY)})
    with pytest.raises(ValueError, match="procedure 'p'"):
        evaluate_frames(frames.variants, frames.activities, frames.fees)
