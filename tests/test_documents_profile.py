"""The organisation profile: admin only, audited, and refused by name when incomplete."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from catalogue.documents import profile as pr
from catalogue.registry.db import make_engine, session_scope, upgrade
from catalogue.registry.errors import PermissionDenied
from catalogue.registry.models import AuditLog
from tests.cli_auth import invoke
from tests.workflow_support import seed


def test_set_is_audited_and_partial(engine):
    seed(engine)
    with session_scope(engine) as s:
        pr.set_profile(session=s, actor="adam", province="Bình An", chair="  Nguyễn  Văn An ")
    with session_scope(engine) as s:
        pr.set_profile(session=s, actor="adam", vice_chairs=["Trần Văn Bình"])
        got = pr.get_profile(session=s)
        audit = s.exec(select(AuditLog).where(AuditLog.action == "profile.set")).all()
    assert (got.province, got.chair, got.vice_chairs) == (
        "Bình An",
        "Nguyễn Văn An",
        ("Trần Văn Bình",),
    )
    assert [a.actor for a in audit] == ["adam", "adam"]
    assert audit[1].before["chair"] == "Nguyễn Văn An" and audit[1].after["vice_chairs"] == [
        "Trần Văn Bình"
    ]
    with pytest.raises(PermissionDenied, match="profile.edit"):
        with session_scope(engine) as s:
            pr.set_profile(session=s, actor="ruth", place="X")


def test_missing_values_are_named(engine):
    seed(engine)
    with session_scope(engine) as s:
        with pytest.raises(pr.ProfileIncomplete) as empty:
            pr.require_profile(session=s)
        for words in ("tên tỉnh", "--province", "họ tên Chủ tịch", "--chair", "nơi nhận mặc định"):
            assert words in str(empty.value)
        pr.set_profile(session=s, actor="adam", province="Bình An", place="Bình An")
        with pytest.raises(pr.ProfileIncomplete) as partial:
            pr.require_profile(session=s, needs=("province", "place", "authority"))
        assert "--authority" in str(partial.value) and "--province" not in str(partial.value)


def test_signature_forms():
    p = pr.Profile(authority="Ủy ban nhân dân tỉnh Bình An", chair="Nguyễn Văn An",
                   vice_chairs=("Trần Văn Bình",))  # fmt: skip
    assert p.signature("Nguyễn Văn An").lines == ("CHỦ TỊCH",)
    assert p.signature("Trần Văn Bình").lines == ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")
    assert p.signature("Trần Văn Bình", collective=True).lines == (
        "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")  # fmt: skip
    assert p.signature().name == "Nguyễn Văn An"
    with pytest.raises(pr.ProfileIncomplete, match="Người ký 'Lê Văn X'"):
        p.signature("Lê Văn X")
    assert p.issuer_lines == ("ỦY BAN NHÂN DÂN", "TỈNH BÌNH AN")
    assert p.chair_title.upper() == "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH BÌNH AN"


def test_cli_set_and_show(tmp_path):
    db = f"sqlite:///{tmp_path / 'p.sqlite'}"
    engine = make_engine(db)
    upgrade(engine)
    seed(engine)
    engine.dispose()
    done = invoke(["profile", "set", "--province", "Bình An", "--vice-chair", "A",
                               "--vice-chair", "B", "--as", "adam", "--db", db])  # fmt: skip
    assert done.exit_code == 0, done.output
    shown = invoke(["profile", "show", "--json", "--db", db])
    data = json.loads(shown.stdout)
    assert data["province"] == "Bình An" and data["vice_chairs"] == ["A", "B"]
    assert data["chair"] is None
    refused = invoke(["profile", "set", "--place", "X", "--as", "ruth", "--db", db])
    assert refused.exit_code == 1 and "profile.edit" in refused.output
    assert invoke(["profile", "set", "--db", db]).exit_code == 2
    text = invoke(["profile", "show", "--db", db]).stdout
    assert "tên tỉnh: Bình An" in text and "họ tên Chủ tịch: (chưa đặt)" in text


def test_demo_loads_the_bình_an_profile(tmp_path, monkeypatch):
    from catalogue.sources.service import load_demo_if_empty

    monkeypatch.setenv("TTHC_DEMO", "1")
    engine = make_engine(f"sqlite:///{tmp_path / 'demo.sqlite'}")
    upgrade(engine)
    load_demo_if_empty(engine)
    with session_scope(engine) as s:
        profile = pr.require_profile(session=s)
    engine.dispose()
    assert profile.province == "Bình An" and profile.authority == "Ủy ban nhân dân tỉnh Bình An"
    assert profile.signature(profile.vice_chairs[0]).lines[0] == "KT. CHỦ TỊCH"
