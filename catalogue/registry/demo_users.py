"""Demo accounts, one per role, for the dashboard's demo data and for trying the workflow.

The passwords are public on purpose (they are printed in the README and on the sign-in
page of a demo database); never use them on a real deployment.

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
from catalogue.registry.models import User

# username → (password, role, full name)
DEMO_USERS: dict[str, tuple[str, str, str]] = {
    "reviewer": ("reviewer-demo", "reviewer", "Cán bộ kiểm soát TTHC (demo)"),
    "chair": ("chair-demo-1", "chair", "Chủ tịch UBND tỉnh (demo)"),
    "analyst": ("analyst-demo", "analyst", "Chuyên viên phân tích (demo)"),
    "admin": ("admin-demo-1", "admin", "Quản trị hệ thống (demo)"),
}


def create_demo_users(*, session: Session) -> list[str]:
    """Add the missing demo accounts in ``session``; returns the names created."""
    existing = set(session.exec(select(User.username)))
    created = []
    for username, (password, role, full_name) in DEMO_USERS.items():
        if username in existing:
            continue
        user = User(
            username=username,
            role=role,
            full_name=full_name,
            password_hash=hash_password(password),
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
