"""The organisation profile as the admin page sees it (:mod:`catalogue.documents.profile`)."""

from __future__ import annotations

from typing import Any

from ui.state import core, session


def fields() -> dict[str, tuple[str, str, str]]:
    """Each value of the profile: name → (Vietnamese label, English label, example)."""
    from catalogue.documents.profile import PROFILE_FIELDS

    return PROFILE_FIELDS


def list_fields() -> tuple[str, ...]:
    """The values that are lists (one item per line on the page)."""
    from catalogue.documents.profile import LIST_FIELDS

    return LIST_FIELDS


def current() -> dict[str, Any]:
    """The stored values (None or empty when unset)."""
    from catalogue.documents.profile import PROFILE_FIELDS, get_profile
    from catalogue.registry.db import session_scope

    with session_scope(core.engine()) as db:
        profile = get_profile(session=db)
    return {name: getattr(profile, name) for name in PROFILE_FIELDS}


def save(values: dict[str, Any]) -> None:
    """Store the values as the signed-in user (the service refuses anyone but an admin)."""
    from catalogue.documents.profile import set_profile
    from catalogue.registry.db import session_scope

    with session_scope(core.engine()) as db:
        set_profile(session=db, actor=session.username(), **values)
