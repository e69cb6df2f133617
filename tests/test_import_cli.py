"""CLI: db upgrade, import, export, help texts, and bad input that changes nothing."""

from __future__ import annotations

import json

import pytest
import yaml
from typer.testing import CliRunner

from catalogue.cli import build_app
from tests.factories import make_record

runner = CliRunner()


@pytest.fixture
def db(tmp_path):
    return f"sqlite:///{tmp_path / 'cli.sqlite'}"


def run(*args):
    return runner.invoke(build_app(), list(args))


def write_yaml(path, recs):
    path.write_text(
        yaml.safe_dump({"format": "tthc-catalogue/1", "procedures": recs}, allow_unicode=True),
        encoding="utf-8",
    )
    return path


def test_every_command_has_help():
    app = build_app()
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    import typer.main

    group = typer.main.get_command(app)
    names = sorted(group.commands)
    assert {"import", "import-portal", "export", "db", "demo"} <= set(names)
    for name in names:
        cmd = group.commands[name]
        assert (cmd.help or "").strip(), f"command {name} has no help text"
        assert runner.invoke(app, [name, "--help"]).exit_code == 0


def test_db_upgrade_reports_revision(db):
    result = run("db", "upgrade", "--db", db)
    assert result.exit_code == 0
    assert "Schema at revision" in result.output


def test_import_then_export_json_shape(db, tmp_path):
    src = write_yaml(
        tmp_path / "c.yaml", [make_record(), make_record("2.000001", "Đăng ký kết hôn")]
    )
    result = run("import", str(src), "--db", db, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "read": 2,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "flags": {},
    }
    again = run("import", str(src), "--db", db, "--json")
    assert json.loads(again.output)["unchanged"] == 2
    out = run("export", "--format", "json", "--db", db)
    doc = json.loads(out.stdout)
    assert doc["format"] == "tthc-catalogue/1"
    proc = doc["procedures"][0]
    for key in (
        "code",
        "name",
        "field",
        "kind",
        "levels",
        "subjects",
        "agency",
        "status",
        "decision",
        "source_url",
        "channels",
        "documents",
        "steps",
        "legal_bases",
        "volumes",
        "flags",
    ):
        assert key in proc
    ch = proc["channels"][0]
    assert set(ch) >= {"kind", "deadline", "fees", "description"}
    assert set(ch["deadline"]) == {"value", "unit", "raw"}
    assert set(ch["fees"][0]) >= {"kind", "amount", "currency", "free", "unit", "raw"}
    assert set(proc["documents"][0]) >= {
        "name",
        "originals",
        "copies",
        "certified_copies",
        "template",
    }


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "the file is empty"),  # empty file
        (b"\xff\xfe\x00bad", "not valid UTF-8"),  # non-UTF-8 bytes
        (b"format: tthc-catalogue/1\nprocedures: [\n  {code: 1", "cannot be parsed"),  # truncated
    ],
)
def test_unreadable_files_fail_cleanly(db, tmp_path, content, expected):
    path = tmp_path / "bad.yaml"
    path.write_bytes(content)
    result = run("import", str(path), "--db", db)
    assert result.exit_code == 1
    assert expected in result.stderr
    assert "bad.yaml" in result.stderr


def test_bad_records_report_every_problem_and_write_nothing(db, tmp_path):
    ok = write_yaml(tmp_path / "ok.yaml", [make_record()])
    run("import", str(ok), "--db", db)
    before = run("export", "--format", "yaml", "--db", db).stdout
    missing_name = make_record("3.1", name="")
    bad_level = make_record("3.2", levels=["huyện mới"])
    negative = make_record("3.3")
    negative["channels"][0]["fees"][0]["amount"] = -1000
    dup = make_record("3.3")
    bad = write_yaml(tmp_path / "bad.yaml", [missing_name, bad_level, negative, dup])
    result = run("import", str(bad), "--db", db)
    assert result.exit_code == 1
    err = result.stderr
    assert "[name]" in err and "required" in err
    assert "[levels[0]]" in err and "unknown level" in err
    assert "[channels[0].fees[0].amount]" in err
    assert "duplicate procedure '3.3'" in err
    assert err.count("bad.yaml:") == 4
    assert run("export", "--format", "yaml", "--db", db).stdout == before


def test_xlsx_export_requires_out(db):
    result = run("export", "--format", "xlsx", "--db", db)
    assert result.exit_code == 2
