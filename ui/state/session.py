"""The signed-in user of this browser session: who, with which role, signing in and out,
and the session that survives a refresh.

Signing in opens a signed, expiring session in the database
(:mod:`catalogue.registry.sessions`) whose token rides in the page address (``?s=…``);
the procedure being looked at rides there too (``?id=…``). :func:`restore` runs at the
start of every rerun (``app.py``): it brings the user and the procedure back after F5 or
from a shared link, puts both back in the address after a page switch, and signs the user
out as soon as their token is revoked or expired or their account is deactivated.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from ui.state import core

TOKEN_PARAM = "s"
PROCEDURE_PARAM = "id"


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


def _public(found: Any) -> dict:
    return {"username": found.username, "role": found.role, "full_name": found.full_name}


def sign_in(name: str, password: str) -> dict | None:
    """Check a username and password (audited, limited); the user as a dict or None.

    On success a database session is opened and its token kept in this browser session
    and in the address. Raises :class:`catalogue.registry.auth.SignInLocked` after too
    many failures.
    """
    from catalogue.registry.auth import authenticate
    from catalogue.registry.db import session_scope
    from catalogue.registry.sessions import open_session

    with session_scope(core.engine()) as db:
        found = authenticate(session=db, username=name, password=password)
        if found is None:
            return None
        token = open_session(session=db, username=found.username)
        signed_in = _public(found)
    st.session_state["session_token"] = token
    st.query_params[TOKEN_PARAM] = token
    return signed_in


def sign_out() -> None:
    """Revoke this browser's session token and forget the user."""
    from catalogue.registry.db import session_scope
    from catalogue.registry.sessions import close_session

    token = st.session_state.pop("session_token", None) or st.query_params.get(TOKEN_PARAM)
    with session_scope(core.engine()) as db:
        close_session(session=db, token=token)
    _forget()


def _forget() -> None:
    st.session_state.pop("user", None)
    st.session_state.pop("session_token", None)
    if TOKEN_PARAM in st.query_params:
        del st.query_params[TOKEN_PARAM]


def _still_active(name: str) -> bool:
    from sqlalchemy import select

    from catalogue.registry.models import User

    table = User.__table__
    with core.engine().connect() as conn:
        return bool(conn.execute(select(table.c.active).where(table.c.username == name)).scalar())


def restore() -> None:
    """Bring back the user and the procedure of this browser session (every rerun).

    The token comes from this session or the address; a valid one restores the user
    with their current role; an invalid one (revoked, expired, deactivated account)
    signs out. A user set without a token (tests) must still be an active account.
    """
    from catalogue.registry.db import session_scope
    from catalogue.registry.sessions import session_user

    token = st.session_state.get("session_token") or st.query_params.get(TOKEN_PARAM)
    if token:
        with session_scope(core.engine()) as db:
            found = session_user(session=db, token=token)
            current = None if found is None else _public(found)
        if current is None:
            _forget()
        else:
            st.session_state["user"] = current
            st.session_state["session_token"] = token
            if st.query_params.get(TOKEN_PARAM) != token:
                st.query_params[TOKEN_PARAM] = token
    elif username() is not None and not _still_active(username()):
        _forget()
    _restore_procedure()


def _restore_procedure() -> None:
    """Keep the chosen procedure in the address (a link can be shared; F5 keeps it)."""
    chosen = st.session_state.get("procedure_id")
    if chosen is None:
        raw = st.query_params.get(PROCEDURE_PARAM)
        if raw is not None and str(raw).isdigit():
            st.session_state["procedure_id"] = int(raw)
    elif st.query_params.get(PROCEDURE_PARAM) != str(chosen):
        st.query_params[PROCEDURE_PARAM] = str(chosen)


def is_demo() -> bool:
    """Whether the database was created for the demo (the sign-in page shows its hint)."""
    from catalogue.registry.demo_users import is_demo as service

    return service(core.engine())


def change_password(old_password: str, password: str) -> None:
    """The signed-in user changes their own password, giving the old one."""
    from catalogue.registry.auth import change_password as service
    from catalogue.registry.db import session_scope

    with session_scope(core.engine()) as db:
        service(session=db, actor=username(), old_password=old_password, password=password)
