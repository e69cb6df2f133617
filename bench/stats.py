"""Benchmark: one-stop statistics import and review priorities at national scale.

* import of statistics for N procedures × 12 months (default 100.000 × 12 = 1,2 million
  rows) from a CSV file into SQLite, validation and yearly roll-up included
  (target ≤ 60 s);
* recomputing the review priorities of N procedures with new weights (target ≤ 5 s),
  on inputs gathered from the database once (that gathering, which costs the whole
  catalogue, is timed and reported apart).

The catalogue (N procedures copied from the demo records, as in ``bench/dashboard.py``)
is built once and cached under ``bench/results/``; each run imports into a fresh copy.
Prints one JSON object with the timings and the peak memory (max RSS) after each phase.
Usage: python bench/stats.py [--procedures 100000] [--skip-inputs]
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGETS_S = {"import": 60.0, "priorities": 5.0}
PROVINCES = 63


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def catalogue_records(n: int) -> list[dict]:
    """N records from the demo catalogue's, codes and agencies varied per copy."""
    from catalogue.sources.formats import read_catalogue_file
    from catalogue.sources.service import demo_catalogue_path

    templates = [rec for _, rec in read_catalogue_file(demo_catalogue_path())]
    records = []
    for i in range(n):
        rec = dict(templates[i % len(templates)])
        copy_no = i // len(templates)
        rec["code"] = f"{rec['code'] or '9.999999'}.S{copy_no:04d}"
        rec["agency"] = f"{rec.get('agency') or 'Cơ quan'} – tỉnh số {copy_no % PROVINCES + 1:02d}"
        records.append(rec)
    return records


def build_catalogue(path: Path, records: list[dict]) -> None:
    """The cached catalogue database with the demo accounts."""
    from catalogue.registry.demo_users import ensure_demo_users
    from catalogue.registry.store import store_records
    from catalogue.sources.service import open_catalogue

    engine = open_catalogue(f"sqlite:///{path}")
    ensure_demo_users(engine)  # first, while the database is unused: a demo database
    with engine.begin() as conn:
        store_records(conn, records, source="bench", actor="bench")
    engine.dispose()


def main() -> None:
    """Run the benchmark and print its JSON report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--procedures", type=int, default=100_000)
    parser.add_argument("--skip-inputs", action="store_true", help="rank synthetic inputs only")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    import numpy as np
    import pandas as pd

    from catalogue.onestop.priorities import rank_priorities
    from catalogue.onestop.stats import import_stats, synthetic_stats, write_stats_file
    from catalogue.sources.service import open_catalogue

    n = args.procedures
    report: dict = {"procedures": n, "targets_s": TARGETS_S}
    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    cached = results / f"stats-catalogue-{n}.sqlite"
    records = catalogue_records(n)
    if not cached.exists():
        start = time.perf_counter()
        build_catalogue(cached, records)
        report["catalogue_build_s"] = round(time.perf_counter() - start, 2)

    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "thong-ke-2025.csv"
        start = time.perf_counter()
        frame = synthetic_stats(records, year=2025, seed=11)
        write_stats_file(frame, csv_path)
        report["rows"] = len(frame)
        report["file_mb"] = round(csv_path.stat().st_size / 2**20, 1)
        report["generate_s"] = round(time.perf_counter() - start, 2)
        del frame
        db = Path(tmp) / "tthc.db"
        shutil.copy(cached, db)
        engine = open_catalogue(f"sqlite:///{db}")
        report["peak_mb_before_import"] = peak_mb()
        start = time.perf_counter()
        result = import_stats(engine, csv_path, actor="admin")
        report["import_s"] = round(time.perf_counter() - start, 2)
        report["import_stored"] = result.stored
        report["import_volumes_written"] = result.volumes_written
        report["peak_mb_after_import"] = peak_mb()

        if args.skip_inputs:
            rng = np.random.default_rng(5)
            inputs = pd.DataFrame(
                {
                    "procedure_id": np.arange(n),
                    "code": [f"1.{i:06d}" for i in range(n)],
                    "name": "x",
                    "annual_cost": rng.lognormal(20, 2, n),
                    "late_rate": rng.beta(1, 40, n),
                    "documents": rng.integers(0, 12, n),
                    "deadline_days": rng.integers(1, 60, n).astype(float),
                    "no_full_online": rng.random(n) < 0.5,
                }
            )
        else:
            from catalogue.onestop.priorities import priority_inputs

            start = time.perf_counter()
            inputs = priority_inputs(engine)
            report["priority_inputs_s"] = round(time.perf_counter() - start, 2)
        engine.dispose()
    timings = []
    for weights in (None, {"late_rate": 1.0}, {"annual_cost": 0.1, "no_full_online": 0.5}):
        start = time.perf_counter()
        ranked = rank_priorities(inputs, weights)
        timings.append(time.perf_counter() - start)
    report["priorities_ranked"] = len(ranked)
    report["priorities_s"] = round(max(timings), 3)
    report["peak_mb"] = peak_mb()
    report["ok"] = report["import_s"] <= TARGETS_S["import"] and (
        report["priorities_s"] <= TARGETS_S["priorities"]
    )
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
