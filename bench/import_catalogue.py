"""Benchmark: import the real portal records and a synthetic national-scale catalogue.

Prints one JSON object. Targets (issue 2): the 2.039 shared records ≤ 10 s on SQLite;
100.000 procedures generated from the real records as templates ≤ 180 s, peak memory
≤ 2 GB; re-import of an unchanged file ≤ 1/3 of the first import.

Usage: python bench/import_catalogue.py [--procedures 100000] [--skip-large]
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from catalogue.registry.db import make_engine, upgrade  # noqa: E402
from catalogue.sources.service import import_portal_files, procedure_count  # noqa: E402

PORTAL = ROOT.parent / "shared" / "data" / "portal" / "procedures.jsonl.gz"


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed_import(url: str, path: Path) -> tuple[float, dict]:
    engine = make_engine(url)
    upgrade(engine)
    start = time.perf_counter()
    summary = import_portal_files(engine, [path])
    elapsed = time.perf_counter() - start
    engine.dispose()
    return elapsed, summary.as_dict()


def synthetic_file(n: int, out: Path) -> Path:
    """n portal records built from the real ones: new codes and agencies, same texts."""
    with gzip.open(PORTAL, "rt", encoding="utf-8") as fh:
        templates = [json.loads(line) for line in fh]
    with gzip.open(out, "wt", encoding="utf-8", compresslevel=1) as fh:
        for i in range(n):
            rec = dict(templates[i % len(templates)])
            copy_no = i // len(templates)
            rec["ma_thu_tuc"] = f"{rec['ma_thu_tuc']}.S{copy_no:03d}"
            rec["co_quan_thuc_hien"] = f"{rec['co_quan_thuc_hien']} (bản {copy_no})"
            rec.pop("raw_text", None)
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--procedures", type=int, default=100_000)
    parser.add_argument("--skip-large", action="store_true")
    args = parser.parse_args()
    results: dict = {"sqlite": {}}
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'real.sqlite'}"
        first, summary = timed_import(url, PORTAL)
        again, summary2 = timed_import(url, PORTAL)
        results["sqlite"]["real_2039"] = {
            "first_import_s": round(first, 2),
            "reimport_unchanged_s": round(again, 2),
            "reimport_ratio": round(again / first, 3),
            "summary": summary,
            "reimport_summary": summary2,
            "target_first_s": 10,
            "target_reimport_ratio": 0.333,
        }
        if not args.skip_large:
            big = synthetic_file(args.procedures, Path(tmp) / "synthetic.jsonl.gz")
            url = f"sqlite:///{Path(tmp) / 'big.sqlite'}"
            first, summary = timed_import(url, big)
            again, _ = timed_import(url, big)
            engine = make_engine(url)
            stored = procedure_count(engine)
            engine.dispose()
            results["sqlite"]["synthetic"] = {
                "procedures": args.procedures,
                "stored": stored,
                "first_import_s": round(first, 2),
                "reimport_unchanged_s": round(again, 2),
                "reimport_ratio": round(again / first, 3),
                "target_first_s": 180,
                "flags": summary["flags"],
            }
    results["peak_memory_mb"] = round(peak_rss_mb(), 1)
    results["target_peak_memory_mb"] = 2048
    print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
