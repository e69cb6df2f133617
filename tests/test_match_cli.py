"""CLI: ``tthc search``, ``tthc duplicates`` and ``tthc match`` against a temp SQLite file."""

from __future__ import annotations

import csv
import json

import pytest
from typer.testing import CliRunner

from catalogue.cli import build_app
from catalogue.sources.service import import_files, open_catalogue
from tests.match_support import write_catalogue_yaml

runner = CliRunner()


@pytest.fixture
def db(tmp_path):
    url = f"sqlite:///{tmp_path / 'tthc.db'}"
    engine = open_catalogue(url)
    import_files(engine, [write_catalogue_yaml(tmp_path / "catalogue.yaml")])
    engine.dispose()
    return url


def run(*args):
    result = runner.invoke(build_app(), [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result


@pytest.mark.parametrize("command", ["search", "duplicates", "match"])
def test_help(command):
    result = run(command, "--help")
    assert "--json" in result.output and "--db" in result.output


def test_search(db):
    out = json.loads(
        run("search", "chung thuc di chuc", "--json", "--limit", "3", "--db", db).output
    )
    assert out[0]["code"] == "2.001019" and out[0]["score"] == 100.0
    assert set(out[0]) == {"id", "score", "name", "code"}
    assert "1.000894" in run("search", "dang ky ket hon", "--db", db).output


def test_duplicates(db):
    out = json.loads(run("duplicates", "--json", "--db", db).output)
    codes = [sorted(m["code"] for m in g["members"]) for g in out]
    assert ["1.010719", "1.010727"] in codes
    text = run("duplicates", "--threshold", "95", "--db", db).output
    assert "1.010727" in text and "differs in" in text


def test_match_and_write_back(db, tmp_path):
    src = tmp_path / "local.csv"
    src.write_text("Tên thủ tục\nChung thuc di chuc\nCấp giấy phép môi trường\n", encoding="utf-8")
    out = json.loads(run("match", src, "--column", "Tên thủ tục", "--json", "--db", db).output)
    assert [r["status"] for r in out] == ["matched", "ambiguous"]
    assert out[0]["candidates"][0]["code"] == "2.001019"
    target = tmp_path / "with_codes.csv"
    run("match", src, "--column", "Tên thủ tục", "--write-back", target, "--db", db)
    rows = list(csv.reader(target.read_text(encoding="utf-8").splitlines()))
    assert [r[-1] for r in rows] == ["ma_tthc_de_xuat", "2.001019", ""]
    assert src.read_text(encoding="utf-8").count(",") == 0


def test_match_unknown_column_fails_cleanly(db, tmp_path):
    src = tmp_path / "local.csv"
    src.write_text("Tên\nx\n", encoding="utf-8")
    result = runner.invoke(build_app(), ["match", str(src), "--column", "Nope", "--db", db])
    assert result.exit_code == 1 and "Nope" in result.output
