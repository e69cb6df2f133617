"""Review priorities: weights, position scores, explanations, and the database inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sqlmodel import Session, select

from catalogue.onestop.online import set_online_level
from catalogue.onestop.priorities import (
    DEFAULT_WEIGHTS,
    explain,
    parse_weights,
    priority_inputs,
    rank_priorities,
    review_priorities,
)
from catalogue.registry.models import Procedure
from catalogue.registry.store import import_records
from tests.factories import add_users, make_record


def inputs():
    return pd.DataFrame(
        [
            # costly, slow, paper only: first under the default weights
            (1, "1.1", "Đắt", 5e9, 0.02, 6, 20, True),
            # cheap but very often late
            (2, "1.2", "Trễ", 1e7, 0.30, 2, 5, False),
            # middling, unknown late rate (no statistics)
            (3, "1.3", "Vừa", 1e8, np.nan, 4, 10, False),
            # cheapest, never late, fully online: last
            (4, "1.4", "Nhẹ", 1e6, 0.0, 1, 1, False),
        ],
        columns=[
            "procedure_id",
            "code",
            "name",
            "annual_cost",
            "late_rate",
            "documents",
            "deadline_days",
            "no_full_online",
        ],
    )


def test_default_ranking_and_scores():
    ranked = rank_priorities(inputs())
    # 1.3 is second of four on cost, documents and deadline; 1.2 only leads on lateness
    assert ranked["code"].tolist() == ["1.1", "1.3", "1.2", "1.4"]
    assert ranked["rank"].tolist() == [1, 2, 3, 4]
    first = ranked.iloc[0]
    # the largest value of each numeric factor scores 1; late rate 0,02 is 2nd of 3 known
    assert first["score_annual_cost"] == 1 and first["score_late_rate"] == 0.5
    assert first["priority"] == pytest.approx(100 * (0.4 + 0.2 * 0.5 + 0.15 + 0.15 + 0.1))
    assert first["factor_1"] == "annual_cost"
    last = ranked.iloc[-1]
    assert last["priority"] == 0 and last["factor_1"] is None
    # unknown late rate scores 0
    assert ranked.set_index("code").loc["1.3", "score_late_rate"] == 0


def test_weights_change_the_ranking():
    ranked = rank_priorities(inputs(), {"late_rate": 5})
    assert ranked["code"].tolist()[0] == "1.2"
    assert ranked.iloc[0]["factor_1"] == "late_rate"
    only_online = rank_priorities(
        inputs(), dict.fromkeys(DEFAULT_WEIGHTS, 0) | {"no_full_online": 1}
    )
    assert only_online.iloc[0]["code"] == "1.1" and only_online.iloc[0]["priority"] == 100


def test_contributions_add_up_to_the_priority():
    ranked = rank_priorities(inputs(), {"documents": 0.5})
    contrib = ranked[[c for c in ranked if c.startswith("contrib_")]].sum(axis=1) * 100
    assert np.allclose(contrib.round(2), ranked["priority"])


@pytest.mark.parametrize(
    ("items", "message"),
    [
        (["speed=1"], "unknown factor"),
        (["late_rate"], "factor=value"),
        (["late_rate=abc"], "not a number"),
        (["late_rate=-1"], "≥ 0"),
        ([f"{f}=0" for f in DEFAULT_WEIGHTS], "positive"),
    ],
)
def test_bad_weights(items, message):
    with pytest.raises(ValueError, match=message):
        parse_weights(items)


def test_weights_parse_comma_decimals():
    assert parse_weights(["documents=0,5"])["documents"] == 0.5
    assert parse_weights(None) == DEFAULT_WEIGHTS


def test_explanation_names_the_top_factors():
    first = rank_priorities(inputs()).iloc[0].to_dict()
    text = explain(first)
    assert text.startswith("chi phí tuân thủ hằng năm 5 tỷ đồng/năm")
    assert "40 điểm" in text and text.count(";") == 2
    assert "late" not in text
    english = explain(first, lang="en")
    assert english.startswith("yearly compliance cost 5 billion VND/year")


def test_review_priorities_from_the_database(engine):
    paper_only = make_record(
        "1.000009",
        "Thủ tục giấy",
        channels=[
            {
                "kind": "direct",
                "deadline": {"value": 30, "unit": "working_days", "raw": "30"},
                "fees": [],
                "description": None,
                "raw": None,
            }
        ],
    )
    partial = make_record("1.000008", "Thủ tục một phần")
    partial["channels"][1]["description"] = "Dịch vụ công trực tuyến một phần"
    import_records(
        engine,
        [
            make_record("1.000001", "Thủ tục có DVC toàn trình"),
            paper_only,
            partial,
            make_record("1.000007", "Đã bãi bỏ", status="abolished"),
        ],
        source="test",
    )
    # "toàn trình" is a catalogue field, never guessed from the wording of a channel:
    # 1.000001 is full online once a reviewer records it; 1.000008's text says "một phần"
    # (not parsed from a record's description), 1.000009 has no online channel at all.
    assert priority_inputs(engine).set_index("code").loc["1.000001", "no_full_online"]
    add_users(engine, {"lan": "reviewer"})
    with Session(engine) as session:
        pid = session.exec(select(Procedure.id).where(Procedure.code == "1.000001")).one()
        set_online_level(session=session, actor="lan", procedure_id=pid, level="full")
        session.commit()
    frame = priority_inputs(engine).set_index("code")
    assert "1.000007" not in frame.index
    assert frame.loc["1.000001", "no_full_online"] == False  # noqa: E712
    assert frame.loc["1.000009", "no_full_online"] and frame.loc["1.000008", "no_full_online"]
    assert frame.loc["1.000009", "online_level"] == "none"
    assert frame.loc["1.000008", "online_level"] is None
    assert frame.loc["1.000001", "late_rate"] == pytest.approx(30 / 980)
    ranked = review_priorities(engine, top=2, weights=["deadline_days=1"])
    assert len(ranked) == 2 and ranked.iloc[0]["code"] == "1.000009"
    assert "thời hạn giải quyết 30 ngày làm việc" in ranked.iloc[0]["explanation"]
