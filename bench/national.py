"""Benchmark: the national catalogue end to end, on the product's own path (issue 17).

``python bench/national.py --procedures 100000 --json`` builds an SQLite catalogue of N
procedures from the real portal records as templates (``../shared/data``; new codes and
agencies per copy), then measures, in one run:

* ``import_s``: the portal import (``import_portal_files``), the yearly volumes of every
  procedure whose code, level and agency name one procedure (``import_volumes``, the
  ``tthc volumes import`` path, in files of 20.000 rows) and the estimates made for every
  procedure (``refresh_cost_frames``, as ``tthc import-portal`` does after an import);
* reviewers' sheets with three options (keep, amend, abolish) on 10 % of the procedures,
  saved with ``save_sheet`` 500 at a time, their cost frames made once per 500 (not timed
  in a figure; its time goes to stderr);
* ``price_cold_s``: ``catalogue_costs`` (the dashboard's and the CLI's pricing of every
  procedure and option) in a fresh process, from the database with empty caches, once
  the stored frames are up to date (``refresh_cost_frames``, as after an import; its time
  and the CPU time of each figure go to stderr, with the load average);
  ``price_warm_s`` the same call again in that process;
* ``reference_s_per_1000``: the reference evaluator (``evaluate_sheet``) over 1.000 of
  the same procedures (every N/1000-th, their sheets built beforehand), which must agree
  to the đồng with the product's figures for them (else the script fails);
  ``end_to_end_ratio`` = that time × N / 1000 ÷ ``price_cold_s``;
* ``overview_first_render_s``: the overview page (Streamlit AppTest) with cold caches, in a
  fresh process as a dashboard server just started (the first render after sign-in);
  ``catalogue_search_ms``: the median of unaccented, misspelt searches on the catalogue
  page (the first one, which builds the search index, left out);
* ``peak_mb``: the peak resident memory of this process, the pricing process and the
  dashboard's.

Prints one JSON object with exactly those keys; a breakdown goes to stderr.
Targets: price_cold_s ≤ 2, end_to_end_ratio ≥ 20, overview ≤ 3 s, search ≤ 300 ms,
peak ≤ 2048 MB.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

VOLUME_FILE_ROWS = 20_000
QUERIES = ["cap giay phep xay dumg", "dang ky khai sihn", "ho kinh doanh", "cấp bản sao"]
PRICE = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from catalogue.registry.db import make_engine
from catalogue.costing.burden import catalogue_costs
engine = make_engine({url!r})
start, cpu = time.perf_counter(), time.process_time()
costs = catalogue_costs(engine)
cold, cold_cpu = time.perf_counter() - start, time.process_time() - cpu
start, cpu = time.perf_counter(), time.process_time()
catalogue_costs(engine)
warm, warm_cpu = time.perf_counter() - start, time.process_time() - cpu
print(json.dumps({{"cold": cold, "warm": warm, "cold_cpu": cold_cpu, "warm_cpu": warm_cpu,
                  "rows": len(costs),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def note(**figures) -> None:
    print(json.dumps(figures, ensure_ascii=False), file=sys.stderr)


def timed(action) -> tuple[float, object]:
    start = time.perf_counter()
    out = action()
    return time.perf_counter() - start, out


def import_volumes_of_all(engine, folder: Path) -> int:
    """Yearly volumes for every procedure that code, level and agency name alone."""
    from collections import Counter

    from sqlalchemy import select

    from catalogue.registry.models import Agency, Procedure
    from catalogue.sources.volumes import import_volumes

    with engine.connect() as conn:
        rows = conn.execute(
            select(Procedure.id, Procedure.code, Procedure.levels, Agency.name)
            .outerjoin(Agency, Agency.id == Procedure.agency_id)
            .order_by(Procedure.id)
        ).all()
    picks = [(pid, code, levels[0], agency) for pid, code, levels, agency in rows if levels]
    clashes = Counter((code, level, agency) for _, code, level, agency in picks)
    picks = [p for p in picks if clashes[p[1:]] == 1 and p[1]]
    for start in range(0, len(picks), VOLUME_FILE_ROWS):
        path = folder / f"volumes-{start}.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            out = csv.writer(fh)
            out.writerow(["mã TTHC", "cấp", "cơ quan", "năm", "số hồ sơ", "nguồn"])
            for pid, code, level, agency in picks[start : start + VOLUME_FILE_ROWS]:
                out.writerow([code, level, agency, 2025, 50 + (pid * 7919) % 50_000, "bench"])
        import_volumes(engine, path, actor="admin")
    return len(picks)


def reviewer_sheet(sheet) -> dict:
    """A reviewer's sheet from a procedure's estimate, with keep / amend / abolish."""
    from analysis import sheet_to_data
    from catalogue.costing.burden import to_json

    data = to_json({k: v for k, v in sheet_to_data(sheet).items() if k != "estimated"})
    changes = [{"type": "set_activity", "name": "Tìm hiểu yêu cầu TTHC", "hours": 0.5,
                "reason": "Công khai hướng dẫn trực tuyến"}]  # fmt: skip
    if data.get("documents"):
        changes.append({"type": "remove_document", "document": data["documents"][0]["name"],
                        "reason": "Khai thác cơ sở dữ liệu quốc gia"})  # fmt: skip
    if data.get("deadline_days"):
        changes.append({"type": "set_deadline", "days": 3, "reason": "Rút ngắn thời hạn"})
    data["options"] = [
        {"id": "keep", "action": "keep"},
        {"id": "amend", "action": "amend", "changes": changes},
        {"id": "abolish", "action": "abolish", "reason": "Không còn cần thiết"},
    ]
    return data


def save_reviewer_sheets(engine, share: float) -> list[int]:
    """Reviewers' sheets with three options on ``share`` of the procedures (save_sheet)."""
    from sqlalchemy import select

    from analysis import load_parameters
    from catalogue.costing.burden import procedure_sheet, refresh_cost_frames, save_sheet
    from catalogue.registry.db import session_scope
    from catalogue.registry.models import Procedure

    params = load_parameters()
    with engine.connect() as conn:
        ids = [pid for (pid,) in conn.execute(select(Procedure.id).order_by(Procedure.id))]
    step = max(1, round(1 / share))
    chosen = ids[::step]
    for start in range(0, len(chosen), 500):
        part = chosen[start : start + 500]
        with session_scope(engine) as session:
            for pid in part:
                sheet = procedure_sheet(session.connection(), pid, params=params)
                content = reviewer_sheet(sheet)
                save_sheet(session=session, actor="reviewer", procedure_id=pid, content=content,
                           params=params, refresh_frames=False)  # fmt: skip
            refresh_cost_frames(session.connection(), params=params, ids=part)
    return chosen


def price_in_fresh_process(url: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", PRICE.format(root=str(ROOT), url=url)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def reference_per_1000(engine, sample: int) -> float:
    """Seconds of the reference evaluator over ``sample`` procedures (scaled to 1.000),
    after checking that it agrees to the đồng with the product's figures for them."""
    from sqlalchemy import select

    from analysis import evaluate_sheet, load_parameters
    from catalogue.costing.burden import catalogue_variants, procedure_sheet
    from catalogue.registry.models import Procedure

    params = load_parameters()
    with engine.connect() as conn:
        ids = [pid for (pid,) in conn.execute(select(Procedure.id).order_by(Procedure.id))]
        picked = ids[:: max(1, len(ids) // sample)][:sample]
        sheets = {
            pid: procedure_sheet(conn, pid, params=params, with_options=True) for pid in picked
        }
    seconds, results = timed(lambda: {pid: evaluate_sheet(s) for pid, s in sheets.items()})
    _, _, evaluated, unpriceable = catalogue_variants(engine, params=params)
    product = evaluated.set_index(["procedure_id", "option_id"])
    for pid, result in results.items():
        if pid in unpriceable:
            continue
        for outcome in (result.baseline, *result.options):
            row = product.loc[(pid, outcome.option_id)]
            known = outcome.annual_cost is not None  # else the population is unknown
            got = (int(row["unit_cost"]), int(row["annual_cost"]) if known else None)
            want = (outcome.unit_cost, outcome.annual_cost)
            if got != want:
                raise SystemExit(f"#{pid} {outcome.option_id}: product {got} ≠ reference {want}")
    return seconds * 1000 / len(picked)


def dashboard(url: str) -> tuple[float, float]:
    """The overview's first render with cold caches, and the median catalogue search."""
    os.environ["TTHC_DATABASE_URL"] = url
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.session_state["user"] = {"username": "analyst", "role": "analyst"}
    at.run()
    st.cache_data.clear()
    st.cache_resource.clear()
    at.switch_page("ui/pages/overview.py")
    cpu = time.process_time()
    overview, _ = timed(at.run)
    note(overview_cpu_s=round(time.process_time() - cpu, 2))  # every thread of this process
    if at.exception:
        raise RuntimeError(at.exception[0].message)
    at.switch_page("ui/pages/catalogue.py")
    at.run()
    searches = []
    for query in QUERIES * 2:
        at.text_input(key="catalogue_query").set_value(query)
        seconds, _ = timed(at.run)
        searches.append(seconds)
    if at.exception:
        raise RuntimeError(at.exception[0].message)
    return overview, statistics.median(searches[1:]) * 1000


def dashboard_in_fresh_process(url: str) -> dict:
    """:func:`dashboard` in a process of its own (nothing read or priced before it)."""
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--dashboard-of", url],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    for line in done.stderr.splitlines():  # the breakdown; not Streamlit's bare-mode warnings
        if line.startswith("{"):
            print(line, file=sys.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def build(url: str, folder: Path, n: int, sheet_share: float) -> float:
    """The catalogue of ``n`` procedures; returns the import time (records, volumes and
    the estimates made), the reviewers' sheets being saved afterwards."""
    from import_catalogue import synthetic_file

    from catalogue.costing.burden import refresh_cost_frames
    from catalogue.registry.db import make_engine, upgrade
    from catalogue.registry.demo_users import ensure_demo_users
    from catalogue.sources.service import import_portal_files

    source = synthetic_file(n, folder / "national.jsonl.gz")
    engine = make_engine(url)
    upgrade(engine)
    ensure_demo_users(engine)
    records_s, _ = timed(lambda: import_portal_files(engine, [source], actor="admin"))
    volumes_s, with_volume = timed(lambda: import_volumes_of_all(engine, folder))
    estimates_s, made = timed(lambda: refresh_cost_frames(engine))
    sheets_s, chosen = timed(lambda: save_reviewer_sheets(engine, sheet_share))
    note(records_s=round(records_s, 1), volumes_s=round(volumes_s, 1),
         procedures_with_volume=with_volume, estimates_s=round(estimates_s, 1),
         estimates_made=made, reviewer_sheets=len(chosen),
         reviewer_sheets_s=round(sheets_s, 1))  # fmt: skip
    engine.dispose()
    return records_s + volumes_s + estimates_s


def settle(url: str) -> None:
    """Bring the database to the current schema and its cost frames up to date, as
    ``tthc import-portal`` does after an import (``refresh_cost_frames``): after the
    reviewers' sheets (saved one at a time, which leave the columnar copy of the frames
    to the next whole-catalogue refresh) or on a database built by an earlier version.
    Not in any figure; its time goes to stderr."""
    from catalogue.costing.burden import refresh_cost_frames
    from catalogue.registry.db import make_engine, upgrade

    engine = make_engine(url)
    upgrade_s, _ = timed(lambda: upgrade(engine))
    refresh_s, made = timed(lambda: refresh_cost_frames(engine))
    note(upgrade_s=round(upgrade_s, 1), refresh_s=round(refresh_s, 1), refreshed=made)
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--procedures", type=int, default=100_000)
    parser.add_argument("--json", action="store_true", help="print JSON (the only output)")
    parser.add_argument("--reference-sample", type=int, default=1000)
    parser.add_argument("--sheet-share", type=float, default=0.1)
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        help="keep the built database there; if it exists, reuse it (import_s is then null)",
    )
    parser.add_argument("--dashboard-of", default=None, help=argparse.SUPPRESS)  # internal
    args = parser.parse_args()
    if args.dashboard_of:  # the dashboard's figures, in the fresh process main() started
        overview_s, search_ms = dashboard(args.dashboard_of)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps({"overview_s": overview_s, "search_ms": search_ms, "peak_mb": peak}))
        return
    from catalogue.registry.db import make_engine
    from catalogue.sources.service import procedure_count

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = args.db or folder / "national.sqlite"
        url = f"sqlite:///{db}"
        import_s = None
        if not db.exists():
            import_s = build(url, folder, args.procedures, args.sheet_share)
        note(load_average_before=os.getloadavg(), cores=os.cpu_count())
        settle(url)
        priced = price_in_fresh_process(url)
        engine = make_engine(url)
        procedures = procedure_count(engine)
        reference = reference_per_1000(engine, min(args.reference_sample, procedures))
        engine.dispose()
        shown = dashboard_in_fresh_process(url)
    overview_s, search_ms = shown["overview_s"], shown["search_ms"]
    peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, priced["peak_mb"],
               shown["peak_mb"])  # fmt: skip
    report = {
        "import_s": None if import_s is None else round(import_s, 2),
        "price_cold_s": round(priced["cold"], 3),
        "price_warm_s": round(priced["warm"], 3),
        "reference_s_per_1000": round(reference, 3),
        "end_to_end_ratio": round(reference * procedures / 1000 / priced["cold"], 1),
        "overview_first_render_s": round(overview_s, 3),
        "catalogue_search_ms": round(search_ms, 1),
        "peak_mb": round(peak, 1),
    }
    note(price_process_rows=priced["rows"], price_process_peak_mb=round(priced["peak_mb"], 1),
         dashboard_process_peak_mb=round(shown["peak_mb"], 1),
         price_cold_cpu_s=round(priced["cold_cpu"], 3),
         price_warm_cpu_s=round(priced["warm_cpu"], 3),
         load_average_after=os.getloadavg())  # fmt: skip
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
