"""The Biểu 06 export, the online level field (portal, reviewer service, audit) and the CLI."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select
from typer.testing import CliRunner

from catalogue.onestop.export import export_bieu06
from catalogue.onestop.online import online_levels, set_online_level
from catalogue.onestop.report import overview
from catalogue.onestop.stats import import_stats
from catalogue.registry.errors import PermissionDenied, ServiceError
from catalogue.registry.models import AuditLog, Procedure
from catalogue.registry.store import import_records
from catalogue.sources.portal import parse_portal_record
from tests.cli_auth import invoke
from tests.factories import add_users, make_record
from tests.test_stats_bieu06 import Q1, Q1_ROWS, Q1_TOTAL, bieu06_workbook

PORTAL = Path(__file__).resolve().parents[1] / "../shared/data/portal/procedures.jsonl.gz"


@pytest.fixture
def world(engine):
    import_records(
        engine,
        [
            make_record("1.000001", "Cấp bản sao trích lục hộ tịch"),
            make_record(
                "1.000010", "Cấp giấy phép xây dựng", field="Xây dựng", levels=["province"]
            ),
        ],
        source="test",
    )
    add_users(engine, {"admin": "admin", "lan": "reviewer", "an": "analyst"})
    return engine


def test_export_is_the_form_and_imports_again(world, tmp_path):
    import_stats(world, bieu06_workbook(tmp_path / "q1.xlsx", Q1, Q1_ROWS), actor="admin")
    out = tmp_path / "bieu-06.xlsx"
    _, period = export_bieu06(world, period="2026-Q1", out=out, unit_name="UBND tỉnh Bình An")
    assert period.label == "2026-Q1"
    ws = load_workbook(out).active
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    assert "Kỳ báo cáo: từ ngày 01/01/2026 đến ngày 31/03/2026" in [r[0] for r in cells]
    assert any(r[0] and "118/2025/NĐ-CP" in r[0] and "03/2025/TT-VPCP" in r[0] for r in cells)
    total = next(r for r in cells if r[1] == "Tổng cộng")
    # the hand-added totals of the imported sheet (received 170 … apologies 12)
    assert tuple(total[4:16]) == Q1_TOTAL
    headings = [r[1] for r in cells if r[1] and r[1][:3] in ("A. ", "B. ")]
    assert headings == ["A. CẤP TỈNH", "B. CẤP XÃ"]
    # one row per level and field: Đất đai and Xây dựng (the permit's field), Hộ tịch
    fields = [r[1] for r in cells if isinstance(r[0], int)]
    assert fields == ["Đất đai", "Xây dựng", "Hộ tịch"]
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$7:$9"
    # the export passes the form's own checks: it replaces the unit's Q1 report unchanged
    again = import_stats(world, out, actor="admin")
    assert again.format == "bieu06" and again.periods == ["2026-Q1"] and again.replaced == 3
    totals = overview(world, period="2026-Q1")["totals"]
    assert (totals["received"], totals["carried_over"], totals["apologised"]) == (170, 39, 12)


def test_the_reviewer_records_the_online_level_audited(world):
    with Session(world) as session:
        pid = session.exec(select(Procedure.id).where(Procedure.code == "1.000010")).one()
        with pytest.raises(PermissionDenied):
            set_online_level(session=session, actor="an", procedure_id=pid, level="full")
        with pytest.raises(ServiceError, match="unknown online level"):
            set_online_level(session=session, actor="lan", procedure_id=pid, level="toàn")
        set_online_level(session=session, actor="lan", procedure_id=pid, level="partial")
        session.commit()
    levels = online_levels(world).set_index("procedure_id")
    assert levels.loc[pid, "online_level"] == "partial" and levels.loc[pid, "online_level_stated"]
    with Session(world) as session:
        audit = session.exec(
            select(AuditLog).where(AuditLog.action == "procedure.online_level")
        ).one()
    assert (audit.actor, audit.before, audit.after) == (
        "lan",
        {"online_level": None},
        {"online_level": "partial"},
    )


def test_a_procedure_without_online_channel_is_not_online(engine):
    paper = make_record("1.000020", "Thủ tục giấy")
    paper["channels"] = paper["channels"][:1]  # direct only
    import_records(engine, [paper, make_record("1.000021", "Có trực tuyến")], source="test")
    levels = online_levels(engine)
    by_code = dict(zip([1, 2], levels.sort_values("procedure_id")["online_level"], strict=True))
    assert by_code == {1: "none", 2: None}  # the second: online, level not stated


@pytest.mark.skipif(not PORTAL.exists(), reason="real portal data not available")
def test_real_portal_records_state_the_level_rarely_and_never_by_guess():
    full, partial = set(), set()
    with gzip.open(PORTAL, "rt", encoding="utf-8") as fh:
        for line in fh:
            record = parse_portal_record(json.loads(line))
            level = record.get("online_level")
            if level == "full":
                full.add(record["code"])
            elif level == "partial":
                partial.add(record["code"])
    # Read by hand in the file: only 1.002099 says "đủ điều kiện thực hiện dịch vụ công
    # trực tuyến toàn trình"; 1.014237 … speak of "trả lại một phần diện tích" (not a
    # level) and 1.008312 … of "các TTHC đã toàn trình" in general.
    assert full == {"1.002099"} and partial == set()


runner = CliRunner()


def run(*args, code=0):
    result = invoke(args)
    assert result.exit_code == code, result.output
    return result.output


def test_cli_reports_one_period_and_exports(tmp_path):
    from catalogue.sources.service import open_catalogue

    url = f"sqlite:///{tmp_path / 'tthc.db'}"
    engine = open_catalogue(url)
    import_records(
        engine,
        [make_record("1.000010", "Cấp giấy phép xây dựng", field="Xây dựng", levels=["province"])],
        source="test",
    )
    add_users(engine, {"admin": "admin", "lan": "reviewer"})
    old = tmp_path / "2025.csv"
    old.write_text(
        "ma_tthc,ky,tiep_nhan,truoc_han,dung_han,qua_han\n1.000010,2025-03,956,650,243,31\n"
    )
    run("stats", "import", old, "--as", "admin", "--db", url)
    q1 = bieu06_workbook(tmp_path / "q1.xlsx", Q1, Q1_ROWS)
    assert "Biểu 06: kỳ 2026-Q1" in run("stats", "import", q1, "--as", "admin", "--db", url)
    # without --year: the latest year (2026) to date — its first quarter — never 2025 + 2026
    text = run("stats", "report", "--db", url)
    assert "quý 1 năm 2026" in text and "Tổng / total: 188/209 hồ sơ" in text
    assert "có Phiếu xin lỗi và hẹn lại ngày trả kết quả 12, chưa có 5" in text
    seeds = json.loads(run("stats", "report", "--year", "2025", "--json", "--db", url))
    assert seeds["totals"]["published"].startswith("924/956 hồ sơ, đạt 96,6 %")
    quarter = json.loads(run("stats", "report", "--period", "2026-Q1", "--json", "--db", url))
    assert quarter["period"] == "2026-Q1" and quarter["totals"]["carried_over"] == 39
    assert "must be" not in run("stats", "report", "--period", "2026-Q5", "--db", url, code=2)
    out = tmp_path / "bieu-06.xlsx"
    assert "quý 1 năm 2026" in run("stats", "export", out, "--period", "2026-Q1", "--db", url)
    assert out.exists()
    assert "toàn trình" in run("online-level", "1.000010", "full", "--as", "lan", "--db", url)
    assert "analyst" not in run("online-level", "1.000010", "full", "--db", url, code=2)


def test_the_demo_has_no_district_after_july_2025(tmp_path):
    from catalogue.sources.service import load_demo_if_empty, open_catalogue
    from catalogue.sources.stats_file import synthetic_stats

    engine = open_catalogue(f"sqlite:///{tmp_path / 'demo.db'}")
    load_demo_if_empty(engine)
    # the catalogue's own 2025 volumes: the three district procedures (abolished with the
    # district level) report up to 2024 only
    levels = overview(engine, year=2025)["by_level"]["level"].tolist()
    assert "district" not in levels and {"province", "commune"} <= set(levels)
    assert "district" in overview(engine, year=2024)["by_level"]["level"].tolist()
    district = make_record("1.000030", "Thủ tục cấp huyện", levels=["district"])
    frame = synthetic_stats([district, make_record()], year=2025)
    kept = frame[frame["cap"] == "Cấp huyện"]["ky"].tolist()
    assert kept == [f"2025-{m:02d}" for m in range(1, 7)]  # January to June only
    assert len(frame[frame["cap"] != "Cấp huyện"]) == 12
    assert synthetic_stats([district], year=2026).empty
