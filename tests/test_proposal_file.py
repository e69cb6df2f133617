"""The chair's file for each waiting proposal (issue 12 item 6), against hand-written text.

The seed's "Đăng ký khai sinh" (tests/factories.py) is served directly in 5 and online in
3 working days; the amend option of tests/workflow_support.py removes the copy of the ID
and cuts the deadline to 2 days, with figures typed by hand (1.000.000 → 400.000 đ).
"""

from __future__ import annotations

import pytest

from catalogue import cycle as wf
from catalogue.registry.db import session_scope
from catalogue.registry.errors import PermissionDenied
from tests.workflow_support import draft_plan, seed


def _submitted(engine):
    world = seed(engine)
    ids = draft_plan(engine, world)
    with session_scope(engine) as s:
        wf.submit_plan(session=s, actor=world["users"]["reviewer"], plan_id=ids["plan"])
    return world, ids


def test_the_file_shows_every_change_in_words_with_the_figures(engine):
    world, ids = _submitted(engine)
    with session_scope(engine) as s:
        files = {
            f["proposal_id"]: f for f in wf.proposal_files(session=s, actor=world["users"]["chair"])
        }
    assert set(files) == {ids[k] for k in ("amend", "abolish", "keep", "replace", "reject")}
    amend = files[ids["amend"]]
    assert (amend["plan_name"], amend["plan_year"], amend["code"]) == (
        "Phương án 2026", 2026, "1.000001",
    )  # fmt: skip
    assert amend["changes"] == [
        "Thành phần hồ sơ: bỏ «Bản sao giấy tờ tùy thân» — lý do: Khai thác Cơ sở dữ liệu "
        "quốc gia về dân cư",
        "Thời hạn giải quyết (trực tiếp): từ 5 ngày làm việc xuống 2 ngày làm việc; "
        "(trực tuyến): từ 3 ngày làm việc xuống 2 ngày làm việc — lý do: Rút ngắn thời hạn "
        "giải quyết",
    ]
    # typed figures: 1.000.000 − 400.000 = 600.000 đ saved, 600.000 / 1.000.000 = 60 %
    assert (amend["cost_before"], amend["cost_after"], amend["savings"]) == (
        1_000_000, 400_000, 600_000,
    )  # fmt: skip
    assert amend["cut_rate"] == pytest.approx(60.0)
    assert (amend["deadline_before"], amend["deadline_after"]) == (5, 2)
    assert amend["review_conclusion"] is None  # no review form in this world
    replace = files[ids["replace"]]
    assert replace["replacement"] == "1.000005 Thủ tục thay thế mới"
    assert replace["changes"] == []
    abolish = files[ids["abolish"]]
    assert (abolish["reason"], abolish["legal_change"]) == (
        "-Không còn cần thiết",
        "@Bãi bỏ Điều 7",
    )


def test_only_waiting_proposals_are_in_the_file_and_reading_needs_a_role(engine):
    world, ids = _submitted(engine)
    chair = world["users"]["chair"]
    with session_scope(engine) as s:
        wf.decide_proposal(session=s, actor=chair, proposal_id=ids["amend"], verdict="approve")
    with session_scope(engine) as s:
        waiting = [f["proposal_id"] for f in wf.proposal_files(session=s, actor=chair)]
    assert ids["amend"] not in waiting and len(waiting) == 4
    with pytest.raises(PermissionDenied), session_scope(engine) as s:
        wf.proposal_files(session=s, actor="nobody")
