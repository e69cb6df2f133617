"""Estimates in the catalogue (issue 13): unknown populations, status, list stubs,
imported volumes, ``tthc sheet show`` and ``tthc burden --json``."""

from __future__ import annotations

import gzip
import json

from sqlalchemy import func, select
from typer.testing import CliRunner

from catalogue.cli import build_app
from catalogue.registry.models import Procedure, Volume
from catalogue.sources.service import import_portal_files, load_demo_if_empty, open_catalogue
from tests.conftest import SHARED_DATA, require_file

runner = CliRunner()

SHEET_KEYS = {
    "code", "estimated", "population", "frequency", "hourly_rate", "channels", "fees",
    "documents", "activities", "unit_cost", "annual_cost",
}  # fmt: skip
FEE_KEYS = {"name", "amount", "currency", "amount_vnd", "channels", "alternatives", "rule"}
ACTIVITY_KEYS = {"name", "hours", "people", "out_of_pocket", "channels", "kind"}


def run(*args):
    return runner.invoke(build_app(), list(args))


def _ministry_lines(portal_jsonl, tmp_path, folder="bo-tu-phap"):
    lines = [
        line
        for line in gzip.open(portal_jsonl, "rt", encoding="utf-8")
        if json.loads(line).get("_source_folder") == folder
    ]
    path = tmp_path / f"{folder}.jsonl"
    path.write_text("".join(lines), encoding="utf-8")
    return path, len(lines)


def test_real_records_without_statistics_invent_no_yearly_cost(tmp_path, portal_jsonl, monkeypatch):
    monkeypatch.setenv("TTHC_DEMO", "0")
    db = f"sqlite:///{tmp_path / 'real.sqlite'}"
    assert run("import-portal", str(portal_jsonl), "--db", db).exit_code == 0
    burden = json.loads(run("burden", "--json", "--db", db).stdout)
    assert burden["annual_cost"] == 0 and burden["procedures"] == 0
    assert burden["unknown_population"] == 2039
    # chứng thực bản sao (2.000815): the cost of one execution stands, the yearly cost is unknown
    shown = run("sheet", "show", "2.000815", "--json", "--db", db)
    assert shown.exit_code == 0, shown.output
    view = json.loads(shown.stdout)
    assert SHEET_KEYS <= set(view)
    assert view["estimated"] is True and view["annual_cost"] is None
    assert view["population"]["value"] is None
    assert {"value", "source", "method"} <= set(view["population"])
    assert view["unit_cost"] == 174750  # tests/fixtures/estimates/chung-thuc-ban-sao-2.000815
    (fee,) = view["fees"]
    assert FEE_KEYS <= set(fee) and fee["amount_vnd"] == 4000 and len(fee["alternatives"]) == 2
    assert all(ACTIVITY_KEYS <= set(a) for a in view["activities"])
    assert view["documents"][0]["kind"] == "shown"

    volumes = tmp_path / "volumes.csv"
    volumes.write_text(
        "Mã TTHC,Cấp,Cơ quan,Năm,Số hồ sơ,Nguồn\n2.000815,Cấp xã,,2025,1000,Sở Tư pháp\n",
        encoding="utf-8",
    )
    assert run("volumes", "import", str(volumes), "--db", db).exit_code == 0
    after = json.loads(run("burden", "--json", "--db", db).stdout)
    assert after["procedures"] == 1 and after["unknown_population"] == 2038
    assert after["annual_cost"] == 174750 * 1000
    view = json.loads(run("sheet", "show", "2.000815", "--json", "--db", db).stdout)
    assert view["population"]["value"] == 1000 and view["annual_cost"] == 174_750_000


def test_list_export_leaves_flagged_stubs_that_a_full_import_completes(
    sqlite_engine, portal_jsonl, tmp_path
):
    listing = require_file(SHARED_DATA / "portal" / "danh-sach-tthc-BoTuPhap.xlsx")
    first = import_portal_files(sqlite_engine, [listing])
    from catalogue.costing.burden import burden_summary, catalogue_costs

    with sqlite_engine.connect() as conn:
        rows = conn.execute(select(Procedure.status, Procedure.flags)).all()
    assert len(rows) == first.created > 250
    assert all(r.status == "draft" for r in rows)
    assert all(any(f["kind"] == "list_stub" for f in r.flags) for r in rows)
    summary = burden_summary(catalogue_costs(sqlite_engine))
    assert summary["annual_cost"] == 0 and summary["not_in_force"] == len(rows)

    jsonl, count = _ministry_lines(portal_jsonl, tmp_path)
    second = import_portal_files(sqlite_engine, [jsonl])
    assert second.created == count - first.created and second.updated == first.created
    with sqlite_engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(Procedure)).scalar_one()
        codes = conn.execute(select(func.count(func.distinct(Procedure.code)))).scalar_one()
        drafts = conn.execute(
            select(func.count()).select_from(Procedure).where(Procedure.status == "draft")
        ).scalar_one()
    assert total == codes == count and drafts == 0


def test_multi_line_agency_cell_is_read_as_separate_values(tmp_path):
    from openpyxl import Workbook

    from catalogue.sources.portal import read_portal_excel

    book = Workbook()
    sheet = book.active
    sheet.append(["DANH SÁCH THỦ TỤC HÀNH CHÍNH"])
    sheet.append(["Mã số", "Tên", "Cơ quan ban hành", "Cơ quan thực hiện", "Lĩnh vực"])
    sheet.append(["1.000001", "Thủ tục A", "Bộ Tư pháp", "Sở Tư pháp\nUBND cấp xã", "Hộ tịch"])
    path = tmp_path / "list.xlsx"
    book.save(path)
    ((_, record),) = read_portal_excel(path)
    assert record["agency"] == "Sở Tư pháp"
    flags = {f["kind"]: f for f in record["flags"]}
    assert "UBND cấp xã" in flags["multi_value_cell"]["raw"] and "list_stub" in flags


def test_demo_keeps_its_volumes_and_counts_only_procedures_in_force(tmp_path):
    db = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    engine = open_catalogue(db)
    load_demo_if_empty(engine)
    from catalogue.costing.burden import catalogue_costs

    costs = catalogue_costs(engine)
    burden = json.loads(run("burden", "--json", "--db", db).stdout)
    in_force = costs[costs["status"].isin(["active", "amended"])]
    known = in_force[in_force["annual_cost"].notna()]
    assert burden["procedures"] == len(known) >= 40  # the demo's volumes are evidence
    assert burden["annual_cost"] == int(known["annual_cost"].sum())
    assert burden["not_in_force"] == int((~costs["status"].isin(["active", "amended"])).sum()) > 0
    assert sum(g["annual_cost"] for g in burden["groups"]) == burden["annual_cost"]


def test_volume_file_with_problems_writes_nothing(tmp_path, sqlite_engine):
    from catalogue.sources.service import load_demo_if_empty
    from catalogue.sources.volumes import VolumeImportError, import_volumes

    load_demo_if_empty(sqlite_engine)
    with sqlite_engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(Volume)).scalar_one()
    bad = tmp_path / "bad.csv"
    bad.write_text("mã tthc,năm,số hồ sơ\n2.000815,2030,5\n9.999999,2030,7\n", encoding="utf-8")
    try:
        import_volumes(sqlite_engine, bad)
    except VolumeImportError as exc:
        assert any("bad.csv:3 [code]" in p and "9.999999" in p for p in exc.problems)
    else:
        raise AssertionError("an unknown code must refuse the file")
    with sqlite_engine.connect() as conn:
        after = conn.execute(select(func.count()).select_from(Volume)).scalar_one()
    assert after == before


def test_help_texts_of_the_new_commands():
    for cmd in (["sheet", "show"], ["volumes", "import"]):
        result = run(*cmd, "--help")
        assert result.exit_code == 0 and len(result.output) > 100
