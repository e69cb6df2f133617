"""User management as the admin page sees it: the accounts, and the services that create,
change, deactivate and reactivate them, each called as the signed-in user in its own
transaction (the services check ``user.manage``)."""

from __future__ import annotations

from typing import Any

from ui.state import core, session


def _call(name: str, /, **kwargs: Any) -> Any:
    from catalogue.registry import auth
    from catalogue.registry.db import session_scope

    with session_scope(core.engine()) as db:
        result = getattr(auth, name)(session=db, actor=session.username(), **kwargs)
        return result if isinstance(result, list) else None


def users() -> list[dict]:
    """Every account: username, full_name, role, active."""
    return _call("list_users")


def create(username: str, role: str, password: str, full_name: str | None) -> None:
    """Create an account."""
    _call("create_user", username=username, role=role, password=password, full_name=full_name)


def set_role(username: str, role: str) -> None:
    """Change an account's role."""
    _call("set_role", username=username, role=role)


def set_active(username: str, active: bool) -> None:
    """Deactivate (its sessions end at once) or reactivate an account."""
    _call("set_user_active", username=username, active=active)


def reset_password(username: str, password: str) -> None:
    """Set another account's password."""
    _call("reset_password", username=username, password=password)
