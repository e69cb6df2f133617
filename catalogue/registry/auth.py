"""Users, password hashes and roles: who may do what, enforced by the services.

Passwords are hashed with ``hashlib.scrypt`` (N = 2¹⁷, r = 8, p = 1: OWASP's current
minimum) and a random 16-byte salt per user; the stored string carries its own cost
parameters (``scrypt$n$r$p$salt$hash``), so a hash made at a lower cost still verifies
and is re-made at the current cost at the next successful sign-in.

User names are normalised (NFC, case-folded) and refused when they hold invisible or
space characters or look like an existing name (:func:`skeleton`); passwords need at least
12 characters, not all spaces. Sign-ins, successful or not, are audited; after
:data:`MAX_FAILURES` failures within :data:`FAILURE_WINDOW` an account refuses sign-ins
until the window has passed (:class:`SignInLocked`).

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
from datetime import UTC, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from catalogue.registry.audit import write_audit
from catalogue.registry.errors import NotFound, PermissionDenied, ServiceError
from catalogue.registry.models import AuditLog, User
from catalogue.registry.names import (  # noqa: F401 - part of this module's interface
    MAX_USERNAME_LENGTH,
    MIN_PASSWORD_LENGTH,
    check_password,
    normalise_username,
    skeleton,
)

# Roles (vai trò) and what each means.
ROLES: dict[str, str] = {
    "reviewer": "Cán bộ kiểm soát TTHC (reviewer): lập và trình phương án",
    "chair": "Lãnh đạo phê duyệt (chair): quyết định, phê duyệt, công bố",
    "analyst": "Chuyên viên phân tích (analyst): xem và xuất báo cáo",
    "admin": "Quản trị (admin): người dùng, nhập dữ liệu",
}

# Every action a service checks, with a Vietnamese / English label for messages.
ACTIONS: dict[str, str] = {
    "user.manage": "quản lý người dùng (manage users)",
    "catalogue.import": "nhập dữ liệu danh mục (import catalogue data)",
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

# The permission matrix: role → allowed actions. (Cost parameters are not edited through
# the application: they are the dated ``data/parameters/cost.yaml``, reviewed in git.)
# Nobody may edit a published decision
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
        "sheet.edit",
        "audit.read",
        "act.record",
        "changes.apply",
        "profile.edit",
    },
}

SCRYPT_N = 2**17
SCRYPT_R = 8
SCRYPT_P = 1
SCRYPT_MAXMEM = 256 * 1024 * 1024  # 128·r·N bytes = 128 MiB at the current cost
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)


class SignInLocked(PermissionDenied):
    """Too many failed sign-ins for one account: wait before trying again."""


def allowed(role: str, action: str) -> bool:
    """Whether ``role`` may perform ``action`` (unknown roles may do nothing).

    >>> allowed("chair", "plan.approve"), allowed("reviewer", "plan.approve")
    (True, False)
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    return action in PERMISSIONS.get(role, frozenset())


def hash_password(
    password: str, *, n: int | None = None, r: int = SCRYPT_R, p: int = SCRYPT_P
) -> str:
    """A salted scrypt hash of ``password`` as ``scrypt$n$r$p$salt$hash`` (base64), at
    :data:`SCRYPT_N` unless ``n`` is given (read at each call)."""
    n = SCRYPT_N if n is None else n
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=SCRYPT_MAXMEM, dklen=32
    )
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
            maxmem=SCRYPT_MAXMEM,
            dklen=len(expected),
        )
    except (ValueError, TypeError, MemoryError):
        return False
    return hmac.compare_digest(actual, expected)


def needs_rehash(stored: str) -> bool:
    """Whether a stored hash was made below the current cost (re-made at sign-in).

    >>> needs_rehash("scrypt$2$8$1$c2FsdA==$aGFzaA=="), needs_rehash("bcrypt$x")
    (True, True)
    """
    parts = stored.split("$")
    try:
        return parts[0] != "scrypt" or (int(parts[1]), int(parts[2]), int(parts[3])) < (
            SCRYPT_N,
            SCRYPT_R,
            SCRYPT_P,
        )
    except (IndexError, ValueError):
        return True


def _find(session: Session, username: str) -> User | None:
    """The account called ``username`` (compared in canonical form), active or not."""
    try:
        name = normalise_username(username)
    except ServiceError:
        name = username
    found = session.exec(select(User).where(User.username == name)).first()
    if found is None and name != username:  # an account made before names were normalised
        found = session.exec(select(User).where(User.username == username)).first()
    return found


def get_user(*, session: Session, username: str) -> User:
    """The active user called ``username``; NotFound otherwise."""
    user = _find(session, username) if username else None
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


def require_unless_new(*, session: Session, actor: str | None, action: str) -> User | None:
    """Like :func:`require`, except in a database with no account at all (being set up by
    whoever holds the server, who could create the first admin anyway): None then."""
    if not actor and not has_users(session=session):
        return None
    return require(session=session, actor=actor, action=action)


def _now() -> datetime:
    return datetime.now(UTC)


def _recent_failures(session: Session, name: str) -> tuple[int, datetime | None]:
    """Failed sign-ins of ``name`` in the window since its last success, and the oldest."""
    since = _now() - FAILURE_WINDOW
    audit = AuditLog.__table__
    last_ok = session.exec(
        select(func.max(audit.c.at)).where(
            audit.c.action == "auth.sign_in", audit.c.entity_id == name, audit.c.at >= since
        )
    ).first()
    if last_ok is not None:
        since = max(since, _aware(last_ok))
    count, oldest = session.exec(
        select(func.count(), func.min(audit.c.at)).where(
            audit.c.action == "auth.failed", audit.c.entity_id == name, audit.c.at > since
        )
    ).one()
    return int(count), None if oldest is None else _aware(oldest)


def _aware(value: datetime | str) -> datetime:
    if isinstance(value, str):  # SQLite aggregates come back as text
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def authenticate(*, session: Session, username: str, password: str) -> User | None:
    """The user when the name and password match an active account, else None.

    Every attempt is audited (``auth.sign_in`` / ``auth.failed``, the name as entity id);
    after :data:`MAX_FAILURES` failures within :data:`FAILURE_WINDOW` the account refuses
    every attempt with :class:`SignInLocked` until the window has passed. A hash made at
    a lower cost is re-made at the current one.
    """
    try:
        name = normalise_username(username or "")
    except ServiceError:
        name = username or ""
    failures, oldest = _recent_failures(session, name)
    if failures >= MAX_FAILURES:
        wait = max(1, int(((oldest or _now()) + FAILURE_WINDOW - _now()).total_seconds() // 60) + 1)
        raise SignInLocked(
            f"Tài khoản '{name}' tạm khóa sau {failures} lần đăng nhập sai; thử lại sau "
            f"{wait} phút (too many failed sign-ins; try again in {wait} min)"
        )
    user = _find(session, name)
    if user is None or not user.active:
        # Spend the same time as a real check so that names cannot be probed by timing.
        verify_password(password, _dummy_hash())
        ok = False
    else:
        ok = verify_password(password, user.password_hash)
    write_audit(
        session=session,
        actor=name,
        action="auth.sign_in" if ok else "auth.failed",
        entity="user",
        entity_id=name,
    )
    session.flush()
    if not ok:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        session.add(user)
        session.flush()
    return user


@functools.cache
def _dummy_hash() -> str:
    """A hash of no real password, used only to equalise timing (see authenticate)."""
    return hash_password(secrets.token_hex(16))


def _user_public(user: User) -> dict:
    return {"username": user.username, "role": user.role, "active": user.active}


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise ServiceError(
            f"Vai trò không hợp lệ '{role}' (unknown role; known: {', '.join(ROLES)})"
        )


def _check_new_name(session: Session, username: str) -> str:
    """The canonical new name; ServiceError when taken or looking like a taken one."""
    name = normalise_username(username)
    shape = skeleton(name)
    for other in session.exec(select(User.username)).all():
        if other == name:
            raise ServiceError(f"Người dùng '{name}' đã tồn tại (user already exists)")
        if skeleton(other) == shape:
            raise ServiceError(
                f"Tên '{name}' trông giống người dùng đã có '{other}' "
                f"(user name looks like the existing '{other}')"
            )
    return name


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
    else:
        from catalogue.registry.demo_users import mark_real

        mark_real(session=session)  # a first account made by hand: never a demo database
    _check_role(role)
    name = _check_new_name(session, username)
    check_password(password)
    user = User(
        username=name, role=role, password_hash=hash_password(password), full_name=full_name
    )
    session.add(user)
    session.flush()
    write_audit(
        session=session,
        actor=actor or name,
        action="user.create",
        entity="user",
        entity_id=user.id,
        after=_user_public(user),
    )
    return user


def list_users(*, session: Session, actor: str) -> list[dict]:
    """Every account (admins only): username, full_name, role, active; by name."""
    require(session=session, actor=actor, action="user.manage")
    users = session.exec(select(User).order_by(User.username)).all()
    return [{**_user_public(u), "full_name": u.full_name} for u in users]


def _managed(session: Session, actor: str, username: str) -> tuple[User, dict]:
    require(session=session, actor=actor, action="user.manage")
    user = _find(session, username)
    if user is None:
        raise NotFound(f"Không có người dùng '{username}' (no such user)")
    return user, _user_public(user)


def _keep_an_admin(session: Session, user: User) -> None:
    """Refuse to leave the database without an active admin."""
    admins = session.exec(
        select(func.count()).select_from(User).where(User.role == "admin", User.active)
    ).one()
    if user.role == "admin" and user.active and admins <= 1:
        raise ServiceError(
            "Không thể bỏ quản trị viên cuối cùng đang hoạt động (the last active admin must stay)"
        )


def set_role(*, session: Session, actor: str, username: str, role: str) -> User:
    """Change an account's role (admins only; the last active admin keeps theirs)."""
    _check_role(role)
    user, before = _managed(session, actor, username)
    if role != user.role:
        _keep_an_admin(session, user)
    user.role = role
    session.add(user)
    session.flush()
    write_audit(
        session=session, actor=actor, action="user.role", entity="user", entity_id=user.id,
        before=before, after=_user_public(user),
    )  # fmt: skip
    return user


def set_user_active(*, session: Session, actor: str, username: str, active: bool) -> User:
    """Activate or deactivate an account (admins only; users are never deleted).

    Deactivating revokes the account's sign-in sessions, so it loses access at once.
    """
    from catalogue.registry.sessions import revoke_user_sessions

    user, before = _managed(session, actor, username)
    if not active:
        _keep_an_admin(session, user)
    user.active = active
    session.add(user)
    session.flush()
    if not active:
        revoke_user_sessions(session=session, username=user.username)
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


def _store_password(session: Session, actor: str, user: User, password: str, action: str) -> None:
    check_password(password)
    user.password_hash = hash_password(password)
    session.add(user)
    session.flush()
    write_audit(session=session, actor=actor, action=action, entity="user", entity_id=user.id)


def reset_password(*, session: Session, actor: str, username: str, password: str) -> None:
    """An admin sets another account's password (audited ``user.password_reset``)."""
    user, _ = _managed(session, actor, username)
    _store_password(session, actor, user, password, "user.password_reset")


def change_password(*, session: Session, actor: str, old_password: str, password: str) -> None:
    """A user changes their own password, giving the old one (PermissionDenied if wrong)."""
    user = get_user(session=session, username=actor)
    if not verify_password(old_password, user.password_hash):
        write_audit(
            session=session, actor=user.username, action="auth.failed", entity="user",
            entity_id=user.username,
        )  # fmt: skip
        raise PermissionDenied("Mật khẩu cũ không đúng (the old password is wrong)")
    _store_password(session, user.username, user, password, "user.password")


def set_password(*, session: Session, actor: str, username: str, password: str) -> None:
    """An admin resets ``username``'s password (kept for callers of the old name; a user
    changes their own with :func:`change_password`, which asks for the old one)."""
    reset_password(session=session, actor=actor, username=username, password=password)
