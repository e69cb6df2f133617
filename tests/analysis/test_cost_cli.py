"""``tthc cost``: JSON and table output, help text, invalid sheets exit 2 with the key path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
import yaml
from cost_factories import make_sheet_data
from typer.testing import CliRunner

from catalogue.cli.cost import register

EXAMPLE = Path(__file__).parents[2] / "data" / "sheets" / "tax-reporting.yaml"


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.callback()
    def _root() -> None:
        """Test root so that ``cost`` is a sub-command."""

    return app


def _run(*args: str):
    return CliRunner().invoke(_app(), ["cost", *args])


def test_help():
    result = _run("--help")
    assert result.exit_code == 0
    assert "--json" in result.output and "chi phí tuân thủ" in result.output


def test_json_published_case():
    result = _run(str(EXAMPLE), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data["baseline"]) >= {
        "unit_cost",
        "annual_cost",
        "deadline_days",
        "documents",
        "activities",
    }
    assert data["baseline"]["annual_cost"] == 975_000_000_000
    quarterly = next(o for o in data["options"] if o["id"] == "quarterly")
    assert quarterly["savings"] == 650_000_000_000
    assert quarterly["cut_rate"] == 66.67
    keys = {
        "id",
        "action",
        "unit_cost",
        "annual_cost",
        "savings",
        "cut_rate",
        "deadline_days",
        "deadline_cut_rate",
        "documents",
        "activities",
    }
    assert all(keys <= set(o) for o in data["options"])


def test_table_is_vietnamese():
    result = _run(str(EXAMPLE))
    assert result.exit_code == 0
    assert "975.000.000.000 đ" in result.stdout
    assert "650.000.000.000 đ" in result.stdout
    assert "66,67 %" in result.stdout


def _write(tmp_path: Path, data) -> Path:
    path = tmp_path / "sheet.yaml"
    path.write_text(
        data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True), "utf-8"
    )
    return path


def _amend(*changes):
    return [
        {"id": "keep", "action": "keep"},
        {"id": "o", "action": "amend", "changes": [{**c, "reason": "r"} for c in changes]},
    ]


INVALID = [
    ("unknown change type", {"options": _amend({"type": "bogus"})}, "options[1].changes[0].type"),
    (
        "unknown document",
        {"options": _amend({"type": "remove_document", "document": "X"})},
        "options[1].changes[0].document",
    ),
    (
        "unknown activity",
        {"options": _amend({"type": "remove_activity", "name": "X"})},
        "options[1].changes[0].name",
    ),
    (
        "unknown fee",
        {"options": _amend({"type": "set_fee", "name": "X", "amount": 1})},
        "options[1].changes[0].name",
    ),
    ("negative hours", {"activities": [{"name": "A", "hours": -2}]}, "activities[0].hours"),
    ("negative fee", {"fees": [{"name": "F", "amount": -1}]}, "fees[0].amount"),
    ("shares", {"channels": {"direct": 0.5, "online": 0.4}}, "channels"),
    ("no population", {"population": None}, "population"),
    ("no frequency", {"frequency": None}, "frequency"),
]


@pytest.mark.parametrize(("label", "overrides", "path"), INVALID, ids=[i[0] for i in INVALID])
def test_invalid_sheet_exits_2(tmp_path, label, overrides, path):
    data = make_sheet_data(**overrides)
    data = {k: v for k, v in data.items() if v is not None}
    file = _write(tmp_path, data)
    result = _run(str(file), "--json")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert str(file) in result.stderr
    assert f"{path}:" in result.stderr


def test_malformed_yaml(tmp_path):
    file = _write(tmp_path, "population: [1, 2\nfrequency: 1\n")
    result = _run(str(file))
    assert result.exit_code == 2 and result.stdout == ""
    assert str(file) in result.stderr and "line" in result.stderr


def test_missing_file(tmp_path):
    result = _run(str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2 and result.stdout == ""
