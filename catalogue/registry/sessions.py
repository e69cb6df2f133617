"""Dashboard sign-in sessions that survive a browser refresh.

A token is ``<random>.<signature>``: 32 random bytes and an HMAC-SHA256 of them with the
database's own secret (kept in ``app_meta``, made at first use), both base64url. The
dashboard keeps it in the page address (``?s=…``) so that F5 or a shared tab restores the
user; the database keeps only its SHA-256, the user, an expiry and a revocation time. A
token is refused when its signature is wrong, it is unknown, expired or revoked, or its
account is no longer active, so signing out or deactivating an account ends its access
at the next interaction.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from catalogue.registry.models import AppMeta, User, UserSession

SESSION_LIFETIME = timedelta(hours=12)
_SECRET_KEY = "session_secret"


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _secret(session: Session) -> bytes:
    row = session.get(AppMeta, _SECRET_KEY)
    if row is None:
        row = AppMeta(key=_SECRET_KEY, value=0, text=secrets.token_hex(32))
        session.add(row)
        session.flush()
    return bytes.fromhex(row.text or "")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _signature(secret: bytes, nonce: str) -> str:
    return _b64(hmac.new(secret, nonce.encode(), hashlib.sha256).digest())


def open_session(*, session: Session, username: str, lifetime: timedelta = SESSION_LIFETIME) -> str:
    """A new signed token for ``username`` (already authenticated), stored as its hash."""
    nonce = _b64(secrets.token_bytes(32))
    token = f"{nonce}.{_signature(_secret(session), nonce)}"
    now = _now()
    session.add(
        UserSession(
            token_hash=_digest(token), username=username, created_at=now, expires_at=now + lifetime
        )
    )
    session.flush()
    return token


def session_user(*, session: Session, token: str | None) -> User | None:
    """The active user a token belongs to, or None (bad signature, unknown, expired,
    revoked, or the account deactivated)."""
    if not token or token.count(".") != 1:
        return None
    nonce, signature = token.split(".")
    if not hmac.compare_digest(signature, _signature(_secret(session), nonce)):
        return None
    found = session.exec(
        select(UserSession).where(UserSession.token_hash == _digest(token))
    ).first()
    if found is None or found.revoked_at is not None or _aware(found.expires_at) <= _now():
        return None
    user = session.exec(select(User).where(User.username == found.username)).first()
    return user if user is not None and user.active else None


def close_session(*, session: Session, token: str | None) -> None:
    """Revoke one token (sign-out); unknown tokens are ignored."""
    if not token:
        return
    found = session.exec(
        select(UserSession).where(UserSession.token_hash == _digest(token))
    ).first()
    if found is not None and found.revoked_at is None:
        found.revoked_at = _now()
        session.add(found)
        session.flush()


def revoke_user_sessions(*, session: Session, username: str) -> int:
    """Revoke every open session of ``username`` (deactivation); how many were open."""
    open_ones = session.exec(
        select(UserSession).where(
            UserSession.username == username, UserSession.revoked_at.is_(None)
        )
    ).all()
    now = _now()
    for row in open_ones:
        row.revoked_at = now
        session.add(row)
    session.flush()
    return len(open_ones)
