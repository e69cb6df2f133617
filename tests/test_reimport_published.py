"""A re-import of a source never undoes what a published decision changed (both back-ends).

Before this, re-importing the record of an amended procedure with one extra space in a
document's name brought back the document the decision removed and reset the decision
number, reporting "updated 1".
"""

from __future__ import annotations

import copy

from sqlmodel import Session

from catalogue.registry.models import Procedure
from catalogue.registry.store import import_records, load_records
from tests.factories import make_record
from tests.workflow_support import DEFAULT_SPECS, published_plan, seed


def _amended_source() -> dict:
    return make_record(**copy.deepcopy(DEFAULT_SPECS[0]))


def _stored(engine, pid: int) -> dict:
    with engine.connect() as conn:
        return load_records(conn, ids=[pid], with_ids=True)[pid]


def test_extra_space_in_a_removed_document_does_not_bring_it_back(engine):
    world = seed(engine)
    published_plan(engine, world)
    pid = world["procedures"][0]
    published = _stored(engine, pid)
    assert [d["name"] for d in published["documents"]] == ["Tờ khai đăng ký khai sinh"]
    source = _amended_source()
    source["documents"][1]["name"] = "Bản sao  giấy tờ tùy thân"  # one extra space
    summary = import_records(engine, [source], source="portal again")
    assert summary.updated == 0 and summary.unchanged == 1
    assert summary.kept == []  # spacing only: nothing for a reviewer to resolve
    after = _stored(engine, pid)
    assert after == published
    assert after["decision"] == "123/QĐ-UBND" and after["status"] == "amended"


def test_a_real_source_change_is_kept_out_and_reported_for_a_reviewer(engine):
    world = seed(engine)
    published_plan(engine, world)
    pid = world["procedures"][0]
    published = _stored(engine, pid)
    source = _amended_source()
    source["channels"][0]["fees"][0]["amount"] = 9000
    source["decision"] = "99/QĐ-BTP"
    summary = import_records(engine, [source], source="portal 2027")
    assert summary.updated == 0
    (kept,) = summary.kept
    assert kept["code"] == "1.000001" and kept["decision"] == "123/QĐ-UBND"
    assert kept["source_changed"] == ["channels", "decision"]
    assert "documents" in kept["differs_from_published"]
    assert _stored(engine, pid) == published


def test_an_abolished_procedure_stays_abolished(engine):
    world = seed(engine)
    published_plan(engine, world)
    pid = world["procedures"][1]
    source = make_record(**copy.deepcopy(DEFAULT_SPECS[1]))
    source["name"] = source["name"] + " (sửa)"
    import_records(engine, [source], source="portal again")
    with Session(engine) as s:
        assert s.get(Procedure, pid).status == "abolished"
