"""Users, password hashes and roles: who may do what, enforced by the services.

Passwords are hashed with ``hashlib.scrypt`` and a random 16-byte salt per user; the
stored string carries its own cost parameters (``scrypt$n$r$p$salt$hash``) so that they
can be raised later without breaking old hashes.

The permission matrix is data (:data:`PERMISSIONS`, role → allowed actions); services
call :func:`require` with the acting user's name and the action, which raises
:class:`~catalogue.registry.errors.PermissionDenied` with a message in Vietnamese and English.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import secrets

from sqlmodel import Session, select

from catalogue.registry.audit import write_audit
from catalogue.registry.errors import NotFound, PermissionDenied, ServiceError
from catalogue.registry.models import User

# Roles (vai trò) and what each means.
ROLES: dict[str, str] = {
    "reviewer": "Cán bộ kiểm soát TTHC (reviewer): lập và trình phương án",
    "chair": "Lãnh đạo phê duyệt (chair): quyết định, phê duyệt, công bố",
    "analyst": "Chuyên viên phân tích (analyst): xem và xuất báo cáo",
    "admin": "Quản trị (admin): người dùng, nhập dữ liệu, tham số",
}

# Every action a service checks, with a Vietnamese / English label for messages.
ACTIONS: dict[str, str] = {
    "user.manage": "quản lý người dùng (manage users)",
    "catalogue.import": "nhập dữ liệu danh mục (import catalogue data)",
    "parameters.edit": "sửa tham số chi phí (edit cost parameters)",
    "plan.create": "tạo phương án (create a plan)",
    "sheet.edit": "lưu bảng tính chi phí tuân thủ (save a costing sheet)",
    "proposal.add": "thêm đề xuất vào phương án (add a proposal)",
    "proposal.edit": "sửa đề xuất (edit a proposal)",
    "proposal.withdraw": "rút đề xuất (withdraw a proposal)",
    "plan.submit": "trình phương án (submit a plan)",
    "proposal.decide": "quyết định đề xuất (decide a proposal)",
    "plan.approve": "phê duyệt phương án (approve a plan)",
    "decision.publish": "công bố quyết định (publish a decision)",
    "plan.adopt": "ký quyết định thông qua phương án (adopt a phương án)",
    "act.record": "ghi nhận văn bản QPPL (record a legal act)",
    "changes.apply": "áp dụng thay đổi đến ngày hiệu lực (apply changes in force)",
    "scope.edit": "sửa phạm vi liên quan kinh doanh (correct the business scope)",
    "workflow.read": "xem phương án, quyết định (read plans and decisions)",
    "export": "xuất báo cáo, danh mục (export reports and lists)",
    "audit.read": "xem nhật ký (read the audit log)",
    "profile.edit": "sửa hồ sơ cơ quan ban hành văn bản (edit the organisation profile)",
}

_READ = frozenset({"workflow.read", "export"})

# The permission matrix: role → allowed actions. Nobody may edit a published decision
# (that is refused by the service, whatever the role), and nobody holds every power:
# the admin manages users and data but approves nothing.
PERMISSIONS: dict[str, frozenset[str]] = {
    "reviewer": _READ
    | {
        "plan.create",
        "sheet.edit",
        "proposal.add",
        "proposal.edit",
        "proposal.withdraw",
        "plan.submit",
        "act.record",
        "changes.apply",
        "scope.edit",
    },
    "chair": _READ
    | {
        "proposal.decide",
        "plan.approve",
        "plan.adopt",
        "decision.publish",
        "changes.apply",
        "audit.read",
    },
    "analyst": _READ,
    "admin": _READ
    | {
        "user.manage",
        "catalogue.import",
        "parameters.edit",
        "sheet.edit",
        "audit.read",
        "act.record",
        "changes.apply",
        "profile.edit",
    },
}

SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
MIN_PASSWORD_LENGTH = 8


def allowed(role: str, action: str) -> bool:
    """Whether ``role`` may perform ``action`` (unknown roles may do nothing).

    >>> allowed("chair", "plan.approve"), allowed("reviewer", "plan.approve")
    (True, False)
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    return action in PERMISSIONS.get(role, frozenset())


def hash_password(password: str, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    """A salted scrypt hash of ``password`` as ``scrypt$n$r$p$salt$hash`` (base64)."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=0, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${n}${r}${p}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches a hash made by :func:`hash_password` (constant time)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            password.encode("utf-8"),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=64 * 1024 * 1024,
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def get_user(*, session: Session, username: str) -> User:
    """The active user called ``username``; NotFound otherwise."""
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None or not user.active:
        raise NotFound(
            f"Không có người dùng đang hoạt động tên '{username}' (no active user '{username}')"
        )
    return user


def require(*, session: Session, actor: str | None, action: str) -> User:
    """The acting user, if their role allows ``action``; PermissionDenied otherwise."""
    if not actor:
        raise PermissionDenied(
            f"Cần đăng nhập để {ACTIONS[action]} (sign in to perform '{action}')"
        )
    try:
        user = get_user(session=session, username=actor)
    except NotFound as exc:
        raise PermissionDenied(str(exc)) from exc
    if not allowed(user.role, action):
        raise PermissionDenied(
            f"Vai trò '{user.role}' của '{user.username}' không được phép {ACTIONS[action]} "
            f"(role '{user.role}' may not perform '{action}')"
        )
    return user


def authenticate(*, session: Session, username: str, password: str) -> User | None:
    """The user when the name and password match an active account, else None.

    Every attempt is audited in the caller's transaction: ``sign_in`` with the user, or
    ``sign_in.failed`` with the name tried (cut to 100 characters), never the password.
    """
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None or not user.active:
        # Spend the same time as a real check so that names cannot be probed by timing.
        verify_password(password, _dummy_hash())
        ok = False
    else:
        ok = verify_password(password, user.password_hash)
    write_audit(
        session=session,
        actor=user.username if ok else None,
        action="sign_in" if ok else "sign_in.failed",
        entity="user",
        entity_id=user.id if ok else None,
        after={"username": str(username)[:100]},
    )
    return user if ok else None


@functools.cache
def _dummy_hash() -> str:
    """A hash of no real password, used only to equalise timing (see authenticate)."""
    return hash_password(secrets.token_hex(16))


def _user_public(user: User) -> dict:
    return {"username": user.username, "role": user.role, "active": user.active}


def _check_new_user(session: Session, username: str, role: str, password: str) -> None:
    if role not in ROLES:
        raise ServiceError(
            f"Vai trò không hợp lệ '{role}' (unknown role; known: {', '.join(ROLES)})"
        )
    if not username or username != username.strip():
        raise ServiceError("Tên đăng nhập không hợp lệ (invalid user name)")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError(
            f"Mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự "
            f"(password must have at least {MIN_PASSWORD_LENGTH} characters)"
        )
    if session.exec(select(User).where(User.username == username)).first() is not None:
        raise ServiceError(f"Người dùng '{username}' đã tồn tại (user already exists)")


def has_users(*, session: Session) -> bool:
    """Whether any user account exists (the first one may be created without an actor)."""
    return session.exec(select(User.id).limit(1)).first() is not None


def create_user(
    *,
    session: Session,
    actor: str | None,
    username: str,
    role: str,
    password: str,
    full_name: str | None = None,
) -> User:
    """Create a user; needs an admin, except the very first account, which must be admin."""
    if has_users(session=session):
        require(session=session, actor=actor, action="user.manage")
    elif role != "admin":
        raise PermissionDenied(
            "Tài khoản đầu tiên phải có vai trò admin (the first account must be an admin)"
        )
    _check_new_user(session, username, role, password)
    user = User(
        username=username, role=role, password_hash=hash_password(password), full_name=full_name
    )
    session.add(user)
    session.flush()
    write_audit(
        session=session,
        actor=actor or username,
        action="user.create",
        entity="user",
        entity_id=user.id,
        after=_user_public(user),
    )
    return user


def set_user_active(*, session: Session, actor: str, username: str, active: bool) -> User:
    """Activate or deactivate an account (admins only; users are never deleted)."""
    require(session=session, actor=actor, action="user.manage")
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        raise NotFound(f"Không có người dùng '{username}' (no such user)")
    before = _user_public(user)
    user.active = active
    session.add(user)
    session.flush()
    write_audit(
        session=session,
        actor=actor,
        action="user.activate" if active else "user.deactivate",
        entity="user",
        entity_id=user.id,
        before=before,
        after=_user_public(user),
    )
    return user


def set_password(*, session: Session, actor: str, username: str, password: str) -> None:
    """Change a password: the user themself or an admin."""
    if actor != username:
        require(session=session, actor=actor, action="user.manage")
    user = get_user(session=session, username=username)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError(
            f"Mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự "
            f"(password must have at least {MIN_PASSWORD_LENGTH} characters)"
        )
    user.password_hash = hash_password(password)
    session.add(user)
    session.flush()
    write_audit(
        session=session,
        actor=actor,
        action="user.password",
        entity="user",
        entity_id=user.id,
    )
