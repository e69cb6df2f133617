"""CLI: db upgrade, import, export, help texts, and bad input that changes nothing."""

from __future__ import annotations

import json

import pytest
import yaml
from typer.testing import CliRunner

from catalogue.cli import build_app
from tests.cli_auth import invoke
from tests.factories import make_record

runner = CliRunner()


@pytest.fixture
def db(tmp_path):
    return f"sqlite:///{tmp_path / 'cli.sqlite'}"


def run(*args):
    return invoke(args)


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
        "volumes_changed": 0,
        "deleted": {},
        "kept_published": [],
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


def portal_line(code="1.000001", name="Đăng ký khai sinh", **over):
    obj = {
        "ma_thu_tuc": code,
        "ten_thu_tuc": name,
        "cap_thuc_hien": "Cấp xã",
        "linh_vuc": "Hộ tịch",
        "co_quan_thuc_hien": "UBND cấp xã",
        "cach_thuc_thuc_hien": "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp5 Ngày làm việc"
        "8.000 đồng",
    }
    obj.update(over)
    return json.dumps(obj, ensure_ascii=False)


def test_portal_bad_input_reports_every_problem_and_writes_nothing(db, tmp_path):
    good = tmp_path / "good.jsonl"
    good.write_text(portal_line() + "\n", encoding="utf-8")
    assert run("import-portal", str(good), "--db", db).exit_code == 0
    before = run("export", "--format", "yaml", "--db", db).stdout
    lines = [
        portal_line("2.1"),  # fine, but must not be stored
        portal_line("2.2")[:-20],  # truncated line
        "{not json}",  # invalid JSON
        json.dumps({"ten_thu_tuc": "Thiếu mã"}, ensure_ascii=False),  # missing ma_thu_tuc
        portal_line("2.3", cap_thuc_hien="Cấp liên vùng"),  # unknown level
        portal_line(
            "2.4",
            cach_thuc_thuc_hien="Hình thức nộpThời gianPhí, lệ phíMô tả"
            "Trực tiếp5 Ngày làm việc-50.000 đồng",
        ),  # negative fee
        portal_line("2.1"),  # duplicate of the first line
    ]
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(("\n".join(lines) + "\n").encode("utf-8") + b"\xff\xfe broken\n")
    result = run("import-portal", str(bad), "--db", db)
    assert result.exit_code == 1
    err = result.stderr
    for line_no, needle in [
        (2, "truncated"),
        (3, "invalid JSON"),
        (4, "[ma_thu_tuc]"),
        (5, "[cap_thuc_hien]"),
        (6, "[cach_thuc_thuc_hien]"),
        (7, "duplicate procedure"),
        (8, "not UTF-8"),
    ]:
        hits = [
            row
            for row in err.splitlines()
            if f"bad.jsonl:{line_no}:" in row or f"bad.jsonl:{line_no} [" in row
        ]
        assert hits and needle in hits[0], (line_no, needle, err)
    assert run("export", "--format", "yaml", "--db", db).stdout == before


def test_empty_portal_file_fails(db, tmp_path):
    empty = tmp_path / "empty.jsonl.gz"
    import gzip

    empty.write_bytes(gzip.compress(b""))
    result = run("import-portal", str(empty), "--db", db)
    assert result.exit_code == 1 and "empty file" in result.stderr


def test_problem_in_a_late_batch_rolls_back_earlier_batches(tmp_path):
    from catalogue.registry.db import make_engine, upgrade
    from catalogue.registry.errors import ImportFailed
    from catalogue.sources.service import import_portal_files, procedure_count

    engine = make_engine(f"sqlite:///{tmp_path / 'b.sqlite'}")
    upgrade(engine)
    path = tmp_path / "many.jsonl"
    rows = [portal_line(f"3.{i:04d}") for i in range(12)] + ["{oops"]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    import catalogue.sources.service as service

    stored_batches = []
    real_store = service.store_records

    def counting_store(conn, records, **kw):
        stored_batches.append(len(records))
        return real_store(conn, records, **kw)

    old = service.BATCH
    service.BATCH = 5
    service.store_records = counting_store
    try:
        with pytest.raises(ImportFailed) as err:
            import_portal_files(engine, [path])
    finally:
        service.BATCH = old
        service.store_records = real_store
    assert stored_batches == [5, 5]  # two batches were written before the bad line
    assert [p.line for p in err.value.problems] == [13]
    assert procedure_count(engine) == 0  # … and rolled back with it


def test_every_command_takes_db_and_has_help_text():
    import typer.main

    def leaves(cmd, path):
        subs = getattr(cmd, "commands", None)
        if not subs:
            yield path, cmd
            return
        for name, sub in subs.items():
            yield from leaves(sub, [*path, name])

    found = list(leaves(typer.main.get_command(build_app()), []))
    assert len(found) >= 25
    for path, cmd in found:
        options = {o for p in cmd.params for o in getattr(p, "opts", [])}
        assert "--db" in options, " ".join(path)
        assert (cmd.help or "").strip(), " ".join(path)


def test_every_group_command_and_parameter_has_help_text():
    import typer.main

    def walk(cmd, path):
        yield path, cmd
        for name, sub in (getattr(cmd, "commands", None) or {}).items():
            yield from walk(sub, [*path, name])

    found = list(walk(typer.main.get_command(build_app()), []))
    groups = [path for path, cmd in found if getattr(cmd, "commands", None)]
    assert {("db",), ("plan",), ("decision",), ("user",), ("stats",), ("sheet",)} <= {
        tuple(g) for g in groups
    }
    for path, cmd in found:
        assert (cmd.help or "").strip(), " ".join(path) or "tthc"
        for param in cmd.params:
            assert (getattr(param, "help", None) or "").strip(), f"{' '.join(path)} {param.name}"


def test_import_as_a_user_is_checked_and_audited(db, tmp_path):
    from sqlalchemy import select

    from catalogue.registry.models import AuditLog
    from catalogue.sources.service import load_demo_if_empty, open_catalogue

    engine = open_catalogue(db)
    load_demo_if_empty(engine)  # demo users: admin, reviewer, …
    src = write_yaml(tmp_path / "c.yaml", [make_record("7.000001", "Thủ tục mới")])
    refused = run("import", str(src), "--db", db, "--as", "reviewer")
    assert refused.exit_code == 1 and "reviewer" in refused.stderr
    ok = run("import", str(src), "--db", db, "--as", "admin", "--json")
    assert ok.exit_code == 0 and json.loads(ok.stdout)["created"] == 1
    with engine.connect() as conn:
        actors = [
            a for (a,) in conn.execute(select(AuditLog.actor).where(AuditLog.action == "import"))
        ]
    assert actors[-1] == "admin"
