"""Every benchmark script runs on a tiny size and prints one JSON object.

A new script under ``bench/`` must be added to :data:`TINY` (the test fails otherwise),
so that no benchmark rots unseen. The figures themselves are not asserted: speed targets
are measured by running the scripts at full size (see the README's benchmarks).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

TINY: dict[str, list[str]] = {
    "calibration.py": ["--json"],  # the 2.039 real records: no size to choose
    "cost_model.py": ["--procedures", "300", "--reference-sample", "50", "--repeat", "1"],
    "dashboard.py": ["--procedures", "200", "--repeat", "1"],
    "import_catalogue.py": ["--procedures", "100", "--skip-large"],
    "matching.py": [
        "--local",
        "200",
        "--national",
        "2100",
        "--procedures",
        "300",
        "--naive-subset",
        "20",
    ],
    "national.py": ["--procedures", "300", "--json", "--reference-sample", "50"],
    "stats.py": ["--procedures", "200", "--skip-inputs"],
}


def test_every_bench_script_has_a_tiny_size():
    scripts = {p.name for p in (ROOT / "bench").glob("*.py")}
    assert scripts == set(TINY), "add the new bench script to TINY with tiny arguments"


@pytest.mark.slow
@pytest.mark.parametrize("script", sorted(TINY))
def test_bench_script_prints_one_json_object(script, tmp_path):
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *TINY[script]],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert isinstance(report, dict) and report
