"""Users, scrypt password hashes and the demo accounts."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from catalogue.registry import auth
from catalogue.registry.db import session_scope
from catalogue.registry.demo_users import DEMO_USERS, ensure_demo_users
from catalogue.registry.errors import PermissionDenied, ServiceError
from catalogue.registry.models import AuditLog, User


def test_hash_is_salted_scrypt_and_verifies():
    first = auth.hash_password("mat-khau-123", n=16)
    second = auth.hash_password("mat-khau-123", n=16)
    assert first.startswith("scrypt$16$8$1$")
    assert first != second  # a fresh salt each time
    assert auth.verify_password("mat-khau-123", first)
    assert auth.verify_password("mat-khau-123", second)
    assert not auth.verify_password("mat-khau-124", first)
    assert "mat-khau" not in first


@pytest.mark.parametrize(
    "stored", ["", "plain", "md5$x$y", "scrypt$16$8$1$!!$??", "scrypt$a$b$c$d$e"]
)
def test_malformed_hash_never_verifies(stored):
    assert not auth.verify_password("anything", stored)


def test_default_cost_is_owasp_minimum(real_scrypt_cost):
    stored = auth.hash_password("mat-khau-123")
    # OWASP password storage cheat sheet: scrypt N=2^17, r=8, p=1 at least.
    assert stored.split("$")[1:4] == ["131072", "8", "1"]


def test_first_user_must_be_admin_then_only_admins_add_users(engine):
    with pytest.raises(PermissionDenied, match="first account must be an admin"):
        with session_scope(engine) as s:
            auth.create_user(
                session=s, actor=None, username="ruth", role="reviewer", password="x" * 12
            )
    with session_scope(engine) as s:
        auth.create_user(
            session=s, actor=None, username="adam", role="admin", password="quan-tri-1234"
        )
    with session_scope(engine) as s:
        auth.create_user(
            session=s, actor="adam", username="ruth", role="reviewer", password="ra-soat-12345"
        )
    with pytest.raises(PermissionDenied, match="may not perform 'user.manage'"):
        with session_scope(engine) as s:
            auth.create_user(session=s, actor="ruth", username="x", role="chair", password="x" * 12)
    with pytest.raises(PermissionDenied, match="sign in"):
        with session_scope(engine) as s:
            auth.create_user(session=s, actor=None, username="x", role="chair", password="x" * 12)
    bad = [
        ({"username": "ruth", "role": "chair", "password": "x" * 12}, "already exists"),
        ({"username": "RUTH", "role": "chair", "password": "x" * 12}, "already exists"),
        ({"username": "ru\u200bth", "role": "chair", "password": "x" * 12}, "invisible"),
        ({"username": " y", "role": "chair", "password": "x" * 12}, "invisible or space"),
        ({"username": "rüth", "role": "chair", "password": "x" * 12}, "looks like"),
        ({"username": "ad4m", "role": "chair", "password": "x" * 12}, None),  # allowed
        ({"username": "adarn", "role": "chair", "password": "x" * 12}, "looks like"),
        ({"username": "y", "role": "king", "password": "x" * 12}, "unknown role"),
        ({"username": "y", "role": "chair", "password": "mười-một-kt"}, "at least 12"),
        ({"username": "y", "role": "chair", "password": " " * 12}, "only spaces"),
    ]
    for kwargs, message in bad:
        if message is None:
            with session_scope(engine) as s:
                auth.create_user(session=s, actor="adam", **kwargs)
            continue
        with pytest.raises(ServiceError, match=message):
            with session_scope(engine) as s:
                auth.create_user(session=s, actor="adam", **kwargs)
    with session_scope(engine) as s:
        users = {u.username: u.role for u in s.exec(select(User))}
        audit = [a.after["username"] for a in s.exec(select(AuditLog)) if a.action == "user.create"]
    assert users == {"adam": "admin", "ruth": "reviewer", "ad4m": "chair"}
    assert audit == ["adam", "ruth", "ad4m"]


def test_user_names_are_stored_normalised_and_signed_in_case_blind(sqlite_engine):
    with session_scope(sqlite_engine) as s:
        # "Đào" written with a combining grave accent (NFD) and capitals.
        auth.create_user(
            session=s, actor=None, username="Đa\u0300o", role="admin", password="quan-tri-1234"
        )
    with session_scope(sqlite_engine) as s:
        assert [u.username for u in s.exec(select(User))] == ["đào"]
        assert auth.authenticate(session=s, username="ĐÀO", password="quan-tri-1234") is not None


def _two_users(engine):
    with session_scope(engine) as s:
        auth.create_user(
            session=s, actor=None, username="adam", role="admin", password="quan-tri-1234"
        )
        auth.create_user(
            session=s, actor="adam", username="chau", role="chair", password="phe-duyet-123"
        )


def test_authenticate_deactivate_role_and_passwords(sqlite_engine):
    _two_users(sqlite_engine)
    with session_scope(sqlite_engine) as s:
        assert (
            auth.authenticate(session=s, username="chau", password="phe-duyet-123").role == "chair"
        )
        assert auth.authenticate(session=s, username="chau", password="sai-mat-khau") is None
        assert auth.authenticate(session=s, username="nobody", password="phe-duyet-123") is None
        auth.set_user_active(session=s, actor="adam", username="chau", active=False)
    with session_scope(sqlite_engine) as s:
        assert auth.authenticate(session=s, username="chau", password="phe-duyet-123") is None
        with pytest.raises(PermissionDenied, match="no active user"):
            auth.require(session=s, actor="chau", action="plan.approve")
        auth.set_user_active(session=s, actor="adam", username="chau", active=True)
        auth.set_role(session=s, actor="adam", username="chau", role="analyst")
    with pytest.raises(PermissionDenied, match="old password is wrong"):
        with session_scope(sqlite_engine) as s:
            auth.change_password(
                session=s, actor="chau", old_password="doan-bua-1234", password="mat-khau-moi-1"
            )
    with session_scope(sqlite_engine) as s:
        auth.change_password(
            session=s, actor="chau", old_password="phe-duyet-123", password="mat-khau-moi-1"
        )
    with session_scope(sqlite_engine) as s:
        assert auth.authenticate(session=s, username="chau", password="mat-khau-moi-1") is not None
        with pytest.raises(PermissionDenied):
            auth.reset_password(session=s, actor="chau", username="adam", password="chiem-quyen-1")
        with pytest.raises(ServiceError, match="last active admin"):
            auth.set_user_active(session=s, actor="adam", username="adam", active=False)
        with pytest.raises(ServiceError, match="last active admin"):
            auth.set_role(session=s, actor="adam", username="adam", role="chair")
        auth.reset_password(session=s, actor="adam", username="chau", password="dat-lai-12345")
    with session_scope(sqlite_engine) as s:
        assert auth.list_users(session=s, actor="adam") == [
            {"username": "adam", "role": "admin", "active": True, "full_name": None},
            {"username": "chau", "role": "analyst", "active": True, "full_name": None},
        ]
        actions = [a.action for a in s.exec(select(AuditLog).order_by(AuditLog.id))]
    assert actions == [
        "user.create", "user.create", "auth.sign_in", "auth.failed", "auth.failed",
        "user.deactivate", "auth.failed", "user.activate", "user.role", "user.password",
        "auth.sign_in", "user.password_reset",
    ]  # fmt: skip


def test_failed_sign_ins_lock_the_account_for_the_window(engine, monkeypatch):
    _two_users(engine)
    for _ in range(5):
        with session_scope(engine) as s:
            assert auth.authenticate(session=s, username="chau", password="doan-bua-1234") is None
    # The sixth attempt is refused even with the right password, and says how long to wait.
    with pytest.raises(auth.SignInLocked, match=r"try again in (1[0-6]|[1-9]) min"):
        with session_scope(engine) as s:
            auth.authenticate(session=s, username="chau", password="phe-duyet-123")
    # Another account is not affected.
    with session_scope(engine) as s:
        assert auth.authenticate(session=s, username="adam", password="quan-tri-1234")
    # 16 minutes later (the clock moved on: the history itself is append-only), the right
    # password works again.
    from datetime import timedelta

    later = auth._now() + timedelta(minutes=16)
    monkeypatch.setattr(auth, "_now", lambda: later)
    with session_scope(engine) as s:
        assert auth.authenticate(session=s, username="chau", password="phe-duyet-123")
        failed = s.exec(select(AuditLog).where(AuditLog.action == "auth.failed")).all()
    assert [(a.entity_id, a.actor) for a in failed] == [("chau", "chau")] * 5


def test_old_hash_is_upgraded_at_sign_in(sqlite_engine, real_scrypt_cost):
    with session_scope(sqlite_engine) as s:
        s.add(
            User(
                username="cu",
                role="admin",
                password_hash=auth.hash_password("cu-mat-khau-1", n=2**14),
            )
        )
    with session_scope(sqlite_engine) as s:
        assert auth.authenticate(session=s, username="cu", password="cu-mat-khau-1")
    with session_scope(sqlite_engine) as s:
        stored = s.exec(select(User)).one().password_hash
    assert stored.split("$")[1] == "131072"
    with session_scope(sqlite_engine) as s:
        assert auth.authenticate(session=s, username="cu", password="cu-mat-khau-1")


def test_sessions_expire_revoke_and_end_with_deactivation(engine):
    from datetime import timedelta

    from catalogue.registry import sessions

    _two_users(engine)
    with session_scope(engine) as s:
        token = sessions.open_session(session=s, username="chau")
        short = sessions.open_session(session=s, username="chau", lifetime=timedelta(0))
        other = sessions.open_session(session=s, username="chau")
    with session_scope(engine) as s:
        assert sessions.session_user(session=s, token=token).username == "chau"
        assert sessions.session_user(session=s, token=short) is None  # expired
        nonce, _ = token.split(".")
        assert sessions.session_user(session=s, token=nonce + ".forged") is None
        assert sessions.session_user(session=s, token="garbage") is None
        sessions.close_session(session=s, token=token)
    with session_scope(engine) as s:
        assert sessions.session_user(session=s, token=token) is None  # signed out
        assert sessions.session_user(session=s, token=other).username == "chau"
        auth.set_user_active(session=s, actor="adam", username="chau", active=False)
    with session_scope(engine) as s:
        assert sessions.session_user(session=s, token=other) is None  # deactivated
        auth.set_user_active(session=s, actor="adam", username="chau", active=True)
    with session_scope(engine) as s:
        assert sessions.session_user(session=s, token=other) is None  # revoked for good


def test_demo_users_one_per_role(engine):
    assert sorted(ensure_demo_users(engine)) == sorted(DEMO_USERS)
    assert ensure_demo_users(engine) == []  # idempotent
    with session_scope(engine) as s:
        for username, (password, role, _) in DEMO_USERS.items():
            user = auth.authenticate(session=s, username=username, password=password)
            assert user is not None and user.role == role
    assert sorted(role for _, role, _ in DEMO_USERS.values()) == sorted(auth.ROLES)


def test_matrix_is_data_over_known_roles_and_actions():
    assert set(auth.PERMISSIONS) == set(auth.ROLES)
    for actions in auth.PERMISSIONS.values():
        assert actions <= set(auth.ACTIONS)
    with pytest.raises(ValueError):
        auth.allowed("chair", "launch.rocket")
    assert not auth.allowed("intruder", "workflow.read")


# --- the CLI: accounts, authenticated commands, demo only in a demo database ----------


def _cli(args, **env):
    from typer.testing import CliRunner

    from catalogue.cli import build_app

    return CliRunner().invoke(build_app(), [str(a) for a in args], env=env)


def test_cli_user_management_authenticates_every_step(tmp_path):
    db = f"sqlite:///{tmp_path / 'users.sqlite'}"
    admin = {"TTHC_USER": "adam", "TTHC_PASSWORD": "quan-tri-1234"}
    assert _cli(["user", "add", "adam", "--role", "admin", "--password", "x" * 12, "--db", db]
                ).exit_code == 2  # fmt: skip  # no password on the command line
    first = _cli(["user", "add", "Adam", "--role", "admin", "--db", db],
                 TTHC_NEW_PASSWORD="quan-tri-1234")  # fmt: skip
    assert first.exit_code == 0, first.output
    # The second account needs an authenticated admin: a bare --as is not enough.
    bare = _cli(["user", "add", "chau", "--role", "chair", "--as", "adam", "--db", db],
                TTHC_NEW_PASSWORD="phe-duyet-123", TTHC_PASSWORD="doan-bua-1234")  # fmt: skip
    assert bare.exit_code == 1 and "wrong user name or password" in bare.output
    added = _cli(["user", "add", "chau", "--role", "chair", "--db", db],
                 TTHC_NEW_PASSWORD="phe-duyet-123", **admin)  # fmt: skip
    assert added.exit_code == 0, added.output
    weak = _cli(["user", "add", "lan", "--role", "analyst", "--db", db],
                TTHC_NEW_PASSWORD=" " * 12, **admin)  # fmt: skip
    assert weak.exit_code == 1 and "only spaces" in weak.output
    assert _cli(["user", "role", "chau", "--role", "analyst", "--db", db], **admin).exit_code == 0
    assert _cli(["user", "deactivate", "chau", "--db", db], **admin).exit_code == 0
    listed = _cli(["user", "list", "--json", "--db", db], **admin)
    assert json.loads(listed.stdout) == [
        {"name": "adam", "role": "admin", "active": True},
        {"name": "chau", "role": "analyst", "active": False},
    ]
    chau = {"TTHC_USER": "chau", "TTHC_PASSWORD": "phe-duyet-123"}
    assert _cli(["user", "list", "--db", db], **chau).exit_code == 1  # inactive: no sign-in
    assert _cli(["user", "reactivate", "chau", "--db", db], **admin).exit_code == 0
    refused = _cli(["user", "list", "--db", db], **chau)
    assert refused.exit_code == 1 and "may not perform 'user.manage'" in refused.output
    reset = _cli(["user", "reset-password", "chau", "--db", db],
                 TTHC_NEW_PASSWORD="dat-lai-12345", **admin)  # fmt: skip
    assert reset.exit_code == 0
    chau["TTHC_PASSWORD"] = "dat-lai-12345"
    own = _cli(["user", "passwd", "--db", db], TTHC_NEW_PASSWORD="cua-toi-12345", **chau)
    assert own.exit_code == 0, own.output
    wrong_old = _cli(["user", "passwd", "--db", db], TTHC_NEW_PASSWORD="x" * 12, **chau)
    assert wrong_old.exit_code == 1  # the old password is no longer dat-lai-12345
    # Imports need the authenticated admin too, once the database has accounts.
    src = tmp_path / "c.yaml"
    src.write_text("format: tthc-catalogue/1\nprocedures: []\n", encoding="utf-8")
    anonymous = _cli(["import", src, "--db", db])
    assert anonymous.exit_code == 2 and "TTHC_USER" in anonymous.output
    assert _cli(["import", src, "--db", db], **admin).exit_code == 0
    with session_scope(_engine(db)) as s:
        actions = [a.action for a in s.exec(select(AuditLog).order_by(AuditLog.id))]
    assert actions.count("auth.failed") == 3  # bare --as, inactive chau, wrong old password
    assert actions.count("auth.sign_in") >= 9


def _engine(db):
    from catalogue.sources.service import open_catalogue

    return open_catalogue(db)


def test_demo_never_enters_a_database_with_real_accounts(tmp_path, monkeypatch):
    from catalogue.registry.demo_users import is_demo

    real = f"sqlite:///{tmp_path / 'real.sqlite'}"
    assert _cli(["user", "add", "adam", "--role", "admin", "--db", real],
                TTHC_NEW_PASSWORD="quan-tri-1234").exit_code == 0  # fmt: skip
    refused = _cli(["demo", "--db", real])
    assert "Nothing loaded" in refused.output
    with pytest.raises(ServiceError, match="only in a database created for the demo"):
        ensure_demo_users(_engine(real))
    with session_scope(_engine(real)) as s:
        assert [u.username for u in s.exec(select(User))] == ["adam"]
    assert not is_demo(_engine(real))
    # The dashboard's engine, without demo mode, leaves a fresh database empty...
    monkeypatch.delenv("TTHC_DEMO", raising=False)
    from ui.state import core

    fresh = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    with session_scope(core.engine_at(fresh)) as s:
        assert s.exec(select(User)).all() == []
    # ...and `tthc demo` makes a demo database of an unused one.
    demo = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    assert "Demo users" in _cli(["demo", "--db", demo]).output
    assert is_demo(_engine(demo))
    with session_scope(_engine(demo)) as s:
        assert sorted(u.username for u in s.exec(select(User))) == sorted(DEMO_USERS)
