"""Benchmark: matching 100.000 local names to a 7.000-name national list, duplicates at 100.000.

Run ``python bench/matching.py [--local 100000] [--national 7000] [--json]``; prints one
JSON object. The national list is the 2.039 real portal names plus synthetic variants
(other actions, level notes); the local list perturbs national names the way people type
them. Targets
(issue 6): matching ≤ 60 s and duplicates ≤ 120 s on two cores, peak memory ≤ 2 GB.
The naive approach (every query scored against every name) is timed on a subset and
extrapolated.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import resource
import sys
import time
from pathlib import Path

from rapidfuzz import fuzz, process

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from catalogue.quality.duplicates import find_duplicates  # noqa: E402
from catalogue.quality.matching import match_names  # noqa: E402
from catalogue.quality.search import SearchIndex  # noqa: E402
from catalogue.quality.textnorm import normalise_name  # noqa: E402
from tests.people_typing import KINDS, typed  # noqa: E402

PORTAL = ROOT.parent / "shared" / "data" / "portal" / "procedures.jsonl.gz"
ACTIONS = ("Cấp lại", "Gia hạn", "Điều chỉnh", "Thu hồi", "Cấp đổi", "Hủy bỏ", "Tạm dừng")
NOTES = ("(cấp tỉnh)", "(cấp xã)", "(cấp Bộ)")


def national_list(n: int, rng: random.Random) -> list[dict]:
    """The real names, then synthetic variants until ``n`` distinct names."""
    with gzip.open(PORTAL, "rt", encoding="utf-8") as fh:
        real = [json.loads(line) for line in fh]
    records = [
        {"id": i, "code": r["ma_thu_tuc"], "name": r["ten_thu_tuc"], "field": r["linh_vuc"]}
        for i, r in enumerate(real)
    ]
    seen = {normalise_name(r["name"]).key for r in records}
    while len(records) < n:
        base = rng.choice(real)["ten_thu_tuc"]
        name = f"{rng.choice(ACTIONS)} {base[0].lower()}{base[1:]}"
        if rng.random() < 0.3:
            name += " " + rng.choice(NOTES)
        key = normalise_name(name).key
        if key in seen:
            continue
        seen.add(key)
        records.append(
            {"id": len(records), "code": f"9.{len(records):06d}", "name": name, "field": None}
        )
    return records


def local_list(national: list[dict], n: int, rng: random.Random) -> tuple[list[str], list[str]]:
    """``n`` local names (70 % perturbed) and the code each one stands for."""
    names, truth = [], []
    while len(names) < n:
        rec = rng.choice(national)
        name = rec["name"]
        if rng.random() < 0.7:
            name = typed(name, rng.choice(KINDS), rng) or name
        names.append(name)
        truth.append(rec["code"])
    return names, truth


def peak_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    """Run the benchmark and print JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--local", type=int, default=100_000)
    parser.add_argument("--national", type=int, default=7_000)
    parser.add_argument("--procedures", type=int, default=100_000)
    parser.add_argument("--naive-subset", type=int, default=500)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json", action="store_true", help="print JSON (the only output)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    out: dict = {"cpus": os.cpu_count(), "seed": args.seed}

    national = national_list(args.national, rng)
    names, truth = local_list(national, args.local, rng)

    start = time.perf_counter()
    index = SearchIndex.build(national)
    results = match_names(names, index, top_k=5)
    match_s = time.perf_counter() - start
    top1 = sum(r.best is not None and r.best.code == c for r, c in zip(results, truth, strict=True))
    recall5 = sum(c in [x.code for x in r.candidates] for r, c in zip(results, truth, strict=True))
    out["matching"] = {
        "local_names": len(names),
        "national_names": len(national),
        "seconds": round(match_s, 2),
        "target_seconds": 60,
        "top1": round(top1 / len(names), 4),
        "recall_at_5": round(recall5 / len(names), 4),
        "ambiguous_share": round(sum(r.status == "ambiguous" for r in results) / len(names), 4),
    }

    # Naive: every query scored against every national name (rapidfuzz, all cores).
    subset = names[: args.naive_subset]
    choices = [normalise_name(r["name"]).core for r in national]
    start = time.perf_counter()
    for name in subset:
        process.extract(normalise_name(name).core, choices, scorer=fuzz.token_sort_ratio, limit=5)
    naive_s = (time.perf_counter() - start) * len(names) / len(subset)
    out["matching"]["naive_seconds_extrapolated"] = round(naive_s, 1)
    out["matching"]["naive_subset"] = len(subset)
    out["matching"]["speedup"] = round(naive_s / match_s, 1)

    # Duplicates: national procedures instantiated at several agencies, plus local copies
    # typed without codes.
    procs: list[dict] = []
    agencies = [f"UBND tỉnh {i:02d}" for i in range(63)]
    while len(procs) < args.procedures:
        rec = rng.choice(national)
        if rng.random() < 0.1:
            text = typed(rec["name"], rng.choice(KINDS), rng) or rec["name"]
            code = None
        else:
            text, code = rec["name"], rec["code"]
        procs.append(
            {
                "id": len(procs),
                "code": code,
                "name": text,
                "field": rec["field"],
                "agency": rng.choice(agencies),
                "levels": ["province"],
                "status": "active",
            }
        )
    start = time.perf_counter()
    dup_index = SearchIndex.build(procs)
    groups = find_duplicates(dup_index)
    dup_s = time.perf_counter() - start
    out["duplicates"] = {
        "procedures": len(procs),
        "distinct_names": dup_index.n_units,
        "groups": len(groups),
        "seconds": round(dup_s, 2),
        "target_seconds": 120,
    }
    # Naive: every distinct name against every other one, timed on a subset of rows.
    cores = [n.core for n in dup_index.unit_names]
    sub = cores[: args.naive_subset]
    start = time.perf_counter()
    process.cdist(sub, cores, scorer=fuzz.token_sort_ratio, workers=-1, score_cutoff=90)
    naive_dup = (time.perf_counter() - start) * len(cores) / len(sub)
    out["duplicates"]["naive_seconds_extrapolated"] = round(naive_dup, 1)
    out["duplicates"]["speedup"] = round(naive_dup / dup_s, 1)

    out["peak_memory_mb"] = round(peak_mb(), 1)
    out["target_peak_memory_mb"] = 2048
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
