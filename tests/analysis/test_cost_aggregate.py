"""Aggregation, programme targets and the dashboard service, on small inline frames."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.aggregate import adopted_options, totals_by
from analysis.schema import EVALUATED_COLUMNS, PLAN_COLUMNS, FrameError, check_frame, describe
from analysis.service import savings_report
from analysis.targets import load_programmes


def _evaluated() -> pd.DataFrame:
    rows = [
        # procedure A: 1.000 đ/năm; option a1 saves 300 (30 %), deadline 10 → 5
        ("A", "baseline", "baseline", 1000, 10.0, 1000, 10.0, 0),
        ("A", "a1", "amend", 700, 5.0, 1000, 10.0, 300),
        # procedure B: 3.000 đ/năm; abolished saves everything
        ("B", "baseline", "baseline", 3000, 20.0, 3000, 20.0, 0),
        ("B", "bo", "abolish", 0, 0.0, 3000, 20.0, 3000),
        # procedure C: no deadline known; option c1 saves 100
        ("C", "baseline", "baseline", 6000, None, 6000, None, 0),
        ("C", "c1", "amend", 5900, None, 6000, None, 100),
    ]
    frame = pd.DataFrame(
        rows,
        columns=[
            "procedure_id",
            "option_id",
            "action",
            "annual_cost",
            "deadline_days",
            "baseline_annual_cost",
            "baseline_deadline_days",
            "savings",
        ],
    )
    frame.insert(0, "variant_id", range(len(frame)))
    frame["unit_cost"] = frame["annual_cost"]
    frame["documents"] = 1
    frame["activities"] = 1
    frame["cut_rate"] = 0.0
    frame["deadline_cut_rate"] = float("nan")
    frame["estimated"] = frame["procedure_id"] == "C"
    frame["implementation_cost"] = 0
    frame["deadline_days"] = frame["deadline_days"].astype(float)
    frame["baseline_deadline_days"] = frame["baseline_deadline_days"].astype(float)
    return frame


def _plans() -> pd.DataFrame:
    rows = [
        ("P1", "A", "a1", "approved", 2025, "NQ66", "Bộ Tài chính", "Thuế", "ministry"),
        ("P1", "B", "bo", "published", 2025, "NQ66", "Bộ Tài chính", "Hải quan", "ministry"),
        ("P2", "C", "c1", "approved", 2026, "NQ66", "UBND tỉnh X", "Đất đai", "province"),
        (
            "P3",
            "C",
            "c1",
            "draft",
            2026,
            "NQ66",
            "UBND tỉnh X",
            "Đất đai",
            "province",
        ),  # not counted
    ]
    return pd.DataFrame(rows, columns=list(PLAN_COLUMNS))


def test_frames_match_schema():
    check_frame(_evaluated(), EVALUATED_COLUMNS, "evaluated")
    check_frame(_plans(), PLAN_COLUMNS, "plans")
    assert set(describe(PLAN_COLUMNS)["column"]) == set(PLAN_COLUMNS)


def test_schema_violations_are_named():
    plans = _plans().drop(columns="year")
    plans.loc[0, "status"] = "maybe"
    with pytest.raises(
        FrameError, match=r"'plans'.*status: unknown value\(s\) maybe; year: missing"
    ):
        check_frame(plans, PLAN_COLUMNS, "plans")


def test_totals_by_agency():
    adopted = adopted_options(_evaluated(), _plans())
    got = totals_by(adopted, "agency")
    expected = pd.DataFrame(
        {
            "agency": ["Bộ Tài chính", "UBND tỉnh X"],
            "procedures": [2, 1],
            "baseline_annual_cost": [4000, 6000],
            "annual_cost": [700, 5900],
            "savings": [3300, 100],
            "cut_rate": [82.5, 1.67],
            "deadline_saved_days": [25.0, 0.0],
            "estimated_procedures": [0, 1],
            "implementation_cost": [0, 0],
        }
    )
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


def test_unknown_option_in_plan():
    plans = _plans()
    plans.loc[0, "option_id"] = "zzz"
    with pytest.raises(FrameError, match="A/zzz"):
        adopted_options(_evaluated(), plans)


def test_savings_report_programmes():
    report = savings_report(_evaluated(), _plans(), programmes=load_programmes())
    assert set(report) >= {
        "by_plan",
        "by_agency",
        "by_field",
        "by_level",
        "by_year",
        "by_programme",
        "programmes",
        "catalogue",
        "adopted",
    }
    progress = report["programmes"].set_index("programme")
    # 2025 plans only: 3.300 of 10.000 đ = 33 % ≥ 30 %; time 25 of 30 days
    assert progress.loc["NQ66-2025", "savings"] == 3300
    assert progress.loc["NQ66-2025", "cut_rate"] == 33.0
    assert bool(progress.loc["NQ66-2025", "cost_met"]) is True
    assert progress.loc["NQ66-2025", "time_cut_rate"] == 83.33
    # 2026 counts 2025 and 2026 plans against 2024: 3.400 = 34 % < 50 %
    assert progress.loc["NQ66-2026", "savings"] == 3400
    assert bool(progress.loc["NQ66-2026", "cost_met"]) is False
    assert progress.loc["NQ66-2026", "cost_gap"] == 16.0
    assert progress.loc["NQ68", "savings"] == 0  # no plan tagged NQ68
    catalogue = report["catalogue"].iloc[0]
    assert catalogue["baseline_annual_cost"] == 10000 and catalogue["estimated_annual_cost"] == 6000
    assert report["by_plan"]["plan_id"].tolist() == ["P1", "P2"]
    npvs = report["adopted"].set_index("procedure_id")["npv"]
    assert npvs["A"] == 1137  # 300 × annuity factor 3,7908 at 10 % over 5 years


def test_programmes_file():
    programmes = {p.code: p for p in load_programmes()}
    assert programmes["NQ68"].cost_cut_rate == 20 and programmes["NQ68"].time_cut_rate is None
    assert str(programmes["NQ68"].baseline_date) == "2020-05-31"
    assert programmes["NQ66-2026"].time_cut_rate == 50
    assert programmes["NQ66-2025"].baseline_year == 2024
