"""CLI: sheet save, burden and savings on the demo catalogue."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

from catalogue.sources.service import load_demo_if_empty, open_catalogue
from tests.cli_auth import invoke

runner = CliRunner()


def run(*args):
    return invoke(args)


def test_burden_sheet_and_savings(tmp_path):
    db = f"sqlite:///{tmp_path / 'c.sqlite'}"
    load_demo_if_empty(open_catalogue(db))
    before = json.loads(run("burden", "--json", "--by", "field", "--db", db).stdout)
    assert before["procedures"] == before["estimated_procedures"] >= 40
    assert sum(g["annual_cost"] for g in before["groups"]) == before["annual_cost"] > 0

    sheet = tmp_path / "s.yaml"
    sheet.write_text(
        yaml.safe_dump(
            {
                "procedure": {"code": "1.001193"},
                "subject": "citizen",
                "population": 1000,
                "frequency": 1,
                "channels": {"direct": 1},
                "fees": [{"name": "Lệ phí", "amount": 10000}],
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    refused = run("sheet", "save", str(sheet), "--version", "0", "--as", "analyst", "--db", db)
    assert refused.exit_code == 1 and "analyst" in refused.stderr
    unversioned = run("sheet", "save", str(sheet), "--as", "reviewer", "--db", db)
    assert unversioned.exit_code == 2 and "--version" in unversioned.output
    saved = run("sheet", "save", str(sheet), "--version", "0", "--as", "reviewer", "--db", db)
    assert saved.exit_code == 0, saved.output
    assert "version 1" in saved.stdout
    stale = run("sheet", "save", str(sheet), "--version", "0", "--as", "reviewer", "--db", db)
    assert stale.exit_code == 1 and "người khác lưu trước" in stale.stderr
    newer = run("sheet", "save", str(sheet), "--version", "1", "--as", "reviewer", "--db", db)
    assert newer.exit_code == 0 and "version 2" in newer.stdout
    after = json.loads(run("burden", "--json", "--db", db).stdout)
    assert after["estimated_procedures"] == before["estimated_procedures"] - 1

    bad = tmp_path / "bad.yaml"
    bad.write_text("procedure: {code: '1.001193'}\npopulation: -5\n", encoding="utf-8")
    result = run("sheet", "save", str(bad), "--version", "2", "--as", "reviewer", "--db", db)
    assert result.exit_code == 2 and "population" in result.stderr

    report = json.loads(run("savings", "--as", "analyst", "--json", "--db", db).stdout)
    codes = {row["programme"] for row in report["programmes"]}
    assert codes == {"NQ68", "NQ66-2025", "NQ66-2026"}
    assert report["adopted"] == []


def test_help_texts():
    for cmd in (["sheet", "save"], ["burden"], ["savings"]):
        result = run(*cmd, "--help")
        assert result.exit_code == 0 and len(result.output) > 100


def test_sheet_naming_only_a_code_takes_the_catalogue_baseline(tmp_path):
    from sqlalchemy import select

    from analysis import evaluate_sheet, load_parameters
    from catalogue.costing import burden as costing
    from catalogue.registry.models import Procedure

    db = f"sqlite:///{tmp_path / 'c.sqlite'}"
    engine = open_catalogue(db)
    load_demo_if_empty(engine)
    sheet = tmp_path / "code-only.yaml"
    sheet.write_text(
        "procedure: {code: '1.001193'}\n"
        "options:\n"
        "  - id: half\n"
        "    action: amend\n"
        "    changes: [{type: set_frequency, value: 0.5, reason: 'Ví dụ'}]\n",
        encoding="utf-8",
    )
    result = run("cost", str(sheet), "--json", "--db", db)
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    with engine.connect() as conn:
        pid = conn.execute(select(Procedure.id).where(Procedure.code == "1.001193")).scalar_one()
        base = costing.procedure_sheet(conn, pid, params=load_parameters())
    expected = evaluate_sheet(base).baseline.annual_cost
    assert out["procedure"]["name"] == "Thủ tục đăng ký khai sinh"
    assert out["estimated"] is True
    assert out["baseline"]["annual_cost"] == expected
    assert out["options"][0]["savings"] == expected - round(expected / 2)  # half-up at the end

    sheet.write_text("procedure: {code: '9.999999'}\n", encoding="utf-8")
    missing = run("cost", str(sheet), "--db", db)
    assert missing.exit_code == 2 and missing.stdout == ""
    assert "procedure.code" in missing.stderr and "9.999999" in missing.stderr


TAX_SHEET = str(Path(__file__).resolve().parents[1] / "data" / "sheets" / "tax-reporting.yaml")


def test_sensitivity_moves_savings_by_the_percentage():
    out = json.loads(run("cost", TAX_SHEET, "--json", "--sensitivity", "20").stdout)
    rows = {(r["factor"], r["case"], r["option_id"]): r for r in out["sensitivity"]["rows"]}
    assert out["sensitivity"]["percent"] == 20
    # population ±20 %: 650 tỷ saved becomes 520 / 780 tỷ; the cut rate stays 66,67 %
    assert rows[("population", "low", "quarterly")]["savings"] == 520_000_000_000
    assert rows[("population", "high", "quarterly")]["savings"] == 780_000_000_000
    assert rows[("population", "high", "quarterly")]["cut_rate"] == 66.67
    text = run("cost", TAX_SHEET, "--sensitivity", "20").stdout
    assert "Độ nhạy (±20 %)" in text and "780.000.000.000 đ" in text


def test_demo_is_not_loaded_when_disabled(tmp_path, monkeypatch):
    from catalogue.sources.service import procedure_count

    db = f"sqlite:///{tmp_path / 'prod.sqlite'}"
    monkeypatch.setenv("TTHC_DEMO", "0")
    result = run("demo", "--db", db)
    assert result.exit_code == 0 and "TTHC_DEMO=0" in result.stdout
    assert procedure_count(open_catalogue(db)) == 0
    monkeypatch.setenv("TTHC_DEMO", "1")
    assert run("demo", "--db", db).exit_code == 0
    assert procedure_count(open_catalogue(db)) >= 40
