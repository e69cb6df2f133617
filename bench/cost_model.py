"""Benchmark: vectorised vs reference compliance-cost evaluation (prints one JSON object).

``python bench/cost_model.py --procedures 100000`` evaluates the baseline and three
options (keep, amend, abolish) of N synthetic procedures with about 10 activities
each. The vectorised evaluator runs on prebuilt long frames (as stored); the reference
evaluator runs sheet by sheet (applying each option, then evaluating) on a subset of
``--reference-sample`` procedures and its time is extrapolated to N. The subset is also
evaluated by the vectorised path and must agree to the đồng.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.model import Activity, Change, Document, Fee, Figure, Option, Sheet  # noqa: E402
from analysis.reference import evaluate_sheet  # noqa: E402
from analysis.vectorised import evaluate_frames, sheets_to_frames  # noqa: E402

OPTIONS = ("baseline", "keep", "amend", "abolish")


def synthetic_frames(n: int, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Long frames for ``n`` procedures × 4 variants; the amend drops the last activity."""
    rng = np.random.default_rng(seed)
    per = rng.integers(8, 13, n)  # activities per procedure (mean 10)
    online = rng.integers(0, 10_001, n)
    variant_ids = np.arange(4 * n)
    proc = np.repeat(np.arange(n), 4)
    option = np.tile(np.arange(4), n)
    frequency = np.repeat(rng.integers(1, 13, n) * 1_000_000, 4)
    frequency[option == 2] //= 2  # amend halves the frequency too
    variants = pd.DataFrame(
        {
            "variant_id": variant_ids,
            "baseline_variant_id": proc * 4,
            "procedure_id": pd.Series(proc).astype(str).to_numpy(),
            "option_id": np.array(OPTIONS)[option],
            "action": np.array(OPTIONS)[option],
            "hourly_rate_e2": np.repeat(rng.integers(3_000_000, 7_000_000, n), 4),
            "population": np.repeat(rng.integers(100, 1_000_000, n), 4),
            "frequency_e6": frequency,
            "share_direct_e4": np.repeat(10_000 - online, 4),
            "share_online_e4": np.repeat(online, 4),
            "share_postal_e4": np.zeros(4 * n, np.int64),
            "deadline_direct_e2": pd.array(
                np.repeat(rng.integers(1, 31, n) * 100, 4), dtype="Int64"
            ),
            "deadline_online_e2": pd.array(
                np.repeat(rng.integers(1, 31, n) * 100, 4), dtype="Int64"
            ),
            "deadline_postal_e2": pd.array(np.full(4 * n, None), dtype="Int64"),
            "documents": np.where(option == 3, 0, 3),
        }
    )
    # activities of baseline, keep, amend (one fewer); none for abolish
    counts = np.stack([per, per, per - 1, np.zeros(n, np.int64)], axis=1).ravel()
    a_variant = np.repeat(variant_ids, counts)
    size = len(a_variant)
    activities = pd.DataFrame(
        {
            "variant_id": a_variant,
            "hours_e3": rng.integers(0, 8_000, size),
            "people": rng.integers(1, 3, size),
            "out_of_pocket_e2": rng.integers(0, 5_000_000, size),
            "channel_mask": rng.choice(np.array([7, 1, 2]), size),
        }
    )
    f_variant = variant_ids[option != 3]
    fees = pd.DataFrame(
        {
            "variant_id": f_variant,
            "amount_e2": rng.integers(0, 50_000_000, len(f_variant)),
            "channel_mask": np.full(len(f_variant), 7),
        }
    )
    return variants, activities, fees


def synthetic_sheets(n: int, seed: int = 2) -> dict[str, Sheet]:
    """``n`` sheets of the same shape as :func:`synthetic_frames`, with 3 options each."""
    rng = np.random.default_rng(seed)
    sheets = {}
    for i in range(n):
        k = int(rng.integers(8, 13))
        online = Decimal(int(rng.integers(0, 10_001))).scaleb(-4)
        activities = tuple(
            Activity(
                f"A{j}",
                Figure(Decimal(int(rng.integers(0, 8000))).scaleb(-3)),
                Figure(Decimal(int(rng.integers(1, 3)))),
                Figure(Decimal(int(rng.integers(0, 5_000_000))).scaleb(-2)),
                channels=[None, ("direct",), ("online",)][int(rng.integers(0, 3))],
            )
            for j in range(k)
        )
        frequency = Decimal(int(rng.integers(1, 13)))
        options = (
            Option("keep", "keep"),
            Option(
                "amend",
                "amend",
                (
                    Change("remove_activity", {"name": f"A{k - 1}"}, "r"),
                    Change("set_frequency", {"value": Figure(frequency / 2)}, "r"),
                ),
            ),
            Option("abolish", "abolish", reason="r"),
        )
        sheets[str(i)] = Sheet(
            code=str(i),
            name=None,
            date=None,
            subject="citizen",
            hourly_rate=Figure(Decimal(int(rng.integers(3_000_000, 7_000_000))).scaleb(-2)),
            usd_rate=Decimal(0),
            population=Figure(Decimal(int(rng.integers(100, 1_000_000)))),
            frequency=Figure(frequency),
            channels={"direct": 1 - online, "online": online},
            deadline_days={
                "direct": Decimal(int(rng.integers(1, 31))),
                "online": Decimal(int(rng.integers(1, 31))),
            },
            documents=tuple(Document(f"D{j}") for j in range(3)),
            fees=(Fee("F", Figure(Decimal(int(rng.integers(0, 50_000_000))).scaleb(-2))),),
            activities=activities,
            options=options,
        )
    return sheets


def main() -> None:
    """Run the benchmark and print JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--procedures", type=int, default=100_000)
    parser.add_argument("--reference-sample", type=int, default=2_000)
    parser.add_argument(
        "--repeat", type=int, default=3, help="vectorised runs; the best is reported"
    )
    args = parser.parse_args()
    n = args.procedures

    t0 = time.perf_counter()
    variants, activities, fees = synthetic_frames(n)
    build = time.perf_counter() - t0
    vector_times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        evaluated = evaluate_frames(variants, activities, fees)
        vector_times.append(time.perf_counter() - t0)
    unchecked = time.perf_counter()
    evaluate_frames(variants, activities, fees, check=False)
    unchecked = time.perf_counter() - unchecked

    sample = min(args.reference_sample, n)
    sheets = synthetic_sheets(sample)
    t0 = time.perf_counter()
    results = [evaluate_sheet(s) for s in sheets.values()]
    reference_sample_time = time.perf_counter() - t0
    reference_time = reference_sample_time * n / sample

    frames = sheets_to_frames(sheets)
    check = evaluate_frames(frames.variants, frames.activities, frames.fees)
    expected = [o.annual_cost for r in results for o in (r.baseline, *r.options)]
    agree = bool((check["annual_cost"].to_numpy() == np.array(expected)).all())

    vectorised = min(vector_times)
    print(
        json.dumps(
            {
                "procedures": n,
                "variants": len(variants),
                "activity_rows": len(activities),
                "fee_rows": len(fees),
                "frame_build_seconds": round(build, 3),
                "vectorised_seconds": round(vectorised, 3),
                "vectorised_seconds_without_schema_check": round(unchecked, 3),
                "reference_seconds": round(reference_time, 3),
                "reference_measured_on": sample,
                "reference_extrapolated": sample < n,
                "reference_sample_seconds": round(reference_sample_time, 3),
                "ratio": round(reference_time / vectorised, 1),
                "peak_memory_mb": round(
                    resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
                ),
                "sample_agrees_to_the_dong": agree,
                "total_annual_cost": int(
                    evaluated.loc[evaluated.option_id == "baseline", "annual_cost"].sum()
                ),
                "targets": {
                    "vectorised_seconds_max": 2,
                    "ratio_min": 20,
                    "peak_memory_mb_max": 2048,
                },
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
