"""Demo accounts, one per role, for the dashboard's demo data and for trying the workflow.

The passwords are public on purpose (they are printed in the README and on the sign-in
page of a demo database); never use them on a real deployment.

A database is a *demo database* when it was created for the demo: the ``mode`` marker in
``app_meta`` says ``demo``, claimed only while the database had no account and no
procedure. A database that got its first account or procedures otherwise is marked
``real`` (:func:`mark_real`) and never receives the demo catalogue or these accounts.

=========  ===============  =========================================
user       password         role
=========  ===============  =========================================
reviewer   reviewer-demo    reviewer (cán bộ kiểm soát TTHC)
chair      chair-demo-1     chair (lãnh đạo phê duyệt)
analyst    analyst-demo     analyst (chuyên viên phân tích)
admin      admin-demo-1     admin (quản trị)
=========  ===============  =========================================
"""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from catalogue.registry.audit import write_audit
from catalogue.registry.auth import hash_password
from catalogue.registry.db import session_scope
from catalogue.registry.errors import ServiceError
from catalogue.registry.models import AppMeta, Procedure, User

_MODE = "mode"

# username → (password, role, full name)
DEMO_USERS: dict[str, tuple[str, str, str]] = {
    "reviewer": ("reviewer-demo", "reviewer", "Cán bộ kiểm soát TTHC (demo)"),
    "chair": ("chair-demo-1", "chair", "Chủ tịch UBND tỉnh (demo)"),
    "analyst": ("analyst-demo", "analyst", "Chuyên viên phân tích (demo)"),
    "admin": ("admin-demo-1", "admin", "Quản trị hệ thống (demo)"),
}


def database_mode(*, session: Session) -> str | None:
    """``demo``, ``real``, or None for a database nobody has used yet."""
    row = session.get(AppMeta, _MODE)
    return None if row is None else row.text


def _empty(session: Session) -> bool:
    return (
        session.exec(select(User.id).limit(1)).first() is None
        and session.exec(select(Procedure.id).limit(1)).first() is None
    )


def claim_demo(*, session: Session) -> bool:
    """Whether the database is a demo one; an unused, empty one becomes one now."""
    mode = database_mode(session=session)
    if mode is None and _empty(session):
        session.add(AppMeta(key=_MODE, value=0, text="demo"))
        session.flush()
        return True
    return mode == "demo"


def mark_real(*, session: Session) -> None:
    """Mark a database not (yet) marked as a real one: the demo will never be added."""
    if database_mode(session=session) is None:
        session.add(AppMeta(key=_MODE, value=0, text="real"))
        session.flush()


def is_demo(engine: Engine) -> bool:
    """Whether the database was created for the demo (the sign-in page shows the hint)."""
    with session_scope(engine) as session:
        return database_mode(session=session) == "demo"


def create_demo_users(*, session: Session) -> list[str]:
    """Add the missing demo accounts in ``session``; returns the names created.

    Refused (ServiceError) unless the database is a demo one (:func:`claim_demo`).
    """
    if not claim_demo(session=session):
        raise ServiceError(
            "Chỉ cơ sở dữ liệu tạo cho bản demo mới có tài khoản mẫu "
            "(demo accounts exist only in a database created for the demo)"
        )
    existing = set(session.exec(select(User.username)))
    created = []
    for username, (password, role, full_name) in DEMO_USERS.items():
        if username in existing:
            continue
        user = User(
            username=username,
            role=role,
            full_name=full_name,
            # The passwords are public, so their hashes protect nothing: made at a low cost
            # (fast demo start-up), re-made at the current cost at the first sign-in.
            password_hash=hash_password(password, n=2**14),
        )
        session.add(user)
        session.flush()
        write_audit(
            session=session,
            actor="demo",
            action="user.create",
            entity="user",
            entity_id=user.id,
            after={"username": username, "role": role, "active": True},
        )
        created.append(username)
    return created


def ensure_demo_users(engine: Engine) -> list[str]:
    """Create the demo accounts in their own transaction (nothing when they exist)."""
    with session_scope(engine) as session:
        return create_demo_users(session=session)
