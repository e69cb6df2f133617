"""CLI: ``tthc stats import|report|generate`` and ``tthc priorities`` on a temp SQLite file."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from catalogue.registry.demo_users import ensure_demo_users
from catalogue.sources.service import load_demo_if_empty, open_catalogue
from tests.cli_auth import invoke

runner = CliRunner()


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("stats") / "tthc.db"
    url = f"sqlite:///{path}"
    engine = open_catalogue(url)
    load_demo_if_empty(engine)
    ensure_demo_users(engine)
    engine.dispose()
    return url


def run(*args, code=0):
    result = invoke(args)
    assert result.exit_code == code, result.output
    return result


@pytest.mark.parametrize(
    "command",
    [["stats"], ["stats", "import"], ["stats", "report"], ["stats", "generate"], ["priorities"]],
)
def test_every_command_has_help(command):
    out = run(*command, "--help").output
    assert "Usage" in out and len(out.splitlines()) > 4
    if command != ["stats"]:
        assert "--db" in out


def test_generate_import_report_priorities(db, tmp_path):
    path = tmp_path / "hcc-2025.csv"
    assert "rows" in run("stats", "generate", path, "--without-code", "1", "--db", db).output
    out = json.loads(run("stats", "import", path, "--as", "admin", "--json", "--db", db).output)
    assert out["stored"] == out["rows"] - 12 and len(out["to_confirm"]) == 12
    assert out["years"] == [2025] and out["volumes_written"] == out["procedures"]
    text = run("stats", "import", path, "--as", "admin", "--accept-above", "95", "--db", db).output
    assert "Đã nhập" in text and "accepted by name" in text

    report = json.loads(
        run("stats", "report", "--by", "level", "--year", "2025", "--json", "--db", db).output
    )
    assert report["totals"]["published"].count("hồ sơ, đạt") == 1
    assert {r["level"] for r in report["rows"]} >= {"province", "commune"}
    assert (
        report["late_procedures"][0]["resolved_late"]
        >= report["late_procedures"][-1]["resolved_late"]
    )
    plain = run("stats", "report", "--by", "period", "--db", db).output
    assert "2025-12" in plain and "Nhiều hồ sơ trễ hạn nhất" in plain

    ranked = json.loads(
        run("priorities", "--json", "--top", "3", "--weight", "late_rate=1", "--db", db).output
    )
    assert ranked["weights"]["late_rate"] == 1.0 and len(ranked["procedures"]) == 3
    assert ranked["procedures"][0]["rank"] == 1 and ranked["procedures"][0]["explanation"]
    assert "điểm" in run("priorities", "--top", "2", "--db", db).output


def test_import_problems_exit_1(db, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("ma_tthc,ky,tiep_nhan,truoc_han,dung_han,qua_han\n1.001193,2025-13,5,9,0,0\n")
    result = run("stats", "import", bad, "--as", "admin", "--db", db, code=1)
    assert "bad.csv:2 [ky]" in result.output and "resolved > received" in result.output


def test_import_needs_an_admin(db, tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("ma_tthc,ky,tiep_nhan,truoc_han,dung_han,qua_han\n1.001193,2025-01,5,1,1,0\n")
    assert run("stats", "import", path, "--db", db, code=2).output.startswith("Cần --as")
    assert "analyst" in run("stats", "import", path, "--as", "analyst", "--db", db, code=1).output


def test_bad_options(db, tmp_path):
    assert "must be one of" in run("stats", "report", "--by", "x", "--db", db, code=2).output
    assert "unknown factor" in run("priorities", "--weight", "x=1", "--db", db, code=2).output
    missing = tmp_path / "m.csv"
    missing.write_text("ma_tthc,ky\n1.001193,2025\n")
    assert (
        "tiep_nhan" in run("stats", "import", missing, "--as", "admin", "--db", db, code=2).output
    )
