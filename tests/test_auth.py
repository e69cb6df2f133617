"""Users, scrypt password hashes and the demo accounts."""

from __future__ import annotations

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


def test_default_cost_is_the_standard_one():
    stored = auth.hash_password("mat-khau-123")
    assert stored.split("$")[1:4] == [str(2**14), "8", "1"]


def test_first_user_must_be_admin_then_only_admins_add_users(engine):
    with pytest.raises(PermissionDenied, match="first account must be an admin"):
        with session_scope(engine) as s:
            auth.create_user(
                session=s, actor=None, username="ruth", role="reviewer", password="x" * 8
            )
    with session_scope(engine) as s:
        auth.create_user(
            session=s, actor=None, username="adam", role="admin", password="quan-tri-1"
        )
    with session_scope(engine) as s:
        auth.create_user(
            session=s, actor="adam", username="ruth", role="reviewer", password="ra-soat-1"
        )
    with pytest.raises(PermissionDenied, match="may not perform 'user.manage'"):
        with session_scope(engine) as s:
            auth.create_user(session=s, actor="ruth", username="x", role="chair", password="x" * 8)
    with pytest.raises(PermissionDenied, match="sign in"):
        with session_scope(engine) as s:
            auth.create_user(session=s, actor=None, username="x", role="chair", password="x" * 8)
    bad = [
        ({"username": "ruth", "role": "chair", "password": "x" * 8}, "already exists"),
        ({"username": "y", "role": "king", "password": "x" * 8}, "unknown role"),
        ({"username": "y", "role": "chair", "password": "short"}, "at least 8"),
        ({"username": " y", "role": "chair", "password": "x" * 8}, "invalid user name"),
    ]
    for kwargs, message in bad:
        with pytest.raises(ServiceError, match=message):
            with session_scope(engine) as s:
                auth.create_user(session=s, actor="adam", **kwargs)
    with session_scope(engine) as s:
        users = {u.username: u.role for u in s.exec(select(User))}
        audit = [a.after["username"] for a in s.exec(select(AuditLog)) if a.action == "user.create"]
    assert users == {"adam": "admin", "ruth": "reviewer"}
    assert audit == ["adam", "ruth"]


def test_authenticate_and_deactivate(sqlite_engine):
    with session_scope(sqlite_engine) as s:
        auth.create_user(
            session=s, actor=None, username="adam", role="admin", password="quan-tri-1"
        )
        auth.create_user(
            session=s, actor="adam", username="chau", role="chair", password="phe-duyet"
        )
    with session_scope(sqlite_engine) as s:
        assert auth.authenticate(session=s, username="chau", password="phe-duyet").role == "chair"
        assert auth.authenticate(session=s, username="chau", password="sai-mat-khau") is None
        assert auth.authenticate(session=s, username="nobody", password="phe-duyet") is None
        auth.set_user_active(session=s, actor="adam", username="chau", active=False)
    with session_scope(sqlite_engine) as s:
        assert auth.authenticate(session=s, username="chau", password="phe-duyet") is None
        with pytest.raises(PermissionDenied, match="no active user"):
            auth.require(session=s, actor="chau", action="plan.approve")
        auth.set_user_active(session=s, actor="adam", username="chau", active=True)
        auth.set_password(session=s, actor="chau", username="chau", password="mat-khau-moi")
    with session_scope(sqlite_engine) as s:
        assert auth.authenticate(session=s, username="chau", password="mat-khau-moi") is not None
        with pytest.raises(PermissionDenied):
            auth.set_password(session=s, actor="chau", username="adam", password="chiem-quyen")
        actions = [
            a.action
            for a in s.exec(select(AuditLog).order_by(AuditLog.id))
            if not a.action.startswith("sign_in")  # sign-ins: tests/test_history_protection.py
        ]
    assert actions == [
        "user.create", "user.create", "user.deactivate", "user.activate", "user.password",
    ]  # fmt: skip


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
