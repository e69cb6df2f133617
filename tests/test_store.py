"""Storing records: create, unchanged re-import, revisions, all-or-nothing; both back-ends."""

from __future__ import annotations

import copy

import pytest
from sqlalchemy import func, select

from catalogue.registry.errors import ImportFailed
from catalogue.registry.models import AuditLog, Procedure, Revision, Volume
from catalogue.registry.store import import_records, load_records, revision_history
from catalogue.sources.service import import_files
from tests.factories import make_record


def count(engine, model) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model.__table__)).scalar_one()


def test_records_round_trip_through_the_tables(engine):
    recs = [make_record(), make_record("2.000002", "Đăng ký khai sinh", levels=["commune"])]
    summary = import_records(engine, recs, source="test")
    assert (summary.created, summary.updated, summary.unchanged) == (2, 0, 0)
    with engine.connect() as conn:
        back = load_records(conn)
    assert back == sorted(recs, key=lambda r: r["code"])


def test_reimport_changes_nothing(engine):
    recs = [make_record()]
    import_records(engine, recs, source="a")
    summary = import_records(engine, copy.deepcopy(recs), source="a")
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 1)
    assert count(engine, Revision) == 1
    assert count(engine, AuditLog) == 2  # every import is audited, even one that changes nothing
    with engine.connect() as conn:
        last = conn.execute(select(AuditLog.after).order_by(AuditLog.id.desc())).scalars().first()
    assert (last["created"], last["updated"], last["unchanged"]) == (0, 0, 1)


def test_changed_record_gets_new_revision_with_changed_fields(engine):
    rec = make_record()
    import_records(engine, [rec], source="v1")
    changed = copy.deepcopy(rec)
    changed["channels"][0]["fees"][0]["amount"] = 10000
    summary = import_records(engine, [changed], source="v2")
    assert summary.updated == 1
    with engine.connect() as conn:
        pid = conn.execute(select(Procedure.id)).scalar_one()
        history = revision_history(conn, pid)
        stored = load_records(conn)[0]
    assert [h["number"] for h in history] == [1, 2]
    assert history[1]["changed_fields"] == ["channels"]
    assert history[0]["snapshot"]["channels"][0]["fees"][0]["amount"] == 8000
    assert stored["channels"][0]["fees"][0]["amount"] == 10000


def test_same_code_at_other_level_or_agency_is_another_procedure(engine):
    a = make_record(levels=["province"], agency="Sở Tư pháp")
    b = make_record(levels=["commune"], agency="UBND cấp xã")
    summary = import_records(engine, [a, b], source="t")
    assert summary.created == 2


def test_volumes_merge_by_year_and_survive_reimport_without_them(engine):
    rec = make_record()
    import_records(engine, [rec], source="t")
    no_volumes = copy.deepcopy(rec)
    no_volumes["volumes"] = []
    import_records(engine, [no_volumes], source="t")
    assert count(engine, Volume) == 1


def test_bad_file_leaves_database_exactly_as_before(engine, tmp_path):
    import yaml

    good = tmp_path / "good.yaml"
    good.write_text(
        yaml.safe_dump(
            {"format": "tthc-catalogue/1", "procedures": [make_record()]}, allow_unicode=True
        ),
        encoding="utf-8",
    )
    import_files(engine, [good])
    before = count(engine, Procedure), count(engine, Revision), count(engine, AuditLog)
    bad_rec = make_record("9.9", "Thủ tục hỏng", levels=["galaxy"])
    bad_rec["channels"][0]["fees"][0]["amount"] = -5
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        yaml.safe_dump(
            {"format": "tthc-catalogue/1", "procedures": [make_record("8.8"), bad_rec]},
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    with pytest.raises(ImportFailed) as err:
        import_files(engine, [good, bad])
    fields = {p.field for p in err.value.problems}
    assert fields == {"levels[0]", "channels[0].fees[0].amount"}
    assert all(p.file.endswith("bad.yaml") and p.line is not None for p in err.value.problems)
    after = count(engine, Procedure), count(engine, Revision), count(engine, AuditLog)
    assert after == before


def test_changed_volume_of_a_known_year_is_updated(engine):
    rec = make_record()
    import_records(engine, [rec], source="t")
    newer = copy.deepcopy(rec)
    newer["volumes"][0]["received"] = 2000
    newer["volumes"].append({**newer["volumes"][0], "year": 2025, "received": 3000})
    import_records(engine, [newer], source="t")
    with engine.connect() as conn:
        rows = dict(conn.execute(select(Volume.year, Volume.received)).all())
    assert rows == {2024: 2000, 2025: 3000}
