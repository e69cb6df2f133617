"""The signed-in user of this browser session: who, with which role, and signing in."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ui.state import core


def user() -> Any:
    """The signed-in user (as returned by ``catalogue.registry.auth``), or None."""
    return st.session_state.get("user")


def role() -> str | None:
    """The signed-in user's role (reviewer, chair, analyst, admin), or None."""
    current = user()
    if current is None:
        return None
    return current.get("role") if isinstance(current, dict) else getattr(current, "role", None)


def username() -> str | None:
    """The signed-in user's name, or None."""
    current = user()
    if current is None:
        return None
    if isinstance(current, dict):
        return current.get("username")
    return getattr(current, "username", None)


def sign_in(name: str, password: str) -> dict | None:
    """Check a username and password against the users table; the user as a dict or None."""
    from catalogue.registry.auth import authenticate
    from catalogue.registry.db import session_scope

    with session_scope(core.engine()) as session:
        found = authenticate(session=session, username=name, password=password)
        if found is None:
            return None
        return {"username": found.username, "role": found.role, "full_name": found.full_name}
