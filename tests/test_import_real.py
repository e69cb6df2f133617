"""Importing the real national-portal records into SQLite and PostgreSQL."""

from __future__ import annotations

import gzip
import json

from sqlalchemy import func, select

from catalogue.registry.models import Channel, Document, Fee, Procedure, Revision
from catalogue.registry.records import identity_key
from catalogue.registry.store import store_records
from catalogue.sources.service import all_records, import_portal_files
from tests.conftest import SHARED_DATA, require_file
from tests.factories import make_record
from tests.workflow_support import DEFAULT_SPECS, published_plan, seed


def scalar(engine, query):
    with engine.connect() as conn:
        return conn.execute(query).scalar_one()


def test_real_portal_file_imports_whole_and_reimports_unchanged(engine, portal_jsonl):
    lists = sorted(require_file(SHARED_DATA / "portal").glob("danh-sach-tthc-*.xlsx"))
    assert len(lists) == 4
    first = import_portal_files(engine, [portal_jsonl, *lists])
    assert first.created == 2039
    assert first.unchanged == 2039  # every list row is matched to its record by code
    assert first.flags["fee_unknown"] > 0
    assert scalar(engine, select(func.count()).select_from(Procedure)) == 2039
    assert scalar(engine, select(func.count()).select_from(Channel)) > 5000
    assert scalar(engine, select(func.count()).select_from(Document)) > 12000
    again = import_portal_files(engine, [portal_jsonl])
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2039)
    assert scalar(engine, select(func.count()).select_from(Revision)) == 2039

    records = {r["code"]: r for r in all_records(engine)}
    rec = records["1.000025"]  # Phê duyệt Đề án sắp xếp, đổi mới công ty nông, lâm nghiệp
    assert rec["levels"] == ["ministry", "province", "other"]
    assert rec["issuing_agency"] == "Bộ Nông nghiệp và Môi trường"
    assert rec["decision"] == "379/QĐ-BNNMT"
    assert [c["kind"] for c in rec["channels"]] == ["direct"]
    assert rec["channels"][0]["deadline"] == {"value": 1, "unit": "unspecified", "raw": "1"}
    assert rec["channels"][0]["fees"][0]["free"] is True
    assert {lb["number"] for lb in rec["legal_bases"]} == {"118/2014/NĐ-CP", "02/2015/TT-BNNPTNT"}
    assert rec["documents"][0]["name"].startswith("Đề án sắp xếp, đổi mới")
    assert rec["documents"][0]["originals"] == 1


def test_changed_portal_record_gets_a_revision(sqlite_engine, portal_jsonl, tmp_path):
    lines = gzip.open(portal_jsonl, "rt", encoding="utf-8").read().splitlines()[:50]
    src = tmp_path / "part.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    import_portal_files(sqlite_engine, [src])
    changed = json.loads(lines[0])
    changed["cach_thuc_thuc_hien"] = changed["cach_thuc_thuc_hien"].replace(
        "Miễn phí", "50.000 đồng"
    )
    lines[0] = json.dumps(changed, ensure_ascii=False)
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    summary = import_portal_files(sqlite_engine, [src])
    assert (summary.updated, summary.unchanged) == (1, 49)
    assert scalar(sqlite_engine, select(func.max(Procedure.revision))) == 2
    fee = scalar(
        sqlite_engine,
        select(func.max(Fee.amount))
        .join(Channel)
        .join(Procedure)
        .where(Procedure.code == changed["ma_thu_tuc"]),
    )
    assert fee == 50000


def test_reimporting_the_source_after_publication_keeps_the_amendment(engine):
    world = seed(engine)
    published_plan(engine, world)
    before = {identity_key(r): r for r in all_records(engine)}
    with engine.begin() as conn:
        summary = store_records(
            conn, [make_record(**spec) for spec in DEFAULT_SPECS], source="test"
        )
    assert (summary.created, summary.updated) == (0, 0)
    after = {identity_key(r): r for r in all_records(engine)}
    assert after == before
    statuses = sorted(r["status"] for r in after.values())
    assert statuses.count("abolished") == 1 and statuses.count("amended") == 1


def test_reimport_skips_known_lines_but_still_reports_repeated_ones(sqlite_engine, tmp_path):
    from tests.test_import_cli import portal_line

    src = tmp_path / "a.jsonl"
    src.write_text(portal_line("5.1") + "\n" + portal_line("5.2") + "\n", encoding="utf-8")
    import_portal_files(sqlite_engine, [src])
    again = import_portal_files(sqlite_engine, [src])
    assert (again.read, again.unchanged, again.created) == (2, 2, 0)
    src.write_text((portal_line("5.1") + "\n") * 2, encoding="utf-8")
    import pytest

    from catalogue.registry.errors import ImportFailed

    with pytest.raises(ImportFailed) as err:
        import_portal_files(sqlite_engine, [src])
    assert [(p.line, p.field) for p in err.value.problems] == [(2, "ma_thu_tuc")]
    assert "same line as line 1" in err.value.problems[0].message
